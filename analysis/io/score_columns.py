"""Which score a column is: another scale than the measure its name says, or a questionnaire's
items beside (or without) its total. Rules of the proposal (:mod:`analysis.io.propose`); the
proposals are :class:`~analysis.io.propose.ColumnProposal` objects, changed with ``replace``.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from ..mapping import canonical
from .column_words import measure_of
from .lists import column_codes_verdict, several_listed
from .questionnaires import item_numbers, unread_items
from .spec import Column, slug


def other_scale(m: str, filled: np.ndarray, h: str, f, file: str, notes: list) -> tuple[str, str] | None:
    """``(measure name, why)`` when a column that looks like the known measure ``m`` holds many values
    above its range (a 0-100 VAS or REDCap slider named "pain"): it is read under its own name (relief %
    is scale-free). One typo (12) is not enough: it is an out-of-range value, excluded at loading."""
    nums = pd.to_numeric(pd.Series(filled, dtype=object).astype(str).str.replace(",", ".", regex=False),
                         errors="coerce").dropna()
    hi = KNOWN_MEASURES[m]["max"]
    if hi is None or not len(nums) or (nums > hi).mean() < 0.2:
        return None
    top = nums.max()
    other = slug(f.name if f is not None else h)
    notes.append(f"{file}: column {h!r} looks like {m} but holds values up to {top:g} (beyond {hi:g}): it is read as "
                 f"the measure {other!r}, e.g. a 0-100 VAS.")
    return other, f"score up to {top:g}: not the {KNOWN_MEASURES[m]['label']}"


_TOTAL = re.compile(r"total|score|sum|gesamt|summe|somme|puntuaci|punteggio|totaal", re.IGNORECASE)


def _numbered_items(headers: list) -> bool:
    """Names that differ only by a final number running 1, 2, ..., n (``PHQ9_1`` ... ``PHQ9_9``,
    ``GAD-7 item 1`` ...): a questionnaire's items."""
    named = item_numbers(headers)
    return named is not None and sorted(named[1]) == list(range(1, len(headers) + 1))


#: A visit named in a column header ('NRS day 1', 'NRS week 4', 'Schmerz Woche 12', 'EVA J7', 'NRS M3').
_VISIT = re.compile(r"(?i)\b(?:(?P<d>day|d|j|jour|tag)|(?P<w>week|wk|w|woche|semaine|sem)|(?P<m>month|mo|m|monat|mois))"
                    r"\s*(?P<n>\d+)\b")
# The number first, and hours too: 'NRS 2h', 'NRS 24 h', 'Schmerz 4 Std.', 'NRS 1 week', 'EVA 3 mois'.
_VISIT_AFTER = re.compile(r"(?i)\b(?P<n>\d+)\s*(?:(?P<h>h|hr|hrs|hours?|std|stunden?|heures?)|(?P<d>d|days?|tage?|jours?)"
                          r"|(?P<w>w|wk|wks|weeks?|wochen?|semaines?)|(?P<m>mo|months?|monate?|mois))(?![\w])")
_BASELINE = re.compile(r"(?i)\b(baseline|pre|before|vor|avant|initial|ausgangswert)\b")


