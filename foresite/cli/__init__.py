"""The command line: `foresite [build|serve|new|check|init]` (main), the options every
command shares (options), the editors' commands (commands), `check` (check) and `new`
(scaffold).

May import: everything below it.
"""
