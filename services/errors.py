"""Moved to ``models.errors`` (the bottom layer); import from there. Kept only so that code
written against the old path keeps working while it is changed."""
from models.errors import AccessDenied, NotFound, StaleEdit, ValidationFailed  # noqa: F401
