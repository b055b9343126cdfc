"""The vocabulary every stage shares: located problems (errors), text folding and slugs (text),
language guessing (language), the frozen content model and the one table of
a row's columns (model.ROW_COLUMNS), the settings of site.yml
(config) and the one place that decides URLs and output paths (urls).

May import: nothing of foresite outside core (model imports text, urls imports model).
"""
