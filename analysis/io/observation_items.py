"""The items of a long observation file (an EHR flowsheet: one row per observation, ``Pain Score (0-10)``
``8``) and the measure each is proposed as (the mapping's ``"items"``).

An item is proposed as the measure its name names (:func:`~analysis.io.column_words.measure_of`) when at
least half of its values read as a score, except the rows of a questionnaire's single questions: two or
more items named for one questionnaire with items (PHQ-9, GAD-7) that differ only by a final number
(``PHQ-9 Item 1`` ... ``PHQ-9 Item 9``, and ``phq9_10``, the "how difficult" question beside them). Each
such row is one answer (0-3), not the score (0-27): read as the score, a patient's answers became nine
conflicting PHQ-9 values of one visit, and an answer of 1 a PHQ-9 of 1. Where the questionnaire's total is
charted as its own row (``PHQ-9 Total Score``), that row is read and the questions are left out, with a note.
Where it is not, and every question of the questionnaire is charted (1 ... 9 of the PHQ-9), they are mapped as
its questions (``"PHQ-9 Item 3": "phq9 item 3"``) and summed: the questions charted for one patient at one
sitting (within :data:`SITTING_MINUTES` of the first, :func:`sittings`) are one questionnaire, scored by the
rule of :mod:`analysis.io.questionnaires` (every item answered 0-3; never prorated), its score carried by its
first row in time (:func:`sum_question_rows`). An item naming the giving of a drug studied, with no score
(a coded-entry report's ``Intravenous infusion of ketamine``, its value empty), is proposed as a treatment, not a
measure (:mod:`analysis.io.item_treatments`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..mapping import normalize_name
from ..definitions import KNOWN_MEASURES
from ..measures import MEASURES
from . import item_treatments
from .column_words import measure_of, question_after_items
from .questionnaires import each_distinct, sum_items
from .score_columns import other_scale


#: An item mapped as one question of a questionnaire (the mapping's "items"): ``"phq9 item 3"``.
_QUESTION = re.compile(r"(?i)\s*([a-z0-9_]+)\s+item\s+(\d+)\s*")


def question_of(target: str | None) -> tuple[str, int] | None:
    """``(measure, item number)`` of an "items" entry naming one question of a questionnaire whose score is
    the sum of its items (``"phq9 item 3"`` -> ``("phq9", 3)``); None for any other entry."""
    m = _QUESTION.fullmatch(target) if isinstance(target, str) else None
    if m is None:
        return None
    measure, number = m.group(1).lower(), int(m.group(2))
    spec = MEASURES.get(measure)
    return (measure, number) if spec is not None and spec.items and 1 <= number <= spec.items else None


R_QUESTION_TWICE = ("{item!r} is charted twice for this patient at this time ({first!r} and {second!r}): no {measure} "
                    "score from these questions (which answer counts is not known)")
R_QUESTIONS_MISSING = ("{answered} of {items} questions of {measure} charted for this patient at this time ({item!r} is "
                       "not): no score without every item (a score is never prorated)")
R_QUESTIONS_UNANSWERED = "no question of {measure} answered at this time ({value!r}): no {measure} score"


#: The items of one questionnaire a patient answers at one sitting are charted within this many minutes of the
#: first: an app or a flowsheet stamps each answer with its own second (``phq9_q1`` at 09:14:55, ``phq9_q2`` at
#: 09:15:03), and grouped by their exact times each answer was a questionnaire of one item, all lost. Half an
#: hour holds a sitting, slow or interrupted, and stays well short of the hours between two sittings of one day
#: (before and after an infusion).
SITTING_MINUTES = 30


def sittings(measure: np.ndarray, pid: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sitting, head)`` of question rows (their measure, patient and time: ``int64`` nanoseconds, or days
    as floats): the rows of one patient and questionnaire charted within :data:`SITTING_MINUTES` of the first
    row of their sitting are one sitting; the first row after that window opens the next. ``sitting``: each
    row's sitting number; ``head``: the position of its sitting's first row (the earliest time; of rows at
    that time, the first in the file)."""
    n = len(pid)
    t = np.asarray(t)
    if t.dtype.kind == "f":
        seconds = (t - t.min()) * 86400.0
    else:  # nanoseconds: differences taken as integers, so that no precision is lost before the division
        ti = t.astype(np.int64)
        seconds = (ti - ti.min()) / 1e9
    block = pd.DataFrame({"m": measure, "p": pid}).groupby(["m", "p"], sort=False).ngroup().to_numpy()
    order = np.lexsort((np.arange(n), seconds, block))
    b, sec = block[order], seconds[order]
    window = SITTING_MINUTES * 60.0
    # One increasing key over every block: block b's times shifted beyond every time of the blocks before it.
    span = float(sec.max()) + window + 1.0
    key = b * span + sec
    beyond = np.searchsorted(key, key + window, side="right")   # the first row after the window a row opens
    start = np.zeros(n, dtype=bool)
    frontier = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    while len(frontier):  # a loop over a patient's sittings (one step for the sittings of every patient at once)
        start[frontier] = True
        nxt = beyond[frontier]
        inside = nxt < n
        frontier, nxt = frontier[inside], nxt[inside]
        frontier = nxt[b[nxt] == b[frontier]]
    number = np.cumsum(start) - 1
    sitting, head = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    sitting[order] = number
    head[order] = order[np.flatnonzero(start)][number]
    return sitting, head


