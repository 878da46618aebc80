"""Secondary measures (scores, remission, spread) and the cohort summary, worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from analysis.cohort import cohort_summary, table1_wide
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import time_to_spread
from analysis.episodes import build_episodes
from analysis.secondary import remission_over_time, score_over_time


def dataset():
    """Three patients, one course each at day 0.

    PHQ-9 at baseline (day -2) and days 3, 10:  A 12, 5, 4   B 20, 10, 8   C 6, 6, (none)
    regions_affected at day -2, 20, 40:          A 1, 1, 2    B 2, 3, 3     C 1, 1, 1
    """
    rows = [
        ("A", -2, "phq9", 12), ("A", 3, "phq9", 5), ("A", 10, "phq9", 4),
        ("B", -2, "phq9", 20), ("B", 3, "phq9", 10), ("B", 10, "phq9", 8),
        ("C", -2, "phq9", 6), ("C", 3, "phq9", 6),
        ("A", -2, "regions_affected", 1), ("A", 20, "regions_affected", 1), ("A", 40, "regions_affected", 2),
        ("B", -2, "regions_affected", 2), ("B", 20, "regions_affected", 3), ("B", 40, "regions_affected", 3),
        ("C", -2, "regions_affected", 1), ("C", 20, "regions_affected", 1), ("C", 40, "regions_affected", 1),
        ("A", 0, "pain_nrs", 8), ("B", 0, "pain_nrs", 6), ("C", 0, "pain_nrs", 7),
    ]
    a = pd.DataFrame(rows, columns=["patient_id", "day", "measure", "value"])
    t = pd.DataFrame({"patient_id": ["A", "B", "C"], "day": 0.0, "treatment": ["k", "k", "pt"]})
    p = pd.DataFrame({"patient_id": ["A", "B", "C"], "sex": ["F", "M", "F"], "age": [30.0, 50.0, 40.0]})
    return Dataset.from_frames(a, t, p)


def test_phq9_scores_change_and_remission():
    e = build_episodes(dataset(), Definitions(measure="phq9"))
    s = score_over_time(e, by=[]).set_index(["statistic", "week"])
    assert s.loc[("mean_score", 0), "estimate"] == pytest.approx((12 + 20 + 6) / 3)
    assert s.loc[("mean_change", 1), "estimate"] == pytest.approx((-7 - 10 + 0) / 3)
    assert s.loc[("mean_change", 2), "n"] == 2
    r = remission_over_time(e, by=[]).set_index("week")
    assert r.loc[0, "estimate"] == 0  # nobody below 5 at baseline
    assert r.loc[2, "estimate"] == pytest.approx(1 / 2)  # A 4 < 5, B 8
    assert r.loc[2, "below"] == 5


def test_time_to_spread_kaplan_meier():
    e = build_episodes(dataset(), Definitions(measure="regions_affected"))
    r = time_to_spread(e, by=[])
    d = r.data.set_index("patient_id")
    assert d.loc["A", ["time", "event"]].tolist() == [40, 1]
    assert d.loc["B", ["time", "event"]].tolist() == [20, 1]
    assert d.loc["C", ["time", "event"]].tolist() == [40, 0]
    c = r.curves().set_index("time")
    assert c.loc[20.0, "estimate"] == pytest.approx(2 / 3)
    assert c.loc[40.0, "estimate"] == pytest.approx(2 / 3 * 1 / 2)


def test_cohort_summary_counts_and_levels():
    e = build_episodes(dataset())
    s = cohort_summary(e)
    patients = s[s["variable"] == "Patients"].set_index("group")["n"]
    assert patients.to_dict() == {"k": 2, "pt": 1, "All": 3}
    sex = s[(s["variable"] == "sex") & (s["group"] == "All")].set_index("level")
    assert sex.loc["F", "n"] == 2 and sex.loc["F", "percent"] == pytest.approx(200 / 3)
    age = s[(s["variable"] == "age") & (s["group"] == "k")].iloc[0]
    assert age["median"] == 40 and age["q1"] == 35 and age["q3"] == 45
    base = s[(s["variable"] == "Baseline pain_nrs") & (s["group"] == "All")].iloc[0]
    assert base["median"] == 7
    wide = table1_wide(s)
    assert list(wide.columns[2:]) == ["k", "pt", "All"]
