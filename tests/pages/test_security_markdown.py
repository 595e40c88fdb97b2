"""Issue 13 item 5: Markdown from data. A remote image planted in an event title or venue, a
campaign, company, contact or account name, a note title or body, or feedback must not reach any
viewer's browser as an image: data text is shown as text, note bodies keep safe Markdown with no
image at all. Checked with a CommonMark parser over everything the pages hand to Streamlit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from markdown_it import MarkdownIt

from models.db import get_engine
from services.markdown_safety import escape_markdown, sanitize_markdown, unsafe_parts
from tests.apptest_support import open_page, registered_titles, signed_in

TRACKER = "https://tracker.example/p.png"
PAYLOADS = [
    f"![t]({TRACKER})",
    f"![a [nested] label]({TRACKER})",
    f"![ref][r1]\n\n[r1]: {TRACKER}",
    f"![ref2]\n\n[ref2]: {TRACKER}",
    f"[![inner]({TRACKER})](https://example.com)",
    f"![t](<{TRACKER}>)",
    f"![t]({TRACKER} \"title\")",
]
_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_parser.validateLink = lambda url: True


def _images(markdown: str) -> list[str]:
    found = []

    def walk(tokens):
        for t in tokens:
            if t.type == "image":
                found.append(t.attrGet("src"))
            if t.children:
                walk(t.children)
    walk(_parser.parse(markdown))
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_note_bodies_keep_formatting_but_no_image_of_any_kind(payload):
    assert _images(payload)                       # the attack is an image to CommonMark
    safe = sanitize_markdown(f"Talking points **now**\n\n{payload}\n\n- one\n- [site](https://example.com)")
    assert _images(safe) == [] and unsafe_parts(safe) == []
    assert "**now**" in safe and "[site](https://example.com)" in safe


@pytest.mark.parametrize("payload", [*PAYLOADS, "**bold** _it_ `code` # h :red[x] $x^2$ <b>x</b> | a |",
                                     "[link](javascript:alert(1))", "line one\n    indented\n1. list"])
def test_data_text_is_shown_as_text(payload):
    escaped = escape_markdown(payload)
    tokens = _parser.parse(escaped)
    kinds = {t.type for t in tokens} | {c.type for t in tokens if t.children for c in t.children}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text", "softbreak", "hardbreak"}, kinds
    text = "".join(c.content for t in tokens if t.children for c in t.children if c.type == "text")
    assert text.replace(" ", "") == payload.replace("\n", "").replace(" ", "")


def _poison(url: str) -> None:
    payload = f"![t]({TRACKER})"
    with get_engine(url).begin() as conn:
        for table, columns in {"event": ["title", "venue"], "campaign": ["name"], "account": ["name"],
                               "lead": ["company", "contact_name"], "campaign_note": ["title"],
                               "feedback": ["body", "answer"], "territory": ["name"],
                               "app_user": ["display_name"]}.items():
            for column in columns:
                conn.execute(sa.text(f'UPDATE "{table}" SET "{column}" = "{column}" || :p '
                                     f'WHERE "{column}" IS NOT NULL'), {"p": " " + payload})
        conn.execute(sa.text("UPDATE campaign_note SET body_md = body_md || :p"),
                     {"p": "\n\n" + "\n\n".join(PAYLOADS)})


PLAIN_ELEMENTS = {"text", "code", "json", "exception"}     # shown verbatim, never as Markdown


def _rendered_markdown(at) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown (bodies, captions, alerts,
    titles, labels), read from the element tree."""
    out = []
    for node in at:                  # AppTest iterates every node of the page, blocks and elements
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) in PLAIN_ELEMENTS:
            proto = None
        for attr in ("body", "label"):
            value = getattr(proto, attr, None) if proto is not None else None
            if isinstance(value, str) and value:
                out.append(value)
    return out


@pytest.fixture
def poisoned(app):
    _poison(app)
    return app


@pytest.mark.parametrize("username", ["minjun.kim", "seoyeon.park", "jiwoo.choi"])
def test_no_page_hands_a_planted_image_to_the_browser(poisoned, username):
    at = signed_in(username)
    seen_payload = False
    for title in sorted(registered_titles(at)):
        at = open_page(at, title)
        assert not at.exception, (title, at.exception)
        texts = _rendered_markdown(at)
        seen_payload = seen_payload or any("tracker" in t for t in texts)
        offenders = [t for t in texts if _images(t)]
        assert offenders == [], (username, title, offenders[:3])
    assert seen_payload          # the planted text was shown somewhere (as text)
