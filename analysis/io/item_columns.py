"""The item and value columns of a long survey export named otherwise than "item" and "value": a column naming
the questionnaire filled in (``Survey``: ``PHQ-9``, ``GAD-7``; ``Measure``: ``PHQ-9``, ``Pain NRS``) beside a
column named for its score (``Score``, ``Total``, ``Points``). Osmind's ``Patient ID, Survey, Score, Date
Completed`` and SimplePractice's ``Client, Measure, Score, Completed On`` are one observation per row: each
row's score is the score of the questionnaire its item column names. Read as a table, ``Score`` was one
measure ``score`` mixing the PHQ-9, the GAD-7 and the pain scores (averaged together and judged by the 30 %
pain rule). :func:`score_beside_items` finds such a pair; where a column names several questionnaires but no
score column is found beside it, :func:`mixed_scores` makes it a point to review and reads no mixed measure.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..definitions import KNOWN_MEASURES
from .column_values import is_number
from .column_words import has_word, measure_of
from .spec import Column

#: A column name that is a questionnaire's score (the whole name, words separated by spaces, ``_`` or
#: punctuation): ``Score``, ``Total Score``, ``Raw Score``, ``Total``, ``Points``, ``Punkte``, ``Summe``,
#: ``Punteggio``, ``Puntuación``, ``Totaal``.
SCORE_NAME = re.compile(
    r"(?:(?:total|raw|sum|summed|final|overall|survey|questionnaire|measure)\s+)?"
    r"(?:scores?|total|points|pts|punkte|punktzahl|punktwert|summe|gesamtscore|gesamtpunktzahl|gesamtpunkte|"
    r"punteggio|puntuaci[oó]n|puntaje|totaal|somme|score\s+total)")


def score_name(name: str) -> bool:
    """Whether a column's name is a score's (:data:`SCORE_NAME`)."""
    return SCORE_NAME.fullmatch(" ".join(re.split(r"[\W_]+", str(name).casefold())).strip()) is not None


def named_measures(values: np.ndarray) -> list[str]:
    """The known measures the distinct texts of a column name (``PHQ-9``, ``GAD-7``, ``Pain NRS`` -> ``phq9``,
    ``gad7``, ``pain_nrs``), in their order of appearance; none for a column of numbers or of more than 100
    distinct texts (names of questionnaires are few)."""
    filled = values[values != ""]
    if not len(filled) or is_number(filled[:200]).mean() > 0.5:
        return []
    distinct = pd.unique(filled)
    if len(distinct) > 100:
        return []
    return list(dict.fromkeys(m for m in (measure_of(str(v)) for v in distinct) if m))


def score_beside_items(t, taken) -> tuple[int, int] | None:
    """``(item column, value column)`` of a long survey export (module docstring): a text column whose values
    name known measures (one called like an item, ``Measure``, before another, ``Survey``), and a column named
    for a score (:func:`score_name`) of numbers. ``taken``: the positions already proposed."""
    header = t.header
    free = [k for k, h in enumerate(header) if h and k not in taken]
    items = [k for k in sorted(free, key=lambda k: not has_word("item", header[k])) if named_measures(t.column(k))]
    if not items:
        return None
    for k, h in enumerate(header):
        if not h or k in taken or k in items or not score_name(h):
            continue
        filled = t.column(k)[t.column(k) != ""]
        if len(filled) and is_number(filled[:2000]).mean() > 0.5:
            return items[0], k
    return None


def mixed_scores(t, cols: dict, make, review: list) -> None:
    """A point to review, and no measure read, where a column of numbers is proposed as one measure that is no
    known one (``score``: "numbers that change over time") beside a text column read as nothing whose values
    name two or more questionnaires (``Survey``: ``PHQ-9``, ``GAD-7``): the numbers are the scores of different
    questionnaires, and one measure of them all mixed them. ``make``: the column proposal's constructor."""
    generic = [k for k, c in cols.items() if c.column.role == "measure" and c.column.measure not in KNOWN_MEASURES
               and not c.column.codes]
    if not generic:
        return
    for k, c in sorted(cols.items()):
        if c.column.role not in ("ignore", "covariate"):
            continue
        named = named_measures(t.column(k))
        if len(named) < 2 or not _names_questionnaires(t.column(k)):
            continue
        for g in generic:
            h = cols[g].header
            cols[g] = make(h, Column("ignore"),
                           f"scores of the questionnaires named in {c.header!r}: not one measure", cols[g].examples)
            review.append(f"{t.file}: {c.header!r} names the questionnaire of each row ({', '.join(named)}), but "
                          f"no column looks like its score: {h!r} is not read, as one measure it would mix their "
                          f"scores. If {h!r} is the score of the questionnaire named in {c.header!r}, give "
                          f"{c.header!r} the role \"item\" and {h!r} the role \"value\".")
        return


def _names_questionnaires(values: np.ndarray) -> bool:
    """Whether a column is a list of questionnaire names: a few distinct texts (20 at most), and most rows (half or
    more) naming a known measure; not free text that mentions pain or the PHQ now and then."""
    filled = pd.Series(values[values != ""])
    distinct = filled.unique()
    if len(distinct) > 20:
        return False
    naming = {v for v in distinct if measure_of(str(v))}
    return bool(filled.isin(naming).mean() >= 0.5)

