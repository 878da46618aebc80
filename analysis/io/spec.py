"""The mapping file: how a clinic's export is read, in one small human-editable document.

``python -m analysis inspect PATH --write-mapping FILE`` writes one; ``validate``, ``summarize``
and ``export`` take it with ``--mapping FILE``; the dashboard's Data page downloads and accepts the
same file. JSON is written; TOML with the same structure is read too. docs/data-format.md,
"Clinic exports", has a worked example for each source kind. The structure::

    {
      "crps_outcomes_mapping": 1,
      "source": "spreadsheet",                # redcap | flowsheet | spreadsheet (informational)
      "date_format": "DMY",                   # YMD | DMY | MDY, for every date column (optional)
      "time_zone": "Europe/Berlin",           # the clinic's zone: zoned times converted to it (optional)
      "files": [
        {"match": "Ketamin_*.csv",            # file name pattern (case-insensitive; * and ?)
         "kind": "data",                      # data | redcap_dictionary | ignore
         "header_row": 3, "delimiter": ";", "encoding": "utf-8-sig", "decimal_comma": true,  # optional
         "redcap": "raw",                     # raw | labels, for a REDCap data export
         "fill_down": ["Patient"],            # the id written on each patient's first row only (optional)
         "columns": {
           "Patient": "patient_id",
           "Datum": "date",
           "Heure": {"role": "time", "date": "Datum"},
           "Visite": {"role": "day", "counted_from": "Datum"},   # time points (Baseline, Week 4) after "Datum"
           "Behandlung": "treatment",
           "Dosis (mg/kg)": "dose",
           "Schmerz vor (NRS)": {"role": "measure", "measure": "pain_nrs", "timing": "before_start"},
           "Schmerz (NRS)": {"role": "measure", "measure": "pain_nrs"},
           "Betroffene Regionen": {"role": "list", "measure": "regions_affected"},   # "Hand li.; Fuß re."
           # (a file of one region per row: "one_per_row": true, "side": "Seite": each visit's rows counted together)
           "regions___0": {"role": "checkbox", "measure": "regions_affected", "means_none": true},  # "None of these"
           "Geschlecht": {"role": "covariate", "name": "sex", "codes": {"1": "Female", "2": "Male"}},
           "Kommentar": "ignore"}}
      ],
      "items": {"Pain Score (0-10)": "pain_nrs"},          # long observation exports: item -> measure
      "values": {"ranges": "midpoint", "fractions": true, "text": {"Denies pain": 0}},
      "courses": {"treatments": {"ketamine": "Ketamine infusion"}, "start_actions": ["New Bag", "Given"],
                  "gap_days": 7, "boosters": {"Ketamine infusion": "Ketamine booster"},
                  "post_offset_hours": 1},
      "patient_ids": {"site_column": "Site", "per_file": false},  # whose numbering the ids are (optional)
      "measures": {"promis_pf": {"higher_is_better": true}}        # a clinic's own scale where higher is better
    }
"""
from __future__ import annotations

import fnmatch
import math
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MappingError
from ..mapping import normalize_name
from ..measures import MEASURES

VERSION = 1
MARKER = "crps_outcomes_mapping"

#: Column roles. A string value in ``columns`` is the role itself (``"date"``); an object names it
#: under ``"role"`` with its options.
ROLES = ("patient_id", "day", "date", "time", "treatment", "dose", "action", "measure", "item", "value",
         "covariate", "checkbox", "list", "sum_item", "event", "ignore",
         # the entry's status (rows in error are withdrawn, io/entry_status.py); an administration's route
         # (only intravenous rows are infusions, io/routes.py)
         "status", "route")
#: Roles that give a score and so need ``"measure"``: a score column, one box of a checkbox group
#: (boxes ticked are counted), a list in one cell (the distinct items listed are counted, io/lists.py),
#: one item of a questionnaire given without its total (the items are summed, io/questionnaires.py).
SCORE_ROLES = ("measure", "checkbox", "list", "sum_item")
#: The largest ``offset_days`` of a score column (days after the row's date, either way): 10 years.
MAX_OFFSET_DAYS = 3660
TIMINGS = ("at", "before_start", "after_start")
DATE_ORDERS = ("YMD", "DMY", "MDY")
FILE_KINDS = ("data", "redcap_dictionary", "ignore")
SOURCES = ("redcap", "flowsheet", "spreadsheet", "canonical")

