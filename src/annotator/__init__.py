"""Annotator: annotate claims, quotes and actors in news articles."""

# The one place the version is written; pyproject.toml reads it from here (hatch). Read at
# start-up without importlib.metadata, which costs a noticeable part of a start.
__version__ = "0.1.0"
