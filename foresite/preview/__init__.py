"""The live preview: the HTTP and reload server, which is handed a rebuild function and
knows no stage (serve), the preview's rebuild that redoes only what a save touched
(rebuild), and the index it keeps current file by file (corpus).

May import: core to build; serve imports core alone.
"""
