"""A table saved without its header row: its first line is data, read as the column names.

SQL Server Management Studio's "Save Results As" writes a CSV without the column names unless its option
says otherwise (Tools > Options > Query Results > SQL Server > Results to Grid > "Include column headers when
copying or saving the results"); other query tools and scripts do the same. Read as it is, the first record
names the columns (``'760717355' -> measure 760717355``, ``'mg' -> dose``) and the proposal only said that no
column looks like the patient id. A first line looks like data when most of its cells (at least
:data:`MIN_SHARE` of the filled ones, and two) are what data cells are and a column's name never is:

* a number (``17``, ``0.5``, ``760717355``);
* a date or a date and time (``2024-03-04 09:15:00.000``, ``04/03/2024``, ``08APR2024``);
* a database's empty value (``NULL``, ``NA``, ``None``);
* a value that recurs in the same column below it (``0A77814AD1728606``, ``Pain Score``, ``mg``).

:func:`review_point` gives the point to review, said where the proposal finds no patient id.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dates import NA_TOKENS, parse_datetimes

#: The share of the first line's filled cells that must look like data.
MIN_SHARE = 0.75
_NUMBER = r"[-+]?(?:\d+(?:[.,]\d+)?|[.,]\d+)"


def data_like_cells(t) -> np.ndarray:
    """Whether each cell of the table's header line (``t``: :class:`analysis.io.tables.TextTable`) looks like a
    data cell (module docstring). A loop over the table's columns, a handful."""
    header = pd.Series(t.header, dtype=object).fillna("").astype(str).str.strip()
    number = header.str.fullmatch(_NUMBER).to_numpy(dtype=bool)
    null = header.str.casefold().isin([n for n in NA_TOKENS if n]).to_numpy(dtype=bool)
    dated = np.zeros(len(header), dtype=bool)
    for order in ("YMD", "DMY", "MDY"):
        _, missing, bad, _ = parse_datetimes(header.to_numpy(dtype=object), order, midnight_only_is_date=False)
        dated |= ~missing & ~bad
    recurs = np.array([bool(h) and t.n > 0 and bool((t.column(k) == h).any()) for k, h in enumerate(header)],
                      dtype=bool)
    return (number | null | dated | recurs) & (header != "").to_numpy(dtype=bool)


def looks_headerless(t) -> bool:
    """Whether the table's header line looks like a data row (module docstring)."""
    filled = sum(1 for h in t.header if str(h).strip())
    like = int(data_like_cells(t).sum())
    return filled >= 2 and like >= 2 and like >= MIN_SHARE * filled


def review_point(t) -> list[str]:
    """The point to review for a table saved without its header row (``[]`` when its header looks like one)."""
    if not looks_headerless(t):
        return []
    shown = ", ".join(repr(h) for h in t.header[:4]) + (", ..." if len(t.header) > 4 else "")
    return [f"{t.file}: the file seems to have no header row: its first line ({shown}) looks like data (numbers, "
            "dates, NULL, values that recur in the same column), so it was read as the column names. Save the "
            "result again with the column names (SQL Server Management Studio: Tools > Options > Query Results > "
            "SQL Server > Results to Grid > \"Include column headers when copying or saving the results\", then run "
            "the query again and Save Results As), or add a line with the column names at the top of the file, "
            "and load again."]
