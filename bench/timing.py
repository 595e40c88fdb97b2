"""Timing helpers: repeated measurements summarised as median / p95 (nearest rank) / min."""
from __future__ import annotations

import math
import statistics
import time
from typing import Callable


def summary(seconds: list[float]) -> dict:
    if not seconds:
        return {"n": 0, "median_ms": None, "p95_ms": None, "min_ms": None}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(p95 * 1000, 3), "min_ms": round(ordered[0] * 1000, 3)}


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)
