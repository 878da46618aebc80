"""Time zones of a clinic export: the times written with a zone made comparable with the times written without one.

A clinic's own files write local wall-clock times without a zone (an infusion log's ``13:15``); another system
beside them may write its times with one: a FHIR server ``2024-02-01T16:30:00-08:00`` or ``...T00:30:00Z``, a
diary app in UTC (``Z``), a Qualtrics export in the survey account's zone (line 3 of its CSV:
``{"ImportId":"endDate","timeZone":"America/Denver"}``). The statistics compare times (a score before or after an
infusion) and calendar dates (a follow-up visit on day 28 is in week 4), so every time must be the same kind.

The rules (docs/data-format.md, "Time"):

* **With the mapping's ``"time_zone"``** (an IANA name, ``"America/New_York"``), every time written with a zone
  (``Z``, ``UTC``, an offset, an abbreviation such as ``EST``) is converted to that zone's wall-clock time, daylight
  saving time included, and so are a Qualtrics file's times, from the zone its line 3 names. Every time is then a
  local time, as the times written without a zone are.
* **Without it**, an export whose zoned times all carry offsets other than 0 (``-08:00``, ``+01:00``: a system
  writing the clinic's local offset) reads each as the wall-clock time written, on the date written: a visit at
  ``16:30-08:00`` is on its own date, not at 00:30 UTC of the next one; unless it writes two offsets on one date
  (two zones: a hospital's ``-05:00`` and its patients' phones' ``-04:00``; read as written, a diary's pre-infusion
  score 30 minutes before a start read as after it), which are converted to UTC, with a warning. An export with times in UTC (``Z``) keeps
  converting every zoned time to UTC (the order of an infusion at ``17:00Z`` and a score at ``13:30-08:00`` stays
  right; their dates are UTC's) and warns when times or dates without a zone stand beside them.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import dates as _dates

_DAY_NS = 86_400 * 10 ** 9


def offsets_as_written(formats: list) -> bool:
    """True when the export's zoned times (``formats``: the DateFormat of each date column) carry offsets other
    than 0 and none is in UTC: each is read as the wall-clock time written (module docstring)."""
    return any(f.has_offset for f in formats) and not any(f.has_utc for f in formats)


#: A date and a time with a numeric offset, as ISO 8601 writes them (the offset read off the end).
_DATE_AND_OFFSET = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[T ][0-9:.]+\s*([+-]\d{2}(?::?\d{2})?)\s*$")


def two_zones(columns: list[np.ndarray]) -> tuple[str, str, str] | None:
    """``(date, offset, other offset)`` where the export writes two offsets on one date (a hospital's MAR at
    ``-05:00`` and its patients' phones at ``-04:00`` on the same day: two zones, not one zone's summer and winter
    time, which change overnight); None otherwise. The day a zone changes its offset is taken for two zones too
    (rare: a time before 02:00 and one after it on that day)."""
    parts = [pd.Series(pd.unique(c[c != ""]), dtype=object).str.extract(_DATE_AND_OFFSET) for c in columns]
    found = pd.concat(parts, ignore_index=True).dropna() if parts else pd.DataFrame()
    if not len(found):
        return None
    found[1] = found[1].str.replace(":", "", regex=False).str.pad(5, side="right", fillchar="0")
    offsets = found.drop_duplicates().groupby(0)[1].agg(list)
    both = offsets[offsets.map(len) > 1]
    return (str(both.index[0]), *sorted(both.iloc[0])[:2]) if len(both) else None


def export_offsets_as_written(columns: list[np.ndarray], spec) -> tuple[bool, str | None]:
    """``(as written, warning)``: :func:`offsets_as_written` over the export's date columns (``columns``: the cells of
    each column the mapping names a date, in every file), except where the export writes two zones
    (:func:`two_zones`: then every zoned time is converted to UTC, which orders them right, and the warning says
    so). False with the mapping's ``time_zone`` (which converts every zone)."""
    if spec.time_zone:
        return False, None
    formats = [_dates.detect_date_format(c) for c in columns]
    if not offsets_as_written(formats):
        return False, None
    both = two_zones(columns)
    if both is None:
        return True, None
    day, a, b = (both[0], *(f"{o[:3]}:{o[3:]}" for o in both[1:]))
    return False, (f"The export writes times of two time zones on one date ({a} and {b} on {day}: a hospital's "
                   "system and patients' phones in another zone?): every time with an offset was converted to UTC, "
                   "which orders them right, but counts them on UTC dates (an evening visit west of Greenwich on the "
                   "next date). Set \"time_zone\" in the mapping to the clinic's zone (CLI: --time-zone) to count "
                   "them on its dates.")


