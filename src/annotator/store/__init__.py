"""The only module that speaks SQL."""

from annotator.store.errors import StoreError
from annotator.store.store import ImportSummary, Store

__all__ = ["ImportSummary", "Store", "StoreError"]
