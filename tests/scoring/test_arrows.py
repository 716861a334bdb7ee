"""One ▲/▼ rule for every scale: the arrow follows the number, the word says better or worse."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.scoring.arrows import DOWN, UP, arrow, change_words, marked
from assess.scoring.change import ScaleChange
from assess.scoring.scales import MAS, MRC


@pytest.mark.parametrize(("scale", "before", "after", "shown"), [
    ("mas", "1", "2", "▲ worse"),  # tone up: worse
    ("mas", "3", "1+", "▼ better"),
    ("mrc", "3", "4", "▲ better"),  # stronger: the number up, better
    ("mrc", "4", "3", "▼ worse"),
    ("prom", 95.0, 111.0, "▲ better"),  # the "111° ▼" that meant better: now ▲, the number went up
    ("tardieu_r1", -5.0, -20.0, "▼ worse"),  # a tighter catch: the angle down
    ("tardieu_r2", 10.0, 15.0, ""),  # under 10°: within goniometry error, no arrow
    ("clonus_beats", 2, 6, "▲ worse"),
    ("mas", "2", "2", ""),
])
def test_the_arrow_follows_the_number_and_the_word_judges(scale: str, before: object, after: object,
                                                         shown: str) -> None:
    assert marked(scale, before, after) == shown  # type: ignore[arg-type]


@given(st.sampled_from(MAS.labels), st.sampled_from(MAS.labels), st.sampled_from(MRC.labels),
       st.sampled_from(MRC.labels))
def test_up_is_up_on_every_ordinal_scale(mas_a: str, mas_b: str, mrc_a: str, mrc_b: str) -> None:
    for scale, a, b in ((MAS, mas_a, mas_b), (MRC, mrc_a, mrc_b)):
        expected = "" if a == b else (UP if scale.rank(b) > scale.rank(a) else DOWN)
        assert arrow(scale.code, a, b) == expected


@given(st.floats(-90, 180), st.floats(-90, 180))
def test_an_angle_arrow_is_the_sign_of_its_change_from_ten_degrees(a: float, b: float) -> None:
    shown = arrow("prom", a, b)
    if abs(b - a) < 10:
        assert shown == ""
    else:
        assert shown == (UP if b > a else DOWN)


def test_the_report_column_puts_the_word_first() -> None:
    day = dt.date(2025, 3, 2)
    assert change_words(ScaleChange("prom", 111.0, 95.0, day, "better")) == "better ▲"
    assert change_words(ScaleChange("mas", "2", None, None, "new")) == ""
    assert change_words(ScaleChange("mas", "2", "2", day, "same")) == "same"