#: MAR actions that start an administration (matched case-insensitively). Others (Rate Change,
#: Stopped, Held, Paused, Restarted, Missed, Refused, ...) are not administrations, nor is a "Bolus from Bag"
#: (drawn from the running bag: part of its infusion, io/mar_actions.py).
DEFAULT_START_ACTIONS = ("New Bag", "Begin Bag", "Start Bag", "Given", "Started", "Start", "Administered", "Bolus",
                         "Push", "Restarted after hold", "Infusion Started", "Infusion Start",
                         "Start Infusion", "Begin Infusion", "New Infusion")

_COLUMN_KEYS = {"role", "measure", "timing", "name", "codes", "date", "time", "format", "scale_max", "treatment",
                "offset_days", "means_none", "counted_from", "listed", "one_per_row", "side"}
_FILE_KEYS = {"match", "kind", "header_row", "delimiter", "encoding", "decimal_comma", "redcap", "columns", "fill_down"}
_TOP_KEYS = {MARKER, "source", "date_format", "time_zone", "files", "items", "values", "courses", "note", "patient_ids",
             "measures"}
#: What the mapping may say about a measure (``"measures": {name: {...}}``).
_MEASURE_KEYS = {"higher_is_better"}
_COURSE_KEYS = {"treatments", "start_actions", "gap_days", "boosters", "post_offset_hours", "dose"}


@dataclass(frozen=True)
class Column:
    """The role of one column. ``time``: the date column giving this column's time (where a row
    has several); ``date``: for a ``time`` column, the date column it completes; ``treatment``: for a
    ``date`` column, a row with a date in it is an administration of this treatment (an infusion log
    or a REDCap infusion form without a column naming the drug)."""

    role: str
    measure: str | None = None
    timing: str = "at"
    name: str | None = None
    codes: dict | None = None
    date: str | None = None
    time: str | None = None
    format: str | None = None
    treatment: str | None = None
    #: For a score column of one visit in a row per patient ('NRS week 4'): the days after its date column.
    offset_days: float | None = None
    #: For a box of a checkbox group: ticked, it means none of the items (REDCap's "None of these"): a visit with
    #: only it ticked counts 0 (then the measure's range applies, as to any 0); ticked beside other boxes, the
    #: visit has no count and is listed. False (the default): the box is counted as one item like the others.
    means_none: bool = False
    #: For a ``day`` column of time points ('Baseline', 'Week 4', 'Month 3'): the date column of the same row they
    #: count from (the infusion date written on each visit row): a score's day is that date plus its time point
    #: (analysis/io/counted_from.py). None (the default): the days count from the patient's first course.
    counted_from: str | None = None
    #: For a ``list`` column of numbers: ``"codes"`` (each cell counts the codes it lists, a single number is one
    #: code) or ``"counts"`` (a single number is the count, a list of numbers is excluded). None (the default):
    #: decided from the file's cells (rule 5 of analysis/io/lists.py); the proposal writes what it decided.
    listed: str | None = None
    #: For a ``list`` column: true when the file writes one item per row (``Patient, Exam date, Affected region``):
    #: the rows of one patient and time are one visit, counted together (analysis/io/region_rows.py).
    one_per_row: bool = False
    #: For a ``list`` column: the column whose cell is joined to each item of its row (``Side``: left + hand).
    side: str | None = None

    def to_json(self):
        d = {"role": self.role}
        for k in ("measure", "name", "codes", "date", "time", "format", "treatment", "offset_days", "means_none",
                  "counted_from", "listed", "one_per_row", "side"):
            v = getattr(self, k)
            if v:
                d[k] = v
        if self.timing != "at":
            d["timing"] = self.timing
        return self.role if len(d) == 1 else d


