"""The render stage: the Jinja environment, the one markdown → HTML step and the page
renderer (renderer), JSON-LD citations (cite), the theme's folders,
overrides and template checks (theme).

May import: core, source, index, foresight, search, output, pages.
"""
