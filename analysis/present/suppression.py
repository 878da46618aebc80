"""Small-cell suppression of what is exported and shown.

The page hides a small group (:func:`analysis.views.suppress`); the export keeps the row and blanks
its statistics (:func:`suppress_small_cells`), so a reader sees *that* a cell exists but not its
value. Both count patients against ``Definitions.min_cell_size``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import views

#: Columns blanked in a suppressed row (statistics and counts; group and descriptor columns stay).
SUPPRESSED_COLUMNS = (
    "estimate", "ci_low", "ci_high", "n", "n_patients", "successes", "std_err", "at_risk", "events", "censored",
    "share", "total", "percent", "median", "q1", "q3", "mean", "sd", "display", "p_value", "chi2",
    "group_patients", "patients", "episodes", "episodes_used", "episodes_excluded",
)


def suppress_small_cells(table: pd.DataFrame, min_cell_size: int, columns=None) -> pd.DataFrame:
    """Blank the statistics of rows counting fewer than ``min_cell_size`` patients.

    Parameters
    ----------
    table : DataFrame
        A tidy result (group columns, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ...).
    min_cell_size : int
        Minimum number of patients (``Definitions.min_cell_size``).
    columns : sequence of str, optional
        Count columns that must all be >= ``min_cell_size``. Default: ``n_patients`` where the
        table has it, otherwise ``n``. A missing (NaN) count counts as too small.

    Returns
    -------
    DataFrame
        A copy with two more columns: ``suppressed`` (bool) and ``suppression_note`` (text, '' when
        shown). In suppressed rows every column of :data:`SUPPRESSED_COLUMNS` present is set to
        missing; group and descriptor columns (week, threshold, method, ...) are kept so the reader
        sees *that* a cell exists but not its value.

    Notes
    -----
    Rows whose count is 0 are suppressed too (their statistics are undefined anyway). The input
    is not modified.
    """
    m = int(min_cell_size)
    if m < 1:
        raise ValueError(f"min_cell_size must be >= 1, got {min_cell_size}")
    out = table.copy()
    if columns is None:
        columns = ["n_patients"] if "n_patients" in out.columns else (["n"] if "n" in out.columns else [])
    columns = [c for c in columns if c in out.columns]
    small = np.zeros(len(out), dtype=bool)
    for c in columns:
        small |= ~(pd.to_numeric(out[c], errors="coerce").fillna(-1).to_numpy() >= m)
    for c in SUPPRESSED_COLUMNS:
        if c in out.columns and small.any():
            if pd.api.types.is_integer_dtype(out[c]):
                out[c] = out[c].astype("Int64")
                out.loc[small, c] = pd.NA
            elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
                out[c] = out[c].astype(float)
                out.loc[small, c] = np.nan
            else:
                out[c] = out[c].astype(object)
                out.loc[small, c] = None
    out["suppressed"] = small
    out["suppression_note"] = np.where(small, f"fewer than {m} patients: not shown", "")
    return out


def with_group_patients(table: pd.DataFrame, by, sizes: pd.DataFrame) -> pd.DataFrame:
    """Add ``group_patients`` (patients in the row's group) from :func:`analysis.views.group_sizes`."""
    by = list(by)
    t = table.copy()
    if not len(t):
        t["group_patients"] = pd.Series(dtype=float)
        return t
    if by:
        lab = views.group_labels(t, by).to_numpy()
        t["group_patients"] = pd.Series(lab).map(dict(zip(sizes["label"].astype(str), sizes["patients"]))).to_numpy()
    else:
        t["group_patients"] = int(sizes["patients"].iloc[0]) if len(sizes) else 0
    return t


def suppressed_table(table, by, sizes, m: int, cell: bool = True, extra=()) -> pd.DataFrame:
    """``table`` with ``group_patients`` and the rows of small groups (and, with ``cell``, small cells) blanked."""
    t = with_group_patients(table, by, sizes)
    cols = ["group_patients"] + (["n_patients"] if cell and "n_patients" in t.columns else []) + list(extra)
    return suppress_small_cells(t, m, columns=cols)


def km_curves_table(res, by, sizes, m: int) -> pd.DataFrame:
    """The Kaplan-Meier curves of a ``SurvivalByGroup`` with each group's patients, small groups blanked."""
    cur = res.curves()
    if len(cur):
        cur = cur.assign(n_patients=[res._n_patients(tuple(k) if isinstance(k, tuple) else (k,)) for k in (
            cur[list(by)].itertuples(index=False, name=None) if by else [()] * len(cur))])
    return suppressed_table(cur, by, sizes, m)
