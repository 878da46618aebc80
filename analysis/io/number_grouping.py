"""Doses written with a thousands separator: ``1.200`` in a German export and ``1,200`` in an American one are
1200 mg, where the value rules of a file with decimal commas read both as 1.2.

The rule, per dose column (only doses: a score never reaches 1,000):

* a number written in groups of three digits after a separator (``1.200``, ``12,500``, ``1.200.000``) has
  a thousands separator when it is known which separator is the decimal one: said by the mapping
  (``"decimal_comma": true`` or ``false``), else by another cell of the column with decimals (``0,5``,
  ``12.75``, ``0.750``: that separator with other than three digits after it, or after a 0), else by the
  file's scores (a pain score of ``7.5`` or ``7,5``: :func:`file_decimals`), else by the file's delimiter (a
  ``;``-separated file writes decimal commas, so ``.`` groups thousands; in a ``,``-separated file, the
  cell quoted, ``,`` groups thousands); two or more groups (``1.200.000``) can only be thousands;
* otherwise (a tab-separated file whose every such cell has one group of three) the cell reads either way,
  1,200 or 1.2: its dose is left out of the course (not guessed), and a note names the cells and what to do.

A REDCap export writes numbers as stored, never with a thousands separator: its doses are not read so.

Every step is one regular expression over the column's cells.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_GROUPED = r"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+"


def _matches(cells: pd.Series, pattern: str) -> np.ndarray:
    return cells.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


def file_decimals(columns: list[np.ndarray], rows: int = 2000) -> bool | None:
    """Which decimal separator the file's scores (``columns``; not its dates or times, '09.30') use, in its
    first ``rows`` rows: True for commas (``7,5``), False for points (``7.5``), None when they show neither
    or both."""
    cells = pd.Series(np.concatenate([np.asarray(c[:rows], dtype=object) for c in columns]) if columns else [],
                      dtype=object).fillna("").astype(str).str.strip()
    comma = _matches(cells, r"-?\d+,\d{1,2}").any()
    point = _matches(cells, r"-?\d+\.\d{1,2}").any()
    return None if comma == point else bool(comma)


def read_grouped_thousands(cells: np.ndarray, delimiter: str, decimal_comma: bool | None,
                           file_hint: bool | None = None, redcap: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(cells, ambiguous)``: the dose cells with the thousands separators the rule (module docstring) finds
    taken out (``1.200`` -> ``1200``), and the cells that read either way (left as written). ``file_hint``:
    :func:`file_decimals` of the file's scores; ``redcap``: the file is a REDCap export (cells as given)."""
    ambiguous = np.zeros(len(cells), dtype=bool)
    if redcap:
        return np.asarray(cells, dtype=object), ambiguous
    s = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip()
    out = s.to_numpy(dtype=object).copy()
    for sep, other in ((".", ","), (",", ".")):
        grouped = _matches(s, _GROUPED.format(sep="\\" + sep))
        if not grouped.any():
            continue
        several = _matches(s, _GROUPED.format(sep="\\" + sep).replace("+", "{2,}"))
        # Which separator is the decimal one (said: decimal commas): the mapping says, else a cell of this
        # column with decimals (0,5, 12.75, 0.750), else the file's scores, else the file's delimiter.
        other_decimal = bool(_matches(s, rf"-?(?:\d*\{other}(?:\d{{1,2}}|\d{{4,}})|0?\{other}\d+)").any())
        this_decimal = bool(_matches(s, rf"-?(?:\d*\{sep}(?:\d{{1,2}}|\d{{4,}})|0?\{sep}\d+)").any())
        said = (decimal_comma if decimal_comma is not None else
                other_decimal == (sep == ".") if other_decimal != this_decimal else
                file_hint if file_hint is not None else
                True if delimiter == ";" else False if delimiter == "," else None)
        sure = grouped & (several | bool(said is (sep == ".")))
        out[sure] = s[sure].str.replace(sep, "", regex=False).to_numpy(dtype=object)
        ambiguous |= grouped & ~sure & (said is not (sep == ","))
    return out, ambiguous
