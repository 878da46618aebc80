"""Coverage of the nominal 95% intervals by simulation with known truth (seeded, a few seconds).

Each test simulates many cohorts from a model whose true value is known, computes the interval
in every cohort, and checks that the share of intervals covering the truth is close to 95%.
With R replicates the Monte-Carlo standard error of a 95% coverage is sqrt(.95 * .05 / R)
(0.007 for R = 1000), so the band 0.92-0.98 fails a correct method only by extreme bad luck,
yet catches a wrong variance (the clustered designs below bring naive intervals to ~85%).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.intervals import mean_ci_table, proportion_ci_table, wilson_ci
from analysis.survival import VARIANCE_ROBUST, kaplan_meier

LOW, HIGH = 0.92, 0.98


def _coverage(low, high, truth) -> float:
    low, high = np.asarray(low, float), np.asarray(high, float)
    return float(np.mean((low <= truth) & (truth <= high)))


def _clustered_design(rng, n_reps: int, n_patients: int):
    """Rep and patient of every episode: each patient has 1-4 episodes (boosters)."""
    size = rng.integers(1, 5, (n_reps, n_patients)).ravel()
    rep = np.repeat(np.repeat(np.arange(n_reps), n_patients), size)
    patient = np.repeat(np.arange(n_reps * n_patients), size)
    return rep, patient


def test_wilson_coverage_of_a_responder_rate():
    rng = np.random.default_rng(20260101)
    n, p, reps = 80, 0.35, 4000
    k = rng.binomial(n, p, reps)
    low, high = wilson_ci(k, n)
    assert LOW <= _coverage(low, high, p) <= HIGH
    # the exact coverage, summing binomial probabilities over k = 0..n, agrees (0.9545 here)
    ks = np.arange(n + 1)
    lo_all, hi_all = wilson_ci(ks, n)
    exact = stats.binom.pmf(ks, n, p)[(lo_all <= p) & (p <= hi_all)].sum()
    assert LOW <= exact <= HIGH and abs(_coverage(low, high, p) - exact) < 0.012


def test_t_coverage_of_mean_relief():
    rng = np.random.default_rng(20260102)
    reps, n, truth = 1000, 25, 35.0
    df = pd.DataFrame({"rep": np.repeat(np.arange(reps), n), "relief": rng.normal(truth, 30, reps * n)})
    out = mean_ci_table(df, "relief", by="rep")
    assert len(out) == reps and (out["method"] == "t").all()
    assert LOW <= _coverage(out["ci_low"], out["ci_high"], truth) <= HIGH


def test_cluster_robust_coverage_of_mean_with_patient_effects():
    rng = np.random.default_rng(20260103)
    reps, n_patients, truth = 1000, 60, 35.0
    rep, patient = _clustered_design(rng, reps, n_patients)
    effect = rng.normal(0, 20, reps * n_patients)[patient]          # ICC = 400 / 500 = 0.8
    df = pd.DataFrame({"rep": rep, "patient": patient,
                       "relief": truth + effect + rng.normal(0, 10, rep.size)})
    robust = mean_ci_table(df, "relief", by="rep", cluster="patient")
    assert (robust["method"] == "cluster-robust t").all()
    assert LOW <= _coverage(robust["ci_low"], robust["ci_high"], truth) <= HIGH
    naive = mean_ci_table(df, "relief", by="rep")                     # ignores the clustering
    assert _coverage(naive["ci_low"], naive["ci_high"], truth) < 0.9


def test_cluster_robust_coverage_of_responder_rate_with_patient_effects():
    rng = np.random.default_rng(20260104)
    reps, n_patients = 1000, 60
    a, b = 0.8, 1.2                                                  # patient p ~ Beta: mean 0.4, ICC 1/3
    truth = a / (a + b)
    rep, patient = _clustered_design(rng, reps, n_patients)
    p_patient = rng.beta(a, b, reps * n_patients)[patient]
    df = pd.DataFrame({"rep": rep, "patient": patient, "responder": rng.random(rep.size) < p_patient})
    robust = proportion_ci_table(df, "responder", by="rep", cluster="patient")
    assert robust["method"].str.startswith("cluster-robust").all()
    assert LOW <= _coverage(robust["ci_low"], robust["ci_high"], truth) <= HIGH
    naive = proportion_ci_table(df, "responder", by="rep")
    assert _coverage(naive["ci_low"], naive["ci_high"], truth) < 0.9


@pytest.mark.parametrize("conf_type", ["log-log", "log"])
def test_kaplan_meier_coverage_at_12_weeks(conf_type):
    rng = np.random.default_rng(20260105)
    reps, n, mean_duration, day = 500, 80, 100.0, 84.0
    truth = np.exp(-day / mean_duration)                             # exponential relief duration
    t = np.ceil(rng.exponential(mean_duration, (reps, n)))           # whole days: ties
    c = np.ceil(rng.uniform(20, 250, (reps, n)))                     # end of follow-up
    time, event = np.minimum(t, c), (t <= c).astype(int)
    bounds = np.array([kaplan_meier(time[r], event[r], conf_type=conf_type)
                       .survival_at([day])[["ci_low", "ci_high"]].to_numpy()[0] for r in range(reps)])
    assert LOW <= _coverage(bounds[:, 0], bounds[:, 1], truth) <= HIGH


def test_clustered_kaplan_meier_coverage_robust_versus_greenwood():
    rng = np.random.default_rng(20260106)
    reps, n_patients, rate, theta, day = 400, 80, 1 / 60, 1.5, 42.0
    # Gamma frailty (mean 1, variance theta) shared by a patient's episodes: marginally
    # S(t) = (1 + theta * rate * t) ** (-1 / theta)
    truth = (1 + theta * rate * day) ** (-1 / theta)
    rep, patient = _clustered_design(rng, reps, n_patients)
    frailty = rng.gamma(1 / theta, theta, reps * n_patients)[patient]
    t = np.ceil(rng.exponential(1 / (rate * frailty)))
    c = np.ceil(rng.uniform(30, 180, rep.size))
    time, event = np.minimum(t, c), (t <= c).astype(int)
    starts = np.searchsorted(rep, np.arange(reps + 1))
    cols = ["estimate", "std_err", "ci_low", "ci_high"]
    robust, greenwood = [], []
    for r in range(reps):
        sl = slice(starts[r], starts[r + 1])
        fit = kaplan_meier(time[sl], event[sl], clusters=patient[sl])
        assert fit.variance == VARIANCE_ROBUST
        robust.append(fit.survival_at([day])[cols].to_numpy()[0])
        greenwood.append(kaplan_meier(time[sl], event[sl]).survival_at([day])[cols].to_numpy()[0])
    robust, greenwood = np.array(robust), np.array(greenwood)
    assert LOW <= _coverage(robust[:, 2], robust[:, 3], truth) <= HIGH
    assert _coverage(greenwood[:, 2], greenwood[:, 3], truth) < 0.92
    # The robust standard error tracks the real sampling spread of S(42); Greenwood's is too small.
    spread = robust[:, 0].std()
    assert 0.85 < np.sqrt(np.mean(robust[:, 1] ** 2)) / spread < 1.15
    assert np.sqrt(np.mean(greenwood[:, 1] ** 2)) / spread < 0.85
