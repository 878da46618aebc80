"""A questionnaire exported as its items without its total (``phq9_1`` ... ``phq9_9``): the column role
``"sum_item"``, summed into the questionnaire's score.

The rule (docs/data-format.md, "Questionnaire items without their total", states it for users)
--------------------------------------------------------------------------------------------
The score is the sum of the items, as the scale's scoring instructions define it: the PHQ-9 is the
sum of its 9 items, each 0-3 (0-27; Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613);
the GAD-7 the sum of its 7 items, each 0-3 (0-21; Spitzer et al., Arch Intern Med
2006;166:1092-1097). The number of items and their range come from the measure registry
(:attr:`analysis.measures.Measure.items`, ``item_max``). For one row:

* every item empty (or ``NA``, ``N/A``, ``NaN``, ``null``, ``None``): not measured, no exclusion;
* every item answered with a whole number from 0 to ``item_max``: the score is their sum;
* otherwise the row has **no score** and is listed in the load report with its reason: an item
  that is not a whole number in the item's range (the first such item is named), or items left
  unanswered (how many, and the first). No score is prorated from the items answered: neither
  reference above defines a rule for missing items, so none is applied.

Items written as their answers ('Not at all' ... 'Nearly every day', :data:`ANSWER_CODES`) read as their codes.
The proposal reads an item column as answers when most of its cells are (:data:`ANSWERS_READ_SHARE`); a cell
whose text is no answer ('Several dyas', '?', 'refused') is then one item that does not read: that row has no
score, and the reason names the text and the fix (its code under ``values.text``, or correcting the cell).

Items numbered from 1 (:func:`item_coding`): a survey tool may number the answers of a 0-3 item 1-4 (Qualtrics'
default: 1 = Not at all ... 4 = Nearly every day). Where the item columns of a file hold no 0 and a 4 in two
rows or more, every item is read as its code - 1, with a note: read as they stand, the rows with a 4 lost their
score and every other row was 9 points too high. Where the codes could be either (every answer 1-3: no 0 and no
4; or a 4 in one row only, which may be a typo) they are read as 0-3, with a warning saying so; so they are
where a 0 and a 4 are both found (a 4 is out of range).

Every step works on whole columns (one numpy operation per item column): no loop over rows.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import MappingError
from ..measures import MEASURES
from .dates import NA_TOKENS

#: The answers of the PHQ-9 and GAD-7 items ("Over the last 2 weeks, how often ...") and their codes, in
#: the questionnaires' English, German, French and Spanish versions: a survey tool or a statistics
#: package writes the answer, not its code.
ANSWER_CODES = {
    "not at all": "0", "several days": "1", "more than half the days": "2", "nearly every day": "3",
    "überhaupt nicht": "0", "an einzelnen tagen": "1", "an mehr als der hälfte der tage": "2",
    "beinahe jeden tag": "3",
    "jamais": "0", "plusieurs jours": "1", "plus de la moitié du temps": "2", "presque tous les jours": "3",
    "para nada": "0", "nunca": "0", "ningún día": "0", "ningun dia": "0", "varios días": "1", "más de la mitad de los días": "2", "casi todos los días": "3",
}


#: An item column is read as answers when at least this share of its answered cells (not empty, not an NA
#: word) are answers of :data:`ANSWER_CODES`, or all but one of at least three: a typo ('Several dyas'), a '?'
#: or a 'refused' is one excluded cell, not a column the questionnaire loses. Below it the column is other text
#: (comments, 'tired', 'fine'), never guessed to be answers.
ANSWERS_READ_SHARE = 0.8


def _answer_key(text: pd.Series) -> pd.Series:
    """The form an answer is looked up by: any case, runs of spaces as one."""
    return text.astype(str).str.casefold().str.split().str.join(" ")


def answer_split(measure: str, cells: np.ndarray) -> tuple[dict, list, int, int] | None:
    """``(codes, unknown, n_known, n_answered)`` of an item column of ``measure`` (PHQ-9, GAD-7): the known
    answers as written -> their codes, the other answered texts as written, and the cell counts; None for a
    measure without these answers."""
    m = MEASURES.get(measure)
    if m is None or not m.items or m.item_max != 3:
        return None
    cells = pd.Series(np.asarray(cells, dtype=object), dtype=object).fillna("").astype(str)
    answered = cells[~cells.str.strip().str.casefold().isin(NA_TOKENS)]
    distinct = pd.Series(pd.unique(answered.to_numpy(dtype=object)), dtype=object)
    code = _answer_key(distinct).map(ANSWER_CODES)
    x = pd.to_numeric(distinct.str.strip(), errors="coerce")
    known = code.notna().to_numpy()
    codes = dict(zip(distinct[known], code[known]))
    # A code written as its number (2) reads as it is: an answer, without an entry in ``codes``.
    known |= (x.between(0, m.item_max) & (x == np.floor(x))).to_numpy()
    n_known = int(answered.isin(list(distinct[known])).sum())
    return codes, list(distinct[~known]), n_known, len(answered)


def answer_codes(measure: str, cells: np.ndarray) -> dict | None:
    """``{answer as written: code}`` of an item column of ``measure`` (PHQ-9, GAD-7) whose answered cells
    are answers of :data:`ANSWER_CODES` (any case and spacing) by the rule of :data:`ANSWERS_READ_SHARE`;
    else None. The cells with other answers are not given a code: at loading each is excluded with its
    reason (:func:`sum_items`). Read as text, such items were patient characteristics and the
    questionnaire had no score."""
    split = answer_split(measure, cells)
    return _read_as_answers(split)


def _read_as_answers(split) -> dict | None:
    if split is None:
        return None
    codes, _, n_known, n = split
    return codes if codes and (n_known >= ANSWERS_READ_SHARE * n or (n >= 3 and n_known == n - 1)) else None


def answer_column(measure: str, cells: np.ndarray, header: str, file: str, notes: list) -> dict | None:
    """:func:`answer_codes`, with a note naming the other answers left to the load report."""
    split = answer_split(measure, cells)
    codes = _read_as_answers(split)
    if codes and split[1]:
        notes.append(f"{file}, {header!r}: read as the answers of {measure}; {split[3] - split[2]} cell(s) hold other "
                     f"text ({', '.join(map(repr, split[1][:3]))}): each is excluded at loading with its line (that "
                     f"visit has no {measure}), unless values.text gives it its code.")
    return codes


def unread_items(cols: dict, ks: list, measure: str, column_cells) -> list[str]:
    """What to say about the item columns of ``measure`` that were not read as its items: the columns of the
    proposal ``cols`` named like the items ``ks`` (the same name with another item number, 1 ... n) that are
    not among them, each with the other texts it holds."""
    m = MEASURES.get(measure)
    named = item_numbers([cols[k].header for k in ks])
    if m is None or not m.items or named is None or column_cells is None:
        return []
    out = []
    for k, c in cols.items():  # a loop over the file's columns
        other = item_numbers([c.header])
        if k in ks or other is None or other[0] != named[0] or not 1 <= other[1][0] <= m.items:
            continue
        split = answer_split(measure, column_cells(k))
        if split is not None and split[3]:
            out.append(f"{c.header!r} is not read as answers of {measure} ({split[2]} of its {split[3]} answered cells "
                       f"are answers; the others are e.g. {', '.join(map(repr, split[1][:3]))})")
    return out


def item_numbers(headers: list[str]) -> tuple[str, list[int]] | None:
    """``(name, numbers)`` of a questionnaire's item columns (``phq9_``, [1, 4] of ``PHQ9_1``, ``PHQ9_4``), the
    name in lower case: names that differ only by a final number, each number once. None otherwise."""
    parts = [re.fullmatch(r"(.*?)(\d+)\s*", h) for h in headers]
    if not parts or any(p is None for p in parts) or len({p.group(1).strip().lower() for p in parts}) != 1:
        return None
    numbers = [int(p.group(2)) for p in parts]
    return (parts[0].group(1).strip().lower(), numbers) if len(set(numbers)) == len(numbers) else None


R_ITEM_RANGE = "{item!r} is {value!r}, not a whole number from {low} to {top}: no {measure} score for this row"
R_ITEM_ANSWER = ("text answer {value!r} in {item!r} is not an answer of {measure} (Not at all 0, Several days 1, "
                 "More than half the days 2, Nearly every day 3): no {measure} score for this row. Give it its code "
                 "under values.text in the mapping (the import assistant's text answers) or correct the cell")
R_ITEM_EXCLUDED = "text answer {value!r} in {item!r} is excluded by the mapping: no {measure} score for this row"
R_ITEMS_MISSING = ("{answered} of {items} items of {measure} answered ({item!r} is empty): no score without every "
                   "item (a score is never prorated)")


def check_items(measure: str, headers: list[str], file: str) -> None:
    """The columns given the role ``sum_item`` for ``measure`` in one file are its whole questionnaire."""
    m = MEASURES[measure]
    if len(headers) != m.items:
        raise MappingError(
            f"Mapping for {file}: {measure} is the sum of its {m.items} items, but {len(headers)} column(s) are "
            f"mapped as its items ({', '.join(map(repr, headers))}). Map every item as \"sum_item\", or, without "
            f"them all, give these columns the role \"ignore\".", file=file)


def _scale_name(measure: str) -> str:
    """The questionnaire's name as written on it ('PHQ-9', 'GAD-7')."""
    return MEASURES[measure].label.split(" ")[0]


