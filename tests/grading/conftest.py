"""The county to grade comes from tests/grading_county.py, shared with the page tests."""

from tests.grading_county import county  # noqa: F401
