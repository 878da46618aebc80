"""Cox regression (issue 16): hazard ratios, Wald intervals, robust variance, strata, categorical
terms and the proportional-hazards check equal R's coxph / cox.zph.

Reference values: tests/results/cox_reference.R (R 4.2, survival 3.5-3) wrote the data sets and
R's results beside it (cox_coefficients.csv, cox_zph.csv, cox_models.csv); no R at test time.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cox_regression
from analysis.cox import METHOD_MODEL, METHOD_ROBUST, robust_score_test
from analysis.errors import AnalysisError

RESULTS = Path(__file__).resolve().parents[1] / "results"
COEF = pd.read_csv(RESULTS / "cox_coefficients.csv")
ZPH = pd.read_csv(RESULTS / "cox_zph.csv")
MODELS = pd.read_csv(RESULTS / "cox_models.csv").set_index("model")
# Newton-Raphson stops at a tolerance: R's own estimate is within ~1e-7 of the maximum.
ITERATIVE = dict(rtol=1e-4, atol=1e-6)


def lung():
    d = pd.read_csv(RESULTS / "lung.csv")
    d["event"] = (d["status"] == 2).astype(int)
    d["ecog"] = d["ph.ecog"].map(lambda v: None if pd.isna(v) else str(int(v)))
    return d


def episodes():
    return pd.read_csv(RESULTS / "cox_episodes.csv")


def fitted(name):
    if name == "lung":
        # R: coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)
        return cox_regression(lung(), time="time", event="event", covariates=["age", "sex", "ph.ecog"])
    if name == "lung_factor_strata":
        # R: coxph(Surv(time, status) ~ age + factor(ph.ecog) + strata(sex), data = lung)
        return cox_regression(lung(), time="time", event="event", covariates=["age", "ecog"], strata="sex")
    if name == "rats_cluster":
        # R: coxph(Surv(time, status) ~ rx + sex, data = rats, cluster = litter)
        return cox_regression(pd.read_csv(RESULTS / "rats.csv"), time="time", event="status",
                              covariates=["rx", "sex"], clusters="litter")
    if name == "episodes_cluster":
        # R: coxph(Surv(time, event) ~ treatment + course + dose + age, data = ep, cluster = patient)
        return cox_regression(episodes(), time="time", event="event",
                              covariates=["treatment", "course", "dose", "age"], clusters="patient")
    if name == "episodes_strata":
        # R: coxph(Surv(time, event) ~ relevel(treatment, "physical_therapy") + sex + course + strata(site))
        return cox_regression(episodes(), time="time", event="event", covariates=["treatment", "sex", "course"],
                              strata="site", reference={"treatment": "physical_therapy"})
    raise KeyError(name)


MODEL_NAMES = ["lung", "lung_factor_strata", "rats_cluster", "episodes_cluster", "episodes_strata"]


def test_lung_hazard_ratios_of_the_issue():
    # R: summary(coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung))$conf.int
    #          exp(coef) exp(-coef) lower .95 upper .95
    # age        1.0111     0.9890    0.9929    1.0297
    # sex        0.5754     1.7378    0.4142    0.7994
    # ph.ecog    1.5900     0.6289    1.2727    1.9864
    res = fitted("lung")
    t = res.table.set_index("term")
    np.testing.assert_allclose(t["hazard_ratio"], [1.0111, 0.5754, 1.5900], atol=5e-5)
    np.testing.assert_allclose(t["ci_low"], [0.9929, 0.4142, 1.2727], atol=5e-5)
    np.testing.assert_allclose(t["ci_high"], [1.0297, 0.7994, 1.9864], atol=5e-5)
    assert list(res.table.columns[:9]) == ["term", "hazard_ratio", "ci_low", "ci_high", "p_value", "se", "n",
                                           "events", "method"]
    # one row has ph.ecog missing: dropped and counted
    assert (res.n, res.events, res.n_dropped, res.dropped) == (227, 164, 1, {"ph.ecog": 1})
    assert (t["n"] == 227).all() and (t["events"] == 164).all() and (t["method"] == METHOD_MODEL).all()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_coefficients_equal_r(name):
    res = fitted(name)
    ref = COEF[COEF["model"] == name]
    got = res.table
    assert len(got) == len(ref)
    for col in ("coef", "se", "hazard_ratio", "ci_low", "ci_high", "p_value"):
        np.testing.assert_allclose(got[col], ref[col], **ITERATIVE, err_msg=col)
    # the coefficients themselves within 1e-6 of R's
    np.testing.assert_allclose(got["coef"], ref["coef"], rtol=0, atol=1e-6)
    m = MODELS.loc[name]
    assert (res.n, res.events, res.n_dropped) == (m["n"], m["events"], m["n_dropped"])
    np.testing.assert_allclose(res.loglik, [m["loglik0"], m["loglik"]], rtol=1e-10)
    assert res.converged
    assert (got["method"] == (METHOD_ROBUST if m["robust"] else METHOD_MODEL)).all()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_proportional_hazards_check_equals_r_cox_zph(name):
    # R: cox.zph(fit)$table   (transform = "km", one test per term, GLOBAL last)
    res = fitted(name)
    ref = ZPH[ZPH["model"] == name]
    assert res.ph_test["term"].tolist() == ref["term"].tolist()
    np.testing.assert_array_equal(res.ph_test["df"], ref["df"])
    np.testing.assert_allclose(res.ph_test["chisq"], ref["chisq"], **ITERATIVE)
    np.testing.assert_allclose(res.ph_test["p_value"], ref["p_value"], **ITERATIVE)


def test_ph_note_in_plain_words():
    # rats: rx p = 0.020 (R cox.zph) -> flagged; lung: global p = 0.22 -> fine
    assert "may change over follow-up" in fitted("rats_cluster").ph_note
    assert "rx" in fitted("rats_cluster").ph_note
    assert "no sign" in fitted("lung").ph_note


def test_categorical_terms_name_their_reference_level():
    t = fitted("episodes_strata").table
    assert t["term"].tolist()[:2] == ["treatment: ketamine_iv vs physical_therapy", "treatment: sgb vs physical_therapy"]
    assert set(t.loc[t["covariate"] == "treatment", "reference"]) == {"physical_therapy"}
    assert t.loc[t["term"] == "course", "level"].iloc[0] == ""


def test_robust_score_test_of_the_clustered_models_equals_r():
    # R: coxph(Surv(time, status) ~ rx + sex, data = rats, cluster = litter)$rscore
    rats = pd.read_csv(RESULTS / "rats.csv")
    x = np.column_stack([rats["rx"], (rats["sex"] == "m").astype(float)])
    chi2, df = robust_score_test(rats["time"], rats["status"], x, rats["litter"])
    assert chi2 == pytest.approx(MODELS.loc["rats_cluster", "rscore"], rel=1e-9) and df == 2


def test_matches_statsmodels_phreg_efron_on_random_data():
    sm = pytest.importorskip("statsmodels.duration.hazard_regression")
    rng = np.random.default_rng(7)
    n = 300
    x = rng.normal(size=(n, 3))
    t = np.ceil(rng.exponential(30 * np.exp(-x @ [0.5, -0.3, 0.1])))   # whole days: many ties
    c = np.ceil(rng.uniform(5, 80, n))
    d = pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(int), "a": x[:, 0], "b": x[:, 1],
                      "c": x[:, 2]})
    ours = cox_regression(d, time="time", event="event", covariates=["a", "b", "c"]).table
    ref = sm.PHReg(d["time"], d[["a", "b", "c"]], status=d["event"], ties="efron").fit()
    np.testing.assert_allclose(ours["coef"], ref.params, rtol=1e-6)
    np.testing.assert_allclose(ours["se"], ref.bse, rtol=1e-6)


def test_clustered_variance_equals_grouped_score_residual_sandwich_by_hand():
    # statsmodels' PHReg robust covariance with groups (Lin & Wei) is an independent implementation
    # of the same sandwich; continuous times (no ties), where its Breslow and our Efron agree.
    sm = pytest.importorskip("statsmodels.duration.hazard_regression")
    rng = np.random.default_rng(11)
    n_pat = 80
    pid = np.repeat(np.arange(n_pat), rng.integers(1, 4, n_pat))
    x = rng.normal(size=(pid.size, 2))
    t = rng.exponential(30 * np.exp(-x @ [0.4, -0.2]) / rng.gamma(2, 0.5, n_pat)[pid])
    c = rng.uniform(5, 80, pid.size)
    d = pd.DataFrame({"time": np.minimum(t, c), "event": (t <= c).astype(int), "a": x[:, 0], "b": x[:, 1],
                      "patient": pid})
    ours = cox_regression(d, time="time", event="event", covariates=["a", "b"], clusters="patient").table
    ref = sm.PHReg(d["time"], d[["a", "b"]], status=d["event"]).fit(groups=d["patient"])
    np.testing.assert_allclose(ours["coef"], ref.params, rtol=1e-6)
    np.testing.assert_allclose(ours["se"], ref.bse, rtol=1e-6)
    assert (ours["method"] == METHOD_ROBUST).all()


def test_errors_say_what_to_do():
    d = episodes()
    with pytest.raises(AnalysisError, match="no column 'dose_mg'"):
        cox_regression(d, time="time", event="event", covariates=["dose_mg"])
    with pytest.raises(AnalysisError, match="reference level 'tens'"):
        cox_regression(d, time="time", event="event", covariates=["treatment"], reference={"treatment": "tens"})
    with pytest.raises(AnalysisError, match="no events"):
        cox_regression(d.assign(event=0), time="time", event="event", covariates=["course"])
    with pytest.raises(AnalysisError, match="collinear"):
        cox_regression(d.assign(course2=2 * d["course"]), time="time", event="event", covariates=["course", "course2"])
    with pytest.raises(AnalysisError, match="single level"):
        cox_regression(d.assign(one="x"), time="time", event="event", covariates=["one"])
    with pytest.raises(AnalysisError, match="times >= 0"):
        cox_regression(d.assign(time=-d["time"]), time="time", event="event", covariates=["course"])
    with pytest.raises(AnalysisError, match="1 \\(event\\) or 0"):
        cox_regression(d.assign(event=2), time="time", event="event", covariates=["course"])


def _efron_by_definition(time, event, x, beta, strata):
    """Efron's log partial likelihood, score and information written out time by time (slow)."""
    loglik, score, info = 0.0, np.zeros(x.shape[1]), np.zeros((x.shape[1],) * 2)
    eta = x @ beta
    r = np.exp(eta)
    for s in np.unique(strata):
        for t in np.unique(time[(strata == s) & event]):
            at_risk = (strata == s) & (time >= t)
            dead = at_risk & (time == t) & event
            d = dead.sum()
            loglik += eta[dead].sum()
            score += x[dead].sum(axis=0)
            for l in range(d):
                w = np.where(dead, 1 - l / d, 1.0) * at_risk * r
                s0, s1, s2 = w.sum(), w @ x, (x * w[:, None]).T @ x
                loglik -= np.log(s0)
                score -= s1 / s0
                info += s2 / s0 - np.outer(s1, s1) / s0 ** 2
    return loglik, score, info


