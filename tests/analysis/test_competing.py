"""Aalen-Johansen cumulative incidence (issue 16: competing-risks estimand) equals R's survfit with a
multi-state status, with and without patient clusters.

Reference values: tests/results/competing_reference.R (R 4.2, survival 3.5-3) wrote the data and
R's curves beside it (competing_cif.csv); no R at test time.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cumulative_incidence, kaplan_meier
from analysis.errors import AnalysisError

RESULTS = Path(__file__).resolve().parents[1] / "results"
REF = pd.read_csv(RESULTS / "competing_cif.csv")
MGUS2 = pd.read_csv(RESULTS / "mgus2.csv")
EPISODES = pd.read_csv(RESULTS / "competing_episodes.csv")


def _fit(model):
    if model == "mgus2":
        # R: survfit(Surv(etime, factor(event, 0:2)) ~ 1, data = mgus2, conf.type = "log-log")
        return cumulative_incidence(MGUS2["etime"], MGUS2["event"])
    if model == "episodes_clustered":
        # R: survfit(..., influence = TRUE); se = sqrt(colSums(rowsum(influence.pstate, patient)^2))
        return cumulative_incidence(EPISODES["time"], EPISODES["status"], clusters=EPISODES["id"])
    # R: survfit(Surv(time, factor(status, 0:2)) ~ 1, data = ep, conf.type = "log")
    return cumulative_incidence(EPISODES["time"], EPISODES["status"], conf_type="log")


@pytest.mark.parametrize("model", ["mgus2", "episodes_clustered", "episodes_unclustered"])
@pytest.mark.parametrize("cause", [1, 2])
def test_cumulative_incidence_equals_r(model, cause):
    ref = REF[(REF["model"] == model) & (REF["cause"] == cause)]
    res = _fit(model)
    got = res.table[res.table["cause"] == cause].set_index("time").loc[ref["time"]]
    np.testing.assert_array_equal(got["at_risk"], ref["at_risk"])
    for col in ("estimate", "std_err", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=col)


def test_clustering_changes_the_variance_not_the_estimate():
    a, b = _fit("episodes_clustered"), cumulative_incidence(EPISODES["time"], EPISODES["status"])
    np.testing.assert_array_equal(a.table["estimate"], b.table["estimate"])
    assert not np.allclose(a.table["std_err"], b.table["std_err"])
    assert a.n_clusters == EPISODES["id"].nunique() and b.n_clusters == len(EPISODES)


def test_incidences_add_up_to_one_minus_kaplan_meier():
    res = _fit("mgus2")
    km = kaplan_meier(MGUS2["etime"], MGUS2["event"] > 0).table
    total = res.table.groupby("time")["estimate"].sum().loc[km["time"]]
    np.testing.assert_allclose(total, 1 - km["survival"], atol=1e-12)


def test_one_cause_only_is_one_minus_kaplan_meier_with_its_greenwood_variance():
    t = np.array([2, 3, 3, 5, 8, 8, 9, 12])
    e = np.array([1, 0, 1, 1, 0, 1, 1, 0])
    res = cumulative_incidence(t, e)
    km = kaplan_meier(t, e).table
    np.testing.assert_allclose(res.table["estimate"], 1 - km["survival"], atol=1e-15)
    np.testing.assert_allclose(res.table["std_err"], km["std_err"], rtol=1e-12, atol=1e-15)


def test_at_is_a_step_function():
    res = _fit("mgus2")
    tab = res.table[res.table["cause"] == 1]
    at = res.at([0, tab["time"].iloc[3], tab["time"].iloc[3] + 1e-9, 1e9], cause=1)
    assert at["estimate"].iloc[0] == 0
    assert at["estimate"].iloc[1] == tab["estimate"].iloc[3] == at["estimate"].iloc[2]
    assert np.isnan(at["estimate"].iloc[3])


def test_input_errors():
    with pytest.raises(AnalysisError, match="same length"):
        cumulative_incidence([1, 2], [1])
    with pytest.raises(AnalysisError, match="cause number"):
        cumulative_incidence([1, 2], [1, -1])
    with pytest.raises(AnalysisError, match="patient identifier"):
        cumulative_incidence([1, 2], [1, 2], clusters=["a", None])
    assert cumulative_incidence([], []).table.empty


@pytest.mark.parametrize("step", [1, 7, 100_000])
def test_the_variance_does_not_depend_on_how_many_patients_are_computed_together(monkeypatch, step):
    # STEP_PATIENTS only sizes the working arrays: every number stays the same to the last bit,
    # including a curve with a single time (numpy sums one column in another order).
    import analysis.competing as competing

    cases = [(MGUS2["etime"], MGUS2["event"], None), (EPISODES["time"], EPISODES["status"], EPISODES["id"]),
             (np.full(40, 3.0), np.arange(40) % 3, np.arange(40) // 2)]
    before = [cumulative_incidence(t, s, clusters=c).table for t, s, c in cases]
    monkeypatch.setattr(competing, "STEP_PATIENTS", step)
    for (t, s, c), ref in zip(cases, before):
        pd.testing.assert_frame_equal(cumulative_incidence(t, s, clusters=c).table, ref, check_exact=True)


def test_patients_sharing_a_pattern_of_episodes_and_patients_computed_one_by_one_give_the_same_variance(monkeypatch):
    # The influence is computed once per distinct pattern of (time, status) cells and kept in a
    # table; without room for the table every patient's influence is computed in turn. Many
    # patients here share a pattern (one episode at the same day with the same status).
    import analysis.competing as competing

    rng = np.random.default_rng(16)
    n_patients = 600
    size = rng.integers(1, 4, n_patients)
    patient = np.repeat(np.arange(n_patients), size)
    time = rng.integers(1, 6, patient.size).astype(float)
    status = rng.choice([0, 1, 2], patient.size, p=[0.2, 0.6, 0.2])
    with_table = cumulative_incidence(time, status, clusters=patient).table
    monkeypatch.setattr(competing, "PATTERN_TABLE_BYTES", 0)
    one_by_one = cumulative_incidence(time, status, clusters=patient).table
    pd.testing.assert_frame_equal(with_table, one_by_one, check_exact=True)
