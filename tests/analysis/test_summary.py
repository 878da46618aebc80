"""The headline summary and its JSON document (the `summarize --json` contract of issue 3)."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.summary import summarize

# Ketamine: six patients as in test_relief.py (immediate reliefs 50 20 70 30 0 40).
# Physical therapy: two patients with immediate reliefs 10 and 60; one more without a baseline.
RELIEF = {"P1": [50, 40, 20, 30], "P2": [20, 20, 10, 0], "P3": [70, 60, 50, 40],
          "P4": [30, 20, 10, 10], "P5": [0, 0, 0, 0], "P6": [40, 40],
          "T1": [10, 10], "T2": [60, 60, 60, 60]}
TIMES = [0.5, 3, 6, 10]


def dataset():
    rows = []
    for pid, rs in RELIEF.items():
        rows.append((pid, 0.0, 10.0))
        rows += [(pid, t, 10 - r / 10) for t, r in zip(TIMES, rs)]
    rows.append(("T3", 5.0, 4.0))
    a = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")
    ids = list(RELIEF) + ["T3"]
    t = pd.DataFrame({"patient_id": ids, "day": 0.0,
                      "treatment": ["ketamine_iv" if i.startswith("P") else "physical_therapy" for i in ids]})
    return Dataset.from_frames(a, t)


def test_summary_json_contract():
    doc = summarize(dataset()).to_dict()
    json.dumps(doc)  # serialisable, no NaN
    assert doc["definitions"]["threshold"] == 30 and doc["definitions"]["baseline_window_days"] == 14
    g = {x["group"]["treatment"]: x for x in doc["groups"]}
    k, pt = g["ketamine_iv"], g["physical_therapy"]
    assert (k["patients"], k["episodes_used"], k["episodes_excluded"]) == (6, 6, 0)
    assert (pt["patients"], pt["episodes_used"], pt["episodes_excluded"]) == (3, 2, 1)
    # T3 has no baseline: 3 patients, 2 with an analysable episode (the count small groups are judged by)
    assert (k["patients_analysable"], pt["patients_analysable"]) == (6, 2)
    assert k["immediate_relief_pct"]["estimate"] == pytest.approx(35.0) and k["immediate_relief_pct"]["n"] == 6
    rr = k["immediate_responder_rate"]
    ci = stats.binomtest(4, 6).proportion_ci(0.95, method="wilson")
    assert (rr["estimate"], rr["ci_low"], rr["ci_high"], rr["n"]) == pytest.approx((4 / 6, ci.low, ci.high, 6))
    assert set(k["responder_rate_by_week"]) == {"4", "8", "12"}
    assert k["responder_rate_by_week"]["4"] is None  # nobody scored in week 4
    med = k["median_relief_duration_days"]
    assert med["estimate"] == 6 and med["n"] == 4
    # survival beyond the last follow-up time (10 days) does not exist -> null
    assert k["relief_survival_by_week"]["4"]["estimate"] is None
    assert k["relief_survival_by_week"]["4"]["n"] == 4
    # physical therapy: one responder (T2, never lost) -> median not reached
    assert pt["median_relief_duration_days"]["estimate"] is None
    assert doc["logrank"]["df"] == 1 and 0 <= doc["logrank"]["p_value"] <= 1


def test_summary_text_has_every_headline():
    text = summarize(dataset()).to_text()
    for phrase in ("ketamine_iv", "mean immediate relief", "immediate responders", "responders in week 4",
                   "median relief duration", "still relieved at week 12", "Log-rank", "Definition:"):
        assert phrase in text


def test_summary_threshold_is_a_parameter():
    doc = summarize(dataset(), Definitions(threshold=50)).to_dict()
    k = {x["group"]["treatment"]: x for x in doc["groups"]}["ketamine_iv"]
    assert k["immediate_responder_rate"]["estimate"] == pytest.approx(2 / 6)
    assert doc["definitions"]["threshold"] == 50


def test_summary_without_grouping_pools_all_episodes():
    doc = summarize(dataset(), by=()).to_dict()
    assert len(doc["groups"]) == 1 and doc["groups"][0]["group"] == {}
    g = doc["groups"][0]
    assert (g["patients"], g["episodes_used"], g["episodes_excluded"]) == (9, 8, 1)
    # immediate reliefs: 50 20 70 30 0 40 (ketamine) and 10 60 (PT) -> mean 35
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(35.0) and g["immediate_relief_pct"]["n"] == 8
    assert doc["logrank"] is None
