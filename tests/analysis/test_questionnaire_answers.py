"""PHQ-9 items written as their answers ("Not at all" ... "Nearly every day"), read cell by cell.

A survey tool or a statistics package writes each item's answer, not its code. The rule
(analysis/io/questionnaires.py; docs/data-format.md, "Questionnaire items without their total"):

* an item column of a recognised questionnaire (PHQ-9, GAD-7) is read as answers when the known answer
  labels make up at least 80% of its answered cells, or all but one of at least three: one typo
  ("Several dyas"), a "?" or a "refused" does not make the column unreadable;
* the cell with an unknown answer is excluded in the load report (file, line, column, the text as written,
  and what to do: give it a value under ``values.text`` or correct the cell), and that visit has no
  PHQ-9: a sum with an item missing is not a PHQ-9 (no prorating, the documented rule);
* a column that is not answers at all (most cells other text) is never read as answers: the proposal
  asks, and never advises keeping one item column as the score.

Totals below are sums by hand of the codes Not at all 0, Several days 1, More than half the days 2,
Nearly every day 3 (Kroenke et al. 2001).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from clinic_checks import columns, scores
from analysis import load_files
from analysis.io.propose import inspect
from analysis.io.questionnaires import answer_codes

LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
ITEMS = [f"PHQ9_{k}" for k in range(1, 10)]

# pid: (baseline items, week-4 items); an int is a code written as its label, a str is written as is.
VISITS = {
    "A": (["Several dyas", 2, 1, 3, 0, 1, 2, 1, 0], [0, 1, 0, 1, 0, 0, 1, 0, 0]),   # typo: no baseline; week 4: 3
    "B": ([3, 3, 2, 2, 1, 1, 0, 0, 0], [2, 2, 1, 1, "?", 1, 0, 0, 0]),               # 12; "?": no week-4 score
    "C": ([0, 0, 1, 0, 0, 1, 0, 0, 0], [0] * 9),                                      # 2; 0
    "D": ([2] * 9, [1, 1, 1, 1, 1, 1, 1, 1, "refused"]),                              # 18; "refused": none
    "E": ([3, 3, "N/A", 3, 3, 3, 3, 3, 3], [3] * 9),                                  # N/A: 8 of 9 answered; 27
}
# Hand totals: (baseline, week 4), None where the visit has no PHQ-9.
TOTALS = {"A": (None, 3), "B": (12, None), "C": (2, 0), "D": (18, None), "E": (None, 27)}


def _cell(v) -> str:
    return LABELS[v] if isinstance(v, int) else v


def survey(visits: dict = VISITS) -> dict[str, bytes]:
    """One row per visit: baseline 1 day before the infusion, the infusion row, week 4 (day 27); NRS beside.
    Line numbers: patient i's baseline is on line 2 + 3i, its week-4 visit on line 4 + 3i."""
    out = ["Patient,Date,Treatment,NRS," + ",".join(ITEMS)]
    for i, (pid, (base, week4)) in enumerate(visits.items()):
        d0 = dt.date(2024, 3, 4) + dt.timedelta(days=7 * i)
        out += [f"{pid},{d0 - dt.timedelta(days=1)},,8," + ",".join(map(_cell, base)),
                f"{pid},{d0},Ketamine,," + "," * 8,
                f"{pid},{d0 + dt.timedelta(days=27)},,5," + ",".join(map(_cell, week4))]
    return {"survey.csv": ("\n".join(out) + "\n").encode()}


# --- The proposal ----------------------------------------------------------------------------------------

def test_one_unknown_answer_does_not_stop_an_item_column_being_read_as_answers():
    p = inspect(survey())
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert {(cols[h].role, cols[h].measure) for h in ITEMS} == {("sum_item", "phq9")}
    assert p.review == []
    assert cols["PHQ9_1"].codes == {"Several days": "1", "More than half the days": "2", "Not at all": "0",
                                    "Nearly every day": "3"}   # the typo is not given a code


def test_the_proposal_names_the_unknown_answers_it_leaves_to_the_load_report():
    notes = " ".join(inspect(survey()).notes)
    assert "'PHQ9_1'" in notes and "'Several dyas'" in notes
    assert "'?'" in notes and "'refused'" in notes


@pytest.mark.parametrize("cells, read", [
    (["Not at all"] * 4 + ["?"], True),                     # 4 of 5 known: 80%
    (["Not at all"] * 8 + ["?", "refused"], True),          # 8 of 10: 80%
    (["Not at all"] * 7 + ["?", "refused", "x"], False),     # 7 of 10: 70%
    (["Not at all", "Several days", "Several dyas"], True),  # all but one of three
    (["Not at all", "Several dyas"], False),                 # one of two is not "most"
    (["Not at all", "?", "??"], False),                      # one of three
    (["?"], False),
    (["tired", "fine", "Several days", "ok", "asleep"], False),  # free text with one answer in it
])
def test_an_item_column_is_read_as_answers_when_at_least_80_percent_or_all_but_one_of_three_are_answers(cells, read):
    codes = answer_codes("phq9", np.asarray(cells + ["", "N/A"], dtype=object))   # empty and N/A: not answered
    assert (codes is not None) == read
    if read:
        assert set(codes) == {c for c in cells if c.casefold() in {x.casefold() for x in LABELS}}


