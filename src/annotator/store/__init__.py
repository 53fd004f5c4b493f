"""The only module that speaks SQL."""

from annotator.store.errors import StoreError
from annotator.store.importer import ImportSummary
from annotator.store.store import Store

__all__ = ["ImportSummary", "Store", "StoreError"]
