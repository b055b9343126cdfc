"""The index stage: what needs every article at once: tags, cross-links, the same row
seen again across articles, orderings and the checks that compare articles (site_index).

May import: core.
"""
