"""Text shown through Streamlit's Markdown, made safe.

Two kinds of text reach ``st.markdown``, ``st.caption``, ``st.info``, labels and the like:

- **Text from data** (event titles and venues, campaign, company, contact and account names,
  note titles, feedback, messages quoting what someone typed): shown as text. ``escape_markdown``
  backslash-escapes every character Markdown (and Streamlit's extensions: colours, icons, LaTeX)
  gives a meaning to, so ``![x](https://tracker.example/p.png)`` is shown, not fetched.
- **Campaign note bodies** (Markdown written by marketers): ``sanitize_markdown`` keeps the
  formatting but no raw HTML, no image of any kind (inline, nested-bracket, reference-style: a
  remote image makes every reader's browser call an outside server), and no link whose scheme is
  not http, https or mailto. The result is then parsed with markdown-it (CommonMark, as
  Streamlit's renderer): if the parser still finds an image, raw HTML or an unsafe link, the
  whole body is shown as escaped text instead. The parser, not a pattern, has the last word.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https", "mailto", ""}
_md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# The check must see every link a renderer might make, even those markdown-it would itself drop.
_md.validateLink = lambda url: True
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
# Characters that start Markdown syntax anywhere in a line (emphasis, code, links and images,
# raw HTML, tables, strikethrough, Streamlit's ":red[…]" and "$…$" LaTeX) are backslash-escaped;
# so is a character that would start a block at the beginning of a line (heading, list, quote).
# Other punctuation ("-", ".", ":" …) stays as it is, so messages read the same in tests and logs.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>!|~$])")
_MD_LINE_START = re.compile(r"^([#>+=-])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_markdown(value) -> str:
    """Any value as Markdown that renders exactly as its text (no formatting, link or image)."""
    if value is None:
        return ""
    lines = []
    for line in _MD_INLINE.sub(r"\\\1", str(value)).splitlines() or [""]:
        line = line.lstrip()                      # leading spaces cannot start a code block
        line = _MD_ORDERED.sub(r"\1\\\2", _MD_LINE_START.sub(r"\\\1", line))
        lines.append(line)
    return "  \n".join(lines)                    # a line break stays a line break


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
        return f"{label} ({url})" if label else url
    return _LINK.sub(repl, text)


def _unsafe_tokens(tokens) -> list[str]:
    """What a CommonMark parser finds in ``tokens`` that must not reach a browser."""
    found = []
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            found.append(token.type)
        if token.type == "image":
            found.append(f"image {token.attrGet('src')}")
        if token.type == "link_open" and _scheme(str(token.attrGet("href") or "")) not in SAFE_SCHEMES:
            found.append(f"link {token.attrGet('href')}")
        if token.children:
            found.extend(_unsafe_tokens(token.children))
    return found


def unsafe_parts(markdown: str) -> list[str]:
    """Images, raw HTML and unsafe links in ``markdown``, as CommonMark parses it."""
    return _unsafe_tokens(_md.parse(markdown or ""))


def sanitize_markdown(text: str | None) -> str:
    """Markdown with raw HTML shown as text, every image shown as text and unsafe links defused.
    Code keeps its text. Verified by the parser; anything it still objects to is shown escaped."""
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
        line = _neutralise_links(line)
        # An image always starts with "![": escaping its bracket leaves the text, never an image
        # (inline, nested brackets or reference-style alike).
        line = line.replace("![", "!\\[")
        out.append(line)
    result = "\n".join(out)
    if unsafe_parts(result):
        return escape_markdown(text)
    return result


def markdown_to_text(text: str | None) -> str:
    """Plain text of a note (for diffs and search)."""
    if not text:
        return ""
    tokens = _md.parse(text)
    parts = [t.content for t in tokens if t.type == "inline"]
    return "\n".join(parts)
