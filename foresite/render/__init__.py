"""The render stage: the Jinja environment, the one markdown → HTML step and the page
renderer (renderer), and JSON-LD citations (cite).

May import: core, index, foresight, search, output, pages.
"""
