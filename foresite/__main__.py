"""`python -m foresite …`: the same as the `foresite` command."""

from foresite.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
