"""Translate a clinic's export into the canonical tables, keeping where every value came from.

Every export (REDCap, flowsheet + administration record, spreadsheet) is read the same way, by
the column roles of its mapping (:mod:`analysis.io.spec`): each data row contributes *observations*
— scores (measure columns, item/value pairs, checkbox groups, lists in one cell, questionnaire items
summed), administrations (a treatment
column) and covariates — each with its patient, its time and the file, line and column it came
from. Dates become days relative to each patient's first course here and are not kept.

The observations are then written as canonical tables and validated by :mod:`analysis.load`, the
one validator of the product (ranges, duplicates, conflicts), and its exclusions are mapped back
to the export's file, line and column (:mod:`analysis.io.load`). A row of an export can hold
several observations: it is *used* when at least one of them is, and *excluded* (with one entry
per observation and reason) when none is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from ..errors import DatasetError, MappingError, MissingColumnError
from ..mapping import normalize_name
from . import courses as _courses
from . import date_years, dosage_forms, dose_units, entry_status, excel_serials, mar_actions, post_scores, routes, \
    covariate_values, item_treatments, session_rows, withdrawn_rows
from . import fill_down as _fill_down, region_rows, session_dates, time_zones
from .lists import codes_note, count_listed
from .not_chosen import reasons as not_chosen_reasons, scored_rows
from .counted_from import read_time_points
from .observation_items import question_of, sum_question_rows
from .questionnaires import check_items, sum_items
from .spec import Column, FileSpec, MappingSpec
from .tables import TextTable
from .time_units import to_days, with_time_of_day
from .values import CHECKED

_DAY_NS = 86_400 * 10 ** 9
#: A dose cell that writes no dose: dashes (a 'Restarted after hold' row's '-') or an NA word. Missing, as an empty
#: cell is; only a written dose that is no amount ('UNK', '?', '-99') makes its course's dose unknown.
_NO_DOSE_WRITTEN = re.compile(r"(?i)\s*(?:[-\u2010-\u2015\u2212.]*|n\s?[/.]?\s?a\.?)\s*")  # hyphens, dashes, minus

#: Words a clinic writes in a treatment column to say "no treatment" (read as an empty cell).
NO_TREATMENT = frozenset({"-", "--", "—", "–", "/", "0", "none", "no", "nein", "keine", "kein", "non", "aucun",
                          "aucune", "ninguno", "ninguna", "nessuno", "geen", "nee", "n/a", "na", "nil", "nichts",
                          "rien", "nada",
                          # Phrases (an SPSS or REDCap value label written on every visit row).
                          "no treatment", "none given", "not given", "no infusion", "keine behandlung", "keine therapie",
                          "keine infusion", "pas de traitement", "aucun traitement", "sin tratamiento", "ningún tratamiento",
                          "nessun trattamento", "geen behandeling"})

#: The measure an observation file's items give as a list of regions (counted, like the role "list").
LISTED_MEASURE = "regions_affected"
R_NO_PATIENT = "patient_id is missing"
R_NO_TIME = "no date (or day) in this row for this value"
R_BAD_DATE = "{col} is not a date in the {order} format"
R_SERIAL_DATE = ("{col} is a number, Excel's serial number of the date {date}: format the cell as a date in the "
                 "spreadsheet and save it again")
R_BAD_DAY = "day is not a number"
R_BAD_TIMEPOINT = "{col} is not a time point (Baseline, Day 7, Week 4, Month 3) or a number of days"
R_NO_TIMEPOINT = "no time point in {col} for this value (its day after {date})"
R_NOTHING = "nothing to read in this row (no score, treatment or covariate)"
#: A row whose only score cell says the score is missing ('N/A', '-', 'k.A.').
R_NO_SCORE_WRITTEN = "no score written (the cell says it is missing); nothing else to read in this row"
R_ITEM = "item {item!r} is not mapped to a measure (ignored)"
R_COVARIATE_CONFLICT = "covariate {name!r} differs between rows of this patient ({values}): left empty"


@dataclass
class Observations:
    """What the rows of every file contributed, one table per kind (all columns as arrays)."""

    scores: list = field(default_factory=list)     # DataFrames: row, file, line, column, raw, text, pid, t, has_time,
    #                                                 measure (raw: read by the value rules; text: as written)
    admins: list = field(default_factory=list)     # row, file, line, column, raw, pid, t, label, dose
    covariates: list = field(default_factory=list)  # row, file, line, column, raw, pid, name, value
    excluded: list = field(default_factory=list)   # row, file, line, column, value, reason
    rows: list = field(default_factory=list)       # (file, n rows, first row key, lines)
    notes: list = field(default_factory=list)
    time_kind: str | None = None                   # "date" or "day"
    item_counts: dict = field(default_factory=dict)  # (file, item) -> (rows, mapped measure or None)
    zones: list = field(default_factory=list)  # (file, date column, has a zone (UTC), local times or dates: time_zones)
    zone_rules: dict = field(default_factory=dict)  # "offsets_as_written", "survey" zones (analysis/io/time_zones.py)
    warnings: list = field(default_factory=list)   # plausibility warnings found while reading (doses' units)
    summed_into: list = field(default_factory=list)  # (file, rows, lines, rows and lines carrying their sum)
    after_start: list = field(default_factory=list)  # scores after the start, pending (io/post_scores.py)

    def exclude(self, row, file, line, column, value, reason) -> None:
        n = len(row)
        if n == 0:
            return
        self.excluded.append(pd.DataFrame({
            "row": np.asarray(row, dtype=np.int64), "file": file, "line": np.asarray(line, dtype=np.int64),
            "column": np.broadcast_to(np.asarray(column, dtype=object), (n,)),
            "value": np.broadcast_to(np.asarray(value, dtype=object), (n,)),
            "reason": np.broadcast_to(np.asarray(reason, dtype=object), (n,))}))


def resolve_columns(table: TextTable, fspec: FileSpec) -> tuple[dict[int, Column], list[str], list[str]]:
    """Column position -> role. Returns (roles, header names not in the mapping, mapping keys not found)."""
    by_key = {normalize_name(k): (k, c) for k, c in fspec.columns.items()}
    roles, unmapped, seen = {}, [], set()
    for k, h in enumerate(table.header):
        key = normalize_name(h)
        if not h:
            continue
        if key in by_key:
            if key in seen and by_key[key][1].role != "ignore":
                raise DatasetError(f"{table.file}: the column name {h!r} appears twice, and the mapping gives it the "
                                   f"role {by_key[key][1].role!r}. Rename one of the columns in the file.",
                                   file=table.file, column=h)
            seen.add(key)
            roles[k] = by_key[key][1]
        else:
            unmapped.append(h)
    missing = [orig for key, (orig, _) in by_key.items() if key not in seen]
    return roles, unmapped, missing


def recode(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` applied to each distinct value, then spread back (no Python call per row)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    out = np.asarray([fn(u) for u in uniques], dtype=object)
    return out[codes] if len(codes) else np.zeros(0, dtype=object)


def _positions(roles: dict[int, Column], role: str) -> list[int]:
    return [k for k, c in roles.items() if c.role == role]


def _by_header(table: TextTable, roles: dict[int, Column], name: str, role_hint: str) -> int:
    key = normalize_name(name)
    for k in roles:
        if normalize_name(table.header[k]) == key:
            return k
    raise MappingError(f"Mapping for {table.file}: the {role_hint} refers to the column {name!r}, which is not a "
                       f"mapped column of the file.", file=table.file)


def _day_numbers(table: TextTable, k: int, counted: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cells of the day column ``k`` as days: numbers in the unit its name says ('Hours after infusion',
    :func:`analysis.io.time_units.to_days`), else a research sheet's time points (D-7, D0, W4, M3) as the days
    they stand for, and a baseline word ('Baseline', 'Pre') as 0, before the treatment, a post word ('Post')
    as 0, after it (:func:`analysis.io.counted_from.read_time_points`; ``counted``: the time points count from
    a date, and are read as REDCap's event names are, '4 weeks' as week 4).

    Returns
    -------
    days : ndarray of float
        The days (NaN where not read).
    ok, bad : ndarray of bool
        The cell reads; the cell is filled but does not read.
    side : ndarray of int8
        -1 for a baseline word: day 0 of its date (or of the first treatment), before that treatment; 1 for a
        post word, after it; else 0.
    """
    from .values import ValueRules, parse_values

    pv = parse_values(table.column(k), ValueRules(ranges="exclude", fractions=False, decimal_comma=table.decimal_comma))
    ok = ~pv.missing & (pv.reason == "")
    day = to_days(np.where(ok, pv.value, np.nan), table.header[k])
    point, side = read_time_points(table.column(k),
                                   events=counted or normalize_name(table.header[k]) == "redcap_event_name")
    named = ~pv.missing & ~ok & ~np.isnan(point)
    day[named], ok = point[named], ok | named
    return day, ok, ~pv.missing & ~ok, np.where(named, side, 0).astype(np.int8)


