"""Output formats and the output folder: Atom feeds (feeds), open data (opendata), bitmap
icons (icons), and the only code that touches the output folder (write).

May import: core, index.
"""
