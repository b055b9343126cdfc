"""The command line: `foresite [build|serve|new|check|init]` (main), the options every
command shares (options), the editors' commands (commands), `check` (check), `new`
(scaffold) and `init` (init).

May import: everything below it.
"""
