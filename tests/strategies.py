"""Hypothesis strategies for civicvol's inputs, each good or bad on purpose.

Every ``*_input`` strategy draws ``(value, valid)``: the value to type in, and whether the
domain's written rules (domain.md, the error messages) say it must be accepted.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

MAX_NAME = 60

valid_names = st.text(alphabet=st.sampled_from("李王张赵师傅阿姨小明红帽 ab"), min_size=1,
                      max_size=12).filter(lambda s: bool(s.strip()))
invalid_names = st.sampled_from(["", "   ", "李" * (MAX_NAME + 1)])

valid_phones = st.one_of(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
                         st.from_regex(r"0[0-9]{2,3}-[0-9]{7,8}", fullmatch=True))
invalid_phones = st.sampled_from(["", "12345", "12800138000", "138001380001", "电话号码",
                                  "1380013800a"])

valid_hours = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(24), places=2)
invalid_hours = st.sampled_from(["0", "-1", "24.01", "abc", "1.234", "NaN", "Infinity", ""])

stars = st.integers(min_value=-1, max_value=7)
point_amounts = st.one_of(st.integers(min_value=-5, max_value=300), st.just(100_001))
entry_ids = st.integers(min_value=1, max_value=8).map(lambda n: f"E{n}")
reasons = st.sampled_from(["人手不够", "临时有事", "争议", " "])


def mostly_valid(valid: st.SearchStrategy[str],
                 invalid: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, bool]]:
    """Good input four times in five, so that sequences get far enough to matter."""
    return st.integers(min_value=0, max_value=4).flatmap(
        lambda n: invalid.map(lambda v: (v, False)) if n == 0
        else valid.map(lambda v: (v, True)))


def name_input() -> st.SearchStrategy[tuple[str, bool]]:
    return mostly_valid(valid_names, invalid_names)


def phone_input() -> st.SearchStrategy[tuple[str, bool]]:
    return mostly_valid(valid_phones, invalid_phones)


def hours_input() -> st.SearchStrategy[tuple[str, bool]]:
    return mostly_valid(valid_hours.map(str), invalid_hours)


def points_for(hours: str, per_hour: int = 10) -> int:
    """The written scheme: points per hour, rounded half up to whole points."""
    return int((Decimal(hours) * per_hour).quantize(Decimal(1), rounding=ROUND_HALF_UP))
