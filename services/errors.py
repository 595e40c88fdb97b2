"""Errors a person can act on; their messages are shown as they are."""
from queries.scope import AccessDenied  # noqa: F401  (re-exported: services raise it too)


class ValidationFailed(ValueError):
    """Input that breaks a rule; ``problems`` lists every one (field: what is wrong)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class StaleEdit(RuntimeError):
    """Someone else changed the record since it was loaded."""


class NotFound(LookupError):
    pass
