"""Which date dates which column of a clinic's table, for the proposal (:mod:`analysis.io.propose`).

A spreadsheet with one row per patient has a date column per visit ("Baseline date", "Baseline NRS",
"Week 2 date", "Week 2 NRS", ...); an infusion log may give its administrations only by a date
("Infusion Date", a REDCap "infusion" form's date field). Reading every score at the row's first date,
or finding no treatment, gives wrong or no relief numbers; these rules decide from the names and the
order of the columns, and leave to review what they cannot tell (docs/data-format.md, "Clinic exports");
visit time points beside one date per patient are counted from it (analysis/io/counted_from.py).
The proposals are :class:`~analysis.io.propose.ColumnProposal` objects, changed with ``replace``.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..mapping import normalize_name
from . import courses as _courses
from .column_words import has_word
from .counted_from import date_kind, read_time_points
from .session_rows import session_codes
from .spec import SCORE_ROLES, Column
from .values import CHECKED


DATE_NAME_WORDS = frozenset({"date", "datum", "fecha", "data", "datetime", "dt", "time", "zeit", "uhrzeit", "heure",
                             "hora", "ora", "of", "the", "de", "du", "der", "des", "la", "le", "on", "at", "am",
                             "and", "und", "et", "y", "e", "en"})
#: A date column named like a treatment ('Infusion date', 'Datum Infusion'; Spanish 'Fecha infusión', 'Fecha de
#: perfusión', Dutch 'Datum infuus', 'Infusiedatum', 'Behandeldatum').
TREATMENT_DATE = re.compile(r"infusi[oó]n|infuus|infusie|treatment|behandlung|behandel|therap|perfusi[oó]n|traitement|"
                            r"tratamiento|session|sitzung|séance|ketamin|lidocain|admin|injection|block", re.IGNORECASE)

START_DATE = re.compile(r"start|begin|beginn|début|debut|inicio|inizio|given|taken|admin", re.IGNORECASE)


def name_words(name: str) -> set:
    return set(re.split(r"[\W_]+", name.casefold())) - {""}


#: Words that name a visit ("Week 2", "Monat 3", "J7", "FU1"): a score named so belongs to that visit's date.
VISIT_WORD = re.compile(r"\d+|[a-z]{1,2}\d+|week|weeks|woche|wochen|semaine|semaines|month|months|monat|monate|mois|"
                        r"day|days|tag|tage|jour|jours|visit|besuch|visite|follow|followup|fu|kontrolle|contrôle|"
                        r"control|baseline|screening")


def visit_words(name: str) -> set:
    """The words of a column name that name a visit (a score named so takes no other visit's date); a
    scale's range (``(0-10)``) and a questionnaire's number (``PHQ-9``) are not visits."""
    plain = re.sub(r"\(.*?\)|\d+\s*[-–]\s*\d+|(?:phq|gad)\s*-?\s*\d+", " ", name.casefold())
    return {w for w in name_words(plain) if VISIT_WORD.fullmatch(w)}


def pair_with_dates(cols: dict, header: list, date_cols: list, file: str, review: list) -> None:
    """A table with several date columns, one per visit ("Baseline date", "Baseline NRS", "Week 2 date",
    "Week 2 NRS", ...): each score and treatment column gets its own date (``time``), never the row's
    first date, which would put every visit's score on one day (conflicting values, or a week-2 score
    read as the baseline). The date is the one whose name's words (without "date") are all in the
    column's name; else, for a treatment or a pre-/post-treatment score, the one date named like a
    treatment ("Infusion date"); else, for a treatment, the start of an administration record's start and
    stop (or the first date); else, where dates and scores alternate, the nearest date column to the left
    (a score left of every date, or one naming a visit that date does not name, is a point to review);
    where they do not, a score beside a treatment's date and one other date (the infusion date written on
    every visit row beside the visit date) takes the other; otherwise (a visit date beside a date
    entered) the row's first date, as for a file with one date column. Beside time points counted from
    a date (``counted_from``), a score recorded at a visit keeps no date: the time points date it."""
    own = {d: name_words(header[d]) - DATE_NAME_WORDS for d in date_cols}
    treatment_dates = [d for d in date_cols if TREATMENT_DATE.search(header[d])]
    # Dates and scores alternate (date, score, date, score): a score's date is the one before it. Dates side
    # by side (a visit date and a date entered) say nothing by position: the row's first date is used.
    interleaved = any(c.column.role in SCORE_ROLES and date_cols[0] < k < date_cols[-1]
                      for k, c in cols.items())
    # Time points counted from a date (io/counted_from.py) give the scores recorded at a visit their day.
    counted = any(c.column.counted_from for c in cols.values())
    for k in sorted(cols):
        c = cols[k]
        col = c.column
        if col.role not in SCORE_ROLES + ("treatment",) or col.time or (counted and col.role != "treatment"
                                                                        and col.timing == "at"):
            continue
        words = name_words(header[k])
        named = [d for d in date_cols if own[d] and own[d] <= words]
        best = max((len(own[d]) for d in named), default=0)
        named = [d for d in named if len(own[d]) == best]
        left = [d for d in date_cols if d < k]
        if len(named) == 1:
            target = named[0]
        elif (col.role == "treatment" or col.timing != "at") and len(treatment_dates) == 1:
            target = treatment_dates[0]
        elif col.role == "treatment" and not named:
            # An administration record's start and stop: the start; else the first date of the row.
            starts = [d for d in date_cols if START_DATE.search(header[d])]
            target = starts[0] if starts else date_cols[0]
        elif left and not named and interleaved and not (visit_words(header[k]) - own[left[-1]]):
            target = left[-1]
        elif not named and not interleaved and len(treatment_dates) == 1 and len(date_cols) == 2:
            # The infusion date written on every visit row beside the visit's own date: the row's first date
            # (the infusion's, when it comes first) put every visit of a patient on the infusion day.
            target = next(d for d in date_cols if d not in treatment_dates)
        elif not named and not interleaved:
            continue
        else:
            review.append(f"{file}: the file has several date columns ({', '.join(repr(header[d]) for d in date_cols)}) "
                          f"and which one gives the time of {header[k]!r} is not clear: set its \"time\" to that date "
                          "column in the mapping.")
            continue
        cols[k] = replace(c, column=replace(col, time=header[target]), why=f"{c.why}; dated by {header[target]!r}")


def dated_treatment(fps: list, dictionary: dict, notes: list, review: list) -> bool:
    """A file with no column naming a treatment of its own, but one date column named like one ("Infusion
    Date"; a date field of a REDCap form "infusion"): each of its dates is an administration of the treatment
    it names, whatever the export's other files hold (an infusion log of one site beside another site's log
    with a treatment column). Where a choice field of the same REDCap form may name the drug, that is a point
    to review. Returns True when one was found (shown in the proposal and, at loading, in a note)."""
    found = []
    for p in fps:
        if p.spec is None or p.kind.startswith("observations") or any(
                c.column.role == "treatment" or c.column.treatment for c in p.columns):
            continue
        for i, c in enumerate(p.columns):
            f = (dictionary or {}).get(c.header) if p.spec.redcap else None
            # REDCap: the field's label ("Date of ketamine infusion") names the treatment best, else its form.
            names = [n for n in ((f.label, f.form) if f is not None else (c.header,)) if TREATMENT_DATE.search(n)]
            if c.column.role == "date" and names:
                found.append((p, i, names[0]))
    files = list(dict.fromkeys(id(p) for p, _, _ in found))
    read = [_one_dated_treatment([x for x in found if id(x[0]) == f], dictionary, notes, review) for f in files]
    return any(read)


def _one_dated_treatment(found: list, dictionary: dict, notes: list, review: list) -> bool:
    """:func:`dated_treatment` in one file (``found``: its date columns named like a treatment)."""
    if len(found) != 1:
        return _numbered_treatment_dates(found, notes)
    p, i, name = found[0]
    c = p.columns[i]
    f = (dictionary or {}).get(c.header) if p.spec.redcap else None
    if f is not None or (p.spec.redcap and not dictionary):
        # A choice field of the same form may name the drug (Ketamine / Lidocaine): pooling its levels into
        # one treatment would be wrong, reading it as the treatment may be too. Ask. Without the dictionary,
        # the form is told by the field names' first word (infusion_date, infusion_drug).
        form = f.form if f is not None else c.header.split("_")[0]
        choices = [o.header for o in p.columns if o.column.role == "covariate" and (
            o.header in dictionary and dictionary[o.header].form == f.form and dictionary[o.header].type in
            ("radio", "dropdown") if f is not None else o.header != c.header and o.header.split("_")[0] == form)]
        if choices:
            review.append(f"{p.name}: no column is read as the treatment, but the form {form!r} has the date "
                          f"{c.header!r} and the choice field(s) {', '.join(map(repr, choices))}. If one names the "
                          "drug, give it the role \"treatment\" (with \"time\": \"" + c.header + "\"); otherwise "
                          f"set \"treatment\": \"<name>\" on {c.header!r}: each of its dates is then an administration."
                          + ("" if f is not None else " Add the data dictionary to the export: it decodes the choices' "
                             "codes (1, 2, ...) into the drugs' names."))
            return True
    label = _treatment_label(name)
    col = replace(c.column, treatment=label)
    p.columns[i] = replace(c, column=col, why=f"{c.why}; each date is an administration of {label!r}")
    p.spec.columns[c.header] = col
    notes.append(f"{p.name}: no column names the treatment; each date in {c.header!r} is read as an administration of "
                 f"{label!r} (\"treatment\" on that date column). Rename the treatment in the mapping if needed.")
    return True


#: A word numbering the administrations of a row ('Infusion 1 date', '2nd infusion date', 'Infusion #3').
_NUMBERING = re.compile(r"(?i)\d+(?:st|nd|rd|th|e|er|te)?|first|second|third|fourth|fifth|no|nr|n°")


def _treatment_label(name: str, numbered: bool = False) -> str:
    """The treatment a date column's name names: its words but the date words (and, with ``numbered``,
    the words numbering the administrations)."""
    dropped = DATE_NAME_WORDS | {"start", "started"}
    return " ".join(w for w in re.split(r"[\W_]+", name)
                    if w and w.casefold() not in dropped and not (numbered and _NUMBERING.fullmatch(w))).capitalize()


def _numbered_treatment_dates(found: list, notes: list) -> bool:
    """Several date columns of one table (not a REDCap export) named like a treatment and told apart only by
    a number (a row per patient with 'Infusion 1 date', 'Infusion 2 date'): each date is an administration
    of the one treatment they name. Two such columns that differ otherwise ('Infusion start date', 'Infusion
    end date') are not read so. Returns True when they were."""
    files = {id(p) for p, _, _ in found}
    if len(found) < 2 or len(files) != 1 or found[0][0].spec.redcap:
        return False
    labels = {_treatment_label(name, numbered=True) for _, _, name in found}
    if len(labels) != 1 or len({_treatment_label(name) for _, _, name in found}) != len(found) or not min(labels):
        return False
    label = labels.pop()
    p = found[0][0]
    for _, i, _ in found:
        c = p.columns[i]
        col = replace(c.column, treatment=label)
        p.columns[i] = replace(c, column=col, why=f"{c.why}; each date is an administration of {label!r}")
        p.spec.columns[c.header] = col
    named = ", ".join(repr(p.columns[i].header) for _, i, _ in found)
    notes.append(f"{p.name}: no column names the treatment; each date in {named} is read as an administration of "
                 f"{label!r} (\"treatment\" on those date columns). Rename the treatment in the mapping if needed.")
    return True


def session_treatment(fps: list, tables: list, notes: list) -> bool:
    """No column names a treatment and no date is named like one, but a table with one date column has a
    column saying which rows are treatment sessions ('Infusion #1', 'Infusion #2', 'Booster #1'; 'Ketamine
    infusion' beside 'Phone call'; 'Follow-up' rows among them) beside scores recorded before or after the
    start (or a dose): that column is the treatment, each session row an administration of the treatment its
    cell names, the other rows plain visits (:mod:`analysis.io.session_rows`). Returns True when one was
    found; otherwise a visits column read for its Post and Pre words (the role "event") is left unread, as
    there is no treatment for them to be on the side of."""
    for p in fps:
        t = next((t for t in tables if t.file == p.name), None)
        if t is None or p.spec is None or p.spec.redcap:
            continue
        dates = [c for c in p.columns if c.column.role == "date"]
        scored = any(c.column.role == "dose" or c.column.timing in ("before_start", "after_start") for c in p.columns)
        for i, c in enumerate(p.columns):
            if c.column.role not in ("ignore", "event") or c.header not in t.header or len(dates) != 1 or not scored:
                continue
            cells = t.column(t.header.index(c.header))
            codes = session_codes(cells)
            if codes is None:
                continue
            col = Column("treatment", codes=codes)
            labels = sorted({v for v in codes.values() if v})
            p.columns[i] = replace(c, column=col, why=f"the rows it names as sessions are administrations of "
                                   f"{', '.join(map(repr, labels))}")
            p.spec.columns[c.header] = col
            visits = [k for k, v in codes.items() if not v]
            notes.append(f"{p.name}: no column names the treatment, but {c.header!r} numbers the sessions or names them "
                         f"({', '.join(repr(k) for k, v in list(codes.items())[:3] if v)}): each is read as an "
                         f"administration of {', '.join(map(repr, labels))} on its date"
                         + (f"; the rows {', '.join(map(repr, visits[:3]))} are visits" if visits else "")
                         + ". Rename the treatment in the mapping (the column's \"codes\") if needed.")
            return True
    for p in fps:
        for i, c in enumerate(p.columns):
            if c.column.role == "event":
                p.columns[i] = replace(c, column=Column("ignore"), why=_NOT_READ)
                if p.spec is not None:
                    p.spec.columns[c.header] = Column("ignore")
    return False


def undated_treatments(fps: list, tables: list, review: list) -> None:
    """A point to review for a file whose treatment column is filled only on rows where no date or day
    column is (a REDCap infusion form without a date field, on an event of its own): every administration
    would be excluded for want of a date, and the load would then say only "add a treatments.csv"."""
    for p in fps:  # a loop over the export's few files
        t = next((t for t in tables if t.file == p.name), None)
        if t is None or p.spec is None:
            continue
        timed = [c.header for c in p.columns if c.column.role in ("date", "day") and c.header in t.header]
        dated = np.zeros(t.n, dtype=bool)
        for h in timed:
            dated |= t.column(t.header.index(h)) != ""
        for c in p.columns:
            if c.column.role != "treatment" or c.column.time or not timed or c.header not in t.header:
                continue
            given = t.column(t.header.index(c.header)) != ""
            if given.any() and not (given & dated).any():
                review.append(f"{p.name}: {c.header!r} (the treatment) is filled only on rows without a date "
                              f"({', '.join(map(repr, timed))} are empty there): no administration could be placed "
                              "in time. Add the treatment's date to its form or rows (e.g. an infusion date field), "
                              "or give the column a \"time\" naming the date column that dates it.")


def time_column_date(k: int, header: list, date_cols: list) -> str | None:
    """The date column a time column (``Infusion time``) completes, where a table has several: the date
    whose name's other words are all in the time's name, else the nearest date column to its left."""
    words = name_words(header[k])
    own = {d: name_words(header[d]) - DATE_NAME_WORDS for d in date_cols}
    named = [d for d in date_cols if own[d] and own[d] <= words]
    left = [d for d in date_cols if d < k]
    return header[named[0]] if len(named) == 1 else header[left[-1]] if left else None


#: The name of a column of the visits' time points ('Timepoint', 'Visit', 'Zeitpunkt'), not of a duration.
#: Also Spanish ('Momento', 'Visita', 'Seguimiento', 'Evaluación') and Dutch ('Tijdstip', 'Meetmoment', 'Bezoek').
_VISIT_COLUMN = re.compile(r"(?i)^(?!.*\b(?:duration|dauer|duración|duracion|duur|since|seit|depuis|desde|sinds|age|alter|"
                           r"edad|leeftijd|years?|jahre)\b).*\b(?:"
                           r"time\s*-?\s*points?|timepoints?|visits?|visite|visitas?|besuch|zeitpunkt|termin|follow\s*-?\s*up|"
                           r"assessment|events?|occasion|moment|momento|tp|seguimiento|evaluaci[oó]n|tijdstip|meetmoment|"
                           r"bezoek)\b")
#: A baseline visit's name among time points ('Baseline', 'Week 1', 'Week 4').
_BASELINE = re.compile(r"(?i)baseline|screening|pre|vor|vorher|avant|antes|prima|voor|basal|d[- ]?0|day 0|t0")
_NOT_READ = "text, not a score or covariate"


def text_column(proposal, k: int, table, pid: np.ndarray, date_cols: list, review: list, notes: list):
    """The proposal for the text column ``k`` (``proposal``: the column ignored), where it holds the visits'
    time points ('Baseline', 'Week 1', 'Week 4', 'Month 3') changing within patients beside date columns
    that do not (the infusion date on every row: one per patient, or per course, by
    :func:`analysis.io.counted_from.date_kind`). Dated by those dates alone, every visit of a patient
    falls on one date and their scores conflict (or, when equal, one is kept as the baseline). Where every
    time point reads and one date is the reference (the only date, or the one named like a treatment), the
    column is the role ``day`` counted from that date (analysis/io/counted_from.py), with a note; otherwise
    that is a point to review. Time points beside each visit's own date are not read: the dates place the
    scores.

    Parameters
    ----------
    proposal : ColumnProposal
        The column's proposal so far (role ``ignore``); changed with ``replace``.
    k : int
        The column's position in ``table`` (a :class:`~analysis.io.tables.TextTable`).
    pid : ndarray of str
        The patient id of each row ("" where none).
    date_cols : list of int
        The positions of the table's date columns.
    review, notes : list of str
        The proposal's points to review and notes, appended to.

    Returns
    -------
    ColumnProposal
        Role ``day`` with ``counted_from`` and its reason, or role ``ignore`` with why it is not read.
    """
    values = table.column(k)
    filled = values != ""
    status = status_action(proposal, k, table, notes)
    if status is not None:
        return status
    if not date_cols or filled.sum() < 2:
        return replace(proposal, why=_NOT_READ)
    # A column named for the visits reads '4 weeks' as week 4, as the load reads a counted column; any other
    # column only the usual spellings (a 'CRPS duration' of '14 months' is no time point).
    offsets, side = read_time_points(values, events=bool(_VISIT_COLUMN.search(table.header[k])))
    # Named as visits (also 'D0', 'T0', 'Screening', which are no days after a date): most cells, for the question.
    # Half is enough to ask: left out, every visit of a patient would fall on the one date.
    named = ~np.isnan(offsets[filled]) | pd.Series(values[filled], dtype=object).str.strip().str.fullmatch(_BASELINE).to_numpy()
    if named.mean() < 0.5 or len(set(offsets[~np.isnan(offsets)])) < 2:
        return _unread_visits(proposal, k, table, pid, date_cols, review)
    rows = filled & (pid != "")
    per = pd.DataFrame({"p": pid[rows], "tp": values[rows]}).groupby("p")["tp"].nunique()
    kinds = [date_kind(pid[rows], values[rows], offsets[rows], table.column(d)[rows]) for d in date_cols]
    if (per > 1).any() and "own" in kinds and (side == 1).any():
        # Each visit dated, one of them 'Post': on a treatment's date, after it (io/post_scores.py); its score read
        # at the date alone was the day's baseline, and the immediate relief was lost.
        return replace(proposal, column=Column("event"), why="the visits' names: a Post visit on a treatment's date "
                       "is after the treatment, a Pre or Baseline one before it")
    if not (per > 1).any() or "own" in kinds:
        return replace(proposal, why=_NOT_READ)
    h = table.header[k]
    shown = ", ".join(repr(v) for v in pd.unique(values[filled])[:4])
    if "mixed" in kinds:
        mixed = [table.header[d] for d, kind in zip(date_cols, kinds) if kind == "mixed"]
        review.append(f"{table.file}: {h!r} holds the visits' time points ({shown}, ...) beside "
                      f"{', '.join(map(repr, mixed))}, which holds one date for several visits of a patient but differs "
                      "(or is empty) on some of their rows: if it is the date the time points count from, correct those "
                      f"cells (or map {{\"role\": \"day\", \"counted_from\": \"{mixed[0] if len(mixed) == 1 else '<date column>'}\"}} "
                      f"on {h!r}); if it is each visit's own date, correct the visits that share one.")
        return replace(proposal, why="the visits' time points (a point to review)")
    named_dates = [d for d in date_cols if TREATMENT_DATE.search(table.header[d])]
    ref = date_cols[0] if len(date_cols) == 1 else named_dates[0] if len(named_dates) == 1 else None
    unread = pd.unique(values[filled & np.isnan(offsets)])
    if ref is not None and not len(unread):
        date = table.header[ref]
        notes.append(f"{table.file}: {h!r} counted from {date!r}: each score's day is its time point after that date "
                     f"({shown}; Baseline = that date, before the treatment; Post = right after it; Week 1 = 7 days; months x 365.25/12 "
                     "rounded, Month 3 = 91).")
        return replace(proposal, column=Column("day", counted_from=date),
                       why="the visits' time points; the date is the same on each patient's (or course's) rows")
    dates = ", ".join(repr(table.header[d]) for d in date_cols)
    if ref is None:
        review.append(f"{table.file}: {h!r} holds the visits' time points ({shown}, ...) beside several dates that "
                      f"do not change within a patient's visits ({dates}): say which one they count from, "
                      f"{{\"role\": \"day\", \"counted_from\": \"<date column>\"}} on {h!r} in the mapping.")
    else:
        review.append(f"{table.file}: {h!r} holds the visits' time points ({shown}, ...) counted from {dates}, "
                      f"but {', '.join(repr(v) for v in unread[:3])} do(es) not read as a time point ('Baseline', "
                      f"'Day 7', 'Week 4', 'Month 3'): correct the cells, or map {h!r} as {{\"role\": \"day\", "
                      f"\"counted_from\": \"{table.header[ref]}\"}}; the rows whose time point does not read are "
                      "then excluded, each with its reason.")
    return replace(proposal, why="the visits' time points (a point to review)")


def status_action(proposal, k: int, table, notes: list):
    """The proposal for a bare 'Status' column ``k`` beside a treatment column (its name, or medication texts),
    or None. Its cells a patient's or a visit's status (Active / Withdrawn, Attended / Missed): None (read as
    such, not as the action). Its cells a yes/no of the treatment given (Yes / No, Done / Postponed, Given /
    Cancelled / Not given), written on the treatment's rows: the role ``action`` with codes reading each yes as
    ``Given`` (an administration) and each no as ``Not given``, and a note. Any other status: the role
    ``action`` as written (the proposal asks which of its values start an administration when none is known).
    Left unread, the treatment row marked No or Postponed became an infusion (two courses per patient and
    no week-4 relief)."""
    h = table.header[k]
    if not _courses.bare_status(h):
        return None
    values = table.column(k)
    treated = np.zeros(table.n, dtype=bool)
    for j, name in enumerate(table.header):
        if j != k and name and (has_word("treatment", name) or _courses.looks_like_medications(table.column(j), False)):
            treated |= table.column(j) != ""
    filled = values != ""
    kind = _courses.status_kind(values)
    if not treated.any() or not filled.any() or kind == "patient":
        return None
    on_treatment = (treated[filled]).mean() >= 0.9
    if kind == "given" and on_treatment:
        codes = _courses.given_codes(values)
        given = [v for v, a in codes.items() if a == "Given"]
        not_given = [v for v, a in codes.items() if a != "Given"]
        notes.append(f"{table.file}: {h!r} on the treatment rows says whether the treatment was given: read as the "
                     f"administration's action, {', '.join(map(repr, given))} = given"
                     + (f"; the rows marked {', '.join(map(repr, not_given))} are no administration (listed as "
                        "excluded)" if not_given else "") + ". Change its codes in the mapping if that is wrong.")
        return replace(proposal, column=Column("action", codes=codes),
                       why="whether the treatment of the row was given (yes = an administration)")
    notes.append(f"{table.file}: {h!r} beside the treatment column is read as the administration's action: only "
                 "the values listed in courses.start_actions (New Bag, Given, Administered, ...) start an "
                 "administration; give it the role \"ignore\" if it says something else.")
    return replace(proposal, column=Column("action"), why="the treatment row's status (its action)")


def _unread_visits(proposal, k: int, table, pid: np.ndarray, date_cols: list, review: list):
    """A column named for the visits ('Momento', 'Visit') whose cells change within patients but do not read as
    time points, beside a date that is the same on each patient's rows and no date that changes within them:
    left out, every visit of a patient falls on that one date and the load fails on conflicting scores, far from
    the cause. A point to review naming the column; any other column is left out as text (also beside a date of
    each visit, 'Visit date' next to 'Date of first infusion', which places the scores by itself)."""
    values = table.column(k)
    rows = (values != "") & (pid != "")
    if not _VISIT_COLUMN.search(table.header[k]) or not rows.any():
        return replace(proposal, why=_NOT_READ)
    if not (pd.DataFrame({"p": pid[rows], "v": values[rows]}).groupby("p")["v"].nunique() > 1).any():
        return replace(proposal, why=_NOT_READ)
    per = {d: pd.DataFrame({"p": pid[rows], "d": table.column(d)[rows]}).groupby("p")["d"].nunique()
           for d in date_cols if (table.column(d)[rows] != "").all()}
    same = [d for d, n in per.items() if (n == 1).all()]
    # Another date that changes within patients ('Visit date' beside 'Date of first infusion') dates each visit:
    # the visit names are labels beside it, not needed to place the scores.
    if not same or any((n > 1).any() for n in per.values()):
        return replace(proposal, why=_NOT_READ)
    h, date = table.header[k], table.header[same[0]]
    shown = ", ".join(repr(v) for v in pd.unique(values[rows])[:4])
    review.append(f"{table.file}: {h!r} names the visits ({shown}, ...) beside {date!r}, which is the same on each "
                  f"patient's rows, but they do not read as time points ('Baseline', 'Week 1', 'Week 4', 'Month 3'; also "
                  f"'1 semana', '4 weken', ...): dated by {date!r} alone, every visit of a patient would fall on one day. "
                  f"Write the time points so and map {h!r} as {{\"role\": \"day\", \"counted_from\": \"{date}\"}}, "
                  "or add each visit's own date.")
    return replace(proposal, why="the visits, not read as time points (a point to review)")


def untimed_files(fps: list, review: list) -> None:
    """A point to review for each file with scores or treatments but no column giving their time (no date,
    no day numbers, no time points read): loading would refuse it ("no date or day column is mapped"), so
    the proposal says so first, with what the file would need, instead of proposing a mapping that fails.
    A REDCap project's events (``week_4_arm_1``) or visit names that are not time points are such files."""
    for p in fps:  # a loop over the export's few files
        if p.spec is None or p.spec.kind != "data":  # not read (a summary sheet, a data dictionary)
            continue
        roles = {c.role for c in p.spec.columns.values()}
        if (roles & set(SCORE_ROLES) or "treatment" in roles) and not roles & {"date", "day"}:
            visits = [c.header for c in p.columns if c.column.role == "ignore" and c.header.casefold() in
                      ("redcap_event_name", "event name", "visit", "visit name", "timepoint", "time point", "event")]
            named = f" ({', '.join(map(repr, visits))} names the visits, but not when they were)" if visits else ""
            review.append(f"{p.name}: no column gives the time of the scores{named}: add the visit dates (role "
                          "\"date\"), day numbers since the first treatment (role \"day\"), or time points such as "
                          "Baseline, Week 4, Month 3 (role \"day\") to the export.")


_EVENT_DAYS = "REDCap events named for time points: the days they stand for"
#: How events are read as days, as the notes say it.
_EVENTS_AS_DAYS = ("read as days since the first treatment (week_4 = 28, month_3 = 91; baseline = the first "
                   "treatment's day, before the treatment)")


def event_days(proposal, values: np.ndarray, file: str, notes: list):
    """A REDCap export without dates: its event column (``redcap_event_name``: ``baseline_arm_1``,
    ``week_4_arm_1``, ``month_3_arm_1``) read as time points, the role ``day`` (days since the first
    treatment; the baseline event is that day, before the treatment), when most of its filled cells
    name two or more time points (:func:`analysis.io.counted_from.event_time_points`). Events naming
    none (``screening_arm_1``) are fine on rows without scores or treatments (covariates); on rows
    with them they make a point to review (:func:`scored_events`). Otherwise the proposal as it is
    (REDCap bookkeeping), and the file is a point to review for having no time (:func:`untimed_files`)."""
    filled = values[values != ""]
    days = read_time_points(filled, events=True)[0]
    if not len(filled) or (~np.isnan(days)).mean() <= 0.5 or len(set(days[~np.isnan(days)])) < 2:
        return proposal
    shown = ", ".join(repr(str(v)) for v in pd.unique(filled[~np.isnan(days)])[:4])
    notes.append(f"{file}: the export has no dates, and its events name time points ({shown}): they are "
                 f"{_EVENTS_AS_DAYS}.")
    return replace(proposal, column=Column("day"), why=_EVENT_DAYS)


#: Roles that say nothing about a visit: a row holding only these needs no time.
_NOT_OF_A_VISIT = frozenset({"ignore", "covariate", "patient_id", "date", "time", "day"})


def _rows_with_values(cols: dict, table) -> np.ndarray:
    """The rows holding anything of a visit (a score, a treatment, a dose, ...): an unticked box (0,
    Unchecked) is no score, and a yes/no treatment answered No (coded to "") no treatment."""
    rows = np.zeros(table.n, dtype=bool)
    for k, c in cols.items():  # a loop over the file's columns, a handful
        col = c.column
        if col.role in _NOT_OF_A_VISIT:
            continue
        cells = pd.Series(table.column(k), dtype=object)
        if col.role == "checkbox":
            rows |= cells.str.strip().str.casefold().isin(CHECKED).to_numpy()
        elif col.codes:
            rows |= (cells != "").to_numpy() & (cells.map(col.codes).fillna(cells) != "").to_numpy()
        else:
            rows |= (cells != "").to_numpy()
    return rows


def events_for_undated_scores(cols: dict, table, notes: list, review: list, fields: dict | None = None) -> None:
    """A REDCap export with a date field only on rows without scores or treatments (a consent date at
    screening) and visits dated by nothing else: the scores' rows have no date, so the events, where each
    of those rows' events names a time point (two or more different ones), are the day column
    (:func:`event_days`), and the date fields, which time nothing, are ignored, with a note. When one of
    those dates names a treatment (an infusion form's date: the administrations), dates and time points
    cannot be combined in one file: a point to review, saying so."""
    event = [k for k, c in cols.items() if c.column.role == "ignore" and normalize_name(c.header) == "redcap_event_name"]
    dates = [k for k, c in cols.items() if c.column.role == "date"]
    if not dates:
        return
    if not event:
        dates_on_other_rows(cols, table, dates, notes, review, fields or {})
        return
    rows = _rows_with_values(cols, table)
    if not rows.any():
        return
    if any((table.column(k)[rows] != "").any() for k in dates):  # the dates time something of a visit ...
        scored = _rows_with_values({j: c for j, c in cols.items() if c.column.role in SCORE_ROLES}, table)
        if scored.any() and not any((table.column(k)[scored] != "").any() for k in dates):  # ... but no score
            review.append(f"{table.file}: no row with a score has a date ({', '.join(repr(cols[k].header) for k in dates)} "
                          "is filled only on other rows, e.g. doses): the scores cannot be placed in time. Add a date "
                          "field to the scores' form (or put the scores on the dated rows) and export again.")
        return
    days = read_time_points(table.column(event[0])[rows], events=True)[0]
    if np.isnan(days).any() or len(set(days)) < 2:
        return
    treated = [cols[d].header for d in dates if cols[d].column.treatment or TREATMENT_DATE.search(cols[d].header)
               or TREATMENT_DATE.search(cols[d].why)]
    if treated:
        review.append(f"{table.file}: the rows with scores have no date and their events name time points, but "
                      f"{treated[0]!r} dates the treatments: dates and time points cannot be combined in one file. "
                      "Add a visit date field to the scores' form (or day numbers since the infusion) and export "
                      "again.")
        return
    k = event[0]
    cols[k] = replace(cols[k], column=Column("day"), why=_EVENT_DAYS)
    for d in dates:
        cols[d] = replace(cols[d], column=Column("ignore"), why="a date only on rows without scores or treatments")
    ignored = {cols[d].header for d in dates}
    for j, c in cols.items():  # scores of the date's form took their time from it: now from the events
        if c.column.time in ignored:
            cols[j] = replace(c, column=replace(c.column, time=None))
        elif c.column.role == "time":  # a time of day completes a date that is ignored now
            cols[j] = replace(c, column=Column("ignore"), why="the time of a date that times nothing")
    named = ", ".join(repr(cols[d].header) for d in dates)
    notes.append(f"{table.file}: the rows with scores or treatments have no date ({named} is filled only on other "
                 f"rows, e.g. a consent date), and their events name time points: the events are {_EVENTS_AS_DAYS}, "
                 f"and {named} is ignored.")


def dates_on_other_rows(cols: dict, table, dates: list, notes: list, review: list, fields: dict) -> None:
    """Scores on rows without a date, beside dates filled only on other rows: every score would be excluded for
    want of a time, and the load would say only that no score was read. A classic REDCap project with a repeating
    follow-up form is such a file: the infusion date on the record's own row (form ``enrolment``), the scores and
    a choice field naming their time point (``fu_timepoint``: Baseline, Week 1, Week 4) on the rows of the
    instances. There the time points count from the record's date (the loader takes it for the instances:
    :func:`analysis.io.redcap.record_dates_for_instances`), proposed with a note where it is certain: every
    row with a score is an instance with a time point that reads (a choice field's labels, from the data
    dictionary ``fields``, or as a labels export writes them), and every such record has one date on its own
    rows (one date column, or the one named like a treatment). Otherwise a point to review saying why."""
    score_cols = {j: c for j, c in cols.items() if c.column.role in SCORE_ROLES}
    scored = _rows_with_values(score_cols, table)
    timed = [k for k, c in cols.items() if c.column.role in ("date", "day")]
    if not scored.any() or any((table.column(k)[scored] != "").any() for k in timed):
        return
    keys = [normalize_name(h) for h in table.header]
    rep = next((k for k, h in enumerate(keys) if h in ("redcap_repeat_instrument", "repeat_instrument")), None)
    pid = [k for k, c in cols.items() if c.column.role == "patient_id"]
    named = [d for d in dates if TREATMENT_DATE.search(cols[d].header) or cols[d].column.treatment]
    ref = dates[0] if len(dates) == 1 else named[0] if len(named) == 1 else None
    point, maybe = None, []
    for k, c in sorted(cols.items()):  # a loop over the file's columns, a handful
        cells = table.column(k)[scored]
        if c.column.role not in ("covariate", "ignore") or keys[k] in ("redcap_repeat_instrument", "repeat_instrument",
                                                                       "redcap_repeat_instance", "repeat_instance") \
                or (cells == "").any():
            continue
        if pid and (pd.DataFrame({"p": table.column(pid[0])[scored], "v": cells}).groupby("p")["v"].nunique() > 1).any():
            maybe.append(c.header)  # changes within a patient's scored rows: perhaps their time points, in codes
        f = fields.get(c.header)
        labels = pd.Series(cells, dtype=object).map(f.choices).fillna("").to_numpy(dtype=object) \
            if f is not None and f.choices else cells
        days = read_time_points(labels, events=True)[0]
        if not np.isnan(days).any() and len(set(days)) >= 2:
            point = k
            break
    certain = rep is not None and pid and ref is not None and point is not None and \
        bool((table.column(rep)[scored] != "").all())
    if certain:
        own = pd.DataFrame({"p": table.column(pid[0]), "d": table.column(ref)})[
            (table.column(rep) == "") & (table.column(ref) != "")]
        per = own.groupby("p")["d"].nunique()
        records = pd.unique(table.column(pid[0])[scored])
        certain = bool(per.reindex(records).eq(1).all())
    names = ", ".join(repr(cols[d].header) for d in dates)
    if certain:
        h, date = cols[point].header, cols[ref].header
        cols[point] = replace(cols[point], column=Column("day", counted_from=date),
                              why=f"the instances' time points, counted from the record's {date!r}")
        notes.append(f"{table.file}: the scores are on the rows of a repeating form without a date, {h!r} gives their "
                     f"time points and {date!r} is written once per record, on its own row: the time points count from "
                     f"the record's {date!r} (taken for its instances; Baseline = that date, before the treatment; "
                     "Week 1 = 7 days; months x 365.25/12 rounded, Month 3 = 91).")
        return
    hint = (f"If {cols[point].header!r} gives the scores' time points (Baseline, Week 4), map it as "
            f"{{\"role\": \"day\", \"counted_from\": \"{cols[ref].header if ref is not None else '<date column>'}\"}}"
            + (": each record's date is then taken for its instances. " if rep is not None else
               " once the date is on each visit row. ") if point is not None else
            f"If {' or '.join(map(repr, maybe[:3])) if maybe else 'a column of the scores’ rows'} gives their time "
            "points (Baseline, Week 4), give it the role \"day\" with \"counted_from\" naming the date"
            + (" (each record's date is then taken for its instances). " if rep is not None else ". "))
    review.append(f"{table.file}: no row with a score has a date ({names} is filled only on other rows"
                  + (", e.g. each record's own row, the scores being on the rows of a repeating form" if rep is not None
                     else "") + "): every score would be excluded for want of a time. " + hint
                  + "Otherwise add a date field to the scores' form (or the date to each visit row) and export again.")


def scored_events(cols: dict, table, review: list) -> None:
    """A point to review when REDCap events read as time points (:func:`event_days`) leave rows with a
    score or a treatment without a time: those rows' events name no time point (``infusion_2_arm_1``)."""
    day = [k for k, c in cols.items() if c.column.role == "day" and normalize_name(c.header) == "redcap_event_name"]
    if not day:
        return
    rows = _rows_with_values(cols, table)
    events = table.column(day[0])[rows]
    # A repeating form's instances on one event (5 infusions, a week's diary) have no time between them.
    pid = [k for k, c in cols.items() if c.column.role == "patient_id"]
    repeat = [k for k, h in enumerate(table.header) if normalize_name(h) in ("redcap_repeat_instance", "repeat instance")]
    if pid and repeat:
        key = pd.DataFrame({"p": table.column(pid[0])[rows], "e": events, "i": table.column(repeat[0])[rows]})
        many = key[key["i"] != ""].drop_duplicates().duplicated(["p", "e"], keep=False)
        if many.any():
            shown = ", ".join(map(repr, pd.unique(key.loc[many[many].index, "e"])[:3].tolist()))
            review.append(f"{table.file}: several instances of a repeating form hold scores or treatments on one event "
                          f"({shown}), and the events are the only time: the instances would all fall on one day. Add "
                          "a date field to the repeating form and export again.")
    untimed = pd.unique(events[np.isnan(read_time_points(events, events=True)[0])])
    if len(untimed):
        review.append(f"{table.file}: the events {', '.join(map(repr, untimed[:5].tolist()))} hold scores or treatments "
                      "but name no time point (as baseline_arm_1, week_4_arm_1, month_3_arm_1 do): add the visit "
                      "dates to the export (a date field on the form), or leave those events out of it.")
