"""Review of annotators' work: agreement figures (no Qt; the store does the SQL)."""

from annotator.review.agreement import AgreementError, Figures, Report, Scope, agreement, from_store

__all__ = ["AgreementError", "Figures", "Report", "Scope", "agreement", "from_store"]
