"""Instructor kit: ``make assign`` and ``make grade`` with otter-grader (issue 12)."""
