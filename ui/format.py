"""Display formatting shared by pages: money, times in the company zone, durations."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from models.timefmt import fmt_local


def money(amount: Decimal | int | float | None, currency: str = "KRW") -> str:
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if currency in ("KRW", "JPY"):
        return f"₩{amount:,.0f}" if currency == "KRW" else f"¥{amount:,.0f}"
    return f"{amount:,.2f} {currency}"


def short_money(amount: Decimal | int | float | None, currency: str = "KRW") -> str:
    """₩1.2B / ₩350M for tiles."""
    if amount is None:
        return "—"
    value = float(amount)
    sign = "₩" if currency == "KRW" else ""
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= threshold:
            return f"{sign}{value / threshold:,.1f}{suffix}" + ("" if sign else f" {currency}")
    return money(amount, currency)


def when(moment: datetime | None, tz) -> str:
    return fmt_local(moment, tz)


def pct(ratio) -> str:
    return "—" if ratio is None else f"{float(ratio) * 100:.1f}%"
