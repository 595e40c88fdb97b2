"""User Markdown made safe to show: no raw HTML, no script-capable links.

Campaign notes are written by marketers and read by every rep; Markdown can carry raw HTML
(`<script>`, `<img onerror=…>`) and `javascript:` links. We keep Markdown's formatting but turn
every raw-HTML character into an entity (shown as text) and every link or image whose scheme is
not http, https or mailto into plain text. Streamlit then renders it with HTML disabled as well.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https", "mailto", ""}
_md = MarkdownIt("commonmark").enable("table")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")


def _scheme(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    if cleaned.startswith(("//",)):
        return "http"
    return urlparse(cleaned).scheme


def _neutralise_links(text: str) -> str:
    def repl(m: re.Match) -> str:
        bang, label, url = m.groups()
        if _scheme(url) in SAFE_SCHEMES and not bang:
            return m.group(0)
        if bang and _scheme(url) in ("http", "https"):
            return f"[image: {label or url}]({url})"
        return f"{label} ({url})" if label else url
    return _LINK.sub(repl, text)


def sanitize_markdown(text: str | None) -> str:
    """Markdown with raw HTML shown as text and unsafe links defused. Code spans keep their text."""
    if not text:
        return ""
    out = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)  # fenced code is shown verbatim by the renderer, never as HTML
            continue
        line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if "<" in line else line
        out.append(_neutralise_links(line))
    return "\n".join(out)


def markdown_to_text(text: str | None) -> str:
    """Plain text of a note (for diffs and search)."""
    if not text:
        return ""
    tokens = _md.parse(text)
    parts = [t.content for t in tokens if t.type == "inline"]
    return "\n".join(parts)
