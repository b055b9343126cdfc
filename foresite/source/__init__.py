"""The reading and parsing stages: the only code that touches the content folder (read)
and text → Article for every variant of FORMAT.md, pure (parse).

May import: core.
"""
