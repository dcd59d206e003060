"""Claim checks: one test per qualitative sentence of the course (see conftest.py)."""
