"""A warning when one reason takes a notable share of a file's cells (files in the product's own format).

Rule (docs/data-format.md, "Values left out"): when the cells of one column, written but not readable, are
excluded for one reason (``not a number``, a date that is not ISO 8601, a day that is not a number) in at least
5 rows, or in at least 3 rows that are more than 5% of the file's rows, the load report gets a warning naming the
file, the column, the reason, the count and share, an example cell (with its line) and the fix for the way it
is written (``7/10``, ``7,5``, ``13/03/2024``). The warnings are in ``summarize``'s text (stderr) and in its JSON
(``load_warnings``): before, only a footnote counted the values left out, and a script reading the JSON got
numbers from half the scores with no sign of it. Empty cells are not counted (an empty score is no score).
"""
from __future__ import annotations

import re

import pandas as pd

__all__ = ["lost_cell_warnings"]

#: The reasons of the canonical loader that mean "written, but not readable as written".
_UNREADABLE = re.compile(r"^(?:not a number|day is missing or not a number|.+ is missing or not an ISO 8601 date)")

_FRACTION = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*/\s*\d+(?:[.,]\d+)?\s*$")
_COMMA_DECIMAL = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_SLASHED_DATE = re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _fix(value: str, reason: str) -> str:
    """What to do about cells written as ``value``."""
    if _FRACTION.match(value):
        return (f"Scores written as a fraction ({value}) are not read in this format: write the score alone (e.g. "
                "with Find and Replace of '/10' by nothing), or load the file under another name, where the "
                "clinic-export reading reads a score over the measure's maximum.")
    if _COMMA_DECIMAL.match(value):
        return (f"Decimals written with a comma ({value}) are read only in a file separated by semicolons or tabs: "
                "write them with a point (7.5), or save the file with ';' as the separator.")
    if "date" in reason and _SLASHED_DATE.match(value):
        return (f"Dates written as {value} among dates written YYYY-MM-DD are not read: write every date as "
                "YYYY-MM-DD.")
    return "Correct these cells, or leave them empty where there is no value."


def lost_cell_warnings(exclusions: pd.DataFrame, rows_read: dict[str, int]) -> list[str]:
    """The warnings of the rule above, from the load report's exclusions and the rows read per file."""
    if not len(exclusions):
        return []
    ex = exclusions[exclusions["reason"].astype(str).str.match(_UNREADABLE)
                    & (exclusions["value"].fillna("").astype(str).str.strip() != "")]
    if not len(ex):
        return []
    out = []
    for (file, column, reason), g in ex.groupby(["file", "column", "reason"], sort=True):  # a handful of groups
        n, rows = len(g), max(rows_read.get(file, 0), 1)
        if not (n >= 5 or (n >= 3 and n > 0.05 * rows)):
            continue
        first = g.sort_values("line").iloc[0]
        value = str(first["value"])
        out.append(f"{file}, column {column!r}: {n} of {rows} row(s) ({100 * n / rows:.0f}%) were excluded as "
                   f"\"{reason}\", e.g. line {int(first['line'])}: {value!r}; the results leave them out. "
                   f"{_fix(value, str(reason))} `validate` lists every one.")
    return out
