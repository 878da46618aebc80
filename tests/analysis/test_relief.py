"""Relief, responders, weekly curves, sensitivity, attrition and relief duration, worked out by hand.

Six patients, one ketamine_iv course each at day 0, baseline NRS 10 on day 0 (so relief % = 10 x
(10 - score)). Follow-up reliefs (%) at t = 0.5, 3, 6 (week 1) and 10 (week 2):

    P1: 50 40 20 30     P2: 20 20 10 0     P3: 70 60 50 40
    P4: 30 20 10 10     P5:  0  0  0 0     P6: 40 40 (then not seen again)
"""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import relief_duration, relief_duration_data
from analysis.episodes import build_episodes
from analysis.relief import (attrition, cumulative_responders, immediate_relief, relief_over_time,
                             responder_rate, responder_sensitivity)

RELIEF = {
    "P1": [50, 40, 20, 30], "P2": [20, 20, 10, 0], "P3": [70, 60, 50, 40],
    "P4": [30, 20, 10, 10], "P5": [0, 0, 0, 0], "P6": [40, 40],
}
TIMES = [0.5, 3, 6, 10]


def make_dataset(relief=RELIEF, treatment="ketamine_iv"):
    rows = []
    for pid, rs in relief.items():
        rows.append((pid, 0.0, 10.0))
        rows += [(pid, t, 10 - r / 10) for t, r in zip(TIMES, rs)]
    a = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")
    t = pd.DataFrame({"patient_id": list(relief), "day": 0.0, "treatment": treatment})
    return Dataset.from_frames(a, t)


@pytest.fixture
def episodes():
    return build_episodes(make_dataset())


def wilson(k, n):
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    return ci.low, ci.high


def t_interval(x):
    x = np.asarray(x, float)
    return stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))


def test_mean_immediate_relief_t_interval(episodes):
    r = immediate_relief(episodes).iloc[0]
    x = [50, 20, 70, 30, 0, 40]
    assert r["estimate"] == pytest.approx(35.0)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(t_interval(x))
    assert r["n"] == 6 and r["treatment"] == "ketamine_iv"


@pytest.mark.parametrize("threshold, k", [(30, 4), (50, 2), (0, 6), (71, 0)])
def test_immediate_responder_rate_wilson(episodes, threshold, k):
    r = responder_rate(episodes, threshold).iloc[0]
    assert r["estimate"] == pytest.approx(k / 6)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson(k, 6))
    assert r["n"] == 6


def test_relief_over_time_weekly_means_and_rates(episodes):
    r = relief_over_time(episodes)
    mean = r[r["statistic"] == "mean_relief_pct"].set_index("week")
    week1 = [110 / 3, 50 / 3, 60, 20, 0, 40]  # per-episode means of week 1
    week2 = [30, 0, 40, 10, 0]
    assert mean.loc[1, "estimate"] == pytest.approx(np.mean(week1))
    assert (mean.loc[1, "ci_low"], mean.loc[1, "ci_high"]) == pytest.approx(t_interval(week1))
    assert mean.loc[2, "estimate"] == pytest.approx(np.mean(week2)) and mean.loc[2, "n"] == 5
    resp = r[r["statistic"] == "responder_rate"].set_index("week")
    assert resp.loc[1, "estimate"] == pytest.approx(3 / 6)  # P1 36.7, P3 60, P6 40
    assert resp.loc[2, "estimate"] == pytest.approx(2 / 5)
    assert (resp.loc[2, "ci_low"], resp.loc[2, "ci_high"]) == pytest.approx(wilson(2, 5))
    assert set(mean.index) == {1, 2}


def test_weekly_responder_rate_matches_relief_over_time(episodes):
    r = responder_rate(episodes, 30, week=2).iloc[0]
    assert r["estimate"] == pytest.approx(2 / 5) and r["n"] == 5


def test_sensitivity_missing_week_counts_as_no_relief(episodes):
    s = responder_sensitivity(episodes).set_index(["analysis", "week"])
    assert s.loc[("observed cases", 2), "estimate"] == pytest.approx(2 / 5)
    assert s.loc[("missing = no relief", 2), "estimate"] == pytest.approx(2 / 6)
    assert s.loc[("missing = no relief", 3), "estimate"] == 0 and s.loc[("missing = no relief", 3), "n"] == 6
    assert ("observed cases", 3) not in s.index
    assert len(s.xs("missing = no relief")) == 26  # every week of the 182-day window


def test_attrition_states(episodes):
    a = attrition(episodes).set_index(["week", "state"])["n"]
    assert a.loc[(1, "observed")] == 6
    assert a.loc[(2, "observed")] == 5 and a.loc[(2, "no further scores")] == 1
    assert a.loc[(3, "no further scores")] == 6
    assert a.groupby(level="week").sum().eq(6).all()  # the states add up to the episodes


def test_attrition_next_treatment_and_seen_later():
    # Q: course at 0 with scores in weeks 1 and 3 (missed week 2), next course on day 30.
    a = pd.DataFrame({"patient_id": "Q", "day": [0, 3, 20, 30, 31], "value": [8, 4, 4, 8, 4], "measure": "pain_nrs"})
    t = pd.DataFrame({"patient_id": ["Q", "Q"], "day": [0, 30], "treatment": ["k", "k"]})
    e = build_episodes(Dataset.from_frames(a, t))
    at = attrition(e)
    states = {(r.week, r.state) for r in at.itertuples() if r.n > 0}
    # episode 1: week 1 observed, week 2 missed but seen later (day 20), week 3 observed,
    # week 4 (21 < t <= 28) no score and the next course starts day 30 > 28 -> no further scores,
    # week 5 (28 < t <= 35): next start (30) <= 35 -> next treatment started.
    assert (2, "missed week, seen later") in states
    assert (4, "no further scores") in states and (5, "next treatment started") in states


