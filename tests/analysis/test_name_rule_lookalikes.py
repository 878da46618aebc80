"""Column names that look like a known measure's and are not (the regression review of the name rules,
analysis/io/column_words.py and analysis/measure_names.py).

Every sheet below has one row per infusion and four patients with the pain score before and after it:

    patient  pre  post  relief
    P1       8    4     50%
    P2       6    3     50%
    P3       5    4     20%
    P4       10   5     50%

Immediate relief: mean 42.5%; responders at 30%: 3 of 4. Beside the scores, each sheet has look-alike columns that
must change none of this: the Pain Catastrophizing Scale's items PCS-1 ... PCS-13 (PCS-12 was read as the SF-12
Physical Component Summary), a previous pain (read as a third, untimed pain score at the infusion: 3 of 4 infusions
were dropped as duplicates), the PSEQ's items PSEQ_W1 ... PSEQ_W10 (read as the PSEQ at weeks 1-10: a question).
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.column_words import measure_of, named_scale
from analysis.io.propose import inspect
from analysis.measures import measure
from analysis.summary import summarize

SCORES = [("P1", "2024-01-08", 8, 4), ("P2", "2024-01-09", 6, 3), ("P3", "2024-01-10", 5, 4), ("P4", "2024-01-11", 10, 5)]


def _sheet(header: list[str], extra: list[list]) -> dict[str, bytes]:
    """The four infusions with the columns ``header`` (after Patient ID, Infusion date, Drug) and their cells."""
    lines = [",".join(["Patient ID", "Infusion date", "Drug", *header])]
    for (p, d, pre, post), cells in zip(SCORES, extra):
        lines.append(",".join(map(str, [p, d, "Ketamine", *[{"PRE": pre, "POST": post}.get(c, c) for c in cells]])))
    return {"infusions.csv": ("\n".join(lines) + "\n").encode()}


def _assert_the_hand_worked_relief(files: dict[str, bytes]):
    ds = load_files(files, source="export")
    assert len(ds.report.exclusions) == 0
    s = summarize(ds, Definitions(), by=(), models=False).to_dict()
    g = s["groups"][0]
    assert g["episodes_used"] == 4
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(42.5)
    assert g["immediate_responder_rate"]["estimate"] == pytest.approx(0.75)
    return ds


def test_pain_catastrophizing_items_pcs_1_to_pcs_13_give_no_sf12_summary():
    items = [[3, 3, 4, 4, 0, 0, 1, 2, 1, 2, 1, 4, 4], [3, 3, 1, 4, 3, 4, 2, 4, 4, 2, 3, 0, 1],
             [1, 0, 2, 2, 1, 1, 0, 3, 2, 1, 0, 2, 2], [4, 4, 4, 3, 3, 4, 4, 4, 3, 4, 4, 4, 3]]
    header = [f"PCS-{i}" for i in range(1, 14)] + ["PCS total", "Pain pre", "Pain post"]
    files = _sheet(header, [[*row, sum(row), "PRE", "POST"] for row in items])
    proposed = {c.column.measure for f in inspect(files).files for c in f.columns}
    assert not proposed & {"sf12_pcs", "sf12_mcs", "sf36_pcs", "sf36_mcs"}
    ds = _assert_the_hand_worked_relief(files)
    assert "sf12_pcs" not in ds.measures and "pcs_total" in ds.measures


@pytest.mark.parametrize("name", ["PCS-12", "PCS_12", "PCS36", "MCS-12", "MCS12", "pcs_36"])
def test_a_short_summary_name_with_a_number_but_no_sf_is_no_sf_summary_and_gets_no_direction(name):
    assert measure_of(name) is None
    assert measure(name).direction_origin == "assumed"


@pytest.mark.parametrize("name, expected", [
    ("SF-12 PCS", "sf12_pcs"), ("SF12 MCS", "sf12_mcs"), ("SF-36 PCS", "sf36_pcs"), ("SF-12v2 MCS", "sf12_mcs"),
    ("PCS-12 (SF-12)", "sf12_pcs"), ("Physical Component Summary (SF-36)", "sf36_pcs"), ("Short Form 12 MCS", "sf12_mcs"),
])
def test_a_summary_named_with_its_sf_instrument_is_still_the_registry_summary(name, expected):
    assert measure_of(name) == expected


@pytest.mark.parametrize("previous", ["PreviousPain", "Previous Pain", "Prior pain", "Usual pain",
                                      "Pain history"])
@pytest.mark.parametrize("pre, post", [("PainNRSPre", "PainNRSPost"), ("Pain pre", "Pain post")])
def test_a_previous_pain_beside_the_pre_and_post_scores_is_not_a_third_pain_score(pre, post, previous):
    files = _sheet([pre, post, previous, "Post Op Day"],
                   [["PRE", "POST", 3, 289], ["PRE", "POST", 8, 124], ["PRE", "POST", 7, 54], ["PRE", "POST", 2, 12]])
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols[previous].measure != "pain_nrs"
    _assert_the_hand_worked_relief(files)


def test_a_previous_pain_that_changes_from_visit_to_visit_is_read_under_its_own_name_with_a_note():
    lines = ["Patient ID,Visit date,Drug,Pain pre,Pain post,Previous Pain"]
    lines += [f"P{p},2024-0{v}-1{p},Ketamine,{5 + v},{2 + p % 3},{3 + (p + v) % 6}" for p in range(1, 5)
              for v in range(1, 4)]
    proposal = inspect({"visits.csv": ("\n".join(lines) + "\n").encode()})
    col = next(c for f in proposal.files for c in f.columns if c.header == "Previous Pain")
    assert col.column.measure == "previous_pain" and "another time" in col.why
    assert any("'Previous Pain'" in n and "ignore" in n for n in proposal.notes)


@pytest.mark.parametrize("name, expected", [
    ("Pain prior to infusion", "pain_nrs"), ("Last Pain Score", "pain_nrs"),  # an EHR's latest score
    ("Worst pain in the last 24 hours", "pain_nrs"), ("Pain pre", "pain_nrs"),
    ("PreviousPain", None), ("Douleur précédente", None), ("Vorheriger Schmerz", None),
])
def test_only_a_history_word_before_the_pain_makes_it_a_pain_of_another_time(name, expected):
    assert measure_of(name) == expected
    assert (named_scale(name) is not None) is (expected is None)


def test_pseq_items_named_pseq_w1_to_w10_are_items_and_the_total_is_read():
    items = [[4, 3, 0, 4, 1, 3, 0, 0, 1, 5], [3, 3, 3, 3, 4, 0, 1, 1, 3, 6], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
             [6, 5, 4, 3, 2, 1, 0, 1, 2, 3]]
    header = ["Pain pre", "Pain post"] + [f"PSEQ_W{i}" for i in range(1, 11)] + ["PSEQ total"]
    files = _sheet(header, [["PRE", "POST", *row, sum(row)] for row in items])
    proposal = inspect(files)
    assert proposal.review == []
    cols = {c.header: c.column for f in proposal.files for c in f.columns}
    assert cols["PSEQ total"].measure == "pseq" and all(cols[f"PSEQ_W{i}"].measure != "pseq" for i in range(1, 11))
    _assert_the_hand_worked_relief(files)


@pytest.mark.parametrize("name, expected", [
    ("PSEQ_W1", None), ("PSEQ_W10", None), ("PSEQ_M1", None), ("PSEQ d1", None), ("PSEQ Y2", None),
    ("PSEQ week 1", "pseq"), ("PSEQ wk 4", "pseq"), ("PSEQ month 3", "pseq"), ("PSEQ 6 months", "pseq"),
    ("PSEQ day 7", "pseq"), ("PSEQ baseline", "pseq"), ("PCS total week 4", "pcs_total"),
])
def test_a_questionnaire_of_items_takes_only_spelled_out_visit_words(name, expected):
    assert measure_of(name) == expected


@pytest.mark.parametrize("name", ["BPI Current Medication", "BPI Medication Now", "BPI Q7 Current Treatment",
                                  "Brief Pain Inventory - Medication", "BPI Current Therapy"])
def test_a_bpi_question_about_medication_or_treatment_is_no_pain_score(name):
    assert measure_of(name) is None


@pytest.mark.parametrize("name", ["BPI Now", "BPI Current", "BPI Worst", "BPI Average Pain"])
def test_the_bpi_severity_items_stay_pain_scores(name):
    assert measure_of(name) == "pain_nrs"


@pytest.mark.parametrize("name", ["sf36_q1", "sf_36_item_2", "SF-12 question 3", "SF36 Q10"])
def test_a_single_sf_question_gets_no_higher_is_better_direction(name):
    assert measure(name).direction_origin == "assumed" and measure(name).lower_is_better


@pytest.mark.parametrize("name", ["sf_36_role_physical", "sf36_bodily_pain", "SF-12 MCS", "physical_component_summary"])
def test_sf_scales_and_summaries_keep_their_higher_is_better_direction(name):
    m = measure(name)
    assert m.higher_is_better and m.direction_origin == "name"
