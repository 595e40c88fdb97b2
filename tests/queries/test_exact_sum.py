"""queries.kpis.exact.exact_sum: the pairwise sum of Fractions is the ordinary exact sum."""
import random
from fractions import Fraction

import pytest

from queries.kpis.exact import exact_sum


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 1087])
def test_the_pairwise_sum_is_the_exact_sum(n):
    rng = random.Random(n)
    terms = [Fraction(rng.randrange(-10**12, 10**12), rng.randrange(1, 10**13)) for _ in range(n)]
    assert exact_sum(terms) == sum(terms, Fraction(0))
    assert exact_sum(iter(terms)) == sum(terms, Fraction(0))     # any iterable, consumed once
    assert isinstance(exact_sum(terms), Fraction)


def test_integers_and_decimals_are_taken_exactly():
    from decimal import Decimal
    assert exact_sum([1, Decimal("0.1"), Fraction(1, 3)]) == Fraction(1) + Fraction(1, 10) + Fraction(1, 3)
