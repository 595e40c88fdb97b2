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


def _fields(text: str) -> set[str]:
    import string

    return {name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_translation_keeps_the_placeholders_of_its_source_text():
    problems = []
    for language in ("ko", "en"):
        for message in load(language):
            if not message.id:
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            texts = [message.string] if isinstance(message.string, str) else list(message.string)
            wanted = set().union(*(_fields(i) for i in ids))
            for text in texts:
                if text and _fields(text) != wanted:
                    problems.append(f"{language}: {ids[0]!r}: {sorted(_fields(text))} != {sorted(wanted)}")
    assert problems == [], "\n".join(problems)


def test_plural_messages_read_right_in_both_languages():
    with use_language("en"):
        assert ngettext("{n} open deal", "{n} open deals", 1).format(n=1) == "1 open deal"
        assert ngettext("{n} open deal", "{n} open deals", 3).format(n=3) == "3 open deals"
    with use_language("ko"):
        assert ngettext("{n} open deal", "{n} open deals", 1).format(n=1) == "진행 중인 거래 1건"
        assert ngettext("{n} open deal", "{n} open deals", 3).format(n=3) == "진행 중인 거래 3건"
