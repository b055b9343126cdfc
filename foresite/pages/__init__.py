"""Every page of the site as (URL, template, context), one builder per page kind: articles,
rows, listings, tags and the rest (plan), trends and insights (foresight_pages), and
each article's shared rows file (rowlists).

May import: core, index, foresight, output.
"""