def item_coding(measure: str, headers: list[str], cells: list[np.ndarray], labelled: list[bool] | None = None,
                text: dict | None = None, file: str = "") -> tuple[int, str, str]:
    """``(shift, note, warning)``: how the numbers in the item columns of ``measure`` (every row of a file) are
    codes of its answers (module docstring). ``shift`` is 1 when the codes are numbered from 1 (4s in two rows
    or more and no 0; each item is read as its code - 1), else 0. ``note`` says so when they are shifted;
    ``warning`` when a 0-3 reading is not certain (neither a 0 nor a 4; a 4 in one row only, a typo or codes
    from 1; both a 0 and a 4). Only the cells that are numbers count; an
    answer in words ('Several days') or a cell coded by the mapping (``values.text``, a column's ``codes``)
    says its own code, and items with any are never shifted."""
    m = MEASURES[measure]
    if not m.items or m.item_max is None or not cells or (labelled and any(labelled)):
        return 0, "", ""
    words = set(ANSWER_CODES) if m.item_max == 3 else set()
    words |= {" ".join(str(k).casefold().split()) for k in (text or {})}
    top, name = m.item_max, _scale_name(measure)
    numbers, worded = [], False
    rows_above = np.zeros(len(cells[0]), dtype=bool)
    for col in cells:  # a loop over the questionnaire's items
        cell = pd.Series(col, dtype=object).fillna("").astype(str).str.strip()
        answered = (cell != "") & ~cell.str.casefold().isin(NA_TOKENS)
        worded |= bool(_answer_key(cell[answered]).isin(words).any())
        x = pd.to_numeric(cell.str.replace(",", ".", regex=False), errors="coerce").where(answered)
        rows_above |= (x == top + 1).to_numpy()
        numbers.append(x.dropna().to_numpy(dtype=float))
    x = np.concatenate(numbers)
    if worded or not len(x):
        return 0, "", ""
    zeros, above = int((x == 0).sum()), int((x == top + 1).sum())
    cols = f"{headers[0]!r} ... {headers[-1]!r}" if len(headers) > 1 else repr(headers[0])
    where = f"{file}: " if file else ""
    codes = "{" + ", ".join(f'"{c}": "{c - 1}"' for c in range(1, top + 2)) + "}"
    if above and not zeros and rows_above.sum() >= 2:
        return 1, (f"{where}{name} items coded 1-{top + 1} (Qualtrics' default) were read as 0-{top}: {cols} hold "
                   f"{above} answer(s) of {top + 1} and no 0, so each item is its code - 1 (1 = Not at all ... "
                   f"{top + 1} = Nearly every day). Read as they stand, the rows with a {top + 1} had no {name} and "
                   f"every other {name} was {m.items} points too high."), ""
    if above and not zeros:
        return 0, "", (f"{where}the items of {name} ({cols}) hold a {top + 1} in one row only and no 0: read as "
                       f"0-{top}, that row excluded (a {top + 1} is out of range). If the survey numbers its answers "
                       f"from 1 (Qualtrics' default: 1 = Not at all ... {top + 1} = Nearly every day), every {name} "
                       f"read is {m.items} points too high: then give each item the codes {codes} in the mapping.")
    if above:
        return 0, "", (f"{where}the items of {name} ({cols}) hold both 0 ({zeros} answer(s)) and {top + 1} ({above}): "
                       f"read as 0-{top}, each row with a {top + 1} excluded. If the survey numbers its answers from 1 "
                       f"(1 = Not at all ... {top + 1} = Nearly every day), every {name} read is {m.items} points too "
                       f"high: check the export's codes.")
    if not zeros and ((x >= 1) & (x <= top) & (x == np.floor(x))).all():
        return 0, "", (f"{where}every answer to the items of {name} ({cols}) is 1-{top}, with no 0 and no {top + 1}: "
                       f"read as 0-{top} (1 = Several days). If the survey numbers its answers from 1 (Qualtrics' "
                       f"default: 1 = Not at all ... {top + 1} = Nearly every day), every {name} read is {m.items} "
                       f"points too high: then give each item the codes {codes} in the mapping.")
    return 0, "", ""


