"""Risk differences, risk ratios and odds ratios with patient-clustered robust variance (issue 16)
equal R's geepack::geeglm(..., id = patient, corstr = "independence"), and their intervals cover
the truth in simulations.

Reference values: tests/results/gee_reference.R (R 4.2, geepack 1.3.9) wrote the data and R's
estimates beside it (gee_coefficients.csv); no R at test time.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import risk_regression
from analysis.errors import AnalysisError

RESULTS = Path(__file__).resolve().parents[1] / "results"
REF = pd.read_csv(RESULTS / "gee_coefficients.csv")
EPISODES = pd.read_csv(RESULTS / "gee_episodes.csv")
OHIO = pd.read_csv(RESULTS / "ohio.csv")


def _fit(model: str):
    measure = REF.loc[REF["model"] == model, "measure"].iloc[0]
    if model.startswith("ohio"):
        # R: geeglm(resp ~ age + smoke, data = ohio, id = id, corstr = "independence", family = ...)
        return risk_regression(OHIO, outcome="resp", covariates=["age", "smoke"], clusters="id", measure=measure)
    if model.endswith("_unadjusted"):
        # R: geeglm(responder ~ treatment, data = complete cases, id = patient, corstr = "independence",
        #           family = gaussian | poisson("log") | binomial)   reference level physical_therapy
        return risk_regression(EPISODES.dropna(), outcome="responder", covariates=["treatment"], clusters="patient",
                               measure=measure, reference={"treatment": "physical_therapy"})
    # R: geeglm(responder ~ treatment + course + sex + age, ...)   (rows with age missing left out)
    return risk_regression(EPISODES, outcome="responder", covariates=["treatment", "course", "sex", "age"],
                           clusters="patient", measure=measure, reference={"treatment": "physical_therapy"})


@pytest.mark.parametrize("model", REF["model"].unique().tolist())
def test_estimates_and_robust_se_equal_geeglm(model):
    ref = REF[REF["model"] == model]
    res = _fit(model)
    terms = ref.iloc[1:]                                   # R's first row is the intercept
    log_scale = res.measure in ("RR", "OR")
    coef = np.log(res.table["estimate"]) if log_scale else res.table["estimate"]
    np.testing.assert_allclose(coef, terms["coef"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(res.table["se"], terms["se"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(res.table["p_value"], terms["p_value"], rtol=1e-6, atol=1e-12)
    assert res.intercept == pytest.approx(ref["coef"].iloc[0], rel=1e-6, abs=1e-12)
    assert res.n == ref["n"].iloc[0] and res.converged


def test_interval_is_wald_on_the_link_scale():
    res = _fit("episodes_RR_adjusted")
    row = res.table.iloc[0]
    assert row["term"] == "treatment: ketamine_iv vs physical_therapy"
    assert row["ci_low"] == pytest.approx(row["estimate"] * np.exp(-1.959963984540054 * row["se"]), rel=1e-12)
    assert row["measure"] == "risk ratio" and "modified Poisson" in row["method"]
    rd = _fit("episodes_RD_adjusted").table.iloc[0]
    assert rd["ci_high"] == pytest.approx(rd["estimate"] + 1.959963984540054 * rd["se"], rel=1e-12)


def test_missing_covariates_are_dropped_and_counted():
    res = _fit("episodes_RD_adjusted")
    assert res.n_dropped == 8 and res.dropped == {"age": 8}
    assert res.n + res.n_dropped == len(EPISODES)


def test_unadjusted_risk_difference_is_the_difference_of_proportions():
    d = EPISODES
    res = risk_regression(d, outcome="responder", covariates=["treatment"], clusters="patient", measure="RD",
                          reference={"treatment": "physical_therapy"})
    p = d.groupby("treatment")["responder"].mean()
    assert res.table["estimate"].iloc[0] == pytest.approx(p["ketamine_iv"] - p["physical_therapy"], abs=1e-12)
    rr = risk_regression(d, outcome="responder", covariates=["treatment"], clusters="patient", measure="RR",
                         reference={"treatment": "physical_therapy"})
    assert rr.table["estimate"].iloc[0] == pytest.approx(p["ketamine_iv"] / p["physical_therapy"], rel=1e-9)


def test_errors_say_what_to_do():
    with pytest.raises(AnalysisError, match="measure must be one of"):
        risk_regression(EPISODES, "responder", ["treatment"], "patient", measure="HR")
    with pytest.raises(AnalysisError, match="same for every row"):
        risk_regression(EPISODES.assign(responder=1), "responder", ["treatment"], "patient")
    with pytest.raises(AnalysisError, match="must be 1 \\(yes\\) or 0"):
        risk_regression(EPISODES.assign(responder=2), "responder", ["treatment"], "patient")


def _clustered_binary(rng, p: np.ndarray, patient: np.ndarray, rho: float = 0.5) -> np.ndarray:
    """Binary outcomes with marginal P(y = 1) = p exactly, correlated within a patient: with
    probability rho an episode uses its patient's uniform draw, else its own."""
    shared = rng.uniform(size=patient.max() + 1)[patient]
    own = rng.uniform(size=patient.size)
    u = np.where(rng.uniform(size=patient.size) < rho, shared, own)
    return (u < p).astype(int)


