"""Relief in the measure's direction: for a higher-is-better measure (EQ VAS, PSEQ, a clinic's own function
score declared in the mapping) relief is the % increase over baseline, in every analysis of relief.

The hand-made cohort (treatment on day 0; baseline on day -1; immediate score on day 1; week 2 score on day 10;
week 4 score on day 25):

    patient  baseline  day 1  day 10  day 25   relief day 1 / 10 / 25 (higher is better)
    A          40        60     50      44      +50%  / +25%  / +10%
    B          50        80     75      40      +60%  / +50%  / -20%
    C          20        18     30      40      -10%  / +50%  / +100%
    D          60        90     45      90      +50%  / -25%  / +50%

Read as lower-is-better (the product before this fix), every sign turns over: no responder at all.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import load_files
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import relief_duration_data
from analysis.episodes import build_episodes, relief_pct
from analysis.errors import MappingError
from analysis.io import spec as export_spec
from analysis.io.column_words import measure_of
from analysis.measures import MEASURES, direction_note, improvement_pct, measure
from analysis.methods import describe, methods_paragraph
from analysis.relief import immediate_relief, relief_over_time, responder_rate
from analysis.summary import summarize

SCORES = {"A": (40, 60, 50, 44), "B": (50, 80, 75, 40), "C": (20, 18, 30, 40), "D": (60, 90, 45, 90)}
DAYS = (-1, 1, 10, 25)


def cohort(measure_name: str, directions: dict | None = None) -> Dataset:
    rows = [(p, day, measure_name, v) for p, vs in SCORES.items() for day, v in zip(DAYS, vs)]
    a = pd.DataFrame(rows, columns=["patient_id", "day", "measure", "value"])
    t = pd.DataFrame({"patient_id": list(SCORES), "day": 0.0, "treatment": "ketamine"})
    return Dataset.from_frames(a, t, directions=directions)


def by_patient(ep, column):
    return dict(zip(ep.table["patient_id"], ep.table[column]))


def test_the_improvement_of_a_higher_is_better_score_is_its_increase_over_baseline():
    assert improvement_pct([40.0], [60.0], lower_is_better=False)[0] == pytest.approx(50.0)
    assert improvement_pct([40.0], [30.0], lower_is_better=False)[0] == pytest.approx(-25.0)
    assert improvement_pct([8.0], [4.0])[0] == pytest.approx(50.0)          # pain: as always
    assert np.isnan(improvement_pct([0.0], [30.0], lower_is_better=False)[0])


def test_eq_vas_relief_is_computed_upwards_as_worked_out_by_hand():
    ep = build_episodes(cohort("eq_vas"), Definitions(measure="eq_vas"))
    assert not ep.lower_is_better
    assert by_patient(ep, "immediate_relief_pct") == pytest.approx({"A": 50.0, "B": 60.0, "C": -10.0, "D": 50.0})
    fu = ep.followup.assign(pid=lambda f: f["patient_id"].astype(str))
    week4 = dict(zip(fu.loc[fu["t"] == 25, "pid"], fu.loc[fu["t"] == 25, "relief_pct"]))
    assert week4 == pytest.approx({"A": 10.0, "B": -20.0, "C": 100.0, "D": 50.0})


def test_responders_of_a_higher_is_better_measure_are_those_who_improved():
    ep = build_episodes(cohort("eq_vas"), Definitions(measure="eq_vas"))
    # immediate: A, B, D reach 30% (3 of 4); week 2 (day 10): B, C reach 50% (2 of 4); week 4: C, D reach 30%
    assert responder_rate(ep, 30.0, by=())["estimate"].iloc[0] == pytest.approx(0.75)
    assert responder_rate(ep, 50.0, by=(), week=2)["estimate"].iloc[0] == pytest.approx(0.5)
    assert responder_rate(ep, 30.0, by=(), week=4)["estimate"].iloc[0] == pytest.approx(0.5)
    assert immediate_relief(ep, by=())["estimate"].iloc[0] == pytest.approx((50 + 60 - 10 + 50) / 4)
    over = relief_over_time(ep, by=(), threshold=30.0)
    mean4 = over[(over["statistic"] == "mean_relief_pct") & (over["week"] == 4)]["estimate"].iloc[0]
    assert mean4 == pytest.approx((10 - 20 + 100 + 50) / 4)


def test_relief_of_a_higher_is_better_measure_is_lost_when_the_score_falls_back():
    # Immediate responders at 30%: A (lost on day 10: +25%), B (lost on day 25: -20%), D (lost on day 10: -25%).
    ep = build_episodes(cohort("eq_vas"), Definitions(measure="eq_vas"))
    dur = relief_duration_data(ep, by=(), threshold=30.0)
    got = dict(zip(dur["patient_id"].astype(str), zip(dur["time"], dur["event"])))
    assert got == {"A": (10.0, 1), "B": (25.0, 1), "D": (10.0, 1)}


def test_the_pseq_is_higher_is_better_and_the_pcs_lower_is_better_by_the_registry():
    assert not MEASURES["pseq"].lower_is_better and "Nicholas" in MEASURES["pseq"].reference
    assert MEASURES["pcs_total"].lower_is_better and "Sullivan" in MEASURES["pcs_total"].reference
    assert not MEASURES["eq_vas"].lower_is_better and "EuroQol" in MEASURES["eq_vas"].reference
    ep = build_episodes(cohort("pseq"), Definitions(measure="pseq"))
    assert by_patient(ep, "immediate_relief_pct")["A"] == pytest.approx(50.0)


def test_pain_relief_is_unchanged_a_reduction_from_baseline():
    ep = build_episodes(cohort("pain_nrs"), Definitions())
    assert ep.lower_is_better
    # the same numbers read as pain: A 40 -> 60 is 50% worse
    assert by_patient(ep, "immediate_relief_pct") == pytest.approx({"A": -50.0, "B": -60.0, "C": 10.0, "D": -50.0})
    assert list(relief_pct([8.0, 7.0], [4.0, 4.9])) == pytest.approx([50.0, 30.0])


def test_a_measure_declared_higher_is_better_in_the_mapping_is_computed_upwards():
    declared = build_episodes(cohort("function_score", {"function_score": True}), Definitions(measure="function_score"))
    assert by_patient(declared, "immediate_relief_pct") == pytest.approx({"A": 50.0, "B": 60.0, "C": -10.0,
                                                                          "D": 50.0})
    undeclared = build_episodes(cohort("function_score"), Definitions(measure="function_score"))
    assert by_patient(undeclared, "immediate_relief_pct")["A"] == pytest.approx(-50.0)


def test_outputs_say_an_unknown_measure_was_taken_as_lower_is_better():
    doc = summarize(cohort("function_score"), Definitions(measure="function_score"), by=(), models=False).to_dict()
    assert doc["measure_direction"]["source"] == "assumed" and doc["measure_direction"]["lower_is_better"]
    assert '"measures": {"function_score": {"higher_is_better": true}}' in doc["measure_direction"]["note"]
    assert any("taken as lower-is-better" in line for line in describe(Definitions(measure="function_score")))
    declared = summarize(cohort("function_score", {"function_score": True}), Definitions(measure="function_score"), by=(),
                         models=False)
    assert declared.to_dict()["measure_direction"] == {
        "measure": "function_score", "lower_is_better": False, "source": "mapping",
        "relief_pct": "Improvement % = 100 x (score - baseline) / baseline",
        "note": direction_note(measure("function_score", True))}
    assert "Improvement % = 100 x (score - baseline) / baseline" in declared.to_text()


def test_the_methods_text_of_a_higher_is_better_measure_names_its_formula():
    d = Definitions(measure="eq_vas")
    lines = describe(d)
    assert "Improvement % = 100 x (score - baseline) / baseline; negative means worse than baseline." in lines
    assert "percentage increase over baseline (a higher score is better)" in methods_paragraph(d, (), None, "x")
    # pain: the sentence as before, and no note
    pain = describe(Definitions())
    assert "Relief % = 100 x (baseline - score) / baseline; negative means worse than baseline." in pain
    assert not any("lower-is-better" in line or "higher score is better" in line for line in pain)
    assert "measure_direction" not in summarize(cohort("pain_nrs"), Definitions(), by=(), models=False).to_dict()


def test_the_mapping_declares_a_direction_and_writes_it_back():
    doc = {"crps_outcomes_mapping": 1, "files": [], "measures": {"function_score": {"higher_is_better": True}}}
    spec = export_spec.from_json(doc)
    assert spec.directions == {"function_score": True}
    assert export_spec.from_json(json.loads(spec.dumps())).directions == {"function_score": True}
    assert export_spec.from_json({**doc, "measures": {"eq_vas": {"higher_is_better": True}}}).directions == \
        {"eq_vas": True}  # the registry's own direction: accepted


@pytest.mark.parametrize("measures, words", [
    ({"pcs_total": {"higher_is_better": True}}, "cannot turn the direction"),
    ({"function_score": {"higher_is_better": "yes"}}, "must be true or false"),
    ({"function_score": {"better": "higher"}}, "better"),
    (["function_score"], "must be an object"),
])
def test_a_wrong_direction_in_the_mapping_is_refused_with_its_place(measures, words):
    with pytest.raises(MappingError, match=words):
        export_spec.from_json({"crps_outcomes_mapping": 1, "files": [], "measures": measures})


@pytest.mark.parametrize("name, expected", [
    ("PCS total", "pcs_total"), ("PCSTotal", "pcs_total"), ("Pain Catastrophizing Scale", "pcs_total"),
    ("PCS (0-52)", "pcs_total"), ("PSEQ", "pseq"), ("PSEQTotal", "pseq"), ("Pain Self-Efficacy Questionnaire", "pseq"),
    ("PSEQ-10", "pseq"), ("PSEQ_10_total", "pseq"), ("Pain Self-Efficacy Questionnaire (PSEQ)", "pseq"),
    ("Pain Catastrophizing Scale (PCS)", "pcs_total"), ("Pain Catastrophizing Scale Total Score", "pcs_total"),
    # a bare PCS may be the SF-12's physical component summary; items and subscales are not the totals
    ("PCS", None), ("PCS (SF-12)", "sf12_pcs"), ("pcs_01", None), ("PCS Q1", None), ("PCS rumination", None),
    ("pseq_01", None), ("PSEQ item 3", None),
    ("EQ VAS", "eq_vas"), ("EQ-VAS", "eq_vas"), ("EQ5D VAS", "eq_vas"), ("EQ-5D-5L VAS", "eq_vas"),
    # the SF-12 physical component summary and single items are not the PCS total
    ("SF12 PCS", "sf12_pcs"), ("PCS-12 (SF-12)", "sf12_pcs"), ("PCS-12", None), ("PCS_3", None), ("PSEQ 7", None),
])
def test_the_proposal_knows_the_names_of_the_new_measures(name, expected):
    assert measure_of(name) == expected


def _export(vas: list[int]) -> dict[str, bytes]:
    """A registry export: EQ VAS at referral (day -5) and review (day 28) for patients P1-P4; one infusion each."""
    lines = ["Patient ID,Questionnaire date,EQ VAS"]
    for i, (before, after) in enumerate(zip(vas[::2], vas[1::2]), start=1):
        lines += [f"P{i},2024-03-0{i},{before}", f"P{i},2024-04-{i + 10},{after}"]
    infusions = ["Patient ID,Date,Procedure"] + [f"P{i},2024-03-0{i + 5},Ketamine infusion" for i in range(1, 5)]
    return {"PROMs.csv": ("\n".join(lines) + "\n").encode(), "ketamine.csv": ("\n".join(infusions) + "\n").encode()}


def test_an_eq_vas_column_of_an_export_is_read_as_eq_vas_and_improvement_counts_upwards():
    # 40 -> 60 (+50%), 50 -> 80 (+60%), 30 -> 33 (+10%), 60 -> 45 (-25%): 2 of 4 responders at 30% in week 6 (day 36)
    ds = load_files(_export([40, 60, 50, 80, 30, 33, 60, 45]), source="export")
    assert "eq_vas" in ds.measures
    s = summarize(ds, Definitions(measure="eq_vas", report_weeks=(6,)), by=(), models=False).to_dict()
    assert s["groups"][0]["responder_rate_by_week"]["6"]["estimate"] == pytest.approx(0.5)
    assert s["measure_direction"]["lower_is_better"] is False


def test_the_patient_timeline_draws_the_threshold_above_the_baseline_of_a_higher_is_better_measure():
    from analysis.timeline import patient_timeline

    d = Definitions(measure="eq_vas", threshold=30.0)
    ep = patient_timeline(cohort("eq_vas"), d, "A").episodes
    assert ep["threshold_score"].iloc[0] == pytest.approx(52.0)      # 40 x 1.3: relief is lost below it
    assert bool(ep["responder"].iloc[0])
    pain = patient_timeline(cohort("pain_nrs"), Definitions(threshold=30.0), "C").episodes
    assert pain["threshold_score"].iloc[0] == pytest.approx(14.0)     # 20 x 0.7, as before


@pytest.mark.parametrize("directions, better", [({"function_score": True}, "positive = better"),
                                                (None, "negative = better")])
def test_the_secondary_change_figure_says_which_sign_is_better_by_the_mapping_declared_direction(directions, better):
    from analysis.present import secondary_panel, secondary_results

    d = Definitions(measure="function_score", min_cell_size=1)  # four patients: shown, not suppressed
    ep = build_episodes(cohort("function_score", directions), d)
    panel = secondary_panel(secondary_results(ep, (), None), d, (), "function_score")
    spec = next(f for f in panel.figures if f.name == "function_score_mean_change")
    assert better in json.dumps(spec.build().to_plotly_json(), default=str)