def read_dates(values: np.ndarray, order: str, fmt, spec, obs, table, k: int):
    """A date column of a clinic export read under ``order`` with the export's zone rules: ``(ns, missing, bad,
    has_time)`` as :func:`analysis.io.dates.parse_datetimes`. ``obs.zones`` is told what the column holds (zoned
    times converted to UTC; local times or dates), and the warning of a survey's zone is decided again."""
    survey_zone = getattr(table, "time_zones", {}).get(k)
    zone = spec.time_zone
    as_written = bool(obs.zone_rules.get("offsets_as_written"))
    ns, missing, bad, has_time = _dates.parse_datetimes(values, order, time_zone=zone, written_in=survey_zone,
                                                        offsets_as_written=as_written)
    dated = bool((~np.asarray(missing) & ~np.asarray(bad)).any())
    # With the clinic's zone every time is its local time; so are offsets read as written, and dates without a time.
    converted = fmt.has_zone and not zone and not (as_written and not fmt.has_utc)
    local = fmt.has_local_time or (dated and not fmt.has_time and not fmt.has_zone) or (as_written and fmt.has_offset)
    if as_written and fmt.has_offset:
        obs.notes.append(f"{table.file}, column {table.header[k]!r}: times with an offset ({fmt.examples[0]}) are "
                         "read as the local time written, on the date written, since no time of the export is in UTC; if the "
                         "offset is not the clinic's own, set \"time_zone\" in the mapping (CLI: --time-zone).")
    if survey_zone and not zone:
        obs.zone_rules.setdefault("survey", []).append((table.file, table.header[k], survey_zone))
        local = False
    obs.zones.append((table.file, table.header[k], converted, local))
    if not zone and fmt.has_utc:
        obs.zone_rules.setdefault("utc", []).append(f"{table.file} {table.header[k]!r}")
    if not zone and fmt.has_offset and not as_written:
        # Converted to UTC beside times in UTC: the times whose UTC date is not the date written (16:30-08:00).
        written = _dates.parse_datetimes(values, order, offsets_as_written=True)[0]
        moved = ~np.asarray(missing) & ~np.asarray(bad) & (written // _DAY_NS != np.asarray(ns) // _DAY_NS)
        if moved.any():
            obs.zone_rules.setdefault("offsets", []).append(
                (f"{table.file} {table.header[k]!r}", int(moved.sum()), values[np.flatnonzero(moved)[0]]))
    # Decided again with every date column read (the files are read one after the other): the last decides.
    for old in obs.zone_rules.pop("warnings", []):
        if old in obs.warnings:
            obs.warnings.remove(old)
    found = [w for w in (survey_zone_warning(obs.zone_rules.get("survey", []), obs.zones),
                         utc_date_warning(obs.zone_rules.get("utc", []), obs.zone_rules.get("offsets", []))) if w]
    obs.warnings += found
    obs.zone_rules["warnings"] = found
    return ns, missing, bad, has_time


def utc_date_warning(utc: list[str], offsets: list[tuple]) -> str | None:
    """The warning when some columns write times in UTC (``Z``) and others with offsets (``-08:00``) whose UTC date
    is not the date written (``offsets``: column, how many, an example): both are converted to UTC, which orders
    them right, but counts them on UTC dates."""
    if not utc or not offsets:
        return None
    n = sum(count for _, count, _ in offsets)
    return (f"Times in UTC ({', '.join(utc[:3])}) stand beside times with an offset "
            f"({', '.join(col for col, _, _ in offsets[:3])}): both were converted to UTC, so they are ordered right, "
            f"but {n} time(s) with an offset fall on another date in UTC than the one written (e.g. {offsets[0][2]}): "
            "a visit on day 28 can count on day 29, in week 5. Set \"time_zone\" in the mapping to the clinic's zone "
            "(e.g. \"America/Los_Angeles\"; CLI: --time-zone): every time is then converted to its local time and "
            "date.")


def survey_zone_warning(survey_zones: list, zones: list) -> str | None:
    """The warning when a survey export names its zone (Qualtrics' ``timeZone``) and other date columns carry
    none: their times are the clinic's, which may not be the survey account's zone."""
    local = [f"{f} {c!r}" for f, c, _, is_local in zones if is_local]
    if not survey_zones or not local:
        return None
    file, column, zone = survey_zones[0]
    shown = ", ".join(local[:3]) + (" ..." if len(local) > 3 else "")
    return (f"The survey's times are in {zone} ({file}, {column!r}: its line 3 names the zone); the times and dates "
            f"of {shown} carry no zone. If the clinic is not in {zone}, the survey's answers are hours off the "
            f"treatments (a post-treatment answer can read as before the start): set \"time_zone\" in the mapping "
            "to the clinic's zone (e.g. \"America/New_York\"; CLI: --time-zone), and the survey's times are "
            "converted to it.")
