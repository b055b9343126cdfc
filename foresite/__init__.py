"""foresite: a static-site generator for horizon scans."""

__version__ = "0.2.0"
"""The one place the version is written: pyproject.toml reads it, CHANGELOG.md tells what each changed."""
