"""What an export is, and the mapping proposed for it (``python -m analysis inspect``).

Proposals come from the column names (in English, German, French, Spanish, Italian, Dutch), the
REDCap data dictionary (field types, validation, choices, forms) and the values themselves (dates,
numbers, few coded values). Whatever is not certain is listed under ``review`` and is never applied
silently: :func:`auto_spec` refuses to load an export whose proposal needs review and says what to
decide; ``inspect --write-mapping`` writes the proposal for a person to check and complete.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from ..errors import DatasetError, MappingError
from ..mapping import canonical, normalize_name
from . import courses as _courses
from . import derived_outcomes, redcap_arms, stat_files, survey_exports, workbook_sheets
from . import choice_scores, dosage_forms, item_statements, dose_units, ehr_times, entry_status, excel_serials, fill_down, mar_treatments, headers, leave_out, observation_items, redcap, \
    side_by_side, time_units, treatment_arms, visits, warehouse_tables, worded_scales
from . import form_names, headerless, treatment_hint, item_columns, item_treatments, region_rows, treatment_columns
from .treatment_columns import TREATMENT_WORDS
from .appointment_status import is_appointment_status, named_status
from .id_column import patient_column, patient_id_rank
from .identifier_notes import identifier_notes
from .sources import CSV_EXTENSIONS, TEXT_EXTENSIONS
from .identifiers.names import name_reason
from .counted_from import read_time_points
from .column_values import DateScreen, constant_within as _constant_within, date_like as _date_like, distinct as _distinct, \
    is_number as _is_number, numbers_but_codes as _numbers_but_codes, time_like as _time_like
from .column_words import covariate_name, has_word, id_like, measure_of, named_scale, question_after_items
from .questionnaires import answer_column
from .score_columns import decimal_comma_scores, list_column, one_column_per_score, other_scale
from .spec import Column, CourseRules, FileSpec, MappingSpec, slug
from .tables import TextTable, read_table


@dataclass
class ColumnProposal:
    header: str
    column: Column
    why: str
    examples: list = field(default_factory=list)


@dataclass
class FileProposal:
    name: str
    kind: str                 # "redcap raw export", "observations", "administrations", "table", "dictionary"
    reading: str              # encoding, delimiter, header row
    n_rows: int
    columns: list = field(default_factory=list)
    dates: dict = field(default_factory=dict)   # column -> DateFormat.describe()
    items: dict = field(default_factory=dict)   # item -> (rows, proposed measure or None)
    questions: dict = field(default_factory=dict)  # item -> measure: a questionnaire's single questions
    spec: FileSpec | None = None


@dataclass
class Proposal:
    """What ``inspect`` found: the source kind, each file, the proposed mapping and what to review."""

    source: str
    files: list
    spec: MappingSpec
    review: list = field(default_factory=list)   # blocking: must be decided before loading
    notes: list = field(default_factory=list)    # non-blocking remarks

    def to_text(self) -> str:
        out = [f"Source: {self.source}"]
        for f in self.files:
            out.append(f"\n{f.name}: {f.kind}; {f.reading}; {f.n_rows} data rows")
            for col, desc in f.dates.items():
                out.append(f"  dates in {col!r}: {desc}")
            for h in (f.spec.fill_down if f.spec else ()):
                out.append(f"  {h!r} written on each patient's first row only: filled down (fill_down)")
            for c in f.columns:
                role = c.column.role + (f" {c.column.measure}" if c.column.measure else "") + \
                    (f" ({c.column.timing})" if c.column.timing != "at" else "") + \
                    (f" {c.column.name}" if c.column.name else "") + \
                    (f" (treatment {c.column.treatment})" if c.column.treatment else "") + \
                    (" (means none: 0)" if c.column.means_none else "") + (f" counted from {c.column.counted_from!r}" if c.column.counted_from else "")
                ex = f"  e.g. {', '.join(repr(e) for e in c.examples[:3])}" if c.examples else ""
                out.append(f"  {c.header!r:<34} -> {role:<28} {c.why}{ex}")
            if f.items:
                out.append("  items:")
                for it, (n, m) in f.items.items():
                    out.append(f"    {it!r:<40} {n:>6} rows -> {m or 'not a measure (ignored)'}")
        if self.spec.courses.treatments:
            out.append("\nTreatments: " + ", ".join(f"{k!r} -> {v!r}" for k, v in self.spec.courses.treatments.items()))
        if self.review:
            out.append("\nTo review before loading:")
            out += [f"  - {r}" for r in self.review]
        if self.notes:
            out.append("\nNotes:")
            out += [f"  - {n}" for n in self.notes]
        return "\n".join(out)

    def to_dict(self) -> dict:
        return {"source": self.source, "review": list(self.review), "notes": list(self.notes),
                "files": [{"name": f.name, "kind": f.kind, "reading": f.reading, "rows": f.n_rows, "dates": f.dates,
                           "fill_down": list(f.spec.fill_down) if f.spec else [],
                           "columns": [{"header": c.header, "role": c.column.to_json(), "why": c.why,
                                        "examples": [str(e) for e in c.examples[:3]]} for c in f.columns],
                           "items": {k: {"rows": n, "measure": m} for k, (n, m) in f.items.items()}}
                          for f in self.files],
                "mapping": self.spec.to_json()}


def _glob_escaped(text: str) -> str:
    """``text`` as a literal part of an ``fnmatch`` pattern: ``[``, ``]``, ``?``, ``*`` each in a set of one."""
    return re.sub(r"([\[\]?*])", r"[\1]", text)


def name_pattern(name: str, others: list[str]) -> str:
    """A file-name pattern that matches this export again next month: the dates and numbers in the
    name become ``*`` (``CRPS_DATA_2024-06-01_1200.csv`` -> ``CRPS_DATA_*.csv``), unless the
    pattern would also match another file of the export. The name's own ``[``, ``]``, ``?`` and ``*`` are
    written escaped (``Pain clinic [final] 2024.csv`` -> ``Pain clinic [[]final[]] *.csv``): characters of
    the name, not wildcards."""
    p = PurePosixPath(name)
    parts = re.split(r"\d[\d_\-.]*\d|\d", p.stem)
    if len(parts) == 1:  # no number in the name: the name itself (matched exactly, FileSpec.matches)
        return name
    stem = re.sub(r"(?<!\[)\*{2,}", "*", "*".join(_glob_escaped(part) for part in parts))
    pattern = stem + _glob_escaped(p.suffix)
    if sum(fnmatch.fnmatchcase(o.casefold(), pattern.casefold()) for o in others) != 1:
        return name
    return pattern


def _tables(files: dict[str, bytes]):
    from .reader import expand

    out = []
    for name, data in expand(files):
        if not name.lower().endswith(CSV_EXTENSIONS + TEXT_EXTENSIONS):  # .rpt: io/fixed_width.py (column-aligned text)
            continue
        out.append(read_table(name, data))
    return out


def _propose_table(t: TextTable, kind_hint: str | None, dictionary: dict, review: list, notes: list,
                   order_hints: dict) -> FileProposal:
    """Roles for the columns of one data file."""
    if kind_hint is None:  # a research data warehouse's table (OMOP, PCORnet, i2b2), by its standard names
        fp = warehouse_tables.proposal(t, notes, order_hints, _date_like, _distinct, ColumnProposal, FileProposal)
        if fp is not None and fp.spec.kind == "data":
            fp.spec = replace(fp.spec, decimal_comma=decimal_comma_scores(t, fp.columns, notes))
            fp.reading = t.describe()
            item_k = next((t.header.index(c.header) for c in fp.columns if c.column.role == "item"), None)
            if item_k is not None:
                fp.items, fp.questions = observation_items.propose_items(
                    t, item_k, {t.header.index(c.header): c for c in fp.columns}, notes)
        if fp is not None:
            return fp
    cols: dict[int, ColumnProposal] = {}
    header = t.header
    fields = dictionary or {}
    tool, about, carried = survey_exports.about_the_response(header) if kind_hint is None else (None, {}, [])
    for k, why in about.items():
        cols[k] = ColumnProposal(header[k], Column("ignore"), f"{tool}: {why}", _distinct(t.column(k), 3))
    # Patient id: the REDCap record id, or the first column whose name says so.
    pid_k = None
    if kind_hint in ("raw", "labels") and header:
        # The dictionary's first field wherever it is (columns get moved); never a redcap_* column.
        rid = next(iter(fields), None)
        pid_k = header.index(rid) if rid in header else None if rid or header[0] in redcap.SPECIAL_COLUMNS else 0
    else:
        scored = [(patient_id_rank(h, header), k)
                  for k, h in enumerate(header) if h and k not in cols and (not t.n or (t.column(k) != "").any())]
        if any(rank < 3 for rank, _ in scored):
            pid_k = patient_column(scored, t.column, lambda k: header[k])
        elif carried:  # a survey tool's field for the study's code of the respondent (Custom Data 1)
            best = survey_exports.carried_patient([t.column(k) for k in carried])
            pid_k = carried[best] if best is not None else None
    if pid_k is None:
        review.append(f"{t.file}: no column looks like the patient id: give one column the role \"patient_id\".")
        review.extend(headerless.review_point(t))  # a CSV saved without its column names (analysis/io/headerless.py)
    else:
        cols[pid_k] = ColumnProposal(header[pid_k], Column("patient_id"), "patient id", _distinct(t.column(pid_k), 3))
    pid = t.column(pid_k) if pid_k is not None else np.full(t.n, "", dtype=object)
    dates: dict = {}
    date_cols: list[int] = []
    form_date: dict[str, str] = {}
    survey_dates: list = []
    screen = DateScreen([t.column(k) if h and k not in cols else np.empty(0, dtype=object)
                         for k, h in enumerate(header)])
    for k, h in enumerate(header):
        if not h or k in cols:
            continue
        vals = t.column(k)
        f = fields.get(h)
        if f is not None:
            if h.endswith("_complete") and f is None:
                continue
            if f.validation.startswith(("date_", "datetime_")) or f.validation in ("date", "datetime"):
                fmt = _date_like(vals, screen=screen.counts(k))
                if fmt is not None:
                    dates[h] = fmt.describe()
                    # The validation type (date_dmy) is how REDCap's forms show the field, not the order of the
                    # export, which is chosen in the export dialog: dates that read two ways are asked.
                    col = Column("date", format=fmt.order)
                    if fmt.order is None:
                        order_hints.setdefault("ambiguous", []).append((t.file, h, fmt))
                else:
                    col = Column("date")
                cols[k] = ColumnProposal(h, col, f"REDCap {f.validation} field of form {f.form!r}", _distinct(vals, 3))
                date_cols.append(k)
                form_date.setdefault(f.form, h)
            continue
        if "date of birth" in (name_reason(h) or name_reason(t.labels.get(k, "")) or ""):
            # Never a time source: dating treatments or scores by it was refused by the identifier guard after
            # all, with a confusing message once the column was dropped.
            cols[k] = ColumnProposal(h, Column("ignore"), "a date of birth: an identifier, remove it from the "
                                     "export (or load with --drop-identifiers)", [])
            continue
        named_date = has_word("date", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", h))  # 'VisitDate' too
        fmt = _date_like(vals, named=named_date, screen=screen.counts(k))
        # Numbers are dates only as YYYYMMDD in a column named as a date: 8-digit ids and scores are not.
        if fmt is not None and (not _is_number(vals[vals != ""][:200]).all()
                                or (named_date and fmt.patterns == ("YYYYMMDD",))):
            dates[h] = fmt.describe()
            from .dates import dotted_day_first
            if fmt.order is None and dotted_day_first(vals, fmt):
                notes.append(f"{t.file}, {h!r}: dotted dates are read day-first (DD.MM.YYYY).")
            elif fmt.order is None:
                order_hints.setdefault("ambiguous", []).append((t.file, h, fmt))
            cols[k] = ColumnProposal(h, Column("date"), "values are dates", _distinct(vals, 3))
            date_cols.append(k)
            if kind_hint and h.endswith("_timestamp"):
                survey_dates.append((h[:-len("_timestamp")], h))
        elif named_date and not id_like(h) and excel_serials.looks_like_serials(h, vals[vals != ""]):  # see resolve
            cols[k] = ColumnProposal(h, Column("date", format=excel_serials.EXCEL), excel_serials.WHY,
                                     _distinct(vals, 3))
            date_cols.append(k)
    # A survey's timestamp dates its form's scores, unless the form has a date field of its own.
    for form, h in survey_dates:
        form_date.setdefault(form, h)
    for k, h in enumerate(header):
        if not h or k in cols:
            continue
        vals = t.column(k)
        f = fields.get(h)
        start_time = f is None and has_word("start", h) and _time_like(vals, separated=True) and not any(
            c.column.role == "time" for c in cols.values()) and not any(
            has_word("time", o) for j, o in enumerate(header) if o and j != k)
        if f is not None and f.validation == "time" or (f is None and has_word("time", h) and _time_like(vals)) or start_time:
            target = None
            if f is not None:
                target = form_date.get(f.form)
            elif len(date_cols) == 1:
                target = header[date_cols[0]]
            elif date_cols:
                target = visits.time_column_date(k, header, date_cols)
            cols[k] = ColumnProposal(h, Column("time", date=target), "time of day", _distinct(vals, 3))
    item_hint = None
    # An entry's status ('Result Status': Auth (Verified) / In Error): rows in error are withdrawn. Not an item's
    # value ('result') nor a MAR action ('status'), which read so made a MAR an observation file.
    for k, h in enumerate(header):
        if h and k not in cols and (entry_status.looks_like_status(h, t.column(k)) or
                                    entry_status.only_statuses(h, t.column(k))):
            cols[k] = ColumnProposal(h, Column("status"), "the entry's status: rows in error are left out",
                                     _distinct(t.column(k), 3))
    # What kind of file: one observation per row (item + value), an administration record (treatment
    # + action), or a table of scores. In the first two, the other columns describe the observation or
    # the administration (units, routes, item codes): they are not scores or covariates.
    has_item = any(has_word("item", h) and (t.column(k) != "").any() and
                   not _is_number(t.column(k)[t.column(k) != ""][:200]).mean() > 0.9
                   for k, h in enumerate(header) if h and k not in cols)
    if not has_item:
        # No column is called like an item name, but one text column names scores (e.g. "Pain (NRS)").
        for k, h in enumerate(header):
            if h and k not in cols:
                v = t.column(k)[t.column(k) != ""]
                if len(v) and not _is_number(v[:200]).mean() > 0.5 and pd.Series(v).nunique() <= 100 and \
                        any(measure_of(str(x)) for x in pd.unique(v)[:100]):
                    has_item = True
                    item_hint = k
                    break
    has_value = any(has_word("value", h) for k, h in enumerate(header) if h and k not in cols)
    # A survey export's 'Survey' (PHQ-9, GAD-7) beside its 'Score': one observation per row (io/item_columns.py).
    pair = None if has_value or kind_hint else item_columns.score_beside_items(t, cols)
    item_hint, value_k = pair if pair else (item_hint, None)
    has_item, has_value = has_item or pair is not None, has_value or pair is not None
    # The action column, by its name ("MAR Action") or by its values ("New Bag", "Rate Change"; Cerner's
    # "Admin Event" column says "Begin Bag"): without it every rate change and hold would be a treatment.
    action_k = next((k for k, h in enumerate(header) if h and k not in cols and has_word("action", h)), None)
    if action_k is None:
        action_k = next((k for k, h in enumerate(header) if h and k not in cols and _courses.looks_like_actions(t.column(k), h)), None)
    if action_k is None:  # an appointment's status (Show / No Show / Canceled): whether its session took place
        found = [k for k, h in enumerate(header) if h and k not in cols and is_appointment_status(t.column(k), h)]
        action_k = min(found, key=lambda k: not named_status(header[k]), default=None)  # 'Status' first
    # An appointment report is no medication record: its scores are read (io/appointment_status.py).
    has_action = action_k is not None and not is_appointment_status(t.column(action_k), header[action_k])
    has_treatment = any(has_word("treatment", h) for k, h in enumerate(header) if h and k not in cols)
    # A column of medication texts under another name (Cerner's "Order Mnemonic", a sheet's "Infusion"); never the
    # form filled in ('Questionnaire': Ketamine Progress Check), which made each submission a course (io/form_names.py).
    drug_k = None if has_treatment else next((k for k, h in enumerate(header) if h and k not in cols and k != action_k
                                              and _courses.looks_like_medications(t.column(k), has_action)
                                              and not form_names.names_forms(h, t.column(k))), None)
    has_treatment = has_treatment or drug_k is not None
    row_kind = "observations" if has_item and has_value else "administrations" if has_action and has_treatment \
        else "table"
    # A treatment column naming medications (drug, strength, form) reads its route column as the route, with or
    # without an action column: oral ketamine is no infusion course. A text route before a coded one.
    route_k = mar_treatments.route_column(t, [k for k, h in enumerate(header) if h and k not in cols and k != action_k
                                              and (k == drug_k or has_word("treatment", h))], cols) \
        if row_kind != "observations" else None
    # The remaining columns.
    keys = [normalize_name(h) for h in header]
    for k, h in enumerate(header):
        if not h or k in cols:
            continue
        vals = t.column(k)
        filled = vals[vals != ""]
        key = keys[k]
        f = fields.get(h)
        cb = redcap.checkbox_field(h, fields)
        ex = _distinct(vals, 3)
        time_of = None
        if f is not None or (cb and cb in fields):
            form = (f or fields[cb]).form
            time_of = form_date.get(form)
        if key in redcap.SPECIAL_COLUMNS and key != "redcap_data_access_group" or key.endswith(("_complete", "_timestamp")):
            cols[k] = ColumnProposal(h, Column("ignore"), "REDCap bookkeeping", ex)
            if key == "redcap_event_name" and not (date_cols or form_date):
                cols[k] = visits.event_days(cols[k], filled, t.file, notes)
            continue
        if key == "redcap_data_access_group":
            cols[k] = ColumnProposal(h, Column("covariate", name="site"), "REDCap data access group", ex)
            continue
        if cb and cb in fields:
            cols[k] = ColumnProposal(h, *redcap.checkbox_column(h, fields[cb], time_of, t.file, notes), ex)
            continue
        if k == drug_k:
            cols[k] = ColumnProposal(h, Column("treatment", time=time_of), "names the medication given", ex)
            continue
        label = f.label if f is not None else t.labels.get(k, h)
        core = ("item", "value") if row_kind == "observations" else ("treatment", "action", "dose") \
            if row_kind == "administrations" else None
        if (row_kind == "administrations" or route_k is not None) and has_word("route", h):
            cols[k] = ColumnProposal(h, Column("route"), "the route: only intravenous rows are infusions", ex) \
                if route_k in (None, k) else ColumnProposal(h, Column("ignore"), "the route again (coded)", ex)
            continue
        if core is not None and not date_cols and time_units.relative_day_name(h) and len(filled) and \
                _is_number(filled).mean() > 0.9 and not any(c.column.role in ("date", "day") for c in cols.values()):
            # A de-identified extract's days from an index date ('DAYS_FROM_INDEX') instead of dates.
            unit = time_units.elapsed_time_unit(h)
            cols[k] = ColumnProposal(h, Column("day"), f"{unit} since an index date, read as days" if unit else
                                     "day numbers (days since an index date)", ex)
            continue
        if core is not None and not any(has_word(w, h) for w in core) and k not in (item_hint, action_k, value_k):
            cols[k] = ColumnProposal(h, Column("ignore"), f"describes the {row_kind[:-1]}, not a score", ex)
            continue
        stated = item_statements.statement_item(h, label, filled, time_of, t.file, notes) if f is None else None
        if stated is not None:  # 'Over the last 2 weeks, ... [Little interest or pleasure in doing things]'
            cols[k] = ColumnProposal(h, stated.column, stated.why, ex)
            continue
        if re.search(r"comment|kommentar|bemerkung|notes?|notiz|remarque|commentaire|observaciones|note|opmerking|"
                     r"free[\s_]*text|freitext", h.casefold()):
            cols[k] = ColumnProposal(h, Column("ignore"), "free text (comments are not read)", ex)
            continue
        after = question_after_items(h) or (f is not None and question_after_items(f.name))
        # (answers 0-3, or a REDCap choice of four answers whatever their codes: 'Not difficult at all' ...)
        if after and ((f is not None and f.type in ("radio", "dropdown") and 2 <= len(f.choices) <= 4) or
                      not (pd.to_numeric(pd.Series(filled), errors="coerce") > MEASURES[after].item_max).any()):
            cols[k] = ColumnProposal(h, Column("ignore"), f"the question asked after the items of {after} (how "
                                     "difficult ...): not part of its score", ex)
            continue
        if f is None and (id_like(h) or mar_treatments.row_key(h, filled)):
            cols[k] = ColumnProposal(h, Column("ignore"), "an identifier or code, not a score", ex)
            continue
        if not len(filled):
            cols[k] = ColumnProposal(h, Column("ignore"), "empty", ex)
            continue
        numeric = _is_number(filled).mean() > 0.9
        if not numeric and (measure_of(label) or (f is not None and measure_of(f.name))):
            # A score column with some 7/10, 6-7 or "k.A." cells is still a score column: the value rules
            # read what they can at loading and exclude the rest, cell by cell, with the reason.
            from .values import ValueRules, parse_values
            pv = parse_values(filled[:5000], ValueRules(annotated_numbers=True, decimal_comma=t.decimal_comma))
            numeric = float((pv.rule != "").mean() + pv.missing.mean()) >= 0.5
            answers = None if numeric else answer_column(measure_of(label) or "", filled, h, t.file, notes)
            worded = None if numeric or answers else worded_scales.worded_answers(measure_of(label) or "", filled)
            if answers or worded:
                # Timed by its form's date as any other field of the form (without it a labels export's items were
                # dated by the survey timestamp, and never paired with the form's calc total).
                cols[k] = ColumnProposal(h, Column("measure", measure=measure_of(label), time=time_of,
                                                   codes=answers or worded),
                                         "a questionnaire item's answers, read as their codes 0-3" if answers else
                                         "the scale's worded answers, read as their codes", ex)
                continue
        if f is not None and f.type in ("radio", "dropdown", "slider") and (measure_of(f.label) or measure_of(f.name)) \
                and all(_is_number(list(f.choices) or ["0"])):
            # A score asked as a choice (0 = no pain ... 10 = worst pain): its codes are the score. A labels
            # export writes the choice labels: they are read back to their codes.
            m = measure_of(f.label) or measure_of(f.name)
            timing = "before_start" if has_word("before", f.label) else "after_start" if has_word("after", f.label) else "at"
            value, why = choice_scores.choice_values(f.choices, m) if f.type != "slider" else \
                (None, "score asked as a slider: its position is the score")
            codes = ({lab: value[code] for code, lab in f.choices.items()} if value is not None else
                     {lab: code for code, lab in f.choices.items()}) if kind_hint == "labels" else value
            grades = None if f.type == "slider" else choice_scores.grades_not_nrs(value, f.choices, m, f.name, t.file,
                                                                                  h, notes)
            if grades is not None:
                m, why = grades
            # A slider is 0-100: a pain slider is a VAS, not the 0-10 NRS.
            other = None if m not in KNOWN_MEASURES else other_scale(m, filled if codes is None else pd.Series(filled, dtype=object).replace(codes).to_numpy(),
                                 h, f, t.file, notes)
            if other is not None:
                m, why = other
            cols[k] = ColumnProposal(h, Column("measure", measure=m, timing=timing, time=time_of, codes=codes), why, ex)
            continue
        # "Ketamine infusion given at this visit? yes/no", a sheet's "Infusion" column of Yes: a Yes is an
        # administration, a No is not.
        yes = _courses.yes_no_treatment(h if f is None else f.label, filled, None if f is None else f.type)
        if yes:
            name = next(v for v in yes.values() if v)
            cols[k] = ColumnProposal(h, Column("treatment", time=time_of, codes=yes),
                                     f"yes/no field: Yes = an administration of {name!r}", ex)
            notes.append(f"{t.file}: {h!r} (yes/no) is read as the treatment {name!r}: each Yes is an "
                         "administration. Rename the treatment in the mapping if needed.")
            continue
        if f is not None and f.type in ("radio", "dropdown", "yesno", "truefalse"):
            if has_word("treatment", label) or has_word("treatment", f.name):
                cols[k] = ColumnProposal(h, Column("treatment", time=time_of),
                                         f"REDCap choice field: {', '.join(f.choices.values())}", ex)
            else:
                cols[k] = ColumnProposal(h, Column("covariate", name=covariate_name(f.name)),
                                         "REDCap choice field, decoded from the dictionary", ex)
            continue
        if (has_word("action", h) or k == action_k) and not numeric and filled.size and pd.Series(filled).nunique() <= 20:
            cols[k] = ColumnProposal(h, Column("action"), "administration action (starts are kept)", ex)
            continue
        if (has_word("item", h) or k == item_hint) and not numeric and row_kind == "observations" and \
                not any(c.column.role == "item" for c in cols.values()):
            cols[k] = ColumnProposal(h, Column("item"), "observation name", ex)
            continue
        # (Only beside an item column: a sheet's 'Ergebnis' or 'Result' beside its NRS column is no observation list.)
        if (has_word("value", h) or k == value_k) and row_kind == "observations" and \
                not any(c.column.role == "value" for c in cols.values()):
            cols[k] = ColumnProposal(h, Column("value"), "observation value", ex)
            continue
        if has_word("treatment", label) and not numeric:
            cols[k] = treatment_columns.another(cols, k, h, time_of, ex, t, review, ColumnProposal) or \
                ColumnProposal(h, Column("treatment", time=time_of), "treatment name", ex)
            continue
        if has_word("dose", label) and dose_units.is_unit_column(h, filled):
            cols[k] = ColumnProposal(h, Column("ignore"), "the dose's unit (read beside the dose: rates and mixed "
                                     "units are never summed)", ex)
            continue
        if has_word("dose", label) and (numeric or row_kind == "administrations" or _numbers_but_codes(filled)):
            # In a medication record the dose column is the dose even with units in its cells ('0.5 mg/kg'):
            # as a covariate it was emptied by the co-medications' doses (the units are noted at loading).
            cols[k] = ColumnProposal(h, Column("dose"), "dose", ex)
            continue
        if f is None and (derived := derived_outcomes.derived_outcome(h)):  # 'days_to_relapse', 'relapse'
            cols[k] = ColumnProposal(h, Column("ignore"), f"{derived} derived from the scores: not read", ex)
            notes.append(derived_outcomes.note(t.file, h, derived))
            continue
        if f is None and numeric and (has_word("day", h) or time_units.elapsed_time_unit(h)) and \
                not any(c.column.role in ("date", "day") for c in cols.values()):
            unit = time_units.elapsed_time_unit(h)
            cols[k] = ColumnProposal(h, Column("day"), f"{unit} since the treatment, read as days" if unit else
                                     "day numbers (days since the first treatment)", ex)
            continue
        if f is None and not numeric and not date_cols and not any(c.column.role == "day" for c in cols.values()) \
                and (~np.isnan(read_time_points(filled)[0])).mean() > 0.9:
            cols[k] = ColumnProposal(h, Column("day"), "time points (D-7, D0, W4, M3): the days they stand for", ex)
            notes.append(f"{t.file}: {h!r} holds time points, read as days since the start (D-7 = -7, W4 = 28, "
                         "M3 = 91; Baseline = the start day, before the treatment).")
            continue
        constant = _constant_within(pid, vals)
        listed = list_column(h, [label, f.name if f is not None else None], filled, bool(_is_number(filled).all()),
                             constant, time_of, t.file, review, notes)
        if listed is not None:
            cols[k] = ColumnProposal(h, listed, "body regions listed in one cell: the regions are counted", ex)
            continue
        m = measure_of(label) or measure_of(f.name if f is not None else h)  # a Qualtrics label, else its name
        timing = "before_start" if has_word("before", label) else "after_start" if has_word("after", label) else "at"
        if m and numeric:
            other = other_scale(m, filled, h, f, t.file, notes)
            if other is not None:
                cols[k] = ColumnProposal(h, Column("measure", measure=other[0], timing=timing, time=time_of),
                                         other[1], ex)
                continue
            cols[k] = ColumnProposal(h, Column("measure", measure=m, timing=timing, time=time_of),
                                     f"score: {KNOWN_MEASURES[m]['label']}" + (
                                         f", recorded {timing.replace('_', ' ')}" if timing != "at" else ""), ex)
            continue
        if numeric and entry_status.named_as_status(h):
            # Cerner's RESULT_STATUS_CD: the status's numeric codes, beside their display text (RESULT_STATUS_CD_DISP).
            cols[k] = ColumnProposal(h, Column("ignore"), "a status's codes, not a score", ex)
            continue
        if name_reason(h) is not None:  # an identifier by its name (a KIS's Fallnummer, MRN): never a score
            cols[k] = ColumnProposal(h, Column("ignore"), f"an identifier ({name_reason(h)}): not read", ex)
            continue
        few = pd.Series(filled).nunique() <= 12
        # Numbers named as a covariate (age, BMI, duration of CRPS), one per patient, are one however many there are.
        if constant and (few or not numeric or has_word("covariate", label)) and (has_word("covariate", label) or few):
            cols[k] = ColumnProposal(h, Column("covariate", name=covariate_name(label)),
                                     "the same for each patient: a covariate", ex)
            continue
        if numeric and not constant and _SEQUENCE_NAME.search(h):
            # 'Session no.', 'Visit #', 'Infusion Nr': the row's number in a series, not an outcome (read as a score
            # it also raised the start-day warning for every session).
            cols[k] = ColumnProposal(h, Column("ignore"), "a sequence number (session, visit), not a score", ex)
            notes.append(f"{t.file}: column {h!r} looks like a sequence number and is not read; give it the role "
                         "\"measure\" if it is an outcome.")
            continue
        if numeric and not constant:
            name, scale = slug(f.name if f is not None else h), named_scale(label)  # 'EQ VAS', a PROMIS T-score
            cols[k] = ColumnProposal(h, Column("measure", measure=name, timing=timing, time=time_of),
                                     scale or "numbers that change over time: read as a score", ex)
            notes.append(f"{t.file}: column {h!r} is read as the measure {name!r} ({scale or 'numbers that change over time'}); "
                         "give it the role \"ignore\" if it is not an outcome.")
            continue
        cols[k] = visits.text_column(ColumnProposal(h, Column("ignore"), "", ex), k, t, pid, date_cols, review, notes)
    if len(date_cols) >= 2:  # only the time a score was taken dates it (io/ehr_times.py)
        date_cols = ehr_times.keep_clinical_times(cols, header, date_cols, t.file, notes)
    if kind_hint is None and len(date_cols) >= 2:
        visits.pair_with_dates(cols, header, date_cols, t.file, review)
    item_statements.statement_sets(cols, t.labels, t.file, review, notes, t.column)
    one_column_per_score(cols, t.file, fields, review, notes, [header[d] for d in date_cols], t.column)
    visits.events_for_undated_scores(cols, t, notes, review)
    visits.scored_events(cols, t, review)
    region_rows.propose_per_row(cols, t, pid, review, notes)  # body regions one per row: counted per visit
    item_columns.mixed_scores(t, cols, ColumnProposal, review)  # never one measure of PHQ-9 and GAD-7 scores
    ordered = [cols[k] for k in sorted(cols)]
    ordered += [ColumnProposal(*a) for a in redcap_arms.arm_proposal(t, cols, notes, review)] if kind_hint else []
    roles = [c.column.role for c in ordered]
    if ("item" in roles) != ("value" in roles):
        missing = "value" if "item" in roles else "item"
        review.append(f"{t.file}: one observation per row, but no column looks like the observation's {missing}: "
                      f"give one column the role \"{missing}\".")
    kind = {"raw": "REDCap raw export", "labels": "REDCap labels export"}.get(kind_hint or "") or (
        "observations (one row per observation)" if "item" in roles else "appointment report" if action_k is not None
        and not has_action and "action" in roles else "administration record" if "action" in roles else "table")
    spec = FileSpec(match=t.file, columns={c.header: c.column for c in ordered}, redcap=kind_hint,
                    header_row=t.header_row if t.header_row != 1 else None,
                    decimal_comma=decimal_comma_scores(t, ordered, notes))
    fp = FileProposal(t.file, kind, t.describe(), t.n, ordered, dates, spec=spec)
    if "item" in roles:
        item_k = next(k for k in sorted(cols) if cols[k].column.role == "item")
        fp.items, fp.questions = observation_items.propose_items(t, item_k, cols, notes)
    return fp


def _annotated_share(fps, tables, items: dict) -> float:
    """The share of score values (measure columns, mapped observation items) that are a number
    followed by a note."""
    from .values import ValueRules, parse_values

    values = []
    for p in fps:
        t = next((t for t in tables if t.file == p.name), None)
        if t is None or p.spec is None:
            continue
        roles = {h: c for h, c in p.spec.columns.items()}
        item_k = next((i for i, h in enumerate(t.header) if roles.get(h) and roles[h].role == "item"), None)
        for i, h in enumerate(t.header):
            c = roles.get(h)
            if c is None:
                continue
            col = t.column(i)
            if c.role == "measure":
                values.append(col[col != ""])
            elif c.role == "value" and item_k is not None:
                keep = pd.Series(t.column(item_k)).isin(list(items)).to_numpy() & (col != "")
                values.append(col[keep])
    if not values:
        return 0.0
    v = np.concatenate(values)
    if not len(v):
        return 0.0
    pv = parse_values(v, ValueRules())
    return float(pd.Series(pv.reason).astype(str).str.startswith("a number with a note").mean())


#: A column name that numbers the rows of a series ('Session no.', 'Visit #', 'Infusion Nr', 'Sitzung Nummer',
#: 'n° séance'): a word for a session or visit with a word for its number (not 'Number of flares'); or the
#: day's number within a course ('Day of course').
_SEQUENCE_NAME = re.compile(
    r"(?i)^(?=.*\b(session|visit|infusion|cycle|appointment|sitzung|termin|besuch|behandlung|s[ée]ance|visite|"
    r"cure|sesi[óo]n|visita|seduta)s?\b)(?=.*(\b(no|nr|num|number|nummer|numero|n[úu]mero)\b|#|\bn°))"
    # The day's number within a multi-day course: 'Day of course', 'Infusion day', 'Behandlungstag', 'jour de cure'.
    r"|^\s*(day\s*(of|in)\s*(the\s*)?(course|infusion|treatment|cycle|cure)|(course|infusion|treatment|cycle)\s*day"
    r"|behandlungstag|infusionstag|tag\s*der\s*(infusion|behandlung)|jour\s*de\s*(cure|perfusion|traitement))\s*$")
def _patient_ids(p, data_tables) -> set:
    """The patient ids a file's proposal reads (its patient-id column's filled cells)."""
    t = next((t for t in data_tables if t.file == p.name), None)
    heads = [c.header for c in p.columns if c.column.role == "patient_id"]
    if t is None or not heads or heads[0] not in t.header:
        return set()
    ids = pd.Series(t.column(t.header.index(heads[0])), dtype=object).fillna("").astype(str).str.strip()
    return set(ids[ids != ""])


def _other_patients(fps: list, data_tables) -> list:
    """The files whose patients have no treatment in another file's treatment column (another site's patients):
    there a date named for a treatment gives the administrations, as in an export without a treatment column."""
    treated = set().union(*[_patient_ids(p, data_tables) for p in fps
                            if any(c.column.role == "treatment" for c in p.columns)])
    return [p for p in fps if not _patient_ids(p, data_tables) & treated]


def _separators(fmt) -> set[str]:
    """The separators of a date column's day-month dates (``/`` of ``MM/DD/YYYY``, ``.`` of ``DD.MM.YYYY``); year-first
    and month-name dates, which read the same in every order, give none."""
    return {p[2] for p in fmt.patterns if not p.startswith("YYYY") and "Mon" not in p and len(p) > 2}


def inspect(files: dict[str, bytes], date_format: str | None = None) -> Proposal:
    """Detect what the files are and propose a mapping for them. ``date_format`` (YMD, DMY, MDY)
    decides dates that read two ways."""
    # An SPSS, Stata or SAS file as the CSV it holds; a workbook as it is: the tables of its sheets.
    files, book_notes = stat_files.expand_file_formats(files)
    redcap.refuse_headerless(files)
    tables = _tables(files)
    if not tables:
        raise DatasetError("No CSV file was found among the files given. Save the export as CSV (in Excel: "
                           "File > Save As > 'CSV UTF-8') and load that file.")
    review: list[str] = []
    notes: list[str] = list(book_notes)
    dictionary = {}
    fps: list[FileProposal] = []
    data_tables = []
    for t in tables:
        if redcap.is_dictionary(t.header):
            dictionary.update(redcap.read_dictionary(t))
            fps.append(FileProposal(t.file, "REDCap data dictionary", t.describe(), t.n,
                                    spec=FileSpec(match=t.file, kind="redcap_dictionary")))
        else:
            data_tables.append(t)
    order_hints: dict = {}
    source = "spreadsheet"
    hints = {t.file: redcap.is_export(t.header, dictionary) for t in data_tables}
    redcap.raw_beside_labels(hints, review)
    for t in data_tables:
        hint = hints[t.file]
        if hint == "labels":
            if not dictionary:
                review.append(f"{t.file} is a REDCap labels export: add the project's data dictionary, which says "
                              "which field each column is.")
                fps.append(FileProposal(t.file, "REDCap labels export (no dictionary)", t.describe(), t.n,
                                        spec=FileSpec(match=t.file, redcap="labels")))
                continue
            t.header = redcap.labels_to_fields(t, dictionary)
            redcap.checkbox_labels_as_ticks(t, dictionary)
        if hint:
            source = "redcap"
            if hint == "raw" and not dictionary:
                notes.append(f"{t.file} is a REDCap raw export without its data dictionary: choice codes (1, 2, ...) "
                             "stay codes and date fields are found by their values. Add the dictionary (Project "
                             "Setup > Data Dictionary > Download) to decode them.")
        if hint:
            redcap.blank_survey_placeholders(t)
        else:
            notes += [n for n in [headers.number_repeated(t)] if n]
        fp = _propose_table(t, hint, dictionary if hint else {}, review, notes, order_hints)
        if fp.kind.startswith(("observations", "administration record", "medication administrations")):
            source = "flowsheet" if source != "redcap" else source
        fps.append(fp)
    # One date order for the whole export: the one every unambiguous column shows.
    orders = {p.spec.columns[c.header].format for p in fps if p.spec for c in p.columns
              if c.column.role == "date" and c.column.format not in (None, excel_serials.EXCEL)}
    chosen_order = date_format
    # The orders the other date columns show, by the separator they are written with: a hint only for dates written
    # the same way (dotted dates are day-first in any export; they say nothing of its slashed ones).
    decided: dict[str, set] = {}
    for p in fps:
        for c in p.columns:
            if c.column.role == "date" and (c.header in p.dates or c.column.format in orders - {None}):
                from .dates import detect_date_format
                t = next(t for t in data_tables if t.file == p.name)
                k = t.header.index(c.header)
                fmt = detect_date_format(t.column(k)[t.column(k) != ""])
                order = fmt.order or (c.column.format if c.column.format != excel_serials.EXCEL else None)
                for sep in _separators(fmt) if order and order != "YMD" else ():
                    decided.setdefault(sep, set()).add(order)
    ambiguous = order_hints.get("ambiguous", [])
    if date_format is not None:
        bad = [(f, h) for f, h, fmt in ambiguous if date_format not in fmt.candidates]
        if bad:
            review.append(f"{bad[0][0]}, {bad[0][1]!r}: the dates do not read as {date_format}.")
        ambiguous = []
    if ambiguous:
        hints = set().union(*(decided.get(sep, set()) for _, _, fmt in ambiguous for sep in _separators(fmt)))
        shared = [o for o in hints if all(o in fmt.candidates for _, _, fmt in ambiguous)]
        if len(hints) == 1 and shared:
            chosen_order = shared[0]
            notes.append(f"The dates of {', '.join(repr(h) for _, h, _ in ambiguous)} could be read two ways; they are "
                         f"read as {chosen_order}, the order the other date columns of this export written the same "
                         "way show.")
        else:
            for file, h, fmt in ambiguous:
                review.append(f"{file}, {h!r}: {fmt.describe()} ({fmt.example_text()}). Set \"date_format\" "
                              f"to one of {', '.join(fmt.candidates)} in the mapping (CLI: --date-format).")
    # Long observations: item names -> measures.
    item_treatments.unless_other_sources(fps, notes)  # procedure items only where no other file gives treatments
    items = {}
    for p in fps:
        for it, (n, m) in p.items.items():
            if m:
                items[it] = m
        observation_items.item_notes(p.name, p.items, p.questions, notes, review)
    # Treatments: in an administration record, the medication names that look like the treatment.
    treatments = {}
    for p in fps:
        # A warehouse's medication table reads as a MAR's drugs (co-medications out, routes); a clinic's own log
        # of drugs with strengths (Ketamine 50 mg/mL, Neridronate 100 mg IV) keeps each drug studied (below).
        if p.kind == "administration record" or (warehouse_tables.MODEL.search(p.kind)
                                                 and mar_treatments.names_medications_in(p, data_tables)):
            treatments = mar_treatments.propose(p, next(t for t in data_tables if t.file == p.name), treatments,
                                                TREATMENT_WORDS, notes, review)
        elif p.spec is not None and any(c.column.role == "treatment" and not c.column.codes and
                                        c.header != redcap_arms.ARM_COLUMN for c in p.columns):  # 'Arm 1' is no dose
            mar_treatments.dose_text_treatments(p, next(t for t in data_tables if t.file == p.name), treatments,
                                                redcap_arms.ARM_COLUMN, notes)
    item_treatments.propose_treatments(items, fps, treatments)  # procedures listed among the observations
    # Dates named for a treatment: the administrations of the treatment the date names, in an export naming no
    # treatment, or in a file whose patients have no treatment in the files that name one (one site's infusion
    # log or visit sheet beside another site's log with a drug column). A date beside a drug column (a booster's),
    # or of patients treated in another file (a follow-up's 'Last infusion date', a log of each infusion of a
    # tracker's courses), is not proposed: reviews found more such dates that are no session, or sessions
    # counted twice, than are; the mapping names them ("treatment" on the date column) and the load warns of
    # before/after scores on a day without a treatment (post_scores.without_treatment).
    named = any(c.column.role == "treatment" for p in fps for c in p.columns) or item_treatments.TREATMENT in items.values()
    dated = visits.dated_treatment(_other_patients(fps, data_tables) if named else fps, dictionary, notes, review)
    if not dated and not named and \
            not visits.session_treatment(fps, data_tables, notes):
        notes.append(treatment_hint.no_treatments_note(fps, data_tables))
        for p in fps:
            t = next((t for t in data_tables if t.file == p.name), None)
            roles = {t.header.index(c.header): c.column.role for c in p.columns} if t is not None else {}
            point = t is not None and _courses.marked_treatment_rows(
                t.file, t.header, {k: t.column(k) for k in roles}, [k for k, r in roles.items() if r == "measure"],
                [k for k, r in roles.items() if r == "ignore"])  # (a covariate such as Group: Ketamine/Control is no event)
            review += [point] if point else []
    workbook_sheets.name_treatments_by_sheet(fps, notes, data_tables)  # sheets named after treatments: their yes/no columns
    leave_out.tables_without_patients(fps, review, notes)
    leave_out.lookup_tables(fps, data_tables, notes)
    side_by_side.second_tables(fps, data_tables, review)
    excel_serials.resolve(fps, review, notes)
    visits.untimed_files(fps, review)
    visits.undated_treatments(fps, data_tables, review)
    treatment_arms.arm_columns(fps, data_tables, review)
    fill_down.propose(fps, data_tables, notes)
    # The identifier guard's verdicts, so that a column it will refuse is not proposed as a covariate.
    identifier_notes(fps, data_tables, notes)
    data_specs = [replace(p.spec, match=name_pattern(p.name, [f.name for f in fps])) for p in fps if p.spec is not None]
    values = {"ranges": "midpoint", "fractions": True, "text": {}}
    annotated = _annotated_share(fps, data_tables, items)
    if annotated > 0.02:
        # "7 - moderate", "3 (mild)": the number is the score, the words only repeat it.
        values["annotated_numbers"] = True
        notes.append(f"{annotated:.0%} of the scores are numbers followed by words (e.g. '7 - moderate'): they are read "
                     "as the number (values.annotated_numbers).")
    spec = MappingSpec(files=tuple(data_specs), source=source, date_format=chosen_order, items=items,
                       values=values,
                       courses=CourseRules(treatments=treatments))
    for p in fps:
        if p.kind.startswith("observations"):
            texts = [it for it in p.items]
            notes.append(f"{p.name}: text answers such as 'Denies pain' are excluded unless the mapping gives them a "
                         "value under values.text (e.g. {\"Denies pain\": 0}).")
    return Proposal(source=source, files=fps, spec=spec, review=review, notes=notes)


def auto_spec(files: dict[str, bytes], date_format: str | None = None, notes: list | None = None) -> MappingSpec:
    """The proposed mapping, when nothing in it needs review; otherwise a MappingError listing what to
    decide (and how: ``inspect --write-mapping``). ``date_format`` settles ambiguous dates. ``notes``: the
    proposal's notes (what it decided by itself, e.g. a date order taken from another file) are appended,
    for the load report: loaded without a mapping, they are the only place a user sees them."""
    p = inspect(files, date_format=date_format)
    if notes is not None:
        notes.extend(p.notes)
    if p.review:
        raise MappingError(
            "This looks like a clinic export (" + p.source + "), but some of it cannot be read without a decision: "
            + " ".join(p.review) + " Run `python -m analysis inspect PATH --write-mapping mapping.json`, edit the file, "
            "then load with --mapping mapping.json (or use the dashboard's import assistant).", file="mapping")
    return p.spec
