"""Plausibility warnings: what usually means a dataset was read wrongly.

A load that succeeds can still be wrong in ways no single row shows: administrations read as
courses, a post-treatment score read as the baseline because its time was missing, a coded
covariate read as a score. These checks look at the whole dataset and say so in plain words, in
the load report (``LoadReport.warnings``), the CLI and the dashboard. They never change the data.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from .course_gaps import split_programme_warnings
from .courses import route_warnings, same_day_follow_up, twin_labels_warning
from .lists import NONE_WORDS
from . import untimed_starts

#: Medications commonly given alongside an infusion; a treatment label naming one is probably a
#: co-medication, not the treatment being studied.
CO_MEDICATIONS = ("ondansetron", "midazolam", "lorazepam", "diazepam", "propofol", "clonidine", "dexmedetomidine",
                  "diphenhydramine", "promethazine", "metoclopramide", "dexamethasone", "glycopyrrolate",
                  "sodium chloride", "saline", "dextrose", "lactated ringer", "heparin", "acetaminophen",
                  "paracetamol", "ketorolac", "famotidine", "scopolamine", "magnesium")
_CO_MED = re.compile("|".join(re.escape(m) for m in CO_MEDICATIONS), re.IGNORECASE)
#: A diluent named after the drug it carries, to the end of the name: the drug's vehicle, no co-medication
#: (``ketamine 500 mg in sodium chloride 0.9% 100 mL``, ``... in NS``, ``in D5W``, ``in dextrose 5%``).
VEHICLE = re.compile(r"(?i)[\s(,]+in\s+(?:\d+(?:[.,]\d+)?\s*%\s*)?(?:sodium\s+chloride|nacl|n/?s|normal\s+saline|"
                     r"saline|d\d{1,2}(?:w|ns|lr)|dextrose|glucose|lactated\s+ringer|ringer|lr|sterile\s+water|"
                     r"water|swfi)\b.*$")


def co_medication(label) -> bool:
    """A medication name naming a co-medication (:data:`CO_MEDICATIONS`) outside the vehicle it is given in
    (:data:`VEHICLE`): ``ondansetron 4 mg in NS`` is one, ``ketamine 500 mg in sodium chloride 0.9%`` is not."""
    return _CO_MED.search(VEHICLE.sub("", str(label))) is not None


def co_medications(values) -> np.ndarray:
    """:func:`co_medication` of each of ``values`` (vectorised)."""
    s = pd.Series(values, dtype=object).fillna("").astype(str).str.replace(VEHICLE, "", regex=True)
    return s.str.contains(_CO_MED.pattern, case=False, regex=True).to_numpy(dtype=bool)

#: Courses this close together (days) for one patient look like administrations, not courses.
CLOSE_COURSES_DAYS = 2.0


def _in_patient_day_order(pid: np.ndarray, day: np.ndarray) -> bool:
    """Whether rows are sorted by patient code, then day (NaN days last), as a stable sort leaves them."""
    same = pid[1:] == pid[:-1]
    return bool((pid[1:] >= pid[:-1]).all() and not (same & ~(day[1:] >= day[:-1]) & ~np.isnan(day[1:])).any())


def treatment_warnings(treatments: pd.DataFrame) -> list[str]:
    """Warnings about the treatment courses of a loaded dataset (any source)."""
    out = []
    if not len(treatments):
        return out
    labels = pd.unique(treatments["treatment"].astype(str))
    out += twin_labels_warning(labels)  # the rule a clinic export applies, here only named (io/courses.py)
    co = [lab for lab in labels if co_medication(lab)]
    if co:
        out.append(f"Treatment label(s) {', '.join(map(repr, co[:5]))} look like co-medications (given alongside the "
                   "treatment studied, e.g. against nausea or for sedation). If so, leave them out of the treatments "
                   "(mapping: courses.treatments names the treatments to keep).")
    # Sorted by codes, not texts (a registry's 300,000 courses: 0.05 s instead of 0.15 s). Patient codes
    # order like the ids, so the second sort is the stable sort by patient and day; the first only
    # groups each patient's courses of one treatment, in any order of the groups.
    pid = pd.factorize(treatments["patient_id"], sort=True)[0]
    lab = pd.factorize(treatments["treatment"])[0]
    day = treatments["day"].to_numpy(dtype=float)
    order = np.lexsort((day, lab, pid))
    p, d, g = pid[order], day[order], lab[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = (p[1:] == p[:-1]) & (g[1:] == g[:-1]) & (p[1:] >= 0) & (g[1:] >= 0)  # -1: none, never the same
    gap = np.diff(d, prepend=np.nan)
    close = same & (gap <= CLOSE_COURSES_DAYS)
    if close.any():
        n_pat = np.unique(p[close]).size
        out.append(f"{int(close.sum())} treatment course(s) of {n_pat} patient(s) start at most {CLOSE_COURSES_DAYS:g} "
                   "days after a course of the same treatment: these look like daily administrations, not separate "
                   "courses. Each course starts an episode; merge administrations into courses (mapping: "
                   "courses.gap_days) if that is what they are.")
    # Courses of different treatments close together (ketamine and lidocaine of one combined infusion): each
    # starts an episode, and a course's follow-up ends where the next begins, so the first has none.
    order = np.arange(len(pid))
    if not _in_patient_day_order(pid, day):  # as the loader gives them: nothing to sort
        order = np.lexsort((day, pid))
    pid, day, label = pid[order], day[order], treatments["treatment"].to_numpy()[order]
    nxt = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        nxt[:-1] = (pid[1:] == pid[:-1]) & (pid[1:] >= 0) & (label[1:] != label[:-1]) & \
            (day[1:] - day[:-1] <= CLOSE_COURSES_DAYS)
    if nxt.any():
        pairs = pd.Series([f"{a} + {b}" for a, b in zip(label[:-1][nxt[:-1]], label[1:][nxt[:-1]])]).value_counts()
        out.append(f"{int(nxt.sum())} course(s) of {pd.unique(pid[nxt]).size} patient(s) are followed within "
                   f"{CLOSE_COURSES_DAYS:g} days by a course of another treatment ({', '.join(pairs.index[:3])}): the "
                   "follow-up of a course ends where the next begins, so these have little or none (no immediate "
                   f"relief).{same_day_follow_up(pid, day, label, nxt)} If they are one combined treatment, give both the "
                   "same label (mapping: courses.treatments, e.g. both patterns -> 'Ketamine + lidocaine').")
    return out


#: What to do about date-only scores on a start day, in a clinic export (read with a mapping) ...
EXPORT_TIME_ADVICE = ("add the time (a time column with the role \"time\") or record them as post-treatment scores "
                      "(timing \"after_start\")")
#: ... and in the canonical files (assessments.csv with dates).
CANONICAL_TIME_ADVICE = "give their time of day (e.g. 2024-03-05T15:00 in the date column)"


def _read_dates(values, order: str) -> tuple:
    """``(ns, missing, bad)`` of a date column read in ``order`` (DMY, MDY, YMD) or as Excel's serial numbers
    (``"excel"``, :mod:`analysis.io.excel_serials`)."""
    from . import excel_serials
    from .dates import parse_datetimes

    if order == excel_serials.EXCEL:
        ns, _, missing, bad, _ = excel_serials.read(values, "")
        return ns, missing, bad
    ns, missing, bad, _ = parse_datetimes(values, order)
    return ns, missing, bad


def _patient_key(pid) -> pd.Index:
    """Patient ids as text (an id read as 7 and as "7" are one patient); integer codes as they are."""
    idx = pd.Index(pid)
    return idx if idx.dtype.kind in "iu" else idx.astype(str)


def scores_on_start_days(score_pid, score_ns, score_has_time, start_pid, start_ns) -> np.ndarray:
    """Which scores are dated on a treatment start day of their patient without a time of day.

    A score without a time is at 00:00 of its date, so it counts as the baseline of a course that
    starts that day whatever the time of the course (also exactly 00:00, or no time at all): whether it
    was taken before or after the treatment cannot be known. A score with a time, even 00:00 when
    written (``analysis.io.dates``: a column whose times are *all* 00:00 is read as dates), is placed
    by its time and is not counted.

    Parameters
    ----------
    score_pid, start_pid : array-like
        Patient ids (compared as text) of the scores and of the course starts, or integer codes of
        the patients (compared as they are).
    score_ns, start_ns : array-like of int64
        Wall-clock times as nanoseconds since 1970-01-01 (``analysis.io.dates.parse_datetimes``);
        the calendar day is ``ns // 86,400 s``.
    score_has_time : array-like of bool
        The score's date carries a time of day.

    Returns
    -------
    ndarray of bool, one per score
    """
    day_ns = 86_400 * 10 ** 9
    dated = ~np.asarray(score_has_time, dtype=bool)
    starts = pd.MultiIndex.from_arrays([_patient_key(start_pid), np.asarray(start_ns, dtype=np.int64) // day_ns])
    key = pd.MultiIndex.from_arrays([_patient_key(score_pid), np.asarray(score_ns, dtype=np.int64) // day_ns])
    return dated & np.asarray(key.isin(starts), dtype=bool)


def start_day_warning(score_pid, score_ns, score_has_time, start_pid, start_ns, advice: str) -> list[str]:
    """The warning for :func:`scores_on_start_days` (empty list when there is none); ``advice`` says
    how to give the time in the files at hand (:data:`EXPORT_TIME_ADVICE`, :data:`CANONICAL_TIME_ADVICE`)."""
    on_start = scores_on_start_days(score_pid, score_ns, score_has_time, start_pid, start_ns)
    if not on_start.any():
        return []
    n_pat = pd.unique(np.asarray(score_pid, dtype=object)[on_start]).size
    return [f"{int(on_start.sum())} score(s) of {n_pat} patient(s) are dated on a treatment start day without a "
            "time of day: they count as the BASELINE of that course (day 0). If some were taken after the "
            f"treatment, {advice}."]


def mixed_zone_warning(zoned: list[str], local: list[str]) -> str | None:
    """The warning when some date columns (``"file 'column'"``) hold times with a zone (converted to UTC)
    and some hold local times or dates: times without a zone (taken as written) or dates without a time (a
    date is a local date too: an evening entry in UTC is on the next date); None otherwise. For any reader:
    the canonical files can mix them as well."""
    if not zoned or not local:
        return None

    def named(cols):
        return ", ".join(cols[:4]) + (" ..." if len(cols) > 4 else "")
    return (f"Times with a time zone ({named(zoned)}) were converted to UTC, but the times or dates without one "
            f"({named(local)}) were taken as written. If those are local times or dates, the two are hours apart "
            "(the zone's offset), which can put a score on the wrong side of a treatment start (e.g. a "
            "post-treatment score read as the baseline) or an evening entry on the next date. Export every time the "
            "same way (all with a zone, or all as local times without one), or, for a clinic export, name the "
            "clinic's zone in the mapping, \"time_zone\": \"America/New_York\" (CLI: --time-zone): the times with "
            "a zone are then converted to its local times.")


def _id_key(ids: pd.Index) -> pd.Index:
    """An id as a spreadsheet program or a hand-kept log may rewrite it: case ignored, separators
    (spaces, ``-``, ``_``, ``/``, ``.``, and ``,`` or ``'`` of a thousands format: ``1,234``) ignored (``KP-007`` in the scores, ``KP007`` in the infusion
    log), leading zeros of an all-digit id dropped (Excel opens ``007`` as the number 7; ``A7`` and
    ``A07`` may be two patients), and a number written as a decimal (``7.0``, as a column of numbers
    with an empty cell is saved by pandas) read as the integer."""
    key = ids.astype(str).str.strip().str.casefold().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    key = key.str.replace(r"[\s\-_/.,']+", "", regex=True)
    digits = key.str.fullmatch(r"\d+")
    return key.where(~digits, key.str.lstrip("0").where(key.str.lstrip("0") != "", "0"))


def unmatched_id_warning(score_pid, course_pid) -> list[str]:
    """The warning when patients with scores but no course and patients with courses but no score
    have ids that are the same but for leading zeros, case, separators or a decimal ``.0`` (``7``, ``007``,
    ``7.0``; ``KP-007``, ``kp 007``).

    Each such patient is silently two: scores counted from their first score with no episode, and a
    course with no baseline; the analyses lose them. The ids are never merged here: ``7`` and ``007``
    may be two patients, so the files must say which.
    """
    scored = pd.Index(pd.unique(np.asarray(score_pid, dtype=object))).astype(str)
    treated = pd.Index(pd.unique(np.asarray(course_pid, dtype=object))).astype(str)
    only_scored, only_treated = scored.difference(treated), treated.difference(scored)
    if not len(only_scored) or not len(only_treated):
        return []
    keys = pd.Series(only_treated, index=_id_key(only_treated))
    keys = keys[~keys.index.duplicated()]
    hit = _id_key(only_scored).isin(keys.index)
    if not hit.any():
        return []
    pairs = [f"{a!r} and {b!r}" for a, b in zip(only_scored[hit], keys.loc[_id_key(only_scored[hit])])]
    return [f"{int(hit.sum())} patient id(s) with scores but no treatment course are, but for leading zeros, case, "
            f"separators (spaces, '-', '_', '/', '.', a thousands ',') or a decimal '.0', the ids of patients with a course but no score ({', '.join(pairs[:4])}"
            f"{' ...' if len(pairs) > 4 else ''}): each is read as two patients, and their episodes have no scores. "
            "A spreadsheet program drops the leading zeros of ids it takes for numbers: write the ids the same way "
            "in every file (format the id column as text before saving); where only leading zeros differ and the "
            "two are one patient, the mapping can say so: \"patient_ids\": {\"ignore_leading_zeros\": true}."]


def swapped_date_warnings(tables) -> list[str]:
    """A warning per date column whose dates look converted by a spreadsheet program with day and
    month swapped (:func:`analysis.io.dates.swapped_by_a_spreadsheet`). ``tables``: the export's
    ``(TextTable, FileSpec)`` pairs; a loop over the few date columns."""
    from .dates import swapped_by_a_spreadsheet

    out = []
    for t, fspec in tables:
        for header, col in fspec.columns.items():
            if getattr(col, "role", None) != "date" or header not in t.header:
                continue
            mark = swapped_by_a_spreadsheet(t.column(t.header.index(header)))
            if mark:
                out.append(f"{t.file}, column {header!r}: its {mark[0]} year-first dates (written like 2024-04-03) all have a day of "
                           f"12 or less, and its {mark[1]} other dates (written like 13/03/2024) all a day above 12. That is the mark "
                           "of a spreadsheet program that read day-first dates as month-first (or the reverse) and "
                           "converted only those it could: 04/03/2024 (4 March) became 2024-04-03 (3 April). If so, "
                           "day and month of the year-first dates are swapped: export the file again from its source, "
                           "or open it in the spreadsheet program with the language it was written in.")
    return out


def ids_written_once(t, fspec) -> tuple[str, int, int] | None:
    """Whether a file's patient id seems written on the first row of each patient only (merged cells,
    or a blank meaning "same as above"): rows with values but no id follow rows with one, every id
    stands on one row, and such rows come before other patients' rows (not only at the bottom, where
    summary rows stand).

    Returns
    -------
    (id column, rows with values but no id, ids written) or None
    """
    ids = [h for h, c in fspec.columns.items() if getattr(c, "role", None) == "patient_id" and h in t.header]
    if len(ids) != 1 or t.n < 3:
        return None
    k = t.header.index(ids[0])
    pid = pd.Series(t.column(k), dtype=object).fillna("").astype(str).str.strip()
    written = pid[pid != ""]
    # The cheap conditions first: a file with each id on many rows (a flowsheet) needs no look at its other cells.
    if len(pid) - len(written) < 2 or pid.iat[0] == "" or len(written) < 2 or not written.is_unique:
        return None
    others = t.cells.drop(columns=t.cells.columns[k]).fillna("").astype(str).apply(lambda c: c.str.strip() != "")
    blank = (pid == "").to_numpy() & others.any(axis=1).to_numpy()
    # Blocks, not summary rows at the bottom (Mean, SD under a table of one row per patient): some row
    # without an id is followed by a row with one.
    interleaved = bool((blank[:-1] & (pid != "").to_numpy()[1:]).any())
    if blank.sum() >= 2 and interleaved and pid.iat[0] != "" and written.is_unique and len(written) >= 2:
        return ids[0], int(blank.sum()), len(written)
    return None


def ids_written_once_warnings(tables) -> list[str]:
    """A warning per file whose patient id seems written on the first row of each patient only
    (:func:`ids_written_once`) and that the mapping does not fill down (``fill_down``): those rows are
    excluded ("patient_id is missing"); the warning names the likely cause and the remedy.
    ``tables``: the export's ``(TextTable, FileSpec)`` pairs."""
    out = []
    for t, fspec in tables:
        mark = ids_written_once(t, fspec)
        if mark is None or mark[0] in getattr(fspec, "fill_down", ()):
            continue
        out.append(f"{t.file}: {mark[1]} row(s) with values but no patient id follow rows that have one, and "
                   f"each of the {mark[2]} ids is written on one row only: the id seems written once per "
                   "patient (merged cells, or a blank meaning 'same as above'). Those rows were excluded. Fill the id "
                   f"down: in the mapping, \"fill_down\": [\"{mark[0]}\"] for this file (dashboard: the import "
                   "assistant's checkbox), or in the spreadsheet (select the column, Go To Special > Blanks, type = "
                   "and the cell above, Ctrl+Enter), and load again.")
    return out


