"""The message catalogs are complete: every message the product's sources mark for translation
has a Korean and an English text, no entry is stale, and plural forms follow each language."""
from __future__ import annotations

from i18n import _, ngettext, translations, use_language
from i18n.catalog import check, extract, load


def test_every_marked_message_has_a_current_translation_in_every_language():
    problems = check()
    assert problems == [], "run `python -m i18n update`, then translate:\n" + "\n".join(problems[:50])


def test_catalogs_are_not_empty_and_cover_the_sources():
    assert len([m for m in extract() if m.id]) > 0
    assert len([m for m in load("ko") if m.id]) == len([m for m in extract() if m.id])


def test_korean_has_one_plural_form_and_english_two():
    assert load("ko").num_plurals == 1
    assert load("en").num_plurals == 2


def test_language_is_per_context_and_defaults_to_english():
    assert _("Sign out") == "Sign out"
    with use_language("ko-KR"):
        assert _("Sign out") == "로그아웃"
        with use_language("en"):
            assert _("Sign out") == "Sign out"
        assert _("Sign out") == "로그아웃"
    assert _("Sign out") == "Sign out"


def test_an_unknown_message_falls_back_to_its_source_text():
    with use_language("ko"):
        assert _("no such message in any catalog") == "no such message in any catalog"
        assert ngettext("{n} thing", "{n} things", 2) == "{n} things"
    assert translations("ko") is translations("ko")
