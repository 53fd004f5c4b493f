"""The store: one class, :class:`Store`, through which every SQL statement goes.

Its body lives in the modules of its parts, one job each:

- ``opening.py``: open, create, migrate (``Store.open``, ``open_readonly``, ``memory``);
- ``transactions.py``: the connection, write transactions, closing;
- ``labels.py``: the labelling scheme;
- ``documents.py``: the document list, documents and their statuses;
- ``annotations.py``: spans and relations, and the edits made to them one at a time;
- ``document_labels.py``: labels of a whole article, per annotator;
- ``importer.py``: the bulk importer (``import_documents``);
- ``integrity.py``: the checks (``verify``);
- ``adjudication.py``: verdicts and the gold layer;
- ``versions.py``: the versions received for review and the verdicts they put in doubt;
- ``syncing.py``: what syncing with a team hub keeps in the file;
- ``suggestions.py``: the suggestion layer (proposed spans and links, rejections, provenance);
- ``suggestion_import.py``: a file's annotations imported as suggestions.

``rows.py`` holds the rows and column lists they share; ``errors.py`` the errors and the
``reads`` wrapper that turns a damaged file's SQLite error into a StoreError.
"""

from __future__ import annotations

from annotator.store.adjudication import Adjudication
from annotator.store.adjudication_undo import AdjudicationHistory
from annotator.store.annotations import Annotations
from annotator.store.document_labels import DocumentLabels
from annotator.store.documents import Documents
from annotator.store.importer import Importer
from annotator.store.integrity import Integrity
from annotator.store.labels import Labels
from annotator.store.opening import Opening
from annotator.store.suggestion_import import SuggestionImporter
from annotator.store.suggestions import SuggestionLayer
from annotator.store.syncing import Syncing
from annotator.store.transactions import Transactions
from annotator.store.versions import Versions


class Store(
    Opening, Importer, Integrity, Adjudication, AdjudicationHistory, Annotations,
    DocumentLabels, Documents, Labels, Versions, Syncing, SuggestionLayer,
    SuggestionImporter, Transactions,
):
    """An Annotator database. Open with :meth:`open`, :meth:`open_readonly` or :meth:`memory`."""