def visit_columns(cols: dict, ks: list, measure: str, file: str, notes: list, dates: list, review: list) -> bool:
    """One row per patient with a score column per visit ('NRS baseline', 'NRS day 1', 'NRS week 4') beside one
    date column (the treatment's): each column is placed at its visit, that many days after the date
    (``offset_days``; hours / 24, weeks x 7, months x 365.25/12 rounded; 'day 1' or '1 day', '2h'), the baseline
    column before the start. Without this
    the advice was to keep one of them and ignore the others, which threw the follow-up away."""
    if len(dates) != 1:
        return False
    placed = {}
    for k in ks:
        h = cols[k].header
        m = _VISIT.search(h) or _VISIT_AFTER.search(h)
        if m:
            n = int(m.group("n"))
            placed[k] = ("at", n / 24 if m.groupdict().get("h") else float(
                n if m.group("d") else 7 * n if m.group("w") else round(365.25 / 12 * n)))
        elif _BASELINE.search(h):
            placed[k] = ("before_start", None)
        else:
            return False
    if len({v for v in placed.values()}) < len(placed):
        return False  # two columns at the same visit: not this layout
    timed = any(c.column.role == "time" and c.column.date in (None, dates[0]) for c in cols.values())
    hours = [k for k, (_, offset) in placed.items() if offset is not None and offset != int(offset)]
    if hours and not timed:
        # Hours after a date without a time of day would count from midnight: 'NRS 2h' at 02:00, before a 09:00
        # infusion, read as the baseline. Asked, not guessed.
        review.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in hours)} are hours after the start, "
                      f"but {dates[0]!r} has no time of day: add the start's time as a time column (role \"time\", "
                      f"\"date\": {dates[0]!r}), or set each column's offset_days by hand (days after the date).")
        return True
    for k, (timing, offset) in placed.items():
        cols[k] = replace(cols[k], column=replace(cols[k].column, timing=timing, offset_days=offset),
                          why=f"score of the visit {offset:.4g} days after {dates[0]!r}" if offset is not None
                          else f"baseline score, before the start on {dates[0]!r}")
    notes.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in ks)} are read as {measure} at their "
                 f"visits, days after {dates[0]!r} (offset_days; hours / 24, weeks x 7, months x 365.25/12).")
    return True


def one_column_per_score(cols: dict, file: str, fields: dict, review: list, notes: list,
                          dates: list = (), column_cells=None) -> None:
    """Several columns read as the same measure at the same time (PHQ-9 items 1-9 and their total,
    "NRS" and "NRS comment") would be conflicting values of one score: keep the total (a name with
    total/score/sum, a REDCap calculated field, or the measure's own name) and ignore the items.
    Without a total, the complete items of a questionnaire scored as their sum (every item 1 ... n of
    the PHQ-9 or GAD-7, their values within the item range) are summed (:func:`summed_items`);
    anything else is a point to review. ``column_cells``: column position -> its cells."""
    # A baseline column beside visit columns ('NRS baseline', 'NRS week 4'): the baseline was proposed
    # before the start, so the week-4 column alone was at the date too and both were conflicting values.
    by_measure: dict = {}
    for k, c in cols.items():
        if c.column.role == "measure" and c.column.measure in KNOWN_MEASURES and c.column.offset_days is None:
            by_measure.setdefault((c.column.measure, c.column.time), []).append(k)
    for (measure, _), ks in by_measure.items():
        visit = [k for k in ks if _VISIT.search(cols[k].header) or _VISIT_AFTER.search(cols[k].header)]
        if len(ks) >= 2 and visit and len({cols[k].column.timing for k in ks}) > 1 and \
                all(k in visit or _BASELINE.search(cols[k].header) for k in ks):
            visit_columns(cols, ks, measure, file, notes, list(dates), review)
    groups: dict = {}
    for k, c in cols.items():
        col = c.column
        if col.role == "measure" and col.measure in KNOWN_MEASURES and col.offset_days is None:
            groups.setdefault((col.measure, col.timing, col.time), []).append(k)
    for (measure, _, _), ks in groups.items():
        if len(ks) < 2:
            continue

        def rank(k):
            h = cols[k].header
            f = fields.get(h)
            return (0 if canonical(h) == measure else 1 if (f is not None and f.type == "calc") else
                    2 if _TOTAL.search(h) or (f is not None and _TOTAL.search(f.label)) else 3, k)
        best = min(ks, key=rank)
        if rank(best)[0] == 3 and visit_columns(cols, ks, measure, file, notes, dates, review):
            continue
        if rank(best)[0] == 3 and summed_items(cols, ks, measure, file, notes, column_cells):
            continue
        if rank(best)[0] == 3:
            visits = (f" If they are scores of different visits, give each the date column of its visit "
                      f"(\"time\": one of {', '.join(map(repr, dates))})." if len(dates) > 1 else "")
            # One item is not the questionnaire's score: never suggest keeping one of them (that advice is for
            # alternative columns of one score). Items some of which are not read are named with what they hold.
            unread = unread_items(cols, ks, measure, column_cells)
            items = MEASURES[measure].items and (item_numbers([cols[k].header for k in ks]) is not None or unread)
            what = (f"look like the items of {measure} without its total ({measure} is the total score, not an "
                    f"item), but not its {MEASURES[measure].items or ''} items each "
                    f"0-{MEASURES[measure].item_max or ''}" + "".join(f"; {u}" for u in unread) +
                    ": add the total to the export (REDCap: a calculated field), map every item with the role "
                    "\"sum_item\" (a cell that is not an answer is then excluded with its line, or read with "
                    "values.text), or give them the role \"ignore\"" if items else f"all look like {measure}: "
                    f"keep one as the measure and give the others the role \"ignore\"")
            if not items and not dates and all(_VISIT.search(cols[k].header) or _VISIT_AFTER.search(cols[k].header)
                                               for k in ks):
                # Visits of one score by their time points ('1 wk NRS', '4 wk NRS'), in a file without dates: keeping
                # one would lose the others; what is missing is the date they count from.
                what = (f"are {measure} at the visits their names say, but the file has no date to count them from: "
                        "add each patient's treatment date as a column (e.g. 'Infusion date'); the visits are then "
                        "its days (Week 1 = 7, Month 3 = 91)")
            review.append(f"{file}: the columns {', '.join(repr(cols[k].header) for k in ks)} {what}.{visits}")
            continue
        for k in ks:
            if k != best:
                cols[k] = replace(cols[k], column=Column("ignore"),
                                  why=f"an item of {measure}; {cols[best].header!r} is its score")
        notes.append(f"{file}: {cols[best].header!r} is read as {measure}; the other columns that look like it "
                     f"({', '.join(repr(cols[k].header) for k in ks if k != best)}) are ignored as its items.")


