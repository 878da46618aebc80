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


def date_like(values: np.ndarray, named: bool = False):
    """The column's date format when its values are dates. A column *named* as a date may hold a few
    bad cells (a typo, "unknown"): they are excluded one by one at loading, with their reason."""
    from .dates import detect_date_format

    v = values[values != ""]
    if not len(v):
        return None
    fmt = detect_date_format(v[:5000])
    share = 0.5 if named else 0.05
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
    df = pd.DataFrame({"p": pid[m], "v": values[m]})
    per = df.groupby("p")["v"].nunique()
    return bool((per <= 1).mean() >= 0.9) if len(per) >= 10 else bool((per <= 1).sum() >= len(per) - 1 and len(per) > 1)
