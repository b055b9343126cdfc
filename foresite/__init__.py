"""foresite: a static-site generator for horizon scans."""

__version__ = "0.1.0"