def test_efron_terms_equal_their_definition_with_heavy_ties_strata_and_one_row_risk_sets():
    # Whole-day times (up to 15 events tied at one time), censoring-only times, three strata, one
    # of them a single row, and the last time of each stratum with one row at risk.
    from analysis.cox import fit_cox

    rng = np.random.default_rng(12)
    n = 400
    time = rng.integers(1, 12, n).astype(float)
    event = rng.random(n) < 0.6
    strata = rng.integers(0, 2, n)
    x = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n), rng.integers(1, 4, n)]).astype(float)
    time = np.r_[time, 30.0, 40.0, 5.0]          # a last row alone in each stratum; a stratum of one row
    event = np.r_[event, True, True, True]
    strata = np.r_[strata, 0, 1, 2]
    x = np.r_[x, [[1, 0.5, 2], [0, -0.5, 1], [1, 0.0, 3]]]
    fit = fit_cox(time, event, x, strata=strata)
    xc = x - x.mean(axis=0)
    loglik, score, info = _efron_by_definition(time, event, xc, fit.coef, strata)
    assert fit.converged
    assert fit.loglik[1] == pytest.approx(loglik, rel=1e-12)
    np.testing.assert_allclose(score, 0, atol=1e-8)
    np.testing.assert_allclose(fit.naive_var, np.linalg.inv(info), rtol=1e-10)
    loglik0, _, _ = _efron_by_definition(time, event, xc, np.zeros(3), strata)
    assert fit.loglik[0] == pytest.approx(loglik0, rel=1e-12)


def test_run_sums_add_each_run_as_a_running_total():
    # The Efron terms rely on it to equal, to the last bit, sums taken one row after the other:
    # (1e16 + 1) - 1e16 is 0 as a running total (the 1 is lost), 1 in another order.
    from analysis.cox import _segment_sums

    values = np.array([1e16, 1.0, -1e16, 2.0, 3.0])
    np.testing.assert_array_equal(_segment_sums([3, 0, 2]) @ values, [0.0, 0.0, 5.0])
    start = np.array([-1e16, 7.0, 1.0])
    np.testing.assert_array_equal(_segment_sums([3, 0, 2], with_start=True) @ np.r_[start, values],
                                  [((-1e16 + 1e16) + 1.0) - 1e16, 7.0, 6.0])
