"""``annotator import DB FILE --as-suggestions --suggester NAME``, in the store: the articles
a file brings are imported as any import's are; the spans and relations they carry go to the
suggestion layer (store/suggestions.py) under the suggester's name, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from annotator.core.ids import document_id
from annotator.core.model import KEPT_ONCE, LEFT_OUT, Counted, IncomingDocument
from annotator.core.suggestion_rows import EXISTING, RELATION, SPAN, ReplaceResult
from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.store.importer import ImportSummary


@dataclass
class SuggestionImport:
    """What an import into the suggestion layer did, beside the articles' summary."""

    suggester: str
    summary: ImportSummary
    added: ReplaceResult = field(default_factory=ReplaceResult)

    def parts(self) -> list[str]:
        a = self.added
        parts = [
            f"{a.added_spans} span suggestion(s) and {a.added_links} link suggestion(s) "
            f"by {self.suggester!r} (pending: nothing was added to the annotations)"
        ]
        if a.replaced:
            parts.append(f"{a.replaced} earlier suggestion(s) of {self.suggester!r} replaced")
        if a.rejected_before:
            parts.append(f"{a.rejected_before} left out (rejected before in their article)")
        if a.dropped_links:
            parts.append(f"{a.dropped_links} link(s) left out (an end rejected or not found)")
        return parts


class SuggestionImporter:
    """The import into suggestions: part of ``Store``."""

    def import_suggestions(
        self,
        documents: Iterable[IncomingDocument],
        *,
        suggester: str,
        annotator: str,
        progress: Callable[[int], None] | None = None,
    ) -> SuggestionImport:
        """Import the articles of ``documents`` (without their annotations), then put what
        they carried in the suggestion layer as one run of ``suggester`` per article; labels
        the scheme lacks are added, as an import adds them. All or nothing."""
        documents = list(documents)
        bare = [replace(d, spans=[], relations=[], document_labels=[]) for d in documents]
        with self._one_write():
            summary = self.import_documents(bare, annotator=annotator, progress=progress)
            result = SuggestionImport(suggester, summary)
            for kind, names in ((SPAN, {s.label for d in documents for s in d.spans}),
                                (RELATION, {r.label for d in documents for r in d.relations})):  # fmt: skip
                summary.labels_added += self._add_labels(sorted(names), kind, "import")
            runs: dict[str, Suggestions] = {}
            for doc in documents:
                doc_id = doc.id or document_id(doc.text, doc.source_id)
                run = runs.setdefault(doc_id, Suggestions(suggester))
                _add_run(run, doc, len(runs), summary)
            for doc_id, run in runs.items():
                if run.spans or run.links:
                    done = self.replace_suggestions(doc_id, run)
                    for name in ("added_spans", "added_links", "replaced", "rejected_before",
                                 "dropped_links"):  # fmt: skip
                        setattr(result.added, name,
                                getattr(result.added, name) + getattr(done, name))  # fmt: skip
        return result


def _add_run(run: Suggestions, doc: IncomingDocument, n: int, summary: ImportSummary) -> None:
    """The spans and relations of one record, as suggestions (a record that comes twice
    adds to the same run; keys are made unique per record)."""
    keys: dict[str, str] = {}
    placed = {(s.start, s.end, s.label): s.key for s in run.spans}
    repeats = 0
    for span in doc.spans:
        key = placed.get((span.start, span.end, span.label))
        if key is not None:  # two predictions (models) propose the same span: one suggestion
            repeats += 1
            if span.id is not None:
                keys[str(span.id)] = key
            continue
        key = placed[(span.start, span.end, span.label)] = f"{n}:{len(run.spans)}"
        if span.id is not None:
            keys[str(span.id)] = key
        who = f" ({span.annotator})" if span.annotator else ""
        run.spans.append(SuggestedSpan(key, span.start, span.end, span.label, 1.0,
                                       f"imported from {doc.origin}{who}"))  # fmt: skip
    for relation in doc.relations:
        source = keys.get(str(relation.source), EXISTING + str(relation.source))
        target = keys.get(str(relation.target), EXISTING + str(relation.target))
        who = f" ({relation.annotator})" if relation.annotator else ""
        run.links.append(SuggestedLink(relation.label, source, target, 1.0,
                                       f"imported from {doc.origin}{who}"))  # fmt: skip
    if repeats:
        summary.counted.append(
            Counted(doc.origin, None, KEPT_ONCE, "span suggestion",
                    "proposed again at the same place with the same label", repeats)  # fmt: skip
        )
    if doc.document_labels:
        summary.counted.append(
            Counted(doc.origin, None, LEFT_OUT, "document label",
                    "document labels are not suggestions", len(doc.document_labels))  # fmt: skip
        )