def test_cumulative_responder_curve(episodes):
    c = cumulative_responders(episodes).set_index("reduction_pct")
    assert c.loc[0.0, "estimate"] == 1.0
    assert c.loc[30.0, "estimate"] == pytest.approx(4 / 6)
    assert c.loc[31.0, "estimate"] == pytest.approx(3 / 6)
    assert c.loc[100.0, "estimate"] == 0
    assert (c.loc[50.0, "ci_low"], c.loc[50.0, "ci_high"]) == pytest.approx(wilson(2, 6))
    assert len(c) == 101 and c["estimate"].is_monotonic_decreasing


def test_relief_duration_events_and_censoring(episodes):
    d = relief_duration_data(episodes).set_index("patient_id")
    # responders at 30%: P1 (lost at 6), P3 (never lost: censored at 10), P4 (lost at 3), P6 (censored at 3)
    assert sorted(d.index) == ["P1", "P3", "P4", "P6"]
    assert d.loc["P1", ["time", "event"]].tolist() == [6, 1]
    assert d.loc["P3", ["time", "event"]].tolist() == [10, 0]
    assert d.loc["P4", ["time", "event"]].tolist() == [3, 1]
    assert d.loc["P6", ["time", "event"]].tolist() == [3, 0]


def test_relief_duration_kaplan_meier_by_hand(episodes):
    r = relief_duration(episodes)
    curve = r.curves().set_index("time")
    # t=3: 4 at risk, 1 event (the censoring at 3 is still at risk) -> 3/4
    # t=6: 2 at risk, 1 event -> 3/4 * 1/2 = 0.375
    assert curve.loc[3.0, "estimate"] == pytest.approx(0.75)
    assert curve.loc[6.0, "estimate"] == pytest.approx(0.375)
    # Greenwood: S^2 * sum d / (n (n - d)) = 0.375^2 * (1/12 + 1/2)
    assert curve.loc[6.0, "std_err"] == pytest.approx(np.sqrt(0.375**2 * (1 / 12 + 1 / 2)))
    m = r.medians().iloc[0]
    assert m["estimate"] == 6 and m["n"] == 4 and m["events"] == 2
    s = r.survival_at([4.0, 28.0]).set_index("time")
    assert s.loc[4.0, "estimate"] == pytest.approx(0.75)
    assert np.isnan(s.loc[28.0, "estimate"])  # beyond the last observed time (10)


def test_retreatment_counts_as_loss_of_relief():
    # R: responder with no loss, next course on day 20 -> event at 20 with the option, censored at 5 without
    a = pd.DataFrame({"patient_id": "R", "day": [0, 1, 5, 20, 21], "value": [10, 2, 3, 9, 2], "measure": "pain_nrs"})
    t = pd.DataFrame({"patient_id": ["R", "R"], "day": [0, 20], "treatment": ["k", "b"]})
    ds = Dataset.from_frames(a, t)
    d0 = relief_duration_data(build_episodes(ds))
    d1 = relief_duration_data(build_episodes(ds, Definitions(retreatment_is_event=True)))
    first0, first1 = d0[d0["treatment"] == "k"].iloc[0], d1[d1["treatment"] == "k"].iloc[0]
    assert (first0["time"], first0["event"]) == (5, 0)
    assert (first1["time"], first1["event"]) == (20, 1)


def test_groups_add_up_and_clustering_is_used_for_repeat_courses():
    # P1..P6 as above on ketamine; P1 gets a second ketamine course on day 50 (relief 80 at day 51)
    ds = make_dataset()
    a = pd.concat([ds.assessments, pd.DataFrame({"patient_id": "P1", "day": [50.0, 51.0], "measure": "pain_nrs",
                                                 "value": [10.0, 2.0]})])
    t = pd.concat([ds.treatments, pd.DataFrame({"patient_id": ["P1"], "day": [50.0], "treatment": ["ketamine_iv"]})])
    e = build_episodes(Dataset.from_frames(a, t))
    r = immediate_relief(e).iloc[0]
    assert r["n"] == 7 and r["n_patients"] == 6
    assert r["estimate"] == pytest.approx((35 * 6 + 80) / 7)
    assert "cluster" in r["method"]
    # first-episode-only restores the plain t-interval on six episodes
    e1 = build_episodes(Dataset.from_frames(a, t), Definitions(first_episode_only=True))
    r1 = immediate_relief(e1).iloc[0]
    assert r1["n"] == 6 and r1["estimate"] == pytest.approx(35.0) and "cluster" not in r1["method"]


def test_grouping_by_covariate_parts_add_up():
    ds = make_dataset()
    p = pd.DataFrame({"patient_id": list(RELIEF), "sex": ["F", "F", "M", "M", "F", None]})
    e = build_episodes(Dataset.from_frames(ds.assessments, ds.treatments, p))
    r = responder_rate(e, 30, by=["treatment", "sex"])
    assert r["n"].sum() == 6
    assert set(r["sex"]) == {"F", "M", "(missing)"}
    f = r.set_index("sex").loc["F"]
    assert f["estimate"] == pytest.approx(1 / 3)  # P1 50, P2 20, P5 0
    # filters restrict before grouping
    r2 = responder_rate(e, 30, filters={"sex": ["M"]})
    assert r2.iloc[0]["n"] == 2 and r2.iloc[0]["estimate"] == 1.0
