"""Superseded versions of a corrected result: the rows an extract keeps of what a correction replaced.

A Cerner (Oracle Health) extract of clinical events keeps every version of a corrected result: the
corrected one (status ``Modified`` or ``Altered``) and the one it replaced, whose ``VALID_UNTIL_DT_TM``
is the time of the correction; the current version's is open-ended, ``31-DEC-2100`` (or empty). Read
as a score, the replaced version either conflicted with its correction at the same time (both left out:
immediate relief 51 % from 6 patients instead of 40 % from 8 in a probe) or, corrected to another time,
stood as a score of its own.

So, in a file with a valid-until column (:data:`VALID_UNTIL_NAME`: ``VALID_UNTIL_DT_TM``, ``Valid Until``,
``VALID_TO``, whatever its role in the mapping) that writes the current versions open-ended (some cell from
the year 2100 on: without one, the column is no version's validity, e.g. a medication order's end or a
consent's expiry, and nothing is withdrawn), a row whose valid-until is a past time is withdrawn
(:func:`superseded`), listed once with :data:`R_SUPERSEDED`. An empty cell is the current version; so is a
year from 2100 on (Cerner's ``31-DEC-2100``, another system's ``9999-12-31``) beside an event before the
2090s. De-identification that shifts each patient's dates by decades (MIMIC-style, into 2100-2200) made a
superseded version's shifted correction time, ``08-JUL-2114``, read as open-ended: so a valid-until is
open-ended when it is the documented sentinel itself (31 December 2100, the year 9999: :data:`_SENTINEL`), or
at least :data:`SENTINEL_DISTANCE_YEARS` after the row's event (its date columns; a sentinel shifted with the
dates keeps its distance from them, 76 years from a 2024 event, where a correction follows its event within
hours or days, also one made after the file's last event), or in a row whose event has no year.
A cell whose year cannot be read leaves its row as it is, with a note.

Without such a column an extract does not say which version a correction replaced: where a file's status
column marks some rows ``Modified``/``Altered``/``Corrected``, a warning says that the replaced versions,
if exported too, conflict with their corrections (:func:`corrected_without_versions_warning`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import header_words
from .entry_status import normalised

#: A column name saying until when the row's version was valid (its words, whatever the separators).
VALID_UNTIL_NAME = re.compile(r"valid\s(?:until|to|thru|through|end)(?:\s(?:dt\stm|dttm|dt|date|time|date\stime|"
                              r"datetime|ts|timestamp))?")
#: The year from which a valid-until time is open-ended: the current version (Cerner writes 31-DEC-2100).
OPEN_ENDED_YEAR = 2100
#: A valid-until from 2100 on is open-ended only this many years or more after the row's event (or when it is the
#: sentinel itself): a correction is made within days of its event; the sentinel, shifted with the dates by
#: de-identification or not, lies decades from them. Beside an event before 2090 every such year is open-ended.
SENTINEL_DISTANCE_YEARS = 10
#: Statuses of the current version of a corrected result (normalised).
CORRECTED = frozenset({"modified", "altered", "corrected", "amended", "revised", "correction"})

R_SUPERSEDED = ("superseded version of a corrected result ({column!r} is a past time, not the open-ended "
                "31-DEC-2100 of the current version): not read")


def valid_until_column(header: list) -> int | None:
    """The position of the file's valid-until column, if it has one."""
    for k, h in enumerate(header):  # a loop over the file's columns
        if h and VALID_UNTIL_NAME.fullmatch(header_words(h)):
            return k
    return None


def _years(cells: np.ndarray) -> np.ndarray:
    """The year of each time (NaN where none reads): a four-digit year anywhere in the cell (``31-DEC-2100
    00:00``, ``2024/03/04 17:00:00``, ``12/31/2100``), the first four digits of a compact date
    (``20240304``), or the year of an Excel serial number (73051 is 2100-01-01)."""
    s = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip()
    year = pd.to_numeric(s.str.extract(r"(?<!\d)(\d{4})(?!\d)", expand=False), errors="coerce")
    compact = pd.to_numeric(s.str.extract(r"^((?:19|20|21|99)\d{2})\d{4}(?:\d{4,6})?$", expand=False), errors="coerce")
    serial = pd.to_numeric(s.where(s.str.fullmatch(r"\d{5}(?:\.\d+)?")), errors="coerce")
    from_serial = np.where(serial >= 73051, OPEN_ENDED_YEAR, np.where(serial > 0, 1900, np.nan))
    # Oracle's default DD-MON-RR (31-DEC-00 12.00.00.000000 AM): two digits, 00-49 the 2000s, 50-99 the 1900s, and
    # 31-DEC-00, the open-ended 31-DEC-2100 written so, the current version.
    rr = s.str.extract(r"(?i)^(\d{1,2})[-/. ]([a-z]{3})[-/. ](\d{2})(?!\d)")
    yy = pd.to_numeric(rr[2], errors="coerce")
    sentinel = (pd.to_numeric(rr[0], errors="coerce") == 31) & (rr[1].str.casefold() == "dec") & (yy == 0)
    two_digit = pd.Series(np.where(sentinel, OPEN_ENDED_YEAR, np.where(yy < 50, 2000 + yy, 1900 + yy)))
    return year.fillna(compact).fillna(pd.Series(from_serial)).fillna(two_digit).to_numpy(dtype=float)


