"""The search stage: Pagefind indexes, in shards, of the search documents the render
stage wrote (pagefind).

May import: core.
"""
