"""The build: the stage order, written down once (pipeline), the process machinery it
schedules work on (processes), and the files a published site needs beside its pages
(site_files).

May import: every stage below it: core to render.
"""
