"""The errors a person can act on, for every layer (the bottom layer: queries and services raise
them, ui.actions and the CLI show them). Their messages are shown as they are."""
from __future__ import annotations


class AccessDenied(PermissionError):
    """The viewer may not see or change this record; the message is safe to show."""


class ValidationFailed(ValueError):
    """Input that breaks a rule; ``problems`` lists every one (field: what is wrong)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class StaleEdit(RuntimeError):
    """Someone else changed the record since it was loaded."""


class NotFound(LookupError):
    pass


class ConfigurationError(RuntimeError):
    """The process is set up wrongly (a bad setting, a too-short cookie key); shown at start."""
