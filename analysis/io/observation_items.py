"""The items of a long observation file (an EHR flowsheet: one row per observation, ``Pain Score (0-10)``
``8``) and the measure each is proposed as (the mapping's ``"items"``).

An item is proposed as the measure its name names (:func:`~analysis.io.column_words.measure_of`) when at
least half of its values read as a score, except the rows of a questionnaire's single questions: two or
more items named for one questionnaire with items (PHQ-9, GAD-7) that differ only by a final number
(``PHQ-9 Item 1`` ... ``PHQ-9 Item 9``, and ``phq9_10``, the "how difficult" question beside them). Each
such row is one answer (0-3), not the score (0-27): read as the score, a patient's answers became nine
conflicting PHQ-9 values of one visit, and an answer of 1 a PHQ-9 of 1. They are left out, with a note;
the questionnaire's total, charted as its own row (``PHQ-9 Total Score``), is read.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..measures import MEASURES
from .column_words import measure_of, question_after_items


#: Words of a name that give a visit ('PHQ-9 Week 4', 'GAD-7 Month 3'): such a number is no question's.
_VISIT_WORDS = re.compile(r"(?i)\b(?:week|wk|w|month|mo|m|day|d|visit|baseline|follow|fu|t)\s*-?\s*\d+\s*$")


def questionnaire_item_rows(named: dict[str, str | None], top: dict[str, float] | None = None) -> dict[str, str]:
    """The names among ``named`` (item name -> the measure it names, or None) that are single questions of a
    questionnaire with items (module docstring): name -> measure. ``top``: the largest value charted for
    each name, where known: a name with a value above the item range (a PHQ-9 of 15 charted as 'PHQ-9 Week
    0') is no question, and neither is a name whose number follows a visit word ('Week 4')."""
    top = top or {}
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for name, measure in named.items():
        m = MEASURES.get(measure) if measure else None
        numbered = re.fullmatch(r"(.*?\D)(\d+)\s*", name)
        if m is None or not m.items or numbered is None or _VISIT_WORDS.search(name) or \
                top.get(name, 0) > (m.item_max or 0):
            continue
        groups.setdefault((measure, numbered.group(1).strip().casefold()), []).append((name, int(numbered.group(2))))
    out = {}
    for (measure, _), members in groups.items():
        if len({n for _, n in members}) >= 2:
            out.update({name: measure for name, _ in members})
    # The question asked after the items ('PHQ-9 Q10', 0-3) is no score even without its items beside it.
    out.update({name: q for name in named for q in [question_after_items(name)]
                if q and top.get(name, 0) <= (MEASURES[q].item_max or 0)})
    return out


def propose_items(t, item_k: int, cols: dict) -> tuple[dict, dict]:
    """``(items, questions)`` of an observation file (table ``t``, item column ``item_k``, the proposed
    columns ``cols``): ``items`` maps each item to ``(rows, proposed measure or None)``; ``questions`` the
    single questions of a questionnaire (:func:`questionnaire_item_rows`), which are proposed as no measure.
    An item is proposed as a measure when at least half of its values read as a score (body regions are
    counted from the lists they are charted as, so they need not read as numbers)."""
    items = t.column(item_k)
    filled = items != ""
    counts = pd.Series(items[filled]).value_counts()
    scored, top = _read_values(t, item_k, cols)
    named = {str(it): measure_of(str(it)) for it in counts.index}
    questions = questionnaire_item_rows(named, top)
    proposed = {str(it): (int(n), m if (it in scored or m == "regions_affected") and str(it) not in questions
                          else None)
                for it, n in counts.items() for m in [named[str(it)]]}
    return proposed, questions


def _read_values(t, item_k: int, cols: dict) -> tuple[set, dict]:
    """The items at least half of whose values read as a score (a number, 7/10, 6-7; the value rules at their
    most lenient: 'Pain Location' (Left hand) is named like a pain item but is no score, and listing it among
    the candidate pain scores only made the choice look harder), and each item's largest value read."""
    from .values import ValueRules, parse_values

    value_k = next((k for k in sorted(cols) if cols[k].column.role == "value"), None)
    items = t.column(item_k)
    if value_k is None:
        return set(items), {}
    values = t.column(value_k)
    pv = parse_values(values, ValueRules(annotated_numbers=True, decimal_comma=t.decimal_comma), 10)
    filled = values != ""
    read = pd.Series((pv.rule != "") & filled)[filled].groupby(items[filled]).mean()
    ok = filled & (pv.rule != "")
    top = pd.Series(np.asarray(pv.value, dtype=float)[ok]).groupby(items[ok]).max()
    return set(read.index[read >= 0.5]), {str(k): float(v) for k, v in top.items()}


def item_notes(file: str, items: dict, questions: dict, notes: list, review: list) -> None:
    """The proposal's notes and review points on one observation file's items (:func:`propose_items`)."""
    by_measure: dict[str, list[str]] = {}
    for name, measure in questions.items():
        by_measure.setdefault(measure, []).append(name)
    for measure, names in by_measure.items():
        total = [it for it, (_, m) in items.items() if m == measure]
        notes.append(f"{file}: {', '.join(map(repr, names[:10]))} are single questions of {measure}, charted one "
                     f"per row: not read (a question is not the score) and counted in the report. "
                     + (f"The score is read from {total[0]!r}." if total else
                        f"No row gives the {measure} total: chart it (or export the items as columns, where "
                        "they are summed) to have the score."))
    unmapped = [it for it, (n, m) in items.items() if not m and it not in questions]
    if unmapped:
        notes.append(f"{file}: items not read as measures (ignored and counted in the report): "
                     + ", ".join(repr(u) for u in unmapped[:10]) + ". Add them under \"items\" to read them.")
    pains = [it for it, (n, m) in items.items() if m == "pain_nrs"]
    if len(pains) > 1:
        review.append(f"{file}: several items look like the pain score ({', '.join(map(repr, pains))}); keep "
                      "only the one on the 0-10 scale under \"items\".")
