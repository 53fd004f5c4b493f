"""The words for an article's progress, a reviewer's verdict and whose annotations are meant,
spelled once: the store checks them, the command line offers them, the window shows them.

Articles are *documents* and links are *relations* in the code and the data (README,
"Development", has the glossary); these are the values those records carry.
"""

from __future__ import annotations

# An annotator's progress on an article (table document_status; export --status).
TODO, IN_PROGRESS, DONE = "todo", "in_progress", "done"
STATUSES = (TODO, IN_PROGRESS, DONE)
STATUS_TEXT = {TODO: "To do", IN_PROGRESS: "In progress", DONE: "Done"}

# A reviewer's verdict on an annotator's span or relation (table decisions).
ACCEPTED, REJECTED, EDITED = "accepted", "rejected", "edited"
VERDICTS = (ACCEPTED, REJECTED, EDITED)

# Whose annotations are meant. export --layer takes the first three and "suggestions" (the
# pending suggestions, which are nobody's data: formats/suggestion_export.py); the window's
# View menu shows all, mine or gold ("mine": the command line says --annotator NAME).
ALL, ANNOTATORS, GOLD_LAYER, MINE = "all", "annotators", "gold", "mine"
SUGGESTIONS_LAYER = "suggestions"
EXPORT_LAYERS = (ALL, ANNOTATORS, GOLD_LAYER, SUGGESTIONS_LAYER)
VIEW_LAYERS = {
    ALL: "&All annotations",
    MINE: "Only &mine",
    GOLD_LAYER: "Only the &gold layer (read-only)",
}