#: Epic Clarity's flowsheet readings (``IP_FLWSHT_MEAS``) are dated twice: ``RECORDED_TIME``, "the instant the
#: reading was taken", and ``ENTRY_TIME``, "the instant the reading was entered" (Epic's EHI table documentation).
#: Only these column names, bare or qualified by their table (``m.RECORDED_TIME``): a report's 'Recorded Time'
#: beside an 'Entry Time' may mean either, and the hint keeps its "if".
_CLARITY_TAKEN = re.compile(r"(?i)(?:\w+\.)?recorded_time")
_CLARITY_CHARTED = re.compile(r"(?i)(?:\w+\.)?entry_time")


def second_date_warnings(spec, tables) -> list[str]:
    """A warning per file whose scores are dated by the first of several date columns (they have no
    ``time``) while another date column of the same rows says otherwise: an EHR's charting time
    ("Recorded Time", "Entry Time") beside the time the score was taken ("Taken Time"). A pre-infusion
    score charted after the start then reads as an immediate score. ``tables``: the export's
    ``(TextTable, FileSpec)`` pairs; a loop over the few date columns."""
    from .dates import detect_date_format
    from .ehr_times import bookkeeping

    out = []
    for t, fspec in tables:
        cols = {h: c for h, c in fspec.columns.items() if h in t.header}
        dates = [h for h, c in cols.items() if getattr(c, "role", None) == "date" and not c.treatment]
        untimed = [h for h, c in cols.items() if getattr(c, "role", None) in ("measure", "value", "checkbox")
                   and not c.time]
        # Time points counted from a date (analysis/io/counted_from.py) time the scores, not a date column.
        counted = any(getattr(c, "role", None) == "day" and getattr(c, "counted_from", None) for c in cols.values())
        if len(dates) < 2 or not untimed or counted:
            continue
        dates.sort(key=t.header.index)
        read = {}
        for h in dates:
            values = t.column(t.header.index(h))
            order = cols[h].format or spec.date_format or detect_date_format(values).order
            if order is None:
                break
            ns, missing, bad = _read_dates(values, order)
            read[h] = (np.asarray(ns, dtype=np.int64), ~np.asarray(missing, dtype=bool) & ~np.asarray(bad, dtype=bool),
                       ~np.asarray(missing, dtype=bool))
        if len(read) != len(dates):
            continue
        first = read[dates[0]]
        if bookkeeping(dates[0]):
            out.append(f"{t.file}: the scores ({', '.join(map(repr, untimed[:3]))}) are dated by {dates[0]!r}, the "
                       "first date column with a value in the row, which says when this version of the row was valid "
                       f"or updated, not when the score was taken: give {dates[0]!r} the role \"ignore\" in the "
                       "mapping (Cerner's clinical time is EVENT_END_DT_TM).")
            continue
        for h in dates[1:]:
            if bookkeeping(h):  # the row's bookkeeping (VALID_UNTIL_DT_TM, UPDT_DT_TM): never the time to suggest
                continue
            ns, ok, _ = read[h]
            both = first[1] & ok
            differ = both & (ns != first[0])
            clarity = _CLARITY_CHARTED.fullmatch(dates[0]) and _CLARITY_TAKEN.fullmatch(h)
            if differ.any() and _CLARITY_TAKEN.fullmatch(dates[0]) and _CLARITY_CHARTED.fullmatch(h):
                continue  # dated by when the reading was taken, as they should be: no hint to the charting time
            if differ.any() and clarity:
                hours = np.abs(ns[differ] - first[0][differ]).max() / 3.6e12
                out.append(f"{t.file}: the scores ({', '.join(map(repr, untimed[:3]))}) are dated by {dates[0]!r}, the "
                           f"first date column with a value in the row, but {h!r} differs from it in {int(differ.sum())} "
                           f"of {int(both.sum())} rows (by up to {hours:.1f} hours). In Epic Clarity's flowsheet "
                           f"readings (IP_FLWSHT_MEAS) {h!r} is when the reading was taken and {dates[0]!r} when it was "
                           f"entered: give the score columns \"time\": \"{h}\" in the mapping, or a pre-treatment score "
                           "charted after the start is read as an immediate score.")
            elif differ.any():
                hours = np.abs(ns[differ] - first[0][differ]).max() / 3.6e12
                out.append(f"{t.file}: the scores ({', '.join(map(repr, untimed[:3]))}) are dated by {dates[0]!r}, the first "
                           f"date column with a value in the row, but {h!r} differs from it in {int(differ.sum())} of "
                           f"{int(both.sum())} rows (by up to {hours:.1f} hours). If {h!r} is when the scores were taken "
                           f"(and {dates[0]!r} when they were charted), give the score columns \"time\": \"{h}\" in the "
                           "mapping: a pre-treatment score charted after the start is otherwise read as an immediate score.")
    return out