def sum_items(measure: str, headers: list[str], cells: list[np.ndarray], labelled: list[bool] | None = None,
              text: dict | None = None, notes: list | None = None, warnings: list | None = None,
              file: str = "") -> tuple:
    """Sum the items of each row (the rule in the module docstring).

    Parameters
    ----------
    measure : str
        A measure of the registry with ``items`` (``phq9``, ``gad7``).
    headers : list of str
        The item columns' names, in the order of ``cells``.
    cells : list of ndarray of str
        Each item column's cells as text (``""`` when empty), after any decoding of choice labels.
    labelled : list of bool, optional
        The columns known to hold answers written as text (the mapping gives them ``codes``). A column
        with an answer of :data:`ANSWER_CODES` in it is one too: there a text that is no answer is
        excluded as an unknown answer (:data:`R_ITEM_ANSWER`), elsewhere as not a number.
    text : dict, optional
        The mapping's ``values.text`` (answer -> value, None to exclude it on purpose): consulted for an
        answered cell (not empty, not an NA word) before it is read as a number. Answers of
        :data:`ANSWER_CODES` read as their codes (for items scored 0-3).
    notes, warnings : list, optional
        Where to say how the numbers were read as codes (:func:`item_coding`: items numbered from 1 are read
        as their code - 1), with the ``file`` named.

    Returns
    -------
    total : ndarray of float
        The score (NaN where the row has none).
    measured : ndarray of bool
        The rows with at least one item answered.
    reason, column, value : ndarray of object
        Why a measured row has no score (``""`` where it has one), the item column named in the
        reason and that cell as written.
    """
    m = MEASURES[measure]
    n = len(cells[0]) if cells else 0
    shift, note, warning = item_coding(measure, headers, cells, labelled, text, file)
    if note and notes is not None:
        notes.append(note)
    if warning and warnings is not None:
        warnings.append(warning)
    answered = np.zeros((n, len(cells)), dtype=bool)
    valid = np.zeros((n, len(cells)), dtype=bool)
    values = np.zeros((n, len(cells)))
    kind = np.zeros((n, len(cells)), dtype=np.int8)    # why a bad cell is bad: 0 range, 1 unknown answer, 2 excluded
    answers = ANSWER_CODES if m.item_max == 3 else {}
    mapped = {" ".join(str(k).casefold().split()): v for k, v in (text or {}).items()}
    for j, col in enumerate(cells):  # a loop over the questionnaire's items
        text_j = pd.Series(col, dtype=object).fillna("").astype(str).str.strip()
        answered[:, j] = ~text_j.str.casefold().isin(NA_TOKENS).to_numpy()
        key = _answer_key(text_j)
        code = key.map(answers)
        rule = key.map(mapped) if mapped else pd.Series(np.nan, index=key.index, dtype=object)
        by_rule = key.isin(list(mapped)).to_numpy() & answered[:, j]
        on_purpose = by_rule & rule.isna().to_numpy()
        x = pd.to_numeric(text_j.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float) - shift
        x = np.where(code.notna().to_numpy(), pd.to_numeric(code, errors="coerce").to_numpy(dtype=float), x)
        x = np.where(by_rule & ~on_purpose, pd.to_numeric(rule, errors="coerce").to_numpy(dtype=float), x)
        valid[:, j] = answered[:, j] & (x >= 0) & (x <= m.item_max) & (x == np.floor(x))
        values[:, j] = np.where(valid[:, j], x, 0.0)
        as_text = np.isnan(x) & ((bool(labelled[j]) if labelled else False) or bool(code.notna().any()))
        kind[:, j] = np.where(on_purpose, 2, np.where(as_text, 1, 0))
    measured = answered.any(axis=1)
    complete = valid.all(axis=1) if len(cells) else np.zeros(n, dtype=bool)
    total = np.where(complete, values.sum(axis=1), np.nan)
    reason = np.full(n, "", dtype=object)
    column = np.full(n, "", dtype=object)
    value = np.full(n, "", dtype=object)
    headers_a = np.asarray(headers, dtype=object)
    cells_a = np.column_stack(cells) if cells else np.zeros((n, 0), dtype=object)
    out_of_range = answered & ~valid
    bad = measured & out_of_range.any(axis=1)
    first_bad = out_of_range.argmax(axis=1)
    rows = np.flatnonzero(bad)
    column[rows] = headers_a[first_bad[rows]]
    value[rows] = cells_a[rows, first_bad[rows]]
    templates = np.asarray([R_ITEM_RANGE, R_ITEM_ANSWER, R_ITEM_EXCLUDED], dtype=object)
    reason[rows] = each_distinct(lambda c, v, t: t.format(item=c, value=v, low=shift, top=m.item_max + shift,
                                                          measure=measure),
                                  column[rows], value[rows], templates[kind[rows, first_bad[rows]]])
    gaps = measured & ~bad & ~complete
    first_gap = (~answered).argmax(axis=1)
    rows = np.flatnonzero(gaps)
    column[rows] = headers_a[first_gap[rows]]
    count = answered.sum(axis=1)
    reason[rows] = each_distinct(lambda a, c: R_ITEMS_MISSING.format(answered=a, items=m.items, measure=measure,
                                                                      item=c), count[rows], column[rows])
    return total, measured, reason, column, value


def each_distinct(fn, *arrays: np.ndarray) -> np.ndarray:
    """``fn(*values)`` for each distinct combination of the arrays' values, spread back to every row (no
    Python call per row)."""
    if not len(arrays[0]):
        return np.zeros(0, dtype=object)
    parts = pd.DataFrame({i: a for i, a in enumerate(arrays)})
    codes = parts.groupby(list(parts.columns), sort=False).ngroup().to_numpy()
    firsts = parts.drop_duplicates().to_numpy()
    return np.asarray([fn(*x) for x in firsts], dtype=object)[codes]