def _simulate(measure: str, replicates: int = 200, n_patients: int = 150, seed: int = 16):
    rng = np.random.default_rng(seed)
    truth = {"RD": 0.15, "RR": 1.5}[measure]
    covered = 0
    for _ in range(replicates):
        patient = np.repeat(np.arange(n_patients), rng.integers(1, 4, n_patients))
        trt = rng.integers(0, 2, patient.size)
        x = rng.integers(0, 2, n_patients)[patient]          # a patient covariate
        if measure == "RD":
            p = 0.25 + truth * trt + 0.1 * x
        else:
            p = 0.25 * truth ** trt * 1.3 ** x
        y = _clustered_binary(rng, p, patient)
        d = pd.DataFrame({"y": y, "treatment": np.where(trt == 1, "b", "a"), "x": x, "patient": patient})
        row = risk_regression(d, "y", ["treatment", "x"], "patient", measure=measure).table.iloc[0]
        covered += row["ci_low"] <= truth <= row["ci_high"]
    return covered / replicates


@pytest.mark.parametrize("measure", ["RD", "RR"])
def test_adjusted_intervals_cover_the_truth_in_simulation(measure):
    # 200 seeded replicates of 150 patients with 1-3 correlated episodes; the model is correct, so
    # 95% intervals should cover ~95% of the time (binomial sd 1.5%: accept 90% to 99%).
    coverage = _simulate(measure)
    assert 0.90 <= coverage <= 0.99, coverage


def test_ignoring_clustering_would_undercover():
    # the same data analysed as if every episode were a patient: the robust variance is what makes
    # the coverage right (strong within-patient correlation, many episodes per patient)
    rng = np.random.default_rng(3)
    covered_robust = covered_naive = 0
    for _ in range(150):
        patient = np.repeat(np.arange(60), 5)
        trt = np.repeat(rng.integers(0, 2, 60), 5)            # treatment constant within patient
        y = _clustered_binary(rng, 0.3 + 0.1 * trt, patient, rho=0.8)
        d = pd.DataFrame({"y": y, "treatment": np.where(trt == 1, "b", "a"), "patient": patient,
                          "episode": np.arange(patient.size)})
        rob = risk_regression(d, "y", ["treatment"], "patient").table.iloc[0]
        nai = risk_regression(d, "y", ["treatment"], "episode").table.iloc[0]
        covered_robust += rob["ci_low"] <= 0.1 <= rob["ci_high"]
        covered_naive += nai["ci_low"] <= 0.1 <= nai["ci_high"]
    assert covered_robust / 150 >= 0.88 and covered_naive / 150 <= 0.85


@pytest.mark.parametrize("measure", ["RD", "RR"])
@pytest.mark.parametrize("covariate", ["band", "sex"])
def test_interaction_test_equals_r_wald_test(measure, covariate):
    # R: fit <- geeglm(responder ~ treatment * band, data = two, id = patient, corstr = "independence",
    #                  family = gaussian | poisson("log"));  i <- interaction coefficients
    #    chi2 <- t(coef(fit)[i]) %*% solve(vcov(fit)[i, i]) %*% coef(fit)[i]     (gee_reference.R)
    from analysis.gee import interaction_test
    ref = pd.read_csv(RESULTS / "gee_interaction.csv")
    ref = ref[(ref["measure"] == measure) & (ref["covariate"] == covariate)].iloc[0]
    d = EPISODES.dropna().assign(band=lambda x: np.where(x["course"] >= 3, "3+", x["course"].astype(str)))
    got = interaction_test(d, "responder", covariate, "ketamine_iv", "physical_therapy", "patient", measure)
    assert got["df"] == ref["df"]
    assert got["chi2"] == pytest.approx(ref["chi2"], rel=1e-6)
    assert got["p_value"] == pytest.approx(ref["p_value"], rel=1e-6)