#: Numbers exports write for missing data (REDCap projects, SPSS and Stata files): never a score.
MISSING_NUMBERS = (-9, -99, -999, -9999, -88, -888, -8888, -77, -777, -7777, -98, -97, -96)


def export_warnings(spec, tables, scores: pd.DataFrame, admins: pd.DataFrame, courses: pd.DataFrame,
                    course_of: np.ndarray, obs, report) -> list[str]:
    """Warnings for a clinic export read with a mapping (see the module docstring)."""
    out = []
    # Scores on a treatment start day without a time: baseline or immediate cannot be told apart.
    if len(scores) and len(courses) and "has_time" in scores and \
            np.issubdtype(np.asarray(courses["start"]).dtype, np.integer):
        at = (scores["timing"] == "at").to_numpy()
        out += start_day_warning(scores["pid"].to_numpy()[at], scores["t"].to_numpy()[at],
                                 scores["has_time"].to_numpy()[at], courses["patient_id"].to_numpy(),
                                 courses["start"].to_numpy(), EXPORT_TIME_ADVICE)
    if "untimed_start" in scores:  # timed scores on the day of a start without a time: placed by a rule
        out += untimed_starts.warning(scores["pid"].to_numpy(), scores["untimed_start"].to_numpy())
    out += swapped_date_warnings(tables) + ids_written_once_warnings(tables) + second_date_warnings(spec, tables) + \
        first_of_month_warnings(spec, tables)
    if len(scores) and len(courses):
        out += unmatched_id_warning(scores["pid"].to_numpy(), courses["patient_id"].to_numpy())
    # Times with a zone (converted to UTC) beside times without one (taken as written): when the latter
    # are local times, the two are shifted against each other by the zone's offset, which can move a
    # score to the other side of a treatment start (a post-infusion score read as the baseline).
    zones = mixed_zone_warning([f"{f} {c!r}" for f, c, z, _ in obs.zones if z],
                               [f"{f} {c!r}" for f, c, _, t in obs.zones if t])
    out += [zones] if zones else []
    out += obs.warnings
    # Columns with a few coded values read as measures.
    if len(scores):
        by_col = scores.groupby(["file", "column"])
        for (file, col), s in by_col:
            vals = pd.to_numeric(s["raw"], errors="coerce")
            distinct = vals.dropna().unique()
            if 0 < len(distinct) <= 3 and s["pid"].nunique() >= 5 and \
                    (s.groupby("pid")["raw"].nunique() == 1).all() and s["measure"].iat[0] not in KNOWN_MEASURES:
                out.append(f"{file}, column {col!r}: read as the measure {s['measure'].iat[0]!r}, but it holds only "
                           f"{len(distinct)} distinct value(s), the same for each patient: it looks like a coded "
                           "covariate (e.g. sex or a group). Give it the role \"covariate\" if so.")
    # Values outside a measure's known range.
    ex = report.exclusions
    rng = ex[ex["reason"].astype(str).str.startswith("out of range")]
    zero = pd.to_numeric(rng["value"], errors="coerce").eq(0) | rng["value"].astype(str).str.strip().str.casefold().isin(
        NONE_WORDS)
    for reason, n in rng["reason"].value_counts().items():
        of = (rng["reason"] == reason).to_numpy()
        count = re.fullmatch(r"out of range for (.+) \(valid (\d+) or more\)", str(reason))
        if count and int(count.group(2)) >= 1 and zero.to_numpy()[of].all():
            # A count that starts at 1 (regions with signs) given as none: a "None of these" box, a "none"
            # cell. Not a wrong scale: a visit with nothing to count, which the measure does not define.
            m, lo = count.groups()
            out.append(f"{n} visit(s) recorded no {m} (a 'None' box ticked, 'none' written, or 0), but {m} counts "
                       f"from {lo}: those visits have no {m} and are listed in the load report as out of range. "
                       "That is the measure's definition, not a wrong scale; nothing to change unless the column is "
                       "mapped to the wrong measure.")
            continue
        values = pd.to_numeric(rng["value"][of], errors="coerce")
        if values.isin(MISSING_NUMBERS).all():
            # -99, -999, -88: how exports code missing data; not a wrong scale.
            out.append(f"{n} value(s) were {reason} and excluded; every one is a negative code "
                       f"({', '.join(sorted({f'{v:g}' for v in values}))}), as exports write missing data: nothing to "
                       "change if that is what they mean.")
            continue
        out.append(f"{n} value(s) were {reason} and excluded: check the measure each column is mapped to, and the "
                   "scale the export uses (e.g. a 0-100 VAS read as the 0-10 NRS).")
    # Administrations merged into courses: a plain statement, and a warning where a course is very long.
    if len(admins) and len(courses):
        per = pd.Series(course_of).value_counts()
        if (per > 1).any():
            out.append(f"{len(admins)} administration row(s) were merged into {len(courses)} course(s) (administrations "
                       f"of one treatment on dates at most {spec.courses.gap_days:g} days apart, whatever their time "
                       "of day, are one course, starting at the first). Check the patient timeline if that is not "
                       "how the clinic counts courses.")
        # Weekly sessions with one missed: two courses, two episodes (io/course_gaps.py)
        out += split_programme_warnings(admins["pid"].to_numpy(dtype=object),
                                        admins["t"].to_numpy(dtype=courses["start"].dtype),
                                        admins["label"].to_numpy(dtype=object), course_of, spec.courses.gap_days)
    out += route_warnings(admins["label"].to_numpy(dtype=object)) if len(admins) else []  # io/treatment_spellings.py
    out += treatment_warnings(courses.rename(columns={"start": "day"}).assign(
        day=lambda d: np.asarray(d["day"], dtype=float) / (86_400e9 if np.issubdtype(
            np.asarray(courses["start"]).dtype, np.integer) else 1.0)))
    return out


