"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, or refuses it."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """The aiosmtpd handler: every accepted message; ``refuse`` makes DATA answer 554."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 message refused by policy"
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address: str):
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("ONEVOICE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("ONEVOICE_MAIL_FROM", "onevoice@example.com")
    try:
        yield inbox
    finally:
        controller.stop()
