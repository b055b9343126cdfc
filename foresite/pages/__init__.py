"""Every page of the site as (URL, template, context), one builder per page kind: articles,
rows, listings, tags and the rest (plan), trends and insights (foresight_pages), and
each article's shared rows file (rowlists). Every kind's context, and their closed
union PageContext, are in contexts.

May import: core, index, foresight, output.
"""
