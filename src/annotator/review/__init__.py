"""Review of annotators' work: agreement figures and the comparison that adjudication walks
(no Qt; the store does the SQL)."""

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
