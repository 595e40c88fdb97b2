"""Extract the portal's messages with Babel and compare them with the catalogs.

``extract()`` reads every ``_()``, ``N_()``, ``ngettext()`` and ``pgettext()`` call in the
product's Python sources (not tests, benchmarks or migrations). ``update()`` merges the result
into each language's .po (new entries empty, obsolete ones dropped). ``check()`` lists what a
user would see untranslated: a message missing from a catalog, an entry no source uses any more,
a Korean entry without text, a plural entry without all its forms.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
SOURCE_DIRS = ("app.py", "pages", "ui", "services", "queries", "models", "cli", "i18n", "manage.py")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _wanted(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return any(rel == d or rel.startswith(d + "/") for d in SOURCE_DIRS)


def extract() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="OneVoice", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
        directory_filter=lambda d: Path(d).name not in {".venv", "venv", "tests", "bench", "migrations",
                                                        ".git", "__pycache__", "data", "docs"},
    ):
        if not _wanted(ROOT / filename):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="OneVoice")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = load(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == "en":
            # English is the source text; its catalog exists for plural forms and completeness.
            for message in catalog:
                if message.id and not _has_text(message):
                    message.string = message.id
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, sort_output=True, width=100,
                     include_lineno=False)


def _has_text(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def _key(message) -> tuple:
    mid = message.id if isinstance(message.id, str) else tuple(message.id)
    return (message.context, mid)


def check() -> list[str]:
    template = extract()
    wanted = {_key(m) for m in template if m.id}
    problems: list[str] = []
    for language in LANGUAGES:
        catalog = load(language)
        have = {_key(m): m for m in catalog if m.id}
        for key in sorted(wanted - have.keys(), key=str):
            problems.append(f"{language}: missing: {key[1]!r}")
        for key in sorted(have.keys() - wanted, key=str):
            problems.append(f"{language}: stale (no source uses it): {key[1]!r}")
        for key in sorted(wanted & have.keys(), key=str):
            message = have[key]
            if message.fuzzy or not _has_text(message):
                problems.append(f"{language}: untranslated: {key[1]!r}")
    return problems


def untranslated(language: str = "ko") -> list[str | tuple[str, str]]:
    """The entries of a language still without text (what ``python -m i18n todo`` prints)."""
    return [m.id for m in load(language) if m.id and (m.fuzzy or not _has_text(m))]


def fill(language: str, texts: dict[str, str | list[str]]) -> int:
    """Set translations from a mapping msgid → text (plural entries: the singular msgid → a list of
    forms, or one text for every form). Returns how many entries changed."""
    catalog = load(language)
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key not in texts:
            continue
        text = texts[key]
        if isinstance(message.id, (list, tuple)):
            forms = text if isinstance(text, list) else [text] * catalog.num_plurals
            message.string = tuple(forms)
        else:
            message.string = text if isinstance(text, str) else text[0]
        message.flags.discard("fuzzy")
        changed += 1
    with po_path(language).open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100, include_lineno=False)
    return changed
