"""escmatrix: a cross-functional escalation matrix kept as code in git."""

__version__ = "0.1.0"
