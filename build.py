"""Build the site: `python build.py --help` lists the options."""

from foresite.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
