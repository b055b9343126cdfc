"""The live preview: the HTTP and reload server, which is handed a rebuild function and
knows no stage (serve), the preview's rebuild that redoes only what a save touched
(rebuild), the index it keeps current file by file (corpus), and the process that
watches the files (watcher).

May import: core to build; serve imports core and watcher alone; watcher imports nothing
of foresite's (it runs as a small process of its own).
"""