#: Whole names (case, spaces, '-', '_', '.', brackets ignored) that are a known measure under another spelling.
_MEASURE_ALIASES = {**dict.fromkeys(("nrs", "nrs010", "painnrs", "painnrs010", "nrspain", "painscore", "painscore010",
                                      "numericratingscale", "pain"), "pain_nrs"),
                    **dict.fromkeys(("phq9", "phq9total", "phq9score", "phq9totalscore"), "phq9"),
                    **dict.fromkeys(("gad7", "gad7total", "gad7score", "gad7totalscore"), "gad7")}


def measure_name_warnings(measures) -> list[str]:
    """A warning per measure name of the canonical files that the analyses do not know but that names a
    known measure the dataset lacks (``NRS`` or ``NRS (0-10)`` and no ``pain_nrs``; ``PHQ-9`` and no
    ``phq9``). Canonical names are taken as written (a clinic may track a measure of its own), so such a
    file loaded without a word about it and gave no relief at all; the warning names the mapping that
    reads it as the known measure. ``measures``: the distinct measure names of the assessments."""
    present = {str(m) for m in measures}
    out = []
    for name in sorted(present - set(KNOWN_MEASURES)):  # a loop over a handful of measure names
        # Only a whole name that is the known measure's ('NRS (0-10)', 'PHQ9 total'), never a measure of the
        # clinic's own that shares a word ('pain_interference', 'PHQ-15', 'GAD-2', 'eq5d_vas'), which the
        # advice would have mapped onto another scale.
        known = _MEASURE_ALIASES.get(re.sub(r"[\s\-_().]+", "", name.casefold()))
        if known in KNOWN_MEASURES and known not in present:
            out.append(f"The measure {name!r} is not one the analyses know, and it looks like {known!r} "
                       f"({KNOWN_MEASURES[known]['label']}), which this dataset does not have: analyses of {known} "
                       f"(relief, response) are not available. If it is that measure, map it: --map \"{name}={known}\" "
                       f"on the command line, or {{\"{name}\": \"{known}\"}} in a mapping file (docs/data-format.md, "
                       "\"Column names and the mapping\").")
    return out