@dataclass(frozen=True)
class FileSpec:
    match: str
    kind: str = "data"
    columns: dict = field(default_factory=dict)   # header as written -> Column
    header_row: int | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal_comma: bool | None = None
    redcap: str | None = None
    #: Columns written on each patient's first row only (merged cells, a report layout): their empty
    #: cells take the value above them (analysis/io/fill_down.py). Only the patient id column for now.
    fill_down: tuple = ()

    def matches(self, name: str) -> bool:
        """Whether file ``name`` is this file: its exact name (``Pain clinic [final].csv``, whose brackets are
        characters, not a wildcard set), or a match of the pattern (``*``, ``?``, ``[...]``: a user's glob and
        the proposal's escaped pattern, :func:`analysis.io.propose.name_pattern`); case is ignored."""
        return name.casefold() == self.match.casefold() or fnmatch.fnmatchcase(name.casefold(), self.match.casefold())

    def to_json(self) -> dict:
        d = {"match": self.match}
        if self.kind != "data":
            d["kind"] = self.kind
        for k in ("header_row", "delimiter", "encoding", "decimal_comma", "redcap"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        if self.fill_down:
            d["fill_down"] = list(self.fill_down)
        if self.kind == "data":
            d["columns"] = {k: c.to_json() for k, c in self.columns.items()}
        return d


@dataclass(frozen=True)
class CourseRules:
    """How treatment rows become courses (docs/methods.md, "Courses from administrations").

    treatments : {pattern: label}
        Which rows are treatments: a row whose treatment text contains ``pattern`` (case-insensitive)
        is an administration of ``label``. Empty: every non-empty treatment text is a treatment,
        labelled as written.
    start_actions : tuple of str
        With an ``action`` column, only rows whose action is one of these start an administration.
    gap_days : float
        Administrations of one treatment at most this many days apart (start to start) are one course,
        counted in calendar days (the dates' difference, whatever the times of day).
    boosters : {label: booster label}
        A patient's courses of ``label`` after their first are labelled ``booster label``.
    post_offset_hours : float
        A score recorded "after the start" on a treatment row is placed this many hours after it.
    """

    treatments: dict = field(default_factory=dict)
    start_actions: tuple = DEFAULT_START_ACTIONS
    gap_days: float = 7.0
    boosters: dict = field(default_factory=dict)
    post_offset_hours: float = 1.0

    def to_json(self) -> dict:
        return {"treatments": dict(self.treatments), "start_actions": list(self.start_actions),
                "gap_days": self.gap_days, "boosters": dict(self.boosters),
                "post_offset_hours": self.post_offset_hours}


@dataclass(frozen=True)
class MappingSpec:
    files: tuple = ()
    source: str | None = None
    date_format: str | None = None
    #: The clinic's own time zone (an IANA name, ``America/New_York``): times written with a zone (``Z``, ``-05:00``,
    #: ``EST``, a Qualtrics file's ``timeZone``) are converted to its wall-clock time, as the times without a zone
    #: are written (analysis/io/time_zones.py). None: zoned times are read as before (UTC, or as written).
    time_zone: str | None = None
    items: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    courses: CourseRules = field(default_factory=CourseRules)
    #: Whose numbering the patient ids are (analysis/io/sites.py): ``site_column`` (a column naming the site: the
    #: patient is the site and the id; null: no column is), ``per_file`` (true: each file numbers its own patients;
    #: false: an id is the same patient in every file). Empty: decided from the data.
    patient_ids: dict = field(default_factory=dict)
    #: Facts about measures the registry does not know: ``{name: {"higher_is_better": bool}}`` (the direction
    #: relief is computed in: analysis/measures.py). Empty: every such measure is taken as lower-is-better.
    measures: dict = field(default_factory=dict)

    @property
    def directions(self) -> dict:
        """``{measure: higher_is_better}`` as declared (``Dataset.directions``)."""
        return {m: bool(v["higher_is_better"]) for m, v in self.measures.items() if "higher_is_better" in v}

    def file_for(self, name: str) -> FileSpec | None:
        for f in self.files:
            if f.matches(name):
                return f
        return None

    def to_json(self) -> dict:
        d = {MARKER: VERSION}
        if self.source:
            d["source"] = self.source
        if self.date_format:
            d["date_format"] = self.date_format
        if self.time_zone:
            d["time_zone"] = self.time_zone
        d["files"] = [f.to_json() for f in self.files]
        if self.items:
            d["items"] = dict(self.items)
        d["values"] = dict(self.values) if self.values else {}
        d["courses"] = self.courses.to_json()
        if self.patient_ids:
            d["patient_ids"] = dict(self.patient_ids)
        if self.measures:
            d["measures"] = {m: dict(v) for m, v in self.measures.items()}
        return d

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def _err(where: str, msg: str) -> MappingError:
    return MappingError(f"Mapping {where}: {msg}", file="mapping")


def _check_keys(obj: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _err(where, f"unknown entr{'y' if len(unknown) == 1 else 'ies'} {', '.join(map(repr, unknown))} "
                          f"(allowed: {', '.join(sorted(allowed))}).")


def _text(v, where: str) -> str:
    if not isinstance(v, str) or not v.strip():
        raise _err(where, f"expected a non-empty text, got {v!r}.")
    return v.strip()


def _column(v, where: str) -> Column:
    if isinstance(v, str):
        v = {"role": v}
    if not isinstance(v, dict):
        raise _err(where, f"expected a role (e.g. \"date\") or an object with \"role\", got {v!r}.")
    _check_keys(v, _COLUMN_KEYS, where)
    role = v.get("role")
    if role not in ROLES:
        raise _err(where, f"role {role!r} is not one of {', '.join(ROLES)}.")
    timing = v.get("timing", "at")
    if timing not in TIMINGS:
        raise _err(where, f"timing {timing!r} is not one of {', '.join(TIMINGS)}.")
    fmt = v.get("format")
    if fmt is not None and fmt not in DATE_ORDERS + ("excel",):
        raise _err(where, f"format {fmt!r} is not one of {', '.join(DATE_ORDERS + ('excel',))} (excel: the dates are "
                          "Excel's serial numbers).")
    if role in SCORE_ROLES and not v.get("measure"):
        raise _err(where, f"a {role} column needs \"measure\": the measure's name, e.g. \"pain_nrs\".")
    if role == "sum_item" and v.get("measure"):
        summed = [m.name for m in MEASURES.values() if m.items]
        if v["measure"] not in summed:
            raise _err(where, f"a sum_item column is an item of a questionnaire whose score is the sum of its items: "
                              f"\"measure\" must be one of {', '.join(summed)}, got {v['measure']!r}.")
    if role == "covariate" and not v.get("name"):
        raise _err(where, "a covariate column needs \"name\", e.g. \"sex\".")
    if v.get("treatment") is not None and role != "date":
        raise _err(where, "\"treatment\" is for a date column only (each date is an administration of that "
                          "treatment); a column naming the treatment has the role \"treatment\".")
    offset = v.get("offset_days")
    if offset is not None and (role not in SCORE_ROLES or isinstance(offset, bool) or not isinstance(offset, (int, float))
                               or not math.isfinite(offset) or abs(offset) > MAX_OFFSET_DAYS):
        raise _err(where, "\"offset_days\" is for a score column only: a number of days after the row's date "
                          "(e.g. 28 for 'NRS week 4'), within 10 years.")
    means_none = v.get("means_none", False)
    if not isinstance(means_none, bool) or (means_none and role != "checkbox"):
        raise _err(where, "\"means_none\" is true or false, for a box of a checkbox group only: true when ticking it "
                          "means none of the items (\"None of these\"), so that the visit counts 0.")
    counted_from = v.get("counted_from")
    if counted_from is not None and (role != "day" or not isinstance(counted_from, str) or not counted_from.strip()):
        raise _err(where, "\"counted_from\" is for a day column only (time points such as 'Baseline', 'Week 4'): the "
                          "name of the date column of the same row they count from, e.g. \"Infusion date\".")
    listed = v.get("listed")
    if listed is not None and (role != "list" or listed not in ("codes", "counts")):
        raise _err(where, "\"listed\" is for a list column only: \"codes\" (a cell of numbers lists codes of "
                          "regions, 1,3 = 2 regions, 2 = 1 region) or \"counts\" (a single number is the count).")
    one_per_row, side = v.get("one_per_row", False), v.get("side")
    if not isinstance(one_per_row, bool) or (one_per_row and role != "list"):
        raise _err(where, "\"one_per_row\" is true or false, for a list column only: true when the file writes one "
                          "item per row, so that the rows of one patient and time are counted as one visit.")
    if side is not None and (role != "list" or not isinstance(side, str) or not side.strip()):
        raise _err(where, "\"side\" is for a list column only: the name of the column whose cell is joined to each "
                          "item of its row, e.g. \"Side\" (left + hand = left hand).")
    codes = v.get("codes")
    if codes is not None and (not isinstance(codes, dict)
                              or not all(isinstance(k, str) and isinstance(x, (str, int, float)) for k, x in codes.items())):
        raise _err(where, "\"codes\" must be an object of code -> label, e.g. {\"1\": \"Female\"}.")
    return Column(role=role, measure=v.get("measure") and _text(v["measure"], where), timing=timing,
                  name=v.get("name") and _text(v["name"], where),
                  codes={k: str(x) for k, x in codes.items()} if codes else None,
                  date=v.get("date") and _text(v["date"], where), time=v.get("time") and _text(v["time"], where),
                  format=fmt, treatment=v.get("treatment") and _text(v["treatment"], where),
                  offset_days=float(offset) if offset is not None else None, means_none=means_none,
                  counted_from=counted_from and counted_from.strip(), listed=listed,
                  one_per_row=one_per_row, side=side and side.strip())


def _fill_down(v, cols: dict, where: str) -> tuple:
    """The ``fill_down`` entry of a file: a list of its column names, each mapped as the patient id
    (the one column filled down: a score, a treatment or a date filled down would be read again on
    rows that do not have it)."""
    if not isinstance(v, list) or not all(isinstance(h, str) and h.strip() for h in v):
        raise _err(where, f"\"fill_down\" must be a list of column names, e.g. [\"Patient\"], got {v!r}.")
    for h in v:
        col = cols.get(h.strip())
        if col is None or col.role != "patient_id":
            raise _err(where, f"\"fill_down\" names {h!r}, which is not the file's patient id column: only the "
                              "patient id is filled down (written on each patient's first row only). Give that "
                              "column the role \"patient_id\", or remove it from \"fill_down\".")
    return tuple(dict.fromkeys(h.strip() for h in v))


def _counted_from(cols: dict, where: str) -> None:
    """Each ``counted_from`` of a file names one of its columns mapped as a date (matched as column names are:
    case and spaces aside): the time points are counted from a date, read with that column's format."""
    dates = {normalize_name(h) for h, c in cols.items() if c.role == "date"}
    for h, c in cols.items():
        if c.counted_from and normalize_name(c.counted_from) not in dates:
            raise _err(f"{where}, column {h!r}", f"\"counted_from\" names {c.counted_from!r}, which is not a date column "
                       "of this file's mapping: give the date the time points count from (e.g. \"Infusion date\") the "
                       "role \"date\" under \"columns\", and write its name here as it is written in the header.")


def _number(v, where: str, lo: float = 0.0) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not (v >= lo) or v != v or v in (float("inf"),):
        raise _err(where, f"expected a number >= {lo:g}, got {v!r}.")
    return float(v)


#: The keys of the mapping's ``"patient_ids"`` (whose numbering the ids are: analysis/io/sites.py).
PATIENT_IDS_KEYS = {"site_column", "per_file", "ignore_leading_zeros"}


def check_patient_ids(v, where: str) -> dict:
    """The mapping's ``"patient_ids"`` entry, checked: ``site_column`` (a column name, or null: no site column),
    ``per_file`` (true: each file numbers its own patients; false: the same id is the same patient in every
    file) and ``ignore_leading_zeros`` (true: ``7`` and ``007`` in two files are one patient)."""
    if not isinstance(v, dict):
        raise _err(where, "\"patient_ids\" must be an object, e.g. {\"site_column\": \"Site\"} or {\"per_file\": true}.")
    _check_keys(v, PATIENT_IDS_KEYS, f"{where}, patient_ids")
    col = v.get("site_column")
    if col is not None and (not isinstance(col, str) or not col.strip()):
        raise _err(f"{where}, patient_ids", f"\"site_column\" is a column name (e.g. \"Site\") or null, got {col!r}.")
    for key in ("per_file", "ignore_leading_zeros"):
        if key in v and not isinstance(v[key], bool):
            raise _err(f"{where}, patient_ids", f"\"{key}\" is true or false, got {v[key]!r}.")
    return dict(v)


def from_json(obj, where: str = "file") -> MappingSpec:
    """Check and read a mapping document (the parsed JSON/TOML). Raises MappingError with the place."""
    if not isinstance(obj, dict) or MARKER not in obj:
        raise _err(where, f"not a CRPS Outcomes mapping (it needs \"{MARKER}\": {VERSION}).")
    if obj[MARKER] != VERSION:
        raise _err(where, f"version {obj[MARKER]!r} is not supported (this version reads {VERSION}).")
    _check_keys(obj, _TOP_KEYS, where)
    source = obj.get("source")
    if source is not None and source not in SOURCES:
        raise _err(where, f"source {source!r} is not one of {', '.join(SOURCES)}.")
    order = obj.get("date_format")
    if order is not None and order not in DATE_ORDERS:
        raise _err(where, f"date_format {order!r} is not one of {', '.join(DATE_ORDERS)} "
                          "(YMD = 2024-03-01, DMY = 01.03.2024 or 01/03/2024, MDY = 03/01/2024).")
    time_zone = check_time_zone(obj.get("time_zone"), where)
    files_in = obj.get("files", [])
    if not isinstance(files_in, list):
        raise _err(where, "\"files\" must be a list of objects.")
    files = []
    for i, f in enumerate(files_in):
        w = f"{where}, files[{i}]"
        if not isinstance(f, dict):
            raise _err(w, "expected an object with \"match\".")
        _check_keys(f, _FILE_KEYS, w)
        kind = f.get("kind", "data")
        if kind not in FILE_KINDS:
            raise _err(w, f"kind {kind!r} is not one of {', '.join(FILE_KINDS)}.")
        cols_in = f.get("columns", {})
        if not isinstance(cols_in, dict):
            raise _err(w, "\"columns\" must be an object of column name -> role.")
        cols = {_text(k, w): _column(v, f"{w}, column {k!r}") for k, v in cols_in.items()}
        _counted_from(cols, w)
        hr = f.get("header_row")
        if hr is not None and (isinstance(hr, bool) or not isinstance(hr, int) or hr < 1):
            raise _err(w, f"header_row must be a line number (1 or more), got {hr!r}.")
        delim = f.get("delimiter")
        if delim is not None and delim not in (",", ";", "\t", "|"):
            raise _err(w, f"delimiter must be one of , ; | or a tab, got {delim!r}.")
        rc = f.get("redcap")
        if rc is not None and rc not in ("raw", "labels"):
            raise _err(w, f"redcap must be \"raw\" or \"labels\", got {rc!r}.")
        dc = f.get("decimal_comma")
        if dc is not None and not isinstance(dc, bool):
            raise _err(w, f"decimal_comma must be true or false, got {dc!r}.")
        files.append(FileSpec(match=_text(f.get("match"), w), kind=kind, columns=cols, header_row=hr,
                              delimiter=delim, encoding=f.get("encoding"), decimal_comma=dc, redcap=rc,
                              fill_down=_fill_down(f.get("fill_down", []), cols, w)))
    items = obj.get("items", {})
    if not isinstance(items, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in items.items()):
        raise _err(where, "\"items\" must be an object of item name -> measure name.")
    values = obj.get("values", {})
    if not isinstance(values, dict):
        raise _err(where, "\"values\" must be an object (ranges, fractions, text, decimal_comma).")
    from .values import ValueRules  # checks the entries, with their own messages
    ValueRules.from_dict(values)
    c = obj.get("courses", {})
    if not isinstance(c, dict):
        raise _err(where, "\"courses\" must be an object.")
    _check_keys(c, _COURSE_KEYS, f"{where}, courses")
    treatments = c.get("treatments", {})
    boosters = c.get("boosters", {})
    for name, d in (("treatments", treatments), ("boosters", boosters)):
        if not isinstance(d, dict) or not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                                              for k, v in d.items()):
            raise _err(f"{where}, courses", f"\"{name}\" must be an object of text -> text.")
    starts = c.get("start_actions", list(DEFAULT_START_ACTIONS))
    if not isinstance(starts, list) or not all(isinstance(s, str) for s in starts):
        raise _err(f"{where}, courses", "\"start_actions\" must be a list of texts, e.g. [\"New Bag\", \"Given\"].")
    courses = CourseRules(treatments=dict(treatments), start_actions=tuple(starts),
                          gap_days=_number(c.get("gap_days", 7.0), f"{where}, courses.gap_days"),
                          boosters=dict(boosters),
                          post_offset_hours=_number(c.get("post_offset_hours", 1.0),
                                                    f"{where}, courses.post_offset_hours"))
    if courses.post_offset_hours <= 0:
        raise _err(f"{where}, courses.post_offset_hours", "must be more than 0 (a score after the start).")
    patient_ids = check_patient_ids(obj["patient_ids"], where) if "patient_ids" in obj else {}
    measures = check_measures(obj.get("measures", {}), where)
    return MappingSpec(files=tuple(files), source=source, date_format=order, time_zone=time_zone, items=dict(items),
                       values=dict(values), courses=courses, patient_ids=patient_ids, measures=measures)


def check_measures(v, where: str) -> dict:
    """The ``measures`` section: ``{name: {"higher_is_better": true|false}}``. A measure of the registry keeps the
    registry's direction (declaring the other one is an error: the registry cites where its direction comes from)."""
    w = f"{where}, measures"
    if not isinstance(v, dict):
        raise _err(w, 'must be an object of measure name -> facts, e.g. {"promis_pf": {"higher_is_better": true}}.')
    out = {}
    for name, facts in v.items():
        if not isinstance(name, str) or not name.strip() or not isinstance(facts, dict):
            raise _err(w, f'{name!r}: expected a measure name and an object, e.g. {{"higher_is_better": true}}.')
        _check_keys(facts, _MEASURE_KEYS, f"{w}.{name}")
        hib = facts.get("higher_is_better")
        if hib is not None and not isinstance(hib, bool):
            raise _err(f"{w}.{name}", f"higher_is_better must be true or false, got {hib!r}.")
        known = MEASURES.get(name)
        if hib is not None and known is not None and hib == known.lower_is_better:
            way = "lower" if known.lower_is_better else "higher"
            raise _err(f"{w}.{name}", f"{known.label}: a {way} score is better ({known.citation or known.reference}); "
                                      "a mapping cannot turn the direction of a measure the product knows. Map the "
                                      "column to another name if it holds another scale.")
        out[name] = {"higher_is_better": hib} if hib is not None else {}
    return out


def check_time_zone(name, where: str = "time_zone") -> str | None:
    """A clinic's time zone as the mapping or the CLI names it: an IANA name known to :mod:`zoneinfo`
    (``America/New_York``, ``Europe/Berlin``, ``UTC``), or None. Raises MappingError for any other text."""
    from zoneinfo import ZoneInfo

    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    try:
        ZoneInfo(str(name).strip())
        # zoneinfo knows a few abbreviations (EST, MST, HST) as fixed offsets: a clinic's zone keeps its summer time.
        if "/" not in str(name) and str(name).strip().upper() not in ("UTC", "GMT"):
            raise ValueError(name)
    except (ValueError, KeyError, OSError):
        raise _err(where, f"time_zone {name!r} is not a time zone name: use the IANA name of the clinic's zone, "
                          "e.g. \"America/New_York\", \"America/Denver\", \"America/Los_Angeles\", "
                          "\"Europe/Berlin\" (abbreviations such as EST are not zones: they do not say when "
                          "daylight saving time applies).") from None
    return str(name).strip()


def is_spec_document(obj) -> bool:
    return isinstance(obj, dict) and MARKER in obj


def parse_bytes(data: bytes, name: str):
    """Parse a mapping file's bytes: a :class:`MappingSpec` for a clinic mapping (JSON/TOML with
    ``crps_outcomes_mapping``), otherwise None (the caller reads it as a plain column mapping)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".toml"):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(f"Mapping file {name}: save it as UTF-8.", file=name) from None
    try:
        if suffix == ".toml":
            import tomllib
            obj = tomllib.loads(text)
        else:
            obj = json.loads(text)
    except RecursionError:
        raise MappingError(f"Mapping file {name} is nested too deeply to be a mapping.", file=name) from None
    except ValueError as e:  # JSONDecodeError, TOMLDecodeError
        raise MappingError(f"Mapping file {name} is not valid {suffix[1:].upper()} ({' '.join(str(e).split())}).",
                           file=name) from None
    if not is_spec_document(obj):
        return None
    return from_json(obj, where=name)


def read(path: str | Path) -> MappingSpec | None:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise MappingError(f"Cannot read the mapping file {p}: {e.strerror or e}. Check the path.", file=str(p)) from None
    return parse_bytes(data, p.name)


def slug(text: str) -> str:
    """A measure or covariate name from a column label: lower case, words joined by ``_``, accents
    taken off the letters (``Établissement`` -> ``etablissement``, ``Größe`` -> ``grosse``), never dropped
    with them (``tablissement``)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    s = re.sub(r"[^0-9a-z]+", "_", plain).strip("_")
    return s or "column"
