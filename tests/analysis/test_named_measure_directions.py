"""SF-12 / SF-36 component summaries and PROMIS domains: the direction their instrument fixes, never the
lower-is-better guess (analysis/measure_names.py; the SF summaries are registry measures).

The export: three patients, a questionnaire at referral (5 days before the infusion) and at review (10 days
after it). Worked out by hand, relief % in each measure's direction (immediate window 14 days, so that it reaches
the review):

    patient  SF-12 PCS   PROMIS PF T   PROMIS Pain Interference T
    P1       30 -> 36    35 -> 42      65 -> 60
    P2       25 -> 35    30 -> 39      70 -> 62
    P3       40 -> 38    40 -> 41      60 -> 58
    relief   +20/+40/-5  +20/+30/+2.5  +7.69/+11.43/+3.33   (means 18.33, 17.5, 7.48)

Read as lower-is-better (before), the PCS and PF means were -18.33 and -17.5: patients who got better counted
as worse.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.column_words import measure_of, named_scale
from analysis.measures import MEASURES, direction_note, measure
from analysis.summary import summarize

PCS = {"P1": (30, 36), "P2": (25, 35), "P3": (40, 38)}
PF = {"P1": (35, 42), "P2": (30, 39), "P3": (40, 41)}
PI = {"P1": (65, 60), "P2": (70, 62), "P3": (60, 58)}


def _export(pcs_header="SF-12 PCS", pf_header="PROMIS Physical Function T-score",
            pi_header="PROMIS Pain Interference T-score") -> dict[str, bytes]:
    lines = [f"Patient ID,Questionnaire date,{pcs_header},{pf_header},{pi_header}"]
    for i, p in enumerate(PCS, start=1):
        lines.append(f"{p},2024-03-0{i},{PCS[p][0]},{PF[p][0]},{PI[p][0]}")
        lines.append(f"{p},2024-03-1{i + 5},{PCS[p][1]},{PF[p][1]},{PI[p][1]}")
    infusions = ["Patient ID,Date,Procedure"] + [f"P{i},2024-03-0{i + 5},Ketamine infusion" for i in range(1, 4)]
    return {"PROMs.csv": ("\n".join(lines) + "\n").encode(), "ketamine.csv": ("\n".join(infusions) + "\n").encode()}


def _relief(ds, name):
    s = summarize(ds, Definitions(measure=name, immediate_window_days=14), by=(), models=False).to_dict()
    return s["groups"][0]["immediate_relief_pct"]["estimate"], s["measure_direction"]


@pytest.mark.parametrize("header", ["SF-12 PCS", "PCS-12 (SF-12)", "SF12_PCS", "SF-12v2 PCS",
                                    "Physical Component Summary (SF-12)", "SF12PCS", "Short Form 12 PCS"])
def test_an_sf12_physical_component_summary_is_read_as_the_registry_measure_where_higher_is_better(header):
    ds = load_files(_export(pcs_header=header), source="export")
    assert "sf12_pcs" in ds.measures
    mean, direction = _relief(ds, "sf12_pcs")
    assert mean == pytest.approx((20 + 40 - 5) / 3)
    assert direction["source"] == "registry" and direction["lower_is_better"] is False


@pytest.mark.parametrize("name, expected", [
    ("SF-36 MCS", "sf36_mcs"), ("SF12 MCS", "sf12_mcs"), ("MCS-12 (SF-12)", "sf12_mcs"), ("SF-36 PCS", "sf36_pcs"),
    ("Mental Component Summary (SF-36)", "sf36_mcs"), ("SF-12 MCS week 4", "sf12_mcs"),
    # look-alikes: a bare PCS (the Pain Catastrophizing Scale as often), its items with or without a hyphen, its total;
    # a short name with a number but no SF ('MCS-12', 'PCS36') is not enough either
    ("PCS", None), ("PCS 12", None), ("pcs_12", None), ("PCS-12", None), ("PCS_3", None), ("PCS total", "pcs_total"),
    ("MCS-12", None), ("MCS_12", None), ("PCS36", None),
    # a version-less summary is read under its own name, higher is better by its name (below)
    ("Physical Component Summary", None),
    # an SF scale with 'pain' in its name is no pain score: 0-100, higher = less pain
    ("SF-36 Bodily Pain", None),
])
def test_sf_names_give_the_component_summary_and_never_the_pain_score_or_the_pcs_total(name, expected):
    assert measure_of(name) == expected


def test_sf36_bodily_pain_is_said_to_be_an_sf_scale_and_higher_is_better_under_its_own_name():
    assert "SF-36" in named_scale("SF-36 Bodily Pain")
    assert measure("sf_36_bodily_pain").higher_is_better


@pytest.mark.parametrize("name, higher", [
    ("physical_component_summary", True), ("mental_component_summary", True), ("sf12_mcs_score", True),
    ("sf_36_role_physical", True), ("promis_physical_function_t_score", True), ("promis_pf", True),
    ("promis_29_physical_function", True), ("PROMIS Ability to Participate in Social Roles and Activities", True),
    ("promis_satisfaction_with_social_roles", True), ("PROMIS Global Physical Health", True),
    ("promis_global_mental_health_t_score", True), ("promis_pain_interference_t_score", False),
    ("PROMIS Pain Behavior", False), ("promis_fatigue", False), ("PROMIS Sleep Disturbance T-score", False),
    ("promis_depression", False), ("PROMIS Anxiety", False), ("promis_pain_intensity_3a_t_score", False),
])
def test_a_promis_or_sf_name_gives_the_direction_of_its_instrument(name, higher):
    m = measure(name)
    assert m.higher_is_better is higher and m.direction_origin == "name"
    assert "by its name" in direction_note(m)


@pytest.mark.parametrize("name", ["pcs", "pcs_12", "mcs_12", "pcs_36", "fatigue", "physical_function", "depression_score", "pf",
                                  "my_clinic_scale", "function_score"])
def test_a_name_without_the_instrument_keeps_the_assumed_direction_and_says_so(name):
    m = measure(name)
    assert m.lower_is_better and m.direction_origin == "assumed"
    assert "not a measure the product knows" in direction_note(m)


def test_the_mapping_declaration_wins_over_the_name():
    m = measure("promis_physical_function_t_score", higher_is_better=False)
    assert m.lower_is_better and m.direction_origin == "mapping"


def test_a_promis_physical_function_column_counts_improvement_upwards_and_says_the_name_gave_it():
    ds = load_files(_export(), source="export")
    mean, direction = _relief(ds, "promis_physical_function_t_score")
    assert mean == pytest.approx((20 + 30 + 2.5) / 3)
    assert direction["source"] == "name" and direction["lower_is_better"] is False
    assert "PROMIS function domain" in direction["note"]
    assert '"higher_is_better": false' in direction["note"]  # how to overrule it


def test_a_promis_pain_interference_column_is_lower_is_better_by_its_name():
    ds = load_files(_export(), source="export")
    mean, direction = _relief(ds, "promis_pain_interference_t_score")
    assert mean == pytest.approx((5 / 65 + 8 / 70 + 2 / 60) * 100 / 3)
    assert direction["source"] == "name" and direction["lower_is_better"] is True


def test_promis_0_to_10_pain_intensity_item_stays_the_pain_score():
    assert measure_of("PROMIS-29 Pain Intensity (0-10)") == "pain_nrs"
    assert measure_of("PROMIS Global07 Pain") == "pain_nrs"


def test_the_sf_summaries_are_registry_measures_with_a_generous_range():
    for name in ("sf12_pcs", "sf12_mcs", "sf36_pcs", "sf36_mcs"):
        m = MEASURES[name]
        assert m.higher_is_better and (m.min, m.max) == (0, 100) and "Ware" in m.reference
