"""Finding a territory by what people write: its code, its name, either half of a bilingual name
("Seoul 서울"), or the official Korean forms of a region (서울특별시, 서울시, 경기도, 부산광역시…).

Used wherever a territory is typed rather than picked (lead imports, forms); ``accepted`` lists
what a file may say, for the message when a value matches nothing.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from models.tables import Territory

# Official and everyday Korean names of the regions → the short name people use (and the demo's
# territories carry). English spellings are matched through the territories' own names.
KOREAN_REGION_ALIASES = {
    "서울특별시": "서울", "서울시": "서울", "경기도": "경기", "부산광역시": "부산", "부산시": "부산",
    "대구광역시": "대구", "대구시": "대구", "광주광역시": "광주", "광주시": "광주", "대전광역시": "대전",
    "대전시": "대전", "인천광역시": "인천", "인천시": "인천", "울산광역시": "울산", "울산시": "울산",
    "세종특별자치시": "세종", "세종시": "세종", "강원도": "강원", "강원특별자치도": "강원", "충청북도": "충북",
    "충청남도": "충남", "전라북도": "전북", "전북특별자치도": "전북", "전라남도": "전남", "경상북도": "경북",
    "경상남도": "경남", "제주특별자치도": "제주", "제주도": "제주",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


class TerritoryIndex:
    """Territory id by code, name, or a word of the name, case-insensitively (a word shared by two
    territories' names is ambiguous and not used)."""

    def __init__(self, *, session: Session):
        self.by_key: dict[str, int] = {}
        self.rows: list[tuple[int, str, str]] = []
        words: dict[str, set[int]] = {}
        for tid, code, name in session.execute(select(Territory.id, Territory.code, Territory.name)).all():
            self.rows.append((tid, code, name))
            self.by_key.setdefault(_norm(code), tid)
            self.by_key.setdefault(_norm(name), tid)
            for word in _norm(name).replace("/", " ").replace("(", " ").replace(")", " ").split():
                words.setdefault(word, set()).add(tid)
        for word, ids in words.items():
            if len(ids) == 1:
                self.by_key.setdefault(word, next(iter(ids)))

    def find(self, text: str) -> int | None:
        key = _norm(text)
        if key in self.by_key:
            return self.by_key[key]
        short = KOREAN_REGION_ALIASES.get(key.replace(" ", ""))
        return self.by_key.get(short) if short else None

    def accepted(self, limit: int = 12) -> str:
        """'SEL (Seoul 서울), GGD (Gyeonggi 경기), …' — for the message of an unknown value."""
        shown = [f"{code} ({name})" for _tid, code, name in sorted(self.rows, key=lambda r: r[1])[:limit]]
        more = len(self.rows) - len(shown)
        return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")