def _counted_date(table: TextTable, roles: dict[int, Column], k: int) -> int:
    """The position of the date column the time points of column ``k`` count from (``counted_from``)."""
    name = roles[k].counted_from
    found = [j for j, h in enumerate(table.header) if normalize_name(h) == normalize_name(name)]
    if not found:
        raise MappingError(f"Mapping for {table.file}: the time points of {table.header[k]!r} are counted from "
                           f"{name!r}, which is not a column of the file (its columns: "
                           f"{', '.join(repr(h) for h in table.header[:12] if h)}{' ...' if len(table.header) > 12 else ''})"
                           ". Write the name of the date column they count from as it is written in the header.",
                           file=table.file, column=table.header[k])
    if found[0] not in roles or roles[found[0]].role != "date":
        raise MappingError(f"Mapping for {table.file}: the time points of {table.header[k]!r} are counted from "
                           f"{name!r}, which is not mapped as a date: give it the role \"date\".", file=table.file,
                           column=table.header[k])
    return found[0]


class FileTimes:
    """The times of one file's rows: each date (or day) column parsed, with its time column."""

    def __init__(self, table: TextTable, roles: dict[int, Column], spec: MappingSpec, obs: Observations,
                 row0: int):
        from . import dates as _dates

        self.table = table
        self.kind = None
        self.cols: dict[int, tuple] = {}   # date col -> (t, has_time, ok, bad)
        date_cols = _positions(roles, "date")
        day_cols = _positions(roles, "day")
        # Time points counted from a date of the same row ('Week 4' after the 'Infusion date') are dates, not
        # day numbers since the first course: they may stand beside date columns (analysis/io/counted_from.py).
        counted = [k for k in day_cols if roles[k].counted_from]
        day_cols = [k for k in day_cols if not roles[k].counted_from]
        if date_cols and day_cols:
            raise MappingError(f"Mapping for {table.file}: give the time either as dates or as day numbers, "
                               "not both.", file=table.file)
        self.order_used: dict[str, str] = {}
        #: Per time point column, the side of each row's time point: -1 a baseline word (before that date's
        #: treatment), 1 a post word (right after it), 0 neither.
        self.side: dict[int, np.ndarray] = {}
        if day_cols:
            self.kind = "day"
            for k in day_cols:
                # 'Baseline' among time points without dates: the day of the first treatment, before it.
                day, ok, bad, self.side[k] = _day_numbers(table, k)
                # A column of time points in words (REDCap events) says so of a cell that is none.
                words = bad.any() and (~np.isnan(read_time_points(table.column(k)[ok], events=True)[0])).any()
                why = R_BAD_TIMEPOINT.format(col=table.header[k]) if words else R_BAD_DAY
                # A day number has no time of day (unless a time column completes it: time_units.with_time_of_day).
                self.cols[k] = (day, np.zeros(table.n, dtype=bool), ok, bad,
                                np.full(table.n, why, dtype=object), np.full(table.n, table.header[k], dtype=object),
                                table.column(k))
        times = {}
        for k in _positions(roles, "time"):
            c = roles[k]
            target = _by_header(table, roles, c.date, "time column's \"date\"") if c.date else None
            if target is None:  # the file's one date column, or its one day column (DAYS_FROM_INDEX)
                if len(date_cols or day_cols) != 1:
                    raise MappingError(
                        f"Mapping for {table.file}: the time column {table.header[k]!r} must say which date column it "
                        "completes (\"date\": \"<column>\"), since the file has "
                        f"{'no' if not date_cols else len(date_cols)} date columns.", file=table.file)
                target = (date_cols or day_cols)[0]
            if target in times:
                raise MappingError(
                    f"Mapping for {table.file}: the time columns {table.header[times[target]]!r} and {table.header[k]!r} "
                    f"both complete the date column {table.header[target]!r}; give one of them the role \"ignore\" "
                    "(or another \"date\").", file=table.file)
            times[target] = k
            if target in day_cols:  # day 3 at 09:15 is day 3.385 (analysis/io/time_units.py)
                self.cols[target] = with_time_of_day(self.cols[target], table, target, k)
        for k in date_cols:
            self.kind = "date"
            c = roles[k]
            values = table.column(k)
            if c.format == excel_serials.EXCEL:  # Excel's serial numbers (analysis/io/excel_serials.py)
                ns, has_time, missing, bad, reason = excel_serials.read(values, table.header[k])
                self._finish_dates(k, times, ns, has_time, missing, bad, reason)
                continue
            order = c.format or spec.date_format
            fmt = _dates.detect_date_format(values)
            order, dotted = _dates.dotted_order(values, fmt, order, bool(c.format))
            if dotted:
                obs.notes.append(f"{table.file}, column {table.header[k]!r}: {dotted}")
            if order is None:
                if fmt.order is None:
                    if fmt.candidates:
                        raise MappingError(
                            f"{table.file}, column {table.header[k]!r}: the dates are ambiguous ({fmt.describe()}; "
                            f"{fmt.example_text()}). Say which order the export uses: \"date_format\": "
                            f"\"{fmt.candidates[0]}\" or \"{fmt.candidates[1] if len(fmt.candidates) > 1 else 'YMD'}\" "
                            "in the mapping file (CLI: --date-format).", file=table.file, column=table.header[k])
                    if fmt.n_values:
                        shown = ", ".join(repr(v) for v in pd.unique(values[values != ""])[:3])
                        compact = pd.Series(values[values != ""], dtype=object).str.fullmatch(r"(?:19|20)\d{6}").all()
                        raise MappingError(
                            f"{table.file}, column {table.header[k]!r} is mapped as a date, but none of its values "
                            f"reads as a date (e.g. {shown})."
                            + (" Dates without separators are read as YYYYMMDD (a year 1900-2099, then a real "
                               "month and day); these are not such dates: check the column, or write the dates as "
                               "YYYY-MM-DD (in Excel, format the column as a date) and save the file again."
                               if compact else ""), file=table.file, column=table.header[k])
                    order = "YMD"
                else:
                    order = fmt.order
            self.order_used[table.header[k]] = order
            ns, missing, bad, has_time = time_zones.read_dates(values, order, fmt, spec, obs, table, k)
            reason = np.full(table.n, R_BAD_DATE.format(col=table.header[k], order=order), dtype=object)
            text = table.column(k)
            year = date_years.year_reasons(text, np.asarray(bad, dtype=bool), order, table.header[k])  # '12/03/1024'
            reason = np.where(year != "", year, reason).astype(object)
            bad = np.asarray(bad, dtype=bool).copy()
            # A cell Excel left as its date serial number (45366) among dates: say so, and what to do.
            # (the dates a clinic's export holds, as for a column of serials: a '20240' typed for 2024 is none)
            number = pd.to_numeric(pd.Series(text, dtype=object).where(
                pd.Series(text, dtype=object).str.fullmatch(r"\d{5}").fillna(False)), errors="coerce").to_numpy()
            first, last = excel_serials.PLAUSIBLE
            serial = bad & (number >= first) & (number <= last)
            if serial.any():
                as_date = pd.to_datetime(excel_serials.read(text[serial], table.header[k])[0]).strftime("%Y-%m-%d")
                reason[serial] = [R_SERIAL_DATE.format(col=table.header[k], date=d) for d in as_date]
            self._finish_dates(k, times, ns, has_time, missing, bad, reason)
        for k in counted:
            self.cols[k] = self._counted(k, _counted_date(table, roles, k))
        # Scores without a "time" of their own take it from the time points; a treatment from its date.
        self.date_cols = counted or date_cols or day_cols
        self.treatment_cols = date_cols or day_cols

    def _finish_dates(self, k: int, times: dict, ns, has_time, missing, bad, reason) -> None:
        """``self.cols[k]`` of the date column ``k`` read into ``ns`` (with ``has_time``, ``missing``, ``bad``
        and the ``reason`` of a bad cell), completed by its time column (``times[k]``) if it has one."""
        from . import dates as _dates

        table = self.table
        ns = np.asarray(ns, dtype=np.int64)
        has_time = np.asarray(has_time, dtype=bool)
        bad = np.asarray(bad, dtype=bool).copy()
        column = np.full(table.n, table.header[k], dtype=object)
        text = table.column(k).copy()
        if k in times:
            tk = times[k]
            t_ns, t_missing, t_bad = _dates.parse_times(table.column(tk))
            # A time that does not read (24:00, "morning") leaves the row without a time: its values
            # are excluded with that reason, never placed at 00:00 of the day.
            t_bad = np.asarray(t_bad, dtype=bool) & ~np.asarray(missing, dtype=bool) & ~bad
            ns, has_time = _dates.combine_date_time(ns, has_time, np.asarray(t_ns, dtype=np.int64),
                                                    np.asarray(t_missing | t_bad, dtype=bool))
            ns = np.asarray(ns, dtype=np.int64)
            has_time = np.asarray(has_time, dtype=bool)
            bad |= t_bad
            reason[t_bad] = f"{table.header[tk]} is not a time of day (hh:mm)"
            column[t_bad] = table.header[tk]
            text[t_bad] = table.column(tk)[t_bad]
        ok = ~np.asarray(missing, dtype=bool) & ~bad
        self.cols[k] = (ns, has_time, ok, bad, reason, column, text)

    def _counted(self, k: int, d: int) -> tuple:
        """The times of the time point column ``k``: its date column ``d``'s times plus the time points (in
        days; a baseline word is the date itself, :func:`analysis.io.counted_from.read_time_points`). A row
        whose time point does not read, or is empty beside a score, is bad with that reason; a row whose date
        does not read is bad with the date's reason.

        Parameters
        ----------
        k, d : int
            The positions of the time point column and of its date column (already read into ``self.cols``).

        Returns
        -------
        tuple
            As the other entries of ``self.cols``: (t as nanoseconds, has_time, ok, bad, why, column, text).
        """
        table = self.table
        ns, has_time, d_ok, d_bad, d_why, d_column, d_text = self.cols[d]
        day, ok, bad, side = _day_numbers(table, k, counted=True)
        # A score beside an empty time point has no day: counted from its date it would be one more baseline.
        empty = (table.column(k) == "") & d_ok
        header = table.header[k]
        why = np.where(empty, R_NO_TIMEPOINT.format(col=header, date=table.header[d]),
                       R_BAD_TIMEPOINT.format(col=header)).astype(object)
        column = np.full(table.n, header, dtype=object)
        text = table.column(k).copy()
        # Where the date does not read, that is the reason, on the date's column (a time point cannot mend it).
        why[d_bad], column[d_bad], text[d_bad] = d_why[d_bad], d_column[d_bad], d_text[d_bad]
        t = ns + np.round(np.where(ok, day, 0.0) * _DAY_NS).astype(np.int64)
        self.side[k] = side
        self.kind = "date"
        return t, has_time, ok & d_ok, (bad & ~d_bad) | empty | d_bad, why, column, text

    def for_column(self, col: Column, table: TextTable, roles) -> dict:
        """The time of each row for the values of column ``col``: its own ``time`` column, or else the
        first date (or day) column with a value in the row (for a score, the time point column counted from
        a date, where the file has one). Arrays: ``t``, ``has_time``, ``ok``, ``bad``, ``why`` (reason when
        bad), ``column`` (the date column used), ``text`` (its text) and ``side`` (-1: the time is a baseline
        time point: before the treatment of that date)."""
        if not self.cols:
            raise MissingColumnError(
                f"{table.file}: no date or day column is mapped, so the scores and treatments have no time. Map the "
                "visit or treatment date column with the role \"date\" (or day numbers with \"day\").",
                file=table.file, column="date")
        if col.time:
            k = _by_header(table, roles, col.time, f"\"time\" of column {col.measure or col.role!r}")
            if k not in self.cols:
                raise MappingError(f"Mapping for {table.file}: \"time\": {col.time!r} is not a date or day column.",
                                   file=table.file)
            order = [k]
        else:
            order = list(self.treatment_cols if col.role == "treatment" else self.date_cols)
        n = table.n
        out = {"t": None, "has_time": np.zeros(n, dtype=bool), "ok": np.zeros(n, dtype=bool),
               "bad": np.zeros(n, dtype=bool), "why": np.full(n, "", dtype=object),
               "column": np.full(n, table.header[order[0]], dtype=object), "text": np.full(n, "", dtype=object),
               "side": np.zeros(n, dtype=np.int8)}
        taken = np.zeros(n, dtype=bool)
        for k in order:
            t, ht, ok, bad, why, cname, ctext = self.cols[k]
            if out["t"] is None:
                out["t"] = np.zeros(n, dtype=t.dtype)
            take = ~taken & (ok | bad)   # the first column with a value in this row
            out["t"][take] = t[take]
            out["has_time"][take] = ht[take]
            out["ok"][take] = ok[take]
            out["bad"][take] = bad[take]
            out["why"][take] = why[take]
            out["column"][take] = cname[take]
            out["text"][take] = ctext[take]
            if k in self.side:
                out["side"][take] = self.side[k][take]
            taken |= take
        return out