#: The documented open-ended time itself: 31 December 2100 in any order of its parts (``31-DEC-2100``, ``2100-12-31``,
#: ``12/31/2100``, ``21001231``, Oracle's two-digit ``31-DEC-00``, Excel's serial 73415; a time of day may follow),
#: or the year 9999 (``9999-12-31``).
_SENTINEL = re.compile(r"(?i)^(?:31[-/. ]?(?:dec|12)[-/. ]?(?:2100|00)|2100[-/.]?12[-/.]?31|12[-/. ]31[-/. ]2100|"
                       r"73415(?:\.0*)?)(?!\d)|(?<!\d)9999(?!\d)")


def _open_ended(cells: np.ndarray, year: np.ndarray, event_year: np.ndarray) -> np.ndarray:
    """Whether each valid-until is open-ended (the current version): a year from 2100 on that is the sentinel
    itself (:data:`_SENTINEL`), or :data:`SENTINEL_DISTANCE_YEARS` or more after the row's event, or beside no
    event year. Beside an event before 2090 every year from 2100 is so: only shifted dates see a difference."""
    s = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip()
    sentinel = s.str.contains(_SENTINEL).to_numpy(dtype=bool)
    return (year >= OPEN_ENDED_YEAR) & (np.isnan(event_year) | sentinel | (year >= event_year + SENTINEL_DISTANCE_YEARS))


def event_years(ks: list, column) -> np.ndarray | None:
    """The year of each row's event: the latest year of its date columns ``ks`` (NaN where none reads); None
    without date columns."""
    if not ks:
        return None
    years = np.vstack([_years(column(k)) for k in ks])
    filled = ~np.isnan(years)
    return np.where(filled.any(axis=0), np.where(filled, years, -np.inf).max(axis=0), np.nan)


def superseded(header: list, column, date_ks: list = ()) -> \
        tuple[np.ndarray | None, int | None, np.ndarray, str | None]:
    """The rows a valid-until column says are superseded versions.

    ``column(k)``: the cells of column ``k``; ``date_ks``: the positions of the rows' event times (the mapping's
    dates). Returns (mask of the rows withdrawn, or None without such a column; its position; the mask of the
    cells whose year did not read; the reason of the withdrawn rows)."""
    k = valid_until_column(header)
    if k is None:
        return None, None, np.zeros(0, dtype=bool), None
    cells = column(k)
    filled = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip().to_numpy() != ""
    year = _years(cells)
    if not (filled & (year >= OPEN_ENDED_YEAR)).any():
        # No current version written open-ended: not an extract of versions. A medication order's end, a consent's
        # expiry or a flowsheet's VALID_TO of 2024-12-31 withdrew every row.
        return None, None, np.zeros(0, dtype=bool), None
    event = event_years([j for j in date_ks if j != k], column)
    current = year >= OPEN_ENDED_YEAR if event is None else _open_ended(cells, year, event)
    return filled & ~current & ~np.isnan(year), k, filled & np.isnan(year), R_SUPERSEDED.format(column=header[k])


def unread_note(file: str, header: str, cells: np.ndarray) -> str:
    """The note for the valid-until cells whose year did not read (their rows are kept)."""
    shown = ", ".join(repr(str(v)) for v in pd.unique(cells)[:3])
    return (f"{file}: {len(cells)} cell(s) of {header!r} ({shown}) are no time whose year reads: their rows are read "
            "as current versions (a superseded version of a corrected result has a past time there).")


def corrected_without_versions_warning(file: str, header: str, status: np.ndarray) -> list[str]:
    """A warning when the status column ``header`` marks rows as corrected (``Modified``, ``Altered``) in a file
    without a valid-until column: which version each replaced is not said."""
    hit = pd.Series(normalised(status)).isin(CORRECTED).to_numpy()
    if not hit.any():
        return []
    shown = ", ".join(repr(str(v)) for v in pd.unique(status[hit])[:3])
    return [f"{file}: {int(hit.sum())} row(s) are marked {shown} in {header!r}, corrected results, and the file has "
            "no column saying until when each version was valid (Cerner's VALID_UNTIL_DT_TM): the versions they "
            "replaced, if the extract kept them, are read as scores too. At the same time as their correction they "
            "are listed as conflicting values and both are left out; at another time the replaced value stands. "
            "Export VALID_UNTIL_DT_TM (the replaced versions are then left out) or only the current versions."]