# --- Loading ---------------------------------------------------------------------------------------------

def test_each_visit_with_every_item_answered_scores_the_hand_computed_phq9():
    ds = load_files(survey())
    got = {pid: [v for _, v in s] for pid, s in scores(ds, "phq9").items()}
    assert got == {pid: [t for t in pair if t is not None] for pid, pair in TOTALS.items()}
    assert scores(ds, "phq9")["A"] == [(27.0, 3.0)]


def test_a_cell_with_an_unknown_answer_is_excluded_with_its_line_column_text_and_what_to_do():
    ex = load_files(survey()).report.exclusions
    ex = ex[ex["column"].astype(str).str.startswith("PHQ9_")]
    assert ex[["file", "line", "column", "value"]].values.tolist() == [
        ["survey.csv", 2, "PHQ9_1", "Several dyas"],   # A's baseline
        ["survey.csv", 7, "PHQ9_5", "?"],              # B's week 4
        ["survey.csv", 13, "PHQ9_9", "refused"],       # D's week 4
        ["survey.csv", 14, "PHQ9_3", ""]]              # E's baseline: N/A, a missing answer (below)
    reasons = dict(zip(ex["value"], ex["reason"]))
    assert reasons["Several dyas"] == (
        "text answer 'Several dyas' in 'PHQ9_1' is not an answer of phq9 (Not at all 0, Several days 1, More than "
        "half the days 2, Nearly every day 3): no phq9 score for this row. Give it its code under values.text in "
        "the mapping (the import assistant's text answers) or correct the cell")
    assert reasons["refused"].startswith("text answer 'refused' in 'PHQ9_9' is not an answer of phq9")


def test_an_item_answered_na_leaves_the_visit_without_a_score_by_the_existing_rule():
    """N/A is a missing answer, not an unknown one: 8 of 9 items answered, no prorating."""
    ex = load_files(survey()).report.exclusions
    assert ex.loc[ex["column"] == "PHQ9_3", "reason"].tolist() == [
        "8 of 9 items of phq9 answered ('PHQ9_3' is empty): no score without every item (a score is never prorated)"]


def test_an_unknown_answer_given_its_code_under_values_text_is_summed():
    p = inspect(survey())
    doc = p.spec.to_json()
    doc["values"]["text"] = {"several dyas": 1, "?": "exclude"}
    ds = load_files(survey(), mapping=doc)
    got = {pid: [v for _, v in s] for pid, s in scores(ds, "phq9").items()}
    assert got["A"] == [11.0, 3.0]                     # 1+2+1+3+0+1+2+1+0 = 11
    assert got["B"] == [12.0]                          # "?" excluded on purpose: still no week-4 score
    ex = ds.report.exclusions
    assert ex.loc[ex["value"] == "?", "reason"].tolist() == [
        "text answer '?' in 'PHQ9_5' is excluded by the mapping: no phq9 score for this row"]


def test_the_pain_relief_is_the_same_with_or_without_the_unknown_answers():
    """The NRS is 8 -> 5 for everyone: the PHQ-9 exclusions take no pain score away."""
    ds = load_files(survey())
    assert {pid: [v for _, v in s] for pid, s in scores(ds).items()} == {pid: [8.0, 5.0] for pid in VISITS}


# --- A column that is not answers ------------------------------------------------------------------------

def _free_text_item5() -> dict[str, bytes]:
    texts = iter(["tired", "fine", "asleep", "ok", "didn't say", "tired", "fine", "n.a.", "?", "slow"])
    visits = {pid: ([*b[:4], next(texts), *b[5:]], [*w[:4], next(texts), *w[5:]]) for pid, (b, w) in VISITS.items()}
    return survey(visits)


def test_a_text_column_that_is_not_answers_is_not_read_as_answers_and_is_asked_about():
    files = _free_text_item5()
    p = inspect(files)
    assert columns(files)[("survey.csv", "PHQ9_5")].role != "sum_item"
    review = " ".join(p.review)
    assert "'PHQ9_5'" in review and "'tired'" in review
    assert "keep one" not in review


def test_item_columns_of_a_questionnaire_are_never_advised_to_keep_one_and_ignore_the_others():
    review = " ".join(inspect(_free_text_item5()).review)
    assert "look like the items of phq9 without its total" in review
    assert "sum_item" in review