def read_rows(table: TextTable, fspec: FileSpec, spec: MappingSpec, obs: Observations, row0: int,
              redcap_codes: dict | None = None) -> None:
    """Collect the observations of one file's rows into ``obs``."""
    from .values import ValueRules

    roles, unmapped, missing = resolve_columns(table, fspec)
    f = table.file
    has_treatment = bool(_positions(roles, "treatment")) or any(c.treatment for c in roles.values())
    status_ks = entry_status.status_columns(f, table.header, roles, table.column, has_treatment, obs.notes,
                                             spec.courses.start_actions)
    route_ks = routes.route_columns(f, table.header, roles, has_treatment, obs.notes, table.column, obs.warnings)
    unmapped = [u for u in unmapped if u not in {table.header[k] for k in status_ks + route_ks}]
    if unmapped:
        obs.notes.append(f"{table.file}: {len(unmapped)} column(s) not in the mapping were ignored: "
                         + ", ".join(repr(u) for u in unmapped[:12]) + (" ..." if len(unmapped) > 12 else "") + ".")
    if missing:
        obs.notes.append(f"{table.file}: mapping entries that matched no column: "
                         + ", ".join(repr(m) for m in missing[:12]) + ".")
    rows = row0 + np.arange(table.n)
    obs.rows.append((f, table.n, row0, table.line))
    # Entries in error, superseded versions, orders never given: withdrawn before anything of them is read.
    gone, column, value, why = withdrawn_rows.withdrawn(table, roles, status_ks, has_treatment,
                                                        bool(_positions(roles, "action")), obs)
    obs.exclude(rows[gone], f, table.line[gone], column[gone], value[gone], why[gone])
    if gone.any():
        table = replace(table, cells=table.cells[~gone].reset_index(drop=True), line=table.line[~gone])
        rows = rows[~gone]
    n, lines = table.n, table.line
    pid_cols = _positions(roles, "patient_id")
    if len(pid_cols) != 1:
        found = ", ".join(repr(h) for h in table.header if h) or "none"
        raise MissingColumnError(
            f"{f}: {'no column is' if not pid_cols else 'more than one column is'} mapped as the patient id "
            f"(columns: {found}). Give exactly one column the role \"patient_id\".", file=f, column="patient_id")
    pid = table.column(pid_cols[0])
    times = FileTimes(table, roles, spec, obs, row0)
    no_pid = np.full(n, R_NO_PATIENT, dtype=object)
    if normalize_name(table.header[pid_cols[0]]) in {normalize_name(h) for h in fspec.fill_down}:
        # An id written on each patient's first row only: filled down into the dated rows below it (io/fill_down.py).
        dated = np.zeros(n, dtype=bool)
        for c in times.cols.values():
            dated |= c[2]
        pid, filled, why = _fill_down.fill_ids(pid, dated)
        no_pid = np.where(why != "", why, no_pid).astype(object)
        if filled.any() or (why != "").any():
            obs.notes.append(_fill_down.note(f, table.header[pid_cols[0]], filled, why))
    has_pid = pid != ""
    if times.kind:
        if obs.time_kind and obs.time_kind != times.kind:
            raise DatasetError(f"{f}: this file gives day numbers and another gives dates (or the other way round). "
                               "Use one kind of time in every file.", file=f)
        obs.time_kind = times.kind
    contributes = np.zeros(n, dtype=bool)
    rules = ValueRules.from_dict(spec.values)
    if "decimal_comma" not in spec.values:
        rules = replace(rules, decimal_comma=table.decimal_comma)
    offset = spec.courses.post_offset_hours

    pid_header = table.header[pid_cols[0]]

    def full(x) -> np.ndarray:
        if isinstance(x, np.ndarray) and x.shape == (n,):
            return x
        return np.full(n, x, dtype=object)

    def placed(mask: np.ndarray, col: Column, column, raw=None) -> tuple[np.ndarray, dict]:
        """The rows of ``mask`` with a patient and a time; the others are excluded with their reason."""
        idx = np.flatnonzero(mask)
        contributes[idx] = True
        tm = times.for_column(col, table, roles)
        nop = idx[~has_pid[idx]]
        obs.exclude(rows[nop], f, lines[nop], pid_header, "", no_pid[nop])
        idx = idx[has_pid[idx]]
        b = idx[tm["bad"][idx]]
        obs.exclude(rows[b], f, lines[b], tm["column"][b], tm["text"][b], tm["why"][b])
        none = idx[~tm["ok"][idx] & ~tm["bad"][idx]]
        obs.exclude(rows[none], f, lines[none], full(column)[none], "" if raw is None else full(raw)[none], R_NO_TIME)
        return idx[tm["ok"][idx]], tm

    # Each row's visit word, where a column has the role "event" ('Post' after the treatment of its date, 'Pre',
    # 'Baseline' before it; io/post_scores.py).
    event_side = np.zeros(n, dtype=np.int8)
    for k in _positions(roles, "event"):
        side = read_time_points(table.column(k))[1]
        event_side = np.where(event_side == 0, side, event_side).astype(np.int8)
    # A score cell that writes no score ('N/A', '-', 'k.A.'): no observation; a row with nothing else is listed
    # with it (the column and the cell), not counted as excluded without an entry.
    no_score = np.full(n, "", dtype=object)
    no_score_text = np.full(n, "", dtype=object)

    def add_scores(mask, measure, raw, column, col: Column, timing: str, text=None) -> None:
        """``raw``: what the value rules read; ``text``: the cell as written, shown where the value is
        left out (default ``raw``; a list column's count is read, its list is shown)."""
        from .values import parse_values

        text = raw if text is None else text
        idx = np.flatnonzero(mask)
        if len(idx):
            codes, distinct = pd.factorize(full(raw)[idx], use_na_sentinel=False)  # the value rules per distinct cell
            dash = pd.Series(distinct, dtype=object).astype(str).str.fullmatch(r"\s*[-–—]{1,3}\s*").to_numpy()  # '-': none
            missing = idx[(parse_values(np.asarray(distinct, dtype=object), rules).missing | dash)[codes]]
            first = missing[no_score[missing] == ""]
            no_score[first], no_score_text[first] = full(column)[first], full(text)[first]
            mask = mask.copy()
            mask[missing] = False
        sel, tm = placed(mask, col, column, text)
        if not len(sel):
            return
        t = tm["t"][sel]
        if col.offset_days:  # a visit's column in a row per patient: that many days after the row's date
            t = t + (round(col.offset_days * _DAY_NS) if times.kind == "date" else col.offset_days)
        after_start = round(offset * 3600 * 10 ** 9) if times.kind == "date" else offset / 24.0
        # A baseline time point ('Baseline' counted from the infusion date) is before that day's treatment: said so,
        # it is no date-only score of unknown side on a start day (plausibility.start_day_warning).
        # A post time point ('Post', right after the infusion) is the immediate score, as a post column's is.
        side = tm["side"][sel]
        if timing == "at" and (side == 1).any():
            t = t + np.where(side == 1, after_start, 0)
        # The visit column's word (the role "event": 'Post', 'Pre') where no time point said a side.
        seen = np.where(side == 0, event_side[sel], 0) if timing == "at" else np.zeros(len(sel), dtype=np.int8)
        when = np.where(side == -1, "before_start", np.where(side == 1, "after_start", timing)) if timing == "at" \
            else timing
        when = np.where(seen == -1, "before_start", np.where(seen == 1, "after_start", when)).astype(object)
        obs.scores.append(pd.DataFrame({
            "row": rows[sel], "file": f, "line": lines[sel], "column": full(column)[sel], "raw": full(raw)[sel],
            "text": full(text)[sel], "pid": pid[sel], "t": t, "has_time": tm["has_time"][sel], "measure": full(measure)[sel],
            "timing": when, "decimal_comma": table.decimal_comma}))
        # After the start by its column or its visit's word: after the treatment only on a treatment's day (or
        # beside a score before it on the row), decided once every file's administrations are read (io/post_scores.py).
        shift = np.where((seen == 1) | (timing == "after_start"), after_start, 0).astype(np.asarray(t).dtype)
        if shift.any():
            obs.after_start.append((len(obs.scores) - 1, np.asarray(t), shift, when))

    # Scores in measure columns (a visit's score on each of its regions' rows read once: io/region_rows.py).
    visits = region_rows.VisitRows(table, roles, pid, times, obs.notes)
    for k in _positions(roles, "measure"):
        c = roles[k]
        vals = table.column(k)
        if c.codes:  # a score asked as a choice, exported as its labels: back to the codes
            vals = recode(vals, lambda v, cc=c.codes: cc.get(v, v))
        m = (vals != "") & ~visits.repeated(vals, table.header[k], c)
        add_scores(m, c.measure, vals, table.header[k], c, c.timing)
    # Checkbox groups: the number of boxes ticked (a visit with none ticked has no value; with only a box
    # meaning none ticked, 0).
    groups: dict[str, list[int]] = {}
    for k in _positions(roles, "checkbox"):
        groups.setdefault(roles[k].measure, []).append(k)
    for measure, ks in groups.items():
        ticked = np.zeros(n, dtype=np.int64)
        none = np.zeros(n, dtype=bool)    # a box meaning none of the items (means_none) is ticked
        for k in ks:
            box = pd.Series(table.column(k)).str.casefold().isin(CHECKED).to_numpy()
            if roles[k].means_none:
                none |= box
            else:
                ticked += box
        count = ticked.astype(str).astype(object)
        first = next((k for k in ks if not roles[k].means_none), ks[0])
        add_scores((ticked > 0) & ~none, measure, count, table.header[first], roles[first], "at")
        if none.any():
            k = next(k for k in ks if roles[k].means_none)   # the 0 is reported under the box that gave it
            add_scores(none & (ticked == 0), measure, count, table.header[k], roles[k], "at")
            both = none & (ticked > 0)
            obs.exclude(rows[both], f, lines[both], table.header[k], table.column(k)[both],
                        f"{table.header[k]!r} (none of the items) is ticked beside other boxes of {measure}: no "
                        f"{measure} for this row; correct the record")
            contributes |= both
    # A questionnaire's items without its total: their sum, when every item of the row reads (io/questionnaires.py).
    summed: dict[tuple, list[int]] = {}
    for k in _positions(roles, "sum_item"):
        summed.setdefault((roles[k].measure, roles[k].timing, roles[k].time), []).append(k)
    for (measure, timing, _), ks in summed.items():
        headers = [table.header[k] for k in ks]
        check_items(measure, headers, f)
        cells = [recode(table.column(k), lambda v, cc=roles[k].codes: cc.get(v, v)) if roles[k].codes
                 else table.column(k) for k in ks]
        total, measured, why, item, text = sum_items(measure, headers, cells, [bool(roles[k].codes) for k in ks],
                                                     rules.text, obs.notes, obs.warnings, f)
        bad = why != ""
        obs.exclude(rows[bad], f, lines[bad], item[bad], text[bad], why[bad])
        contributes |= bad
        ok = measured & ~bad
        add_scores(ok, measure, np.where(ok, total, 0).astype(np.int64).astype(str).astype(object), headers[0],
                   roles[ks[0]], timing)
    # Lists in one cell ("left hand, right foot"): the number of distinct items (io/lists.py); a cell the rule
    # cannot count is excluded with its reason, a count of 0 by the validator; one item per row: io/region_rows.py.
    for k in _positions(roles, "list"):
        region_rows.read_list_column(k, table, roles, pid, rows, obs, visits, add_scores, contributes)
    # Long observations: item and value columns.
    items, values = _positions(roles, "item"), _positions(roles, "value")
    if items or values:
        if len(items) != 1 or len(values) != 1:
            raise MappingError(f"Mapping for {f}: a long observation file needs exactly one \"item\" column and one "
                               "\"value\" column.", file=f)
        item, value = table.column(items[0]), table.column(values[0])
        lookup = {normalize_name(k): v for k, v in spec.items.items()}
        measure = recode(item, lambda s: lookup.get(normalize_name(s)))
        item, given = item_treatments.treatment_rows(table, items[0], values[0], measure, rows, lines, obs, contributes)
        mapped = pd.notna(measure) & (item != "")
        unm = ~mapped & (item != "")
        counts = pd.Series(item[unm]).value_counts()
        for it, cnt in counts.items():
            obs.item_counts[(f, it)] = (int(cnt), None)
        for it, cnt in pd.Series(item[mapped]).value_counts().items():
            obs.item_counts[(f, it)] = (int(cnt), lookup[normalize_name(it)])
        obs.exclude(rows[unm], f, lines[unm], table.header[items[0]], item[unm],
                    recode(item[unm], lambda x: R_ITEM.format(item=x)))
        contributes |= unm
        with_value = mapped & (value != "")
        empty_value = mapped & (value == "")
        obs.exclude(rows[empty_value], f, lines[empty_value], table.header[values[0]], "", "value is missing")
        contributes |= empty_value
        # A body-regions item charts the regions ('L hand, R foot'): counted as the role "list" counts them.
        listed = with_value & (pd.Series(measure, dtype=object) == LISTED_MEASURE).to_numpy()
        if listed.any():
            idx = np.flatnonzero(listed)
            lc = count_listed(value[idx])
            if lc.codes:
                obs.notes.append(codes_note(f, f"{table.header[values[0]]} ({LISTED_MEASURE})", LISTED_MEASURE,
                                             value[idx][~lc.missing]))
            bad = lc.reason != ""
            obs.exclude(rows[idx[bad]], f, lines[idx[bad]], table.header[values[0]], value[idx[bad]], lc.reason[bad])
            contributes[idx[bad]] = True
            counted = np.zeros(len(value), dtype=bool)
            counted[idx[~lc.missing & ~bad]] = True
            counts = value.copy()
            counts[idx] = np.where(~lc.missing & ~bad, lc.count, 0).astype(np.int64).astype(str).astype(object)
            add_scores(counted, measure, counts, table.header[values[0]], roles[values[0]], "at", text=value)
            with_value &= ~listed
        # A questionnaire charted one question per row ("phq9 item 3"): the questions of one time summed.
        questionnaire = recode(measure, lambda x: (question_of(x) or (None,))[0])
        question = with_value & pd.notna(questionnaire)
        if question.any():
            vh = table.header[values[0]]
            sel, tm = placed(question, roles[values[0]], vh, value)
            carrier, total, why, into = sum_question_rows(pid[sel], tm["t"][sel], measure[sel], item[sel], value[sel],
                                                          rules.text, obs.notes, obs.warnings, f)
            obs.exclude(rows[sel[why != ""]], f, lines[sel[why != ""]], vh, value[sel[why != ""]], why[why != ""])
            part = sel[into >= 0]
            obs.summed_into.append((f, rows[part], lines[part], rows[sel[into[into >= 0]]], lines[sel[into[into >= 0]]]))
            summed, at = np.zeros(n, dtype=bool), value.copy()
            summed[sel[carrier]], at[sel[carrier]] = True, total[carrier]
            add_scores(summed, questionnaire, at, vh, roles[values[0]], "at")
            with_value &= ~question
        add_scores(with_value, measure, value, table.header[values[0]], roles[values[0]], "at")
    # Administrations.
    tcols = _positions(roles, "treatment")
    dated = [k for k in _positions(roles, "date") if roles[k].treatment]
    # Several treatment columns only as boxes (a REDCap checkbox 'Treatment given': Ketamine infusion, Lidocaine
    # infusion), each reading its ticks as its own treatment through its codes; never beside MAR actions.
    boxes = len(tcols) > 1 and all(roles[k].codes for k in tcols) and not _positions(roles, "action")
    if (len(tcols) > 1 and not boxes) or (tcols and not session_dates.of_columns(roles, dated, tcols, table.header)):
        raise MappingError(f"Mapping for {f}: only one column can give the treatment (the role \"treatment\", or "
                           "\"treatment\" on date columns, one per administration of a row).", file=f)
    sources = []
    for k in tcols:
        text = table.column(k)
        if redcap_codes and table.header[k] in redcap_codes:
            text = recode(text, lambda v, c=redcap_codes[table.header[k]]: c.get(v, v))
        if roles[k].codes:
            text = recode(text, lambda v, c=roles[k].codes: c.get(v, v))
        sources.append((k, roles[k], text))
    # A date in such a column is an administration of the treatment the mapping names, at that date (a row
    # per patient may have a date column per infusion: 'Infusion 1 date', 'Infusion 2 date'), or of the one a
    # treatment column names (a booster's date beside the drug: io/session_dates.py).
    sources += [(k, Column("treatment", time=table.header[k]),
                 session_dates.texts(k, table, roles, sources, pid, times, obs, rows, lines)) for k in dated]
    sources += [(items[0], Column("treatment"), given)] if items and (given != "").any() else []  # io/item_treatments.py
    for k, tcol, text in sources:
        none = pd.Series(text, dtype=object).str.strip().str.casefold().str.split().str.join(" ").isin(
            NO_TREATMENT).to_numpy()
        if not _positions(roles, "action"):  # a visit's row is no treatment row (never in a medication record)
            none |= session_rows.names_a_visit(text)
            obs.notes += session_rows.removal_notes(f, table.header[k], text)
        text = np.where(none, "", text).astype(object)
        has = text != ""
        acts = _positions(roles, "action")
        start = has.copy()
        label = _courses.treatment_labels(text, spec.courses.treatments)
        if acts:  # the MAR's actions: starts, corrections, boluses from the bag (io/mar_actions.py)
            tm0 = times.for_column(tcol, table, roles)
            minute = tm0["t"] // (60 * 10 ** 9) if times.kind == "date" else tm0["t"]
            key = pd.DataFrame({"p": pid, "x": entry_status.normalised(text), "t": minute})
            dk = dose_units.dose_columns(table, _positions(roles, "dose"))
            act = table.column(acts[0])  # a sheet's Status of Yes / Postponed read through its codes (io/visits.py)
            act = recode(act, lambda v, c=roles[acts[0]].codes: c.get(v, v)) if roles[acts[0]].codes else act
            start, listed = mar_actions.read_actions(act, has, key, tm0["ok"] & has_pid,
                                                     spec.courses.start_actions, f, table.header[acts[0]], rows,
                                                     lines, obs, table.column(dk[0]) if dk else None, label,
                                                     spec.courses.gap_days * (1440 if times.kind == "date" else 1))
            contributes |= listed
        not_chosen = start & (label == "")
        obs.exclude(rows[not_chosen], f, lines[not_chosen], table.header[k], text[not_chosen],
                    not_chosen_reasons(text[not_chosen], np.isin(rows[not_chosen], scored_rows(obs.scores, f))))
        contributes |= not_chosen
        obs.warnings += dosage_forms.unchosen_infusions_warning(text[not_chosen], spec.courses.treatments, f)
        adm = start & (label != "")
        if route_ks:  # a route known not to be intravenous is no infusion; an unknown one is said (io/routes.py)
            route = table.column(route_ks[0])
            oral = adm & routes.not_intravenous(route, roles[route_ks[0]].codes)
            obs.exclude(rows[oral], f, lines[oral], table.header[route_ks[0]], route[oral],
                        routes.reasons(route[oral], label[oral]))
            contributes |= oral
            adm &= ~oral
            obs.warnings += routes.unknown_warning(
                route[adm & routes.unknown(route, roles[route_ks[0]].codes)], f, table.header[route_ks[0]])
        contributes |= adm
        idx, tm = placed(adm, tcol, table.header[k])
        t, ht = tm["t"], tm["has_time"]
        if items and k == items[0] and times.kind == "date":  # a coded entry's time: kept only inside the day's scores
            mine = [sc for sc in obs.scores if len(sc) and (sc["file"].iloc[0] == f)]
            t, ht = item_treatments.entry_times(pid, t, ht, pd.concat(mine) if mine else None)
        dose = np.full(len(idx), np.nan)
        dcols = dose_units.dose_columns(table, [k for k in _positions(roles, "dose")]) if len(sources) == 1 or tcols == [k] else []  # whose dose, of several dates?
        if dcols:
            from .number_grouping import file_decimals, read_grouped_thousands
            from .values import ValueRules, parse_values
            hint = file_decimals([table.column(j) for j in _positions(roles, "measure") + _positions(roles, "value")])
            cells, either = read_grouped_thousands(table.column(dcols[0])[idx], table.delimiter, fspec.decimal_comma,
                                                   hint, redcap=bool(fspec.redcap))
            pv = parse_values(cells, ValueRules(ranges="exclude", fractions=False, decimal_comma=table.decimal_comma))
            dose = np.where((pv.reason == "") & ~either, pv.value, np.nan)
            if either.any():
                shown = ", ".join(repr(v) for v in pd.unique(cells[either])[:3])
                obs.notes.append(f"{f}: {int(either.sum())} dose(s) in {table.header[dcols[0]]!r} ({shown}) read either "
                                 "as thousands (1,200 = 1200) or as decimals (1.2): left out of the course doses. Write "
                                 "them without a thousands separator, or give the file \"decimal_comma\": false "
                                 "(decimal points; then 1,200 = 1200) or true (decimal commas) in the mapping.")
            # A dose written but not read ('UNK', '-99': no amount) makes its course's total unknown (courses.py):
            # summed without it, the course's dose was too small and looked right.
            unwritten = pd.Series(cells, dtype=object).astype(str).str.fullmatch(_NO_DOSE_WRITTEN).to_numpy(dtype=bool)
            badd = (~pv.missing) & ~unwritten & ((pv.reason != "") | (np.nan_to_num(pv.value) < 0))
            if badd.any():
                dose = np.where(badd, -np.inf, dose)
                obs.notes.append(f"{f}: {int(badd.sum())} dose value(s) in {table.header[dcols[0]]!r} are not amounts "
                                 f"(e.g. {', '.join(map(repr, pd.unique(cells[badd])[:3]))}: not numbers, or negative "
                                 "missing-data codes): the courses they belong to have no dose.")
            dashed = unwritten & (cells != "")
            if dashed.any():
                obs.notes.append(f"{f}: {int(dashed.sum())} administration(s) write no dose in "
                                 f"{table.header[dcols[0]]!r} ({', '.join(map(repr, pd.unique(cells[dashed])[:3]))}): "
                                 "their courses' doses are the sums of the doses written.")
            unit_k = next(iter(dose_units.unit_columns(table, dcols[0])), None)
            if unit_k is not None:
                dose = dose_units.one_unit_doses(dose, table.column(unit_k)[idx], label[idx], f, table.header[unit_k], obs)
        obs.admins.append(pd.DataFrame({"row": rows[idx], "file": f, "line": lines[idx], "column": table.header[k],
                                        "raw": text[idx], "pid": pid[idx], "t": t[idx], "has_time": ht[idx],
                                        "label": label[idx], "dose": dose}))
    # Covariates (one value per patient).
    for k in _positions(roles, "covariate"):
        c = roles[k]
        vals = table.column(k)
        codes = dict((redcap_codes or {}).get(table.header[k], {}))
        codes.update(c.codes or {})
        if codes:
            vals = recode(vals, lambda v, cc=codes: cc.get(v, v))
        m = (vals != "") & has_pid
        contributes |= m
        idx = np.flatnonzero(m)
        obs.covariates.append(pd.DataFrame({"row": rows[idx], "file": f, "line": lines[idx], "column": table.header[k],
                                            "raw": table.column(k)[idx], "pid": pid[idx], "name": c.name,
                                            "value": covariate_values.top_coded(vals[idx], f, table.header[k], obs.notes)}))
    nothing = ~contributes & (no_score == "")
    obs.exclude(rows[nothing], f, lines[nothing], "(row)", "", R_NOTHING)
    blank = ~contributes & (no_score != "")
    obs.exclude(rows[blank], f, lines[blank], no_score[blank], no_score_text[blank], R_NO_SCORE_WRITTEN)
    post_scores.settle(obs, obs.time_kind)
    if len(table.too_many_fields):
        obs.notes.append(f"{f}: {len(table.too_many_fields)} row(s) had more fields than the header and were not read "
                         f"(lines {', '.join(map(str, table.too_many_fields[:10]))}).")


def scale_max(measure: str) -> float | None:
    spec = KNOWN_MEASURES.get(measure)
    return None if spec is None or spec["max"] is None else float(spec["max"])
