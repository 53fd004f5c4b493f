"""Review of annotators' work (no Qt; the store does the SQL): agreement figures
(``agreement``), the comparison that adjudication walks (``compare``), what each review key
covers (``rules``), what a lane says of a group (``lanes``), and the one place a verdict is
applied, spans then the links that follow them (``verdicts``)."""

from annotator.review.agreement import AgreementError, Figures, Report, Scope, agreement, from_store
from annotator.review.compare import Group, groups, next_disagreement

__all__ = [
    "AgreementError",
    "Figures",
    "Group",
    "Report",
    "Scope",
    "agreement",
    "from_store",
    "groups",
    "next_disagreement",
]