def repeated_rounds(group: np.ndarray, head: np.ndarray, number: np.ndarray, t: np.ndarray,
                    items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(group, head)`` of :func:`sittings` with a sitting that holds the whole questionnaire twice or more, one
    round after the other (every item once, then every item again: a PHQ-9 before an infusion and one 20 minutes
    later), split into one sitting per round. A sitting whose repeated items do not make whole rounds (an answer
    corrected halfway) is left as it is: its item charted twice gives no score, as before. ``number``: each row's
    item number; ``items``: the questionnaire's number of items, per row."""
    n = len(group)
    frame = pd.DataFrame({"g": group, "t": np.asarray(t), "i": np.arange(n), "q": number, "k": items})
    frame = frame.sort_values(["g", "t", "i"], kind="stable")
    occ = frame.groupby(["g", "q"], sort=False).cumcount()
    frame["r"] = occ.groupby(frame["g"], sort=False).cummax()
    rounds = frame.groupby(["g", "r"], sort=False)
    whole = (rounds["q"].transform("size") == frame["k"]) & (rounds["q"].transform("nunique") == frame["k"])
    split = whole.groupby(frame["g"], sort=False).transform("all") & (frame.groupby("g", sort=False)["r"]
                                                                       .transform("max") > 0)
    if not split.any():
        return group, head
    new_group, new_head = group.copy(), head.copy()
    part = frame[split.to_numpy()]
    ids = part.groupby(["g", "r"], sort=False).ngroup().to_numpy() + int(group.max()) + 1
    first = part.groupby(["g", "r"], sort=False)["i"].transform("first").to_numpy()
    new_group[part["i"].to_numpy()] = ids
    new_head[part["i"].to_numpy()] = first
    return new_group, new_head


def sum_question_rows(pid: np.ndarray, t: np.ndarray, targets: np.ndarray, names: np.ndarray, values: np.ndarray,
                      text: dict | None = None, notes: list | None = None, warnings: list | None = None,
                      file: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The questionnaires charted one question per row: the rows of one patient and one measure at one
    sitting (:func:`sittings`) are one questionnaire, summed by :func:`~analysis.io.questionnaires.sum_items` (every item answered with
    a whole number in the item range, or its answer, 'Several days'; never prorated).

    ``targets``: each row's "items" entry (``"phq9 item 3"``, :func:`question_of`); ``names``: the item as
    charted; ``values``: the value as charted; ``text``: the mapping's ``values.text``; ``notes``, ``warnings``:
    where to say how the answers' numbers were read (questions numbered 1-4 read as 0-3,
    :func:`~analysis.io.questionnaires.item_coding`), naming ``file``.

    Returns ``(carrier, score, reason, summed_into)``: the row that carries its questionnaire's score (its first
    row in time: the questionnaire is dated when it was begun), that score as text, for the rows of a questionnaire without a score why (``""`` elsewhere),
    and for the other rows of a scored questionnaire the position of the row carrying the score they are summed
    into (-1 elsewhere)."""
    n = len(pid)
    carrier, score, reason = np.zeros(n, dtype=bool), np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    summed_into = np.full(n, -1, dtype=np.int64)
    if not n:
        return carrier, score, reason, summed_into
    parsed = pd.Series(targets, dtype=object).map(question_of)
    measure = parsed.str[0].to_numpy(dtype=object)
    number = parsed.str[1].to_numpy(dtype=np.int64)
    group, head = sittings(measure, pid, t)
    items = np.asarray([MEASURES[m].items for m in measure], dtype=np.int64)
    group, head = repeated_rounds(group, head, number, t, items)
    for m in pd.unique(measure):  # a loop over the few questionnaires charted
        k_items = MEASURES[m].items
        idx = np.flatnonzero(measure == m)
        # Sittings numbered 0..G-1 for this measure, each carried by its first row in time.
        _, g = np.unique(group[idx], return_inverse=True)
        n_groups = int(g.max()) + 1
        heads = np.empty(n_groups, dtype=np.int64)
        heads[g] = head[idx]
        slot = g * k_items + (number[idx] - 1)
        twice = np.bincount(slot, minlength=n_groups * k_items) > 1
        headers, cells = [], []
        for j in range(k_items):  # a loop over the questionnaire's items
            on = number[idx] == j + 1
            cell = np.full(n_groups, "", dtype=object)
            # Where an item is charted twice, either answer is read here; that questionnaire gets no score below.
            cell[g[on]] = values[idx[on]]
            cells.append(cell)
            headers.append(str(names[idx[on]][0]) if on.any() else f"{m} item {j + 1}")
        total, measured, why, column, value = sum_items(m, headers, cells, None, text, notes, warnings, file)
        answered = np.column_stack([c != "" for c in cells]).sum(axis=1)
        gap = np.flatnonzero(measured & np.isnan(total) & (value == "") & (column != ""))
        why[gap] = each_distinct(lambda a, c: R_QUESTIONS_MISSING.format(answered=a, items=k_items, measure=m, item=c),
                                 answered[gap], column[gap])
        # Every question charted is an NA word ('N/A'): the first is named.
        none = np.flatnonzero(~measured)
        first_cell = np.full(n_groups, "", dtype=object)
        for c in reversed(cells):  # a loop over the questionnaire's items
            first_cell = np.where(c != "", c, first_cell)
        why[none] = each_distinct(lambda v: R_QUESTIONS_UNANSWERED.format(measure=m, value=v), first_cell[none])
        # A question charted twice: its first two answers are named.
        dup_rows = idx[twice[slot]]
        if len(dup_rows):
            order = np.argsort(slot[twice[slot]], kind="stable")
            dup_rows, dup_slot = dup_rows[order], slot[twice[slot]][order]
            starts = np.flatnonzero(np.r_[True, dup_slot[1:] != dup_slot[:-1]])
            a, b = dup_rows[starts], dup_rows[starts + 1]
            q = dup_slot[starts] // k_items
            why[q] = each_distinct(lambda it, v1, v2: R_QUESTION_TWICE.format(item=it, first=v1, second=v2, measure=m),
                                   names[a].astype(str), values[a].astype(str), values[b].astype(str))
        scored = why == ""
        reason[idx] = why[g]
        carriers = heads[scored]
        carrier[carriers] = True
        score[carriers] = total[scored].astype(np.int64).astype(str)
        summed_into[idx] = np.where(scored[g], heads[g], -1)
        summed_into[carriers] = -1
    return carrier, score, reason, summed_into


#: Words of a name that give a visit ('PHQ-9 Week 4', 'GAD-7 Month 3'): such a number is no question's.
_VISIT_WORDS = re.compile(r"(?i)\b(?:week|wk|w|month|mo|m|day|d|visit|baseline|follow|fu|t)\s*-?\s*\d+\s*$")


#: The PHQ-9's and GAD-7's questions by the words that open them, as EHR templates name their rows without a
#: number ('PHQ9 Little Interest', 'GAD-7 Feeling nervous, anxious or on edge').
QUESTION_WORDS = {
    "phq9": ["little interest", "feeling down", "trouble falling", "feeling tired", "poor appetite",
             "feeling bad about yourself", "trouble concentrating", "moving or speaking", "thoughts that you would"],
    "gad7": ["feeling nervous", "not being able to stop", "worrying too much", "trouble relaxing", "so restless",
             "easily annoyed", "feeling afraid"],
}
#: A question's number right after the scale's name, its text after it ('PHQ-9: 1. Little interest ...',
#: 'PHQ-9 Q1 Interest', 'PHQ-9 (1)', 'GAD7 #3 - Worrying').
_NUMBER_FIRST = re.compile(r"(?i)\s*(?:phq|gad)(?:[\s_-]*(?:9|7))?+[\s_:.-]*(?:item|q|question|frage|no\.?|nr\.?|#)?"
                           r"[\s_#(]*(\d{1,2})(?:[\s.):_-]+\D.*|\s*\)\s*)")


def question_number(name: str, measure: str) -> tuple[str, int] | None:
    """``(group, number)`` of a name that numbers one question of ``measure``'s questionnaire: a final number
    (``PHQ-9 Item 3``: the group is the text before it), a number right after the scale's name with the
    question's text after it (``PHQ-9: 3. Trouble falling asleep``), or the question's own opening words
    (``PHQ9 Trouble Falling``); None otherwise. Names numbered the second or third way form one group per
    questionnaire."""
    final = re.fullmatch(r"(.*?\D)(\d+)\s*", name)
    if final:
        return final.group(1).strip().casefold(), int(final.group(2))
    first = _NUMBER_FIRST.fullmatch(name)
    if first:
        return f"{measure} questions", int(first.group(1))
    text = " ".join(re.split(r"[\W_]+", name.casefold()))
    hits = [i for i, words in enumerate(QUESTION_WORDS.get(measure, []), start=1) if words in text]
    return (f"{measure} questions", hits[0]) if len(hits) == 1 else None


def questionnaire_item_rows(named: dict[str, str | None], top: dict[str, float] | None = None) -> dict[str, str]:
    """The names among ``named`` (item name -> the measure it names, or None) that are single questions of a
    questionnaire with items (module docstring): name -> measure. ``top``: the largest value charted for
    each name, where known: a name with a value above the item range (a PHQ-9 of 15 charted as 'PHQ-9 Week
    0') is no question, and neither is a name whose number follows a visit word ('Week 4')."""
    top = top or {}
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for name, measure in named.items():
        m = MEASURES.get(measure) if measure else None
        if m is None or not m.items or _VISIT_WORDS.search(name):
            continue
        numbered = question_number(name, measure)
        if numbered is not None:
            groups.setdefault((measure, numbered[0]), []).append((name, numbered[1]))
    out = {}
    for (measure, _), members in groups.items():
        # Numbered names most of which chart values above the item range are scores ('PHQ-9 1', 'PHQ-9 2' for two
        # visits); one question with a typo (an answer of 5) among its siblings is still a question, whose row is
        # excluded as out of range: read as the score, its 5 became a PHQ-9 of 5.
        above = sum(top.get(name, 0) > (MEASURES[measure].item_max or 0) for name, _ in members)
        if len({n for _, n in members}) >= 2 and 2 * above < len(members):
            out.update({name: measure for name, _ in members})
    # The question asked after the items ('PHQ-9 Q10', 0-3) is no score even without its items beside it.
    out.update({name: q for name in named for q in [question_after_items(name)]
                if q and top.get(name, 0) <= (MEASURES[q].item_max or 0)})
    return out


def propose_items(t, item_k: int, cols: dict, notes: list | None = None) -> tuple[dict, dict]:
    """``(items, questions)`` of an observation file (table ``t``, item column ``item_k``, the proposed
    columns ``cols``): ``items`` maps each item to ``(rows, proposed measure or None)``; ``questions`` the
    single questions of a questionnaire (:func:`questionnaire_item_rows`), which are proposed as no measure.
    An item that is a treatment given is proposed as ``"treatment"`` (:func:`~analysis.io.item_treatments.treatment_items`).
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
    for name, target in summed_questions(questions, proposed).items():
        proposed[name] = (proposed[name][0], target)
    # A procedure listed among the scores (a coded-entry report's 'Intravenous infusion of ketamine', no value): a
    # treatment given (io/item_treatments.py).
    value_k = next((k for k in sorted(cols) if cols[k].column.role == "value"), None)
    for name in item_treatments.treatment_items(items, None if value_k is None else t.column(value_k),
                                                [it for it, (_, m) in proposed.items() if m is None and it not in questions]):
        proposed[name] = (proposed[name][0], item_treatments.TREATMENT)
    # A 0-100 scale charted under a pain name ('Pain Score (VAS)' in mm) is not the 0-10 NRS: read as the NRS, its
    # values above 10 were excluded as out of range and those of 10 or less kept as NRS scores. Kept apart under
    # its own name, as a score column of a spreadsheet is (score_columns.other_scale).
    if value_k is not None:
        values = t.column(value_k)
        for name, (n, m) in list(proposed.items()):
            if m in KNOWN_MEASURES:
                other = other_scale(m, values[(items == name) & (values != "")], name, None, t.file,
                                    [] if notes is None else notes, what="item")
                if other is not None:
                    proposed[name] = (n, other[0])
    return proposed, questions


def summed_questions(questions: dict[str, str], proposed: dict) -> dict[str, str]:
    """The single questions to sum (module docstring): for a questionnaire none of whose items is proposed as
    its total, and whose questions charted are each of its items once under one name ('PHQ-9 Item 1' ...
    'PHQ-9 Item 9'), each question -> its "items" entry ('phq9 item 1')."""
    out = {}
    for measure in set(questions.values()):
        if any(m == measure for _, m in proposed.values()):
            continue  # the total is charted: it is read, the questions are left out
        # The question asked after the items ('PHQ-9 Q10 Difficulty') is no item of the sum.
        parts = [(name, p) for name, m in questions.items() if m == measure and not question_after_items(name)
                 for p in [question_number(name, measure)] if p is None or p[1] <= MEASURES[measure].items]
        stems = {p[0] for _, p in parts if p}
        numbers = sorted(p[1] for _, p in parts if p)
        if len(stems) == 1 and len(parts) == len(numbers) and numbers == list(range(1, MEASURES[measure].items + 1)):
            out.update({name: f"{measure} item {p[1]}" for name, p in parts})
    return out


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
        if any(question_of(items[name][1]) for name in names):
            notes.append(f"{file}: {', '.join(map(repr, names[:10]))} are the single questions of {measure}, charted one "
                         f"per row, and no row gives its total: the questions charted for a patient at one sitting "
                         f"(within {SITTING_MINUTES} minutes of its first question) are summed into its score, at the "
                         f"time of its first question (every item answered, never prorated; each questionnaire without "
                         f"a score is listed in the report with its reason).")
            continue
        notes.append(f"{file}: {', '.join(map(repr, names[:10]))} are single questions of {measure}, charted one "
                     f"per row: not read (a question is not the score) and counted in the report. "
                     + (f"The score is read from {total[0]!r}." if total else
                        f"No row gives the {measure} total: chart it (or export the items as columns, where "
                        "they are summed) to have the score."))
    item_treatments.item_notes(file, items, notes)
    unmapped = [it for it, (n, m) in items.items() if not m and it not in questions]
    if unmapped:
        notes.append(f"{file}: items not read as measures (ignored and counted in the report): "
                     + ", ".join(repr(u) for u in unmapped[:10]) + ". Add them under \"items\" to read them.")
    pains = [it for it, (n, m) in items.items() if m == "pain_nrs"]
    # 'Pain Score (0-10)', 'PAIN SCORE (0-10)', 'Pain score (0-10) ' are one item (the mapping matches names so).
    if len({normalize_name(p) for p in pains}) > 1:
        review.append(f"{file}: several items look like the pain score ({', '.join(map(repr, pains))}): read together "
                      "they would be one measure. Keep under \"items\" only the scale patients rate themselves (the "
                      "0-10 NRS); observer scales such as FLACC and Wong-Baker FACES are also scored 0-10 but measure "
                      "pain another way and must not be pooled with it.")