def list_column(h: str, names: list, filled: np.ndarray, all_numbers: bool, constant: bool, time_of: str | None,
                file: str, review: list, notes: list) -> Column | None:
    """The role ``"list"`` (the distinct items of each cell counted, :mod:`analysis.io.lists`) for a text
    column named like the body regions (``names``: the header, and a REDCap field's label and name),
    or None where that is not the reading (``filled``: the column's non-empty cells; ``all_numbers``: every
    one of them is a number).

    Certain, with a note: some cells list several items (``left hand, right foot``). A column with one
    item per cell that is the same on every row of a patient ("Region: upper limb") stays a covariate
    (None). One item per cell that changes within patients may be a list or something else: the role
    ``"list"`` is proposed as a point to review, never applied silently. A column of numbers is a
    score column (None), unless its lists of numbers prove codes of the regions (``1,3`` and ``2,4``:
    rule 5 of :mod:`analysis.io.lists`; read as decimal commas they were excluded, and a bare ``2`` beside
    them counted 2 regions instead of one)."""
    if not len(filled) or not any(measure_of(n) == "regions_affected" for n in names if n):
        return None
    codes = column_codes_verdict(filled) == "codes"
    measure = "regions_affected"
    # Codes decided from this file are written into the mapping: next month's file (perhaps without a
    # list) is then read the same way.
    column = Column("list", measure=measure, time=time_of, listed="codes" if codes else None)
    shown = ", ".join(repr(str(v)) for v in pd.unique(filled)[:3])
    if all_numbers and not codes:
        return None
    if several_listed(filled) > 0:
        what = "the codes of body regions" if codes else "body regions"
        notes.append(f"{file}: column {h!r} lists {what} in one cell (e.g. {shown}): it is read as {measure}, "
                     "the number of distinct regions listed (role \"list\"); a cell meaning none is 0, out of "
                     "the measure's range (1 or more), and listed in the report.")
        return column
    if constant:
        return None
    review.append(f"{file}, {h!r}: named like the body regions, with one region per cell that changes within "
                  f"patients (e.g. {shown}). Keep the role \"list\" to count the regions listed in each cell as "
                  f"{measure} (each cell here counts 1), or give it the role \"ignore\".")
    return column


