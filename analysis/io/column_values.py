"""What a column's values look like, for the proposal (:mod:`analysis.io.propose`): dates, times of day,
numbers, a patient's characteristic written the same on each of their rows, a few distinct examples."""
from __future__ import annotations

import numpy as np
import pandas as pd


def distinct(values: np.ndarray, k: int = 5) -> list:
    v = values[values != ""]
    return list(pd.unique(v)[:k])


def is_number(values: np.ndarray) -> np.ndarray:
    s = pd.Series(values, dtype=object).str.replace(",", ".", regex=False)
    return pd.to_numeric(s, errors="coerce").notna().to_numpy()


def numbers_but_codes(values: np.ndarray) -> bool:
    """Numbers but for missing-data words and codes (``NA``, REDCap's ``UNK``, ``NASK``): one ``UNK`` among a
    few doses made the dose column a patient characteristic."""
    from .dates import NA_TOKENS
    from .redcap import MISSING_DATA_CODES
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.casefold()
    rest = values[~text.isin(set(NA_TOKENS) | MISSING_DATA_CODES).to_numpy()]
    return len(rest) > 0 and is_number(rest).mean() > 0.9


#: The filled cells of a column that :func:`date_like` reads (its first 5,000).
DATE_SAMPLE = 5000


class DateScreen:
    """For every column of a table at once: how many of the cells :func:`date_like` reads are values,
    and how many of those are written like a date at all (match the date reader's pattern).

    A column whose values are mostly not written like a date cannot be one, whatever the order of day
    and month: :func:`date_like` answers None for it without reading its dates. The test is one
    regular expression over the cells of every column together; reading each column's dates compiled
    the reader's large expression once per column (about 30 ms: 45 s for a 1,500-field REDCap export).
    The cells are trimmed and their spaces collapsed, and the NA tokens are not values, as in
    :func:`analysis.io.dates.detect_date_format`; its dates are a subset of the cells matching the
    pattern, so the answer is the same as reading every column.
    """

    def __init__(self, columns: list[np.ndarray]):
        import pyarrow as pa
        import pyarrow.compute as pc

        from .dates import NA_TOKENS, _DATETIME_RE  # the date reader's own pattern: one definition

        parts = [c[c != ""][:DATE_SAMPLE] for c in columns]
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        self.n_values = np.zeros(len(parts), dtype=np.int64)
        self.n_dates = np.zeros(len(parts), dtype=np.int64)
        if not sizes.sum():
            return
        cells = pa.array(np.concatenate(parts).astype(object), type=pa.string(), from_pandas=True)
        norm = pc.fill_null(pc.replace_substring_regex(pc.utf8_trim_whitespace(cells), r"[\s\p{Z}]+", " "), "")
        value = ~np.asarray(pc.is_in(pc.utf8_lower(norm), value_set=pa.array(NA_TOKENS, type=pa.string())), dtype=bool)
        date = value & np.asarray(pc.match_substring_regex(norm, _DATETIME_RE), dtype=bool)
        column = np.repeat(np.arange(len(parts)), sizes)
        self.n_values = np.bincount(column, weights=value, minlength=len(parts)).astype(np.int64)
        self.n_dates = np.bincount(column, weights=date, minlength=len(parts)).astype(np.int64)

    def counts(self, k: int) -> tuple[int, int]:
        """``(values, written like a date)`` of column ``k``."""
        return int(self.n_values[k]), int(self.n_dates[k])


def date_like(values: np.ndarray, named: bool = False, screen: tuple[int, int] | None = None):
    """The column's date format when its values are dates. A column *named* as a date may hold a few
    bad cells (a typo, "unknown"): they are excluded one by one at loading, with their reason.
    ``screen``: the column's :meth:`DateScreen.counts`, which can tell at once that it holds no dates."""
    from .dates import detect_date_format

    v = values[values != ""]
    if not len(v):
        return None
    share = 0.5 if named else 0.05
    if screen is not None:
        n_values, n_dates = screen
        if not n_dates or n_values - n_dates > share * n_values:
            return None  # too few cells are written like a date: detect_date_format would refuse them too
    fmt = detect_date_format(v[:DATE_SAMPLE])
    if fmt.n_values and fmt.n_unparsed <= share * fmt.n_values and fmt.candidates:
        return fmt
    return None


def time_like(values: np.ndarray, separated: bool = False) -> bool:
    """Times of day, most of them (a bad cell such as 24:00 is excluded at loading, with its reason).
    ``separated``: only clock times with a separator or a unit (09:00, 9h, 9 Uhr), not 0930."""
    from .dates import parse_times

    v = values[values != ""]
    if not len(v):
        return False
    if separated and not pd.Series(v[:2000]).str.contains(r"\d\s*(?::|[hH]|[uU]hr)", regex=True).all():
        return False
    _, missing, bad = parse_times(v[:2000])
    # Numbers are scores, except a column of four-digit 24-hour clock times (0930, 1415) as some
    # EHRs write them: every value exactly four digits that reads as a time (not 12, 36, 1.5).
    lengths = np.char.str_len(v[:2000].astype(str))
    clock = bool((lengths == 4).all() and not bad.any())
    return bool((~bad).mean() > 0.5) and (clock or not is_number(v[:2000]).all())


def constant_within(pid: np.ndarray, values: np.ndarray) -> bool:
    """The same value on every row of (nearly) every patient: a patient characteristic. One patient
    whose rows disagree (a typo) does not make it something else: at loading that patient's value is
    left empty and the rows are listed."""
    m = values != ""
    if not m.any():
        return False
    # distinct (patient, value) pairs counted per patient: a groupby's nunique without its per-call cost
    p, _ = pd.factorize(pid[m])
    v, _ = pd.factorize(values[m])
    keep = p >= 0  # a missing patient id is no group; a missing value (code -1) is no value of its patient
    p, v = p[keep], v[keep] + 1
    if not len(p):
        return False
    base = int(v.max()) + 1
    pairs = np.unique(p * base + v)
    per = np.bincount(pairs // base, weights=(pairs % base) > 0, minlength=int(p.max()) + 1)
    return bool((per <= 1).mean() >= 0.9) if len(per) >= 10 else bool((per <= 1).sum() >= len(per) - 1 and len(per) > 1)
