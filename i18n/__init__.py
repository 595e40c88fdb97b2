"""Translations and the user's language: gettext catalogs managed with Babel.

The bottom layer (no Streamlit): pages, services and the CLI all call ``_()``. The source text
(msgid) is English; ``i18n/locale/<lang>/LC_MESSAGES/messages.po`` holds each language's text and
is compiled in memory on first use, so a catalog can never be stale against a compiled file.
The language of the current run is a context variable; the portal sets it once per rerun from the
signed-in user's choice or the browser (``ui.language``), the CLI and the background sweep set it
per recipient with ``use_language``. Messages are English when nothing has set a language.

Catalog work: ``python -m i18n update`` (extract from the sources, merge into every .po),
``python -m i18n check`` (what ``tests`` check: nothing missing, stale or untranslated).
"""
from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str | None] = ContextVar("onevoice_language", default=None)
_fallback_provider: Callable[[], str | None] | None = None


def normalise_language(value: str | None) -> str | None:
    """'ko-KR', 'ko_KR', 'KO' → 'ko'; anything not supported → None."""
    if not value:
        return None
    code = str(value).strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def set_language(language: str | None) -> None:
    _current.set(normalise_language(language))


def set_fallback_provider(provider: Callable[[], str | None] | None) -> None:
    """Where the language comes from when this thread has not set one (Streamlit callbacks run
    before the script sets it; the UI layer registers a provider reading the session)."""
    global _fallback_provider
    _fallback_provider = provider


def current_language() -> str:
    language = _current.get()
    if language is None and _fallback_provider is not None:
        try:
            language = normalise_language(_fallback_provider())
        except Exception:  # noqa: BLE001 - no session in this thread: use the default
            language = None
    return language or DEFAULT_LANGUAGE


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    token = _current.set(normalise_language(language) or DEFAULT_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=None)
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of a language (English source text is its own translation)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """The text of ``message`` in the current language."""
    return translations(current_language()).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural forms by the language's rule (Korean has one form, English two)."""
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (a module constant, an enum label);
    translate it with ``_()`` where it is shown."""
    return message
