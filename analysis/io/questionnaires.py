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

Every step works on whole columns (one numpy operation per item column): no loop over rows.
"""
from __future__ import annotations

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


def answer_codes(measure: str, cells: np.ndarray) -> dict | None:
    """``{answer as written: code}`` when every filled cell of an item column of ``measure`` (PHQ-9, GAD-7) is
    one of :data:`ANSWER_CODES` (any case and spacing); else None. Read as text, such items were patient
    characteristics and the questionnaire had no score."""
    m = MEASURES.get(measure)
    if m is None or not m.items or m.item_max != 3:
        return None
    distinct = [v for v in pd.unique(cells[cells != ""]) if str(v).strip().casefold() not in NA_TOKENS]
    codes = {str(v): ANSWER_CODES.get(" ".join(str(v).casefold().split())) for v in distinct}
    return codes if codes and all(codes.values()) else None


R_ITEM_RANGE = "{item!r} is {value!r}, not a whole number from 0 to {top}: no {measure} score for this row"
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


def sum_items(measure: str, headers: list[str], cells: list[np.ndarray]) -> tuple:
    """Sum the items of each row (the rule in the module docstring).

    Parameters
    ----------
    measure : str
        A measure of the registry with ``items`` (``phq9``, ``gad7``).
    headers : list of str
        The item columns' names, in the order of ``cells``.
    cells : list of ndarray of str
        Each item column's cells as text (``""`` when empty), after any decoding of choice labels.

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
    answered = np.zeros((n, len(cells)), dtype=bool)
    valid = np.zeros((n, len(cells)), dtype=bool)
    values = np.zeros((n, len(cells)))
    for j, col in enumerate(cells):
        text = pd.Series(col, dtype=object).fillna("").astype(str).str.strip()
        answered[:, j] = ~text.str.casefold().isin(NA_TOKENS).to_numpy()
        x = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float)
        valid[:, j] = answered[:, j] & (x >= 0) & (x <= m.item_max) & (x == np.floor(x))
        values[:, j] = np.where(valid[:, j], x, 0.0)
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
    reason[rows] = _each_distinct(column[rows], value[rows], lambda c, v: R_ITEM_RANGE.format(
        item=c, value=v, top=m.item_max, measure=measure))
    gaps = measured & ~bad & ~complete
    first_gap = (~answered).argmax(axis=1)
    rows = np.flatnonzero(gaps)
    column[rows] = headers_a[first_gap[rows]]
    count = answered.sum(axis=1)
    reason[rows] = _each_distinct(count[rows], column[rows], lambda a, c: R_ITEMS_MISSING.format(
        answered=a, items=m.items, measure=measure, item=c))
    return total, measured, reason, column, value


def _each_distinct(a: np.ndarray, b: np.ndarray, fn) -> np.ndarray:
    """``fn(a, b)`` for each distinct pair, spread back to every row (no Python call per row)."""
    if not len(a):
        return np.zeros(0, dtype=object)
    pairs = pd.DataFrame({"a": a, "b": b})
    codes = pairs.groupby(["a", "b"], sort=False).ngroup().to_numpy()
    firsts = pairs.drop_duplicates().to_numpy()
    return np.asarray([fn(x, y) for x, y in firsts], dtype=object)[codes]
