"""Fixtures of the service tests."""
from tests.smtp_support import smtp_server  # noqa: F401  (a real local SMTP server, see that module)