def first_of_month_warnings(spec, tables) -> list[str]:
    """A warning per date column (not a treatment's date) whose every date (5 or more distinct) is the 1st of a
    month, worded as a question (a clinic may see its patients on the 1st): months typed as
    ``03/2024``, which a spreadsheet program stored as 1 March. Days are then known only to within a month,
    and scores 30 days "after" a course whose day is unknown look like a week-5 follow-up.
    ``tables``: the export's ``(TextTable, FileSpec)`` pairs; a loop over the few date columns."""
    from .dates import detect_date_format, dotted_day_first

    out = []
    for t, fspec in tables:
        for h, c in fspec.columns.items():
            if getattr(c, "role", None) != "date" or h not in t.header or c.treatment:
                continue
            values = t.column(t.header.index(h))
            fmt = detect_date_format(values)
            order = c.format or spec.date_format or fmt.order or ("DMY" if dotted_day_first(values, fmt) else None)
            if order is None:
                continue
            ns, missing, bad = _read_dates(values, order)
            days = pd.to_datetime(pd.Series(np.asarray(ns)[~np.asarray(missing) & ~np.asarray(bad)]), unit="ns").dt.normalize()
            if days.nunique() >= 5 and (days.dt.day == 1).all():
                out.append(f"{t.file}, column {h!r}: every date is the 1st of a month ({days.nunique()} dates). If the visits "
                           "were not all on the 1st, these are months typed as 03/2024 and stored as dates by a "
                           "spreadsheet program: the days are then known only to within a month, and relief by day or "
                           "week is not meaningful; export the real dates.")
    return out

