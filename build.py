"""Build the site: `python build.py --help` lists the options."""

from foresite.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
