"""Catalog maintenance with Babel: ``python -m i18n update`` and ``python -m i18n check``."""
from __future__ import annotations

import sys

import json

from i18n.catalog import check, fill, untranslated, update


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        problems = check()
        for line in problems:
            print(line)
        print("catalogs updated" + (f"; {len(problems)} entries still need a translation" if problems else ""))
        return 0
    if argv[:1] == ["check"]:
        problems = check()
        for line in problems:
            print(line)
        print("catalogs complete" if not problems else f"{len(problems)} problems")
        return 1 if problems else 0
    if argv[:1] == ["todo"]:
        # The Korean entries still without text, as a JSON object to fill in and pass to `fill`.
        print(json.dumps({(m if isinstance(m, str) else m[0]): "" for m in untranslated("ko")},
                         ensure_ascii=False, indent=1))
        return 0
    if argv[:1] == ["fill"] and len(argv) == 2:
        with open(argv[1], encoding="utf-8") as handle:
            texts = json.load(handle)
        print(f"{fill('ko', texts)} entries translated")
        return 0
    print("usage: python -m i18n update|check|todo|fill FILE.json  (fill: ko translations, msgid → text)",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
