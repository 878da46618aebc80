"""A date that fails only by its year (``12/03/1024`` for 12/03/2024): said so, not "not a date".

A clinic types a year with one wrong digit; the date then does not read (dates are read for the years
1678-2261, what nanoseconds since 1970 hold) and the load report said only that it "is not a date in the DMY
format", which sends the reader looking for a wrong order of day and month. A cell that reads as a date in
the column's order once its year is replaced by a plausible one is excluded as a year out of range, with the
year written. docs/data-format.md ("Dates") lists the reason.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The year of a date written with separators: first (year-first) or last (day- or month-first); a time may follow.
_YEAR_FIRST = r"^\s*(?P<y>\d{4})(?P<rest>[-/.]\d{1,2}[-/.]\d{1,2}(?:[T\s].*)?)$"
_YEAR_LAST = r"^(?P<head>\s*\d{1,2}[-/.]\d{1,2}[-/.])(?P<y>\d{4})(?P<rest>(?:[T\s].*)?)$"
R_YEAR = "{col}: the year {year} is out of range (a typo? dates are read for the years 1678-2261)"
_SPLIT = "\0"


def year_reasons(values: np.ndarray, bad: np.ndarray, order: str, column: str) -> np.ndarray:
    """The reason of each ``bad`` cell of a date column that reads in ``order`` once its year is made 2000
    (""  elsewhere)."""
    from .dates import parse_datetimes

    out = np.full(len(values), "", dtype=object)
    idx = np.flatnonzero(bad)
    if not len(idx):
        return out
    text = pd.Series(values[idx], dtype=object).fillna("").astype(str)
    first = text.str.extract(_YEAR_FIRST)
    last = text.str.extract(_YEAR_LAST)
    at_start = first["y"].notna()
    year = first["y"].where(at_start, last["y"])
    fixed = ("2000" + first["rest"].astype(object)).where(at_start, last["head"] + "2000" + last["rest"].astype(object))
    found = year.notna().to_numpy()
    if not found.any():
        return out
    _, missing, still_bad, _ = parse_datetimes(fixed[found].to_numpy(dtype=object), order)
    y = year[found].astype(int).to_numpy()
    typo = ~np.asarray(missing, dtype=bool) & ~np.asarray(still_bad, dtype=bool) & ((y < 1678) | (y > 2261))
    where = idx[found][typo]
    head, tail = R_YEAR.format(col=column, year=_SPLIT).split(_SPLIT)
    out[where] = (head + pd.Series(y[typo]).astype(str) + tail).to_numpy(dtype=object)
    return out
