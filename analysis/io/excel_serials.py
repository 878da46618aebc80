"""Dates that a spreadsheet saved as Excel's serial numbers (45366 for 2024-03-15).

A date column formatted as "General" or "Number" in Excel is saved to CSV as the date's *serial number*:
the days since Excel's epoch, with the time of day as the fraction (45366.5 is 12:00). Excel has two date
systems (Microsoft, "Date systems in Excel"): the 1900 system, the default of Excel for Windows and of Excel
for Mac since 2011, whose serial 1 is 1900-01-01 and which counts a 29 February 1900 that never was, so
that from serial 61 on the serial is the days since 1899-12-30; and the 1904 system of older Mac
workbooks, whose serial 0 is 1904-01-01, i.e. the same date's serial is 1,462 smaller.

The column option ``"format": "excel"`` reads such a column in the 1900 system. Which system a workbook
used is not in the CSV; but this project keeps only *days between* dates (days since each patient's first
treatment), and the two systems differ by the same 1,462 days for every date: where every date of an
export is a serial number, the days between them are the same in either system. So the proposal reads
serial dates only then (:func:`resolve`), with a note; where other dates of the export are written as dates,
the system would decide how far apart the two kinds are, and it remains a point to review.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from .spec import Column

#: The column option's value.
EXCEL = "excel"
#: Serial numbers read as dates: 1 (1900-01-01) to 132319 (2262-04-10), the last whole day that nanoseconds
#: since 1970 hold (Excel's own range goes on to 2958465, 9999-12-31: such a date is excluded, not wrapped).
_FIRST, _LAST = 1, 132319
#: 1970-01-01 in the 1900 system (from serial 61 on, the days since 1899-12-30).
_UNIX_EPOCH = 25569

WHY = "Excel date serial numbers (days since 1899-12-30)"
R_NOT_SERIAL = "{col} is not an Excel date serial number of a date from 1900 to 2262 (a number of days, such as 45366)"


#: Serials of the dates a clinic's export holds, 1990-01-01 to 2049-12-31: a wider range would take other
#: numbers for dates (US dates that lost their leading zero and separators, 31524 for 03/15/24).
PLAUSIBLE = (32874, 54789)
#: A name with a dose or unit word is no date column, whatever its values ('Dose to date (mcg)').
_NOT_A_DATE_NAME = re.compile(r"(?i)\b(?:dose|doses|dosage|mg|mcg|ug|µg|ml|units?|total|cumulative|to\s+date|"
                              r"up\s+to\s+date|since)\b")


def _numbers(values) -> pd.Series:
    """Cells as numbers; a decimal comma (``45394,5``, a semicolon-separated export) read as a point."""
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    text = text.where(~text.str.fullmatch(r"\d+,\d+"), text.str.replace(",", ".", regex=False))
    return pd.to_numeric(text.where(~text.str.contains(r"[^0-9.]", regex=True), ""), errors="coerce")


def looks_like_serials(header: str, filled: np.ndarray) -> bool:
    """Whether a column is Excel's serial numbers of dates: its name says date and nothing of a dose or
    unit (the caller checks the date word), and nine in ten of its filled cells are numbers of dates from
    1990 to 2049 (:data:`PLAUSIBLE`), not day numbers, doses or scores."""
    if not len(filled) or _NOT_A_DATE_NAME.search(header):
        return False
    return bool(_numbers(filled).between(*PLAUSIBLE).mean() > 0.9)


def read(values: np.ndarray, header: str) -> tuple:
    """The cells of a ``"format": "excel"`` date column as times.

    Returns
    -------
    tuple
        ``(ns, has_time, missing, bad, reason)``: nanoseconds since 1970-01-01 (wall-clock, 1900 system; 0
        where not read), whether the serial has a fraction (a time of day), the empty cells, the filled cells
        that are no serial number in Excel's range (excluded with ``reason``).
    """
    missing = (pd.Series(values, dtype=object).fillna("").astype(str).str.strip() == "").to_numpy()
    number = _numbers(values).to_numpy()
    ok = ~missing & np.isfinite(number) & (number >= _FIRST) & (number < _LAST + 1)
    # Serials 1-60 fall before Excel's non-existent 29 February 1900: one day later in its count.
    days = np.where(ok, number - _UNIX_EPOCH + (number < 61), 0.0)
    # Whole milliseconds: a fraction of a day written with 10 decimals (0.5208333333) is a minute, not noise.
    ns = np.round(days * 86_400_000).astype(np.int64) * 1_000_000
    has_time = ok & (number != np.floor(number))
    bad = ~missing & ~ok
    reason = np.full(len(values), R_NOT_SERIAL.format(col=header), dtype=object)
    return ns, has_time, missing, bad, reason


def resolve(fps: list, review: list, notes: list) -> None:
    """Keep the serial date columns the proposal found (role ``date``, ``"format": "excel"``) only where
    every date column of the export is one: then their days apart do not depend on the date system. Else
    each becomes a point to review (role ``ignore``), saying which other columns hold dates."""
    serial, other = [], []
    for p in fps:  # a loop over the export's files and their columns, a handful
        for c in p.columns:
            if c.column.role == "date":
                (serial if c.column.format == EXCEL else other).append((p, c))
    if not serial:
        return
    if not other:
        shown = ", ".join(f"{p.name}: {c.header!r}" for p, c in serial[:3])
        notes.append(f"Dates written as Excel serial numbers ({shown}) are read as "
                     "days since 1899-12-30 (Excel's 1900 date system). Every date of the export is written so: the "
                     "days between them, which is all that is kept, are the same in Excel's 1904 system.")
        return
    others = ", ".join(f"{p.name}: {c.header!r}" for p, c in other[:3])
    for p, c in serial:
        ignored = replace(c, column=Column("ignore"), why="Excel date serial numbers, beside dates written as dates")
        p.columns[p.columns.index(c)] = ignored
        if p.spec is not None:
            p.spec = replace(p.spec, columns={**p.spec.columns, c.header: ignored.column})
        review.append(f"{p.name}, {c.header!r}: the dates are Excel's serial numbers (e.g. {(c.examples or ['?'])[0]}), while "
                      f"other dates of the export are written as dates ({others}): how far apart the two are depends "
                      "on the workbook's date system (1900 or 1904). In Excel, format the column as a date (e.g. "
                      "DD.MM.YYYY) and save the file as CSV again (or give the column \"format\": \"excel\" if the "
                      "workbook uses the 1900 system, Excel's default).")