def summed_items(cols: dict, ks: list, measure: str, file: str, notes: list, column_cells) -> bool:
    """The columns ``ks``, all read as ``measure`` without its total, become its items summed (the role
    ``sum_item``, :mod:`analysis.io.questionnaires`) when that is certain: the measure is scored as the
    sum of its items, the columns are numbered 1 ... n (``PHQ9_1`` ... ``PHQ9_9``) with n its number of
    items, and (nearly) every number in them lies in the item range: columns of totals per visit
    (``PHQ9_1`` ... with values up to 27) are not items; one typo (a 4) is, and its row is excluded at
    loading with the reason. Returns whether they were changed (with a note)."""
    m = MEASURES.get(measure)
    headers = [cols[k].header for k in ks]
    if m is None or not m.items or len(ks) != m.items or not _numbered_items(headers) or column_cells is None:
        return False
    numbers = []
    for k in ks:
        cells = column_cells(k)
        cells = cells[cells != ""]
        if cols[k].column.codes:
            cells = pd.Series(cells, dtype=object).replace(cols[k].column.codes).to_numpy(dtype=object)
        numbers.append(pd.to_numeric(pd.Series(cells, dtype=object).astype(str).str.replace(",", ".", regex=False),
                                     errors="coerce").dropna())
    x = pd.concat(numbers)
    if len(x) and ((x > m.item_max) | (x < 0)).mean() > 0.05:
        return False
    for k in ks:
        cols[k] = replace(cols[k], column=replace(cols[k].column, role="sum_item"),
                          why=f"an item of {measure} (0-{m.item_max}): the {m.items} items are summed")
    notes.append(f"{file}: the columns {', '.join(map(repr, headers))} are the {m.items} items of {measure} without "
                 f"its total: each row's {measure} is their sum when every item is answered with a whole number "
                 f"0-{m.item_max}; a row with an item missing or out of range has no score and is listed in the "
                 "report (no prorating).")
    return True


_DECIMAL_COMMA = re.compile(r"\s*-?\d+,\d{1,2}\s*")
_DECIMAL_POINT = re.compile(r"\s*-?\d*\.\d+\s*")


def decimal_comma_scores(t, columns: list, notes: list) -> bool | None:
    """True for a comma-separated file whose score columns write decimals with a comma (``7,5``, quoted in
    the file: a spreadsheet in a European language saved as CSV with commas) and never with a point; None
    otherwise (the reader's default: decimal commas in semicolon- and tab-separated files only).

    Why: read with points only, every such score was excluded ("a decimal comma (7,5)") and a patient's
    relief went missing, though nothing else in the file could mean 7,5. Only the columns proposed as
    known scores in points decide: elsewhere a quoted ``1,3`` may be a list (body regions ``1,3``)."""
    if t.decimal_comma or t.delimiter != ",":
        return None
    ks = [t.header.index(c.header) for c in columns if c.column.role == "measure" and c.header in t.header
          and c.column.measure in MEASURES and MEASURES[c.column.measure].unit == "points"]  # not a count of regions
    cells = pd.Series(np.concatenate([t.column(k) for k in ks]) if ks else [], dtype=object)
    comma = cells[cells.str.fullmatch(_DECIMAL_COMMA).fillna(False).astype(bool)]
    if not len(comma) or cells.str.fullmatch(_DECIMAL_POINT).fillna(False).any():
        return None
    notes.append(f"{t.file}: the scores write decimals with a comma ({comma.iloc[0].strip()!r}, quoted in this "
                 "comma-separated file): read as decimals, 7,5 = 7.5 (the file's \"decimal_comma\").")
    return True
