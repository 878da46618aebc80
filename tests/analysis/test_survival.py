"""Kaplan-Meier and log-rank: R reference values, lifelines/scipy on random data, edge cases,
and the cluster-robust (infinitesimal jackknife) variance checked by finite differences."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.errors import AnalysisError
from analysis.survival import (
    QUANTILE_TOLERANCE,
    VARIANCE_GREENWOOD,
    VARIANCE_ROBUST,
    _quantile_time,
    kaplan_meier,
    logrank,
)

# R: library(survival); aml   (Acute Myelogenous Leukemia survival data, Miller 1997)
AML_MAINTAINED_TIME = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]
AML_MAINTAINED_STATUS = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
AML_NONMAINTAINED_TIME = [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
AML_NONMAINTAINED_STATUS = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]


def _events_only(table: pd.DataFrame) -> pd.DataFrame:
    """Rows with events: what R's summary(survfit) prints by default."""
    return table[table["events"] > 0].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# R reference values (aml)
# ------------------------------------------------------------------------------------------
def test_aml_print_survfit_medians_with_r_default_log_intervals():
    # R: print(survfit(Surv(time, status) ~ x, data = aml))
    #                   n events median 0.95LCL 0.95UCL
    # x=Maintained     11      7     31      18      NA
    # x=Nonmaintained  12     11     23       8      NA
    m = kaplan_meier(AML_MAINTAINED_TIME, AML_MAINTAINED_STATUS, conf_type="log")
    assert (m.n, m.n_events) == (11, 7)
    assert m.median.estimate == 31 and m.median.ci_low == 18 and np.isnan(m.median.ci_high)
    nm = kaplan_meier(AML_NONMAINTAINED_TIME, AML_NONMAINTAINED_STATUS, conf_type="log")
    assert (nm.n, nm.n_events) == (12, 11)
    assert nm.median.estimate == 23 and nm.median.ci_low == 8 and np.isnan(nm.median.ci_high)
    row = nm.median_table().iloc[0]
    assert row["n"] == 12 and row["events"] == 11 and row["estimate"] == 23


def test_aml_maintained_summary_table_matches_r():
    # R: summary(survfit(Surv(time, status) ~ x, data = aml))   (conf.type = "log", R's default)
    #  time n.risk n.event survival std.err lower 95% CI upper 95% CI
    #     9     11       1    0.909  0.0867        0.754        1.000
    #    13     10       1    0.818  0.1163        0.619        1.000
    #    18      8       1    0.716  0.1397        0.488        1.000
    #    23      7       1    0.614  0.1526        0.377        0.999
    #    31      5       1    0.491  0.1642        0.255        0.946
    #    34      4       1    0.368  0.1627        0.155        0.875
    #    48      2       1    0.184  0.1535        0.036        0.944
    tab = _events_only(kaplan_meier(AML_MAINTAINED_TIME, AML_MAINTAINED_STATUS, conf_type="log").table)
    np.testing.assert_array_equal(tab["time"], [9, 13, 18, 23, 31, 34, 48])
    np.testing.assert_array_equal(tab["at_risk"], [11, 10, 8, 7, 5, 4, 2])
    np.testing.assert_array_equal(tab["events"], [1] * 7)
    np.testing.assert_allclose(tab["survival"], [0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184], atol=5e-4)
    np.testing.assert_allclose(tab["std_err"], [0.0867, 0.1163, 0.1397, 0.1526, 0.1642, 0.1627, 0.1535],
                               atol=5e-5)
    np.testing.assert_allclose(tab["ci_low"], [0.754, 0.619, 0.488, 0.377, 0.255, 0.155, 0.036], atol=5e-4)
    np.testing.assert_allclose(tab["ci_high"], [1.000, 1.000, 1.000, 0.999, 0.946, 0.875, 0.944], atol=5e-4)
    # Exact values by hand: S(9) = 10/11, Greenwood se = S sqrt(1/(11*10)),
    # log interval at t=9: exp(log(10/11) -/+ 1.959964 sqrt(1/110)) = 0.7541..., capped at 1.
    s9, se9 = 10 / 11, 10 / 11 * np.sqrt(1 / 110)
    assert tab["survival"][0] == pytest.approx(s9, abs=1e-15)
    assert tab["std_err"][0] == pytest.approx(se9, rel=1e-12)
    assert tab["ci_low"][0] == pytest.approx(np.exp(np.log(s9) - stats.norm.ppf(0.975) * np.sqrt(1 / 110)),
                                             rel=1e-12)
    assert tab["ci_low"][0] == pytest.approx(0.7541, abs=5e-5)
    assert tab["ci_high"][0] == 1.0


def test_aml_nonmaintained_summary_table_matches_r():
    # R: summary(survfit(Surv(time, status) ~ x, data = aml))   x=Nonmaintained
    #  time n.risk n.event survival std.err lower 95% CI upper 95% CI
    #     5     12       2   0.8333  0.1076       0.6470        1.000
    #     8     10       2   0.6667  0.1361       0.4468        0.995
    #    12      8       1   0.5833  0.1423       0.3616        0.941
    #    23      6       1   0.4861  0.1481       0.2675        0.883
    #    27      5       1   0.3889  0.1470       0.1854        0.816
    #    30      4       1   0.2917  0.1387       0.1148        0.741
    #    33      3       1   0.1944  0.1219       0.0569        0.664
    #    43      2       1   0.0972  0.0919       0.0153        0.620
    #    45      1       1   0.0000     NaN           NA           NA
    tab = _events_only(kaplan_meier(AML_NONMAINTAINED_TIME, AML_NONMAINTAINED_STATUS, conf_type="log").table)
    np.testing.assert_array_equal(tab["at_risk"], [12, 10, 8, 6, 5, 4, 3, 2, 1])
    np.testing.assert_allclose(tab["survival"], [0.8333, 0.6667, 0.5833, 0.4861, 0.3889, 0.2917, 0.1944,
                                                 0.0972, 0.0], atol=5e-5)
    np.testing.assert_allclose(tab["std_err"][:8], [0.1076, 0.1361, 0.1423, 0.1481, 0.1470, 0.1387, 0.1219,
                                                    0.0919], atol=5e-5)
    np.testing.assert_allclose(tab["ci_low"][:8], [0.6470, 0.4468, 0.3616, 0.2675, 0.1854, 0.1148, 0.0569,
                                                   0.0153], atol=5e-5)
    np.testing.assert_allclose(tab["ci_high"][:8], [1.000, 0.995, 0.941, 0.883, 0.816, 0.741, 0.664, 0.620],
                               atol=5e-4)
    assert np.isnan(tab["std_err"][8]) and np.isnan(tab["ci_low"][8]) and np.isnan(tab["ci_high"][8])


def test_aml_survdiff_matches_r():
    # R: survdiff(Surv(time, status) ~ x, data = aml)
    #                  N Observed Expected (O-E)^2/E (O-E)^2/V
    # x=Maintained    11        7    10.69      1.27       3.4
    # x=Nonmaintained 12       11     7.31      1.86       3.4
    #  Chisq= 3.4  on 1 degrees of freedom, p= 0.07      (unrounded: 3.396389, p = 0.06533932)
    res = logrank(AML_MAINTAINED_TIME + AML_NONMAINTAINED_TIME,
                  AML_MAINTAINED_STATUS + AML_NONMAINTAINED_STATUS,
                  ["Maintained"] * 11 + ["Nonmaintained"] * 12)
    assert res.df == 1
    assert res.chi2 == pytest.approx(3.3963887, abs=1e-6)
    assert res.p_value == pytest.approx(0.0653393, abs=1e-6)
    np.testing.assert_allclose(res.expected, [10.69, 7.31], atol=5e-3)
    np.testing.assert_array_equal(res.observed, [7, 11])
    frame = res.to_frame()
    assert list(frame.columns[:3]) == ["chi2", "df", "p_value"] and len(frame) == 1


def test_aml_loglog_intervals_match_lifelines_and_hand_formula():
    # R: survfit(Surv(time, status) ~ 1, data = aml[aml$x == "Maintained", ], conf.type = "log-log")
    # lower/upper = S^exp(+/- z se/log S); at t = 9: S = 10/11, se(log S) = sqrt(1/110).
    r = kaplan_meier(AML_MAINTAINED_TIME, AML_MAINTAINED_STATUS, conf_type="log-log")
    s, se = 10 / 11, np.sqrt(1 / 110)
    z = stats.norm.ppf(0.975)
    assert r.table["ci_low"][0] == pytest.approx(s ** np.exp(-z * se / np.log(s)), rel=1e-12)
    assert r.table["ci_high"][0] == pytest.approx(s ** np.exp(z * se / np.log(s)), rel=1e-12)
    assert r.median.estimate == 31 and r.median.ci_low == 13 and np.isnan(r.median.ci_high)


# ------------------------------------------------------------------------------------------
# R's own quantile tests (survival/tests/quantile.R), for the median rule
# ------------------------------------------------------------------------------------------
def test_quantile_rule_reproduces_r_quantile_tests():
    # R (survival/tests/quantile.R):
    # test1 <- data.frame(time=c(9,3,1,1,6,6,8,10), status=c(1,NA,1,0,1,1,0,0))
    # fit2 <- survfit(Surv(time, status) ~ 1, test1)            # conf.type "log"
    # qq <- c(13/14, 6/7, 2/3, .5, 9/35, .1)
    # quantile(fit2, 1-qq) -> quantile = c(1, 3.5, 6, 9, 9.5, NA)
    #                         lower    = c(1, 1, 1, 6, 6, 9);  upper = all NA
    time = [9, 1, 1, 6, 6, 8, 10]          # the NA-status row is dropped, as R does
    status = [1, 1, 0, 1, 1, 0, 0]
    fit = kaplan_meier(time, status, conf_type="log")
    x = np.concatenate([[0.0], fit.table["time"]])
    qq = np.array([13 / 14, 6 / 7, 2 / 3, 0.5, 9 / 35, 0.1])

    def q(col):
        curve = np.concatenate([[1.0], fit.table[col]])
        return [_quantile_time(x, curve, p) for p in 1 - qq]

    np.testing.assert_allclose(q("survival"), [1, 3.5, 6, 9, 9.5, np.nan])
    np.testing.assert_allclose(q("ci_low"), [1, 1, 1, 6, 6, 9])
    assert np.isnan(q("ci_high")).all()


def test_median_midpoint_rule_on_flat_at_one_half():
    # R: survfit(Surv(c(1,2,3,4), rep(1,4)) ~ 1)  -> median 2.5 (S = 0.5 exactly on [2, 3))
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1]).median.estimate == 2.5
    # Curve ends on the 0.5 flat: midpoint of its start and the last observed time.
    # R: quantile(survfit(Surv(c(1,2,3,4), c(1,1,0,0)) ~ 1), .5) -> (2 + 4)/2 = 3
    assert kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0]).median.estimate == 3.0
    # Within R's tolerance sqrt(.Machine$double.eps), 0.5 + 1e-12 counts as 0.5.
    x = np.array([0.0, 1.0, 2.0, 5.0])
    s = np.array([1.0, 0.8, 0.5 + 1e-12, 0.1])
    assert _quantile_time(x, s, 0.5) == 3.5
    s = np.array([1.0, 0.8, 0.5 + 10 * QUANTILE_TOLERANCE, 0.1])
    assert _quantile_time(x, s, 0.5) == 5.0


# ------------------------------------------------------------------------------------------
# Random data: lifelines and scipy to 1e-8
# ------------------------------------------------------------------------------------------
def _random_survival(seed: int, n: int = 300, integer: bool = True):
    rng = np.random.default_rng(seed)
    t = rng.exponential(30, n)
    c = rng.uniform(0, 60, n)
    if integer:  # whole days: many ties, including events tied with censorings
        t, c = np.ceil(t), np.ceil(c)
    return np.minimum(t, c), (t <= c).astype(int)


@pytest.mark.parametrize("seed,integer", [(1, True), (2, True), (3, False), (4, True)])
def test_random_data_matches_lifelines_and_scipy(seed, integer):
    from lifelines import KaplanMeierFitter

    time, event = _random_survival(seed, integer=integer)
    res = kaplan_meier(time, event, conf_type="log-log")
    tab = res.table
    kmf = KaplanMeierFitter().fit(time, event)
    sf = kmf.survival_function_["KM_estimate"]
    np.testing.assert_allclose(tab["survival"], sf.loc[tab["time"]].to_numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(tab["at_risk"], kmf.event_table.loc[tab["time"], "at_risk"])
    np.testing.assert_array_equal(tab["censored"], kmf.event_table.loc[tab["time"], "censored"])
    # lifelines' default interval is the "exponential Greenwood" = log-log; it fills S = 1 rows with 1
    inside = ((tab["survival"] > 0) & (tab["survival"] < 1)).to_numpy()
    ci = kmf.confidence_interval_.loc[tab["time"]].to_numpy()
    np.testing.assert_allclose(tab["ci_low"][inside], ci[inside, 0], atol=1e-8)
    np.testing.assert_allclose(tab["ci_high"][inside], ci[inside, 1], atol=1e-8)
    # Greenwood variance: lifelines' cumulative sum of d/(Y(Y-d))
    greenwood = kmf._cumulative_sq_.loc[tab["time"]].to_numpy()
    np.testing.assert_allclose(tab["std_err"][inside], (tab["survival"] * np.sqrt(greenwood))[inside],
                               rtol=1e-10)

    # scipy: ecdf(CensoredData).sf with log-log and linear (plain) Greenwood intervals
    data = stats.CensoredData(uncensored=time[event == 1], right=time[event == 0])
    ecdf = stats.ecdf(data).sf
    t_ev = tab["time"].to_numpy()
    np.testing.assert_allclose(tab["survival"], ecdf.evaluate(t_ev), atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ll = ecdf.confidence_interval(0.95, method="log-log")
        lin = ecdf.confidence_interval(0.95, method="linear")
        plain = kaplan_meier(time, event, conf_type="plain").table
        np.testing.assert_allclose(tab["ci_low"][inside], ll.low.evaluate(t_ev)[inside], atol=1e-8)
        np.testing.assert_allclose(tab["ci_high"][inside], ll.high.evaluate(t_ev)[inside], atol=1e-8)
        pos = (plain["survival"] > 0).to_numpy()
        np.testing.assert_allclose(plain["ci_low"][pos], lin.low.evaluate(t_ev)[pos], atol=1e-8)
        np.testing.assert_allclose(plain["ci_high"][pos], lin.high.evaluate(t_ev)[pos], atol=1e-8)

    # log scale by hand from the Greenwood se (R's default conf.type)
    log_tab = kaplan_meier(time, event, conf_type="log").table
    se_log = np.sqrt(np.cumsum(tab["events"] / (tab["at_risk"] * (tab["at_risk"] - tab["events"]))))
    z = stats.norm.ppf(0.975)
    pos = (tab["survival"] > 0).to_numpy()
    np.testing.assert_allclose(log_tab["ci_low"][pos], (tab["survival"] * np.exp(-z * se_log))[pos], rtol=1e-10)
    np.testing.assert_allclose(log_tab["ci_high"][pos],
                               np.minimum(tab["survival"] * np.exp(z * se_log), 1)[pos], rtol=1e-10)

    # median agrees with lifelines where lifelines' rule (first time with S <= 0.5) is R's rule
    if not np.isclose(tab["survival"], 0.5, atol=1e-8).any():
        assert res.median.estimate == kmf.median_survival_time_ or (
            np.isnan(res.median.estimate) and np.isinf(kmf.median_survival_time_))


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_logrank_matches_scipy_and_lifelines(seed):
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    rng = np.random.default_rng(seed)
    time, event = _random_survival(seed, n=240)
    group = rng.choice(["a", "b", "c"], size=time.size)
    time = time * np.where(group == "a", 1.4, 1.0)  # a real difference for some power
    two = group != "c"
    res2 = logrank(time[two], event[two], group[two])
    x = stats.CensoredData(uncensored=time[two & (group == "a") & (event == 1)],
                           right=time[two & (group == "a") & (event == 0)])
    y = stats.CensoredData(uncensored=time[two & (group == "b") & (event == 1)],
                           right=time[two & (group == "b") & (event == 0)])
    sp = stats.logrank(x, y)
    assert res2.chi2 == pytest.approx(sp.statistic ** 2, abs=1e-8)
    assert res2.p_value == pytest.approx(sp.pvalue, abs=1e-8)
    ll = logrank_test(time[two & (group == "a")], time[two & (group == "b")],
                      event[two & (group == "a")], event[two & (group == "b")])
    assert res2.chi2 == pytest.approx(ll.test_statistic, abs=1e-8)

    res3 = logrank(time, event, group)
    mv = multivariate_logrank_test(time, group, event)
    assert res3.df == 2
    assert res3.chi2 == pytest.approx(mv.test_statistic, abs=1e-8)
    assert res3.p_value == pytest.approx(mv.p_value, abs=1e-8)


def test_logrank_needs_two_groups():
    with pytest.raises(AnalysisError, match="at least two groups"):
        logrank([1, 2, 3], [1, 0, 1], ["a", "a", "a"])
    with pytest.raises(AnalysisError, match="missing"):
        logrank([1, 2, 3], [1, 0, 1], ["a", None, "b"])


def test_logrank_without_events_is_undefined():
    res = logrank([1, 2, 3, 4], [0, 0, 0, 0], ["a", "a", "b", "b"])
    assert np.isnan(res.chi2) and np.isnan(res.p_value) and res.df == 0


# ------------------------------------------------------------------------------------------
# Edge cases
# ------------------------------------------------------------------------------------------
def test_single_event():
    r = kaplan_meier([5.0], [1])
    row = r.table.iloc[0]
    assert (row["time"], row["at_risk"], row["events"], row["survival"]) == (5.0, 1, 1, 0.0)
    # R: std.err NaN and NA limits where S = 0
    assert np.isnan(row["std_err"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert r.median.estimate == 5.0 and np.isnan(r.median.ci_low) and np.isnan(r.median.ci_high)


def test_single_censored_and_all_censored():
    r = kaplan_meier([5.0], [0])
    assert r.table["survival"].tolist() == [1.0] and np.isnan(r.median.estimate)
    r = kaplan_meier([3, 5, 5, 9], [0, 0, 0, 0], conf_type="log-log")
    assert (r.table["survival"] == 1).all() and r.n_events == 0
    assert np.isnan(r.median.estimate) and np.isnan(r.median.ci_low) and np.isnan(r.median.ci_high)
    # R: log-log limits are NA where S = 1; log and plain give [1, 1]
    assert r.table["ci_low"].isna().all()
    log = kaplan_meier([3, 5, 5, 9], [0, 0, 0, 0], conf_type="log").table
    assert (log["ci_low"] == 1).all() and (log["ci_high"] == 1).all()


def test_all_events_at_one_time():
    r = kaplan_meier([7, 7, 7], [1, 1, 1])
    assert r.table[["time", "at_risk", "events", "survival"]].values.tolist() == [[7, 3, 3, 0.0]]
    assert r.median.estimate == 7


def test_survival_reaching_zero_then_plain_interval_is_na_like_r():
    r = kaplan_meier([1, 2, 3, 3], [1, 1, 1, 1], conf_type="plain")
    last = r.table.iloc[-1]
    assert last["survival"] == 0 and np.isnan(last["ci_low"]) and np.isnan(last["ci_high"])
    np.testing.assert_allclose(r.table["survival"], [0.75, 0.5, 0.0])
    assert r.median.estimate == 2.5


def test_censored_tied_with_event_are_at_risk():
    # R convention: at a time t, those censored at t are still at risk at t.
    r = kaplan_meier([2, 2, 2, 4, 5], [1, 0, 0, 1, 0])
    row = r.table.iloc[0]
    assert (row["at_risk"], row["events"], row["censored"]) == (5, 1, 2)
    assert row["survival"] == pytest.approx(4 / 5)
    assert r.table["survival"].iloc[1] == pytest.approx(4 / 5 * 1 / 2)


def test_empty_input_gives_empty_curve():
    r = kaplan_meier([], [])
    assert r.n == 0 and r.table.empty and list(r.table.columns) == [
        "time", "at_risk", "events", "censored", "survival", "std_err", "ci_low", "ci_high"]
    assert np.isnan(r.median.estimate)
    assert r.survival_at([28])["estimate"].isna().all()


def test_input_validation_messages():
    with pytest.raises(AnalysisError, match="same length"):
        kaplan_meier([1, 2], [1])
    with pytest.raises(AnalysisError, match="1 \\(event\\) or 0"):
        kaplan_meier([1, 2], [1, 2])
    with pytest.raises(AnalysisError, match="finite"):
        kaplan_meier([1, np.nan], [1, 0])
    with pytest.raises(AnalysisError, match="conf_type"):
        kaplan_meier([1, 2], [1, 0], conf_type="logit")


def test_survival_at_is_a_step_function_with_r_summary_conventions():
    r = kaplan_meier(AML_MAINTAINED_TIME, AML_MAINTAINED_STATUS, conf_type="log")
    out = r.survival_at([0, 8.9, 9, 12.99, 13, 28, 161, 162])
    assert list(out.columns) == ["time", "estimate", "ci_low", "ci_high", "std_err", "at_risk", "n"]
    tab = r.table.set_index("time")
    # R: summary(fit, times = c(0, 8.9, 9, 12.99, 13, 28, 161))
    np.testing.assert_allclose(out["estimate"][:7], [1, 1, tab.loc[9, "survival"], tab.loc[9, "survival"],
                                                     tab.loc[13, "survival"], tab.loc[28, "survival"],
                                                     tab.loc[161, "survival"]])
    assert out["ci_low"][0] == 1 and out["ci_high"][0] == 1 and out["std_err"][0] == 0
    np.testing.assert_array_equal(out["at_risk"], [11, 11, 11, 10, 10, 6, 1, 0])
    # beyond the last observed time (161): unknown (R drops the row with extend=FALSE)
    assert np.isnan(out["estimate"][7]) and np.isnan(out["ci_low"][7])
    assert (out["n"] == 11).all()


# ------------------------------------------------------------------------------------------
# Clustered episodes: infinitesimal-jackknife variance
# ------------------------------------------------------------------------------------------
def _weighted_km(time, event, weight, grid):
    """Weighted product-limit estimate at ``grid`` (an independent, loop-free reference)."""
    at_risk = ((time[None, :] >= grid[:, None]) * weight).sum(axis=1)
    deaths = ((time[None, :] == grid[:, None]) * (event * weight)).sum(axis=1)
    return np.cumprod(1 - deaths / at_risk)


def _clustered_sample(seed, n_patients=15):
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 4, n_patients)
    patient = np.repeat(np.arange(n_patients), size)
    frailty = rng.gamma(1.0, 1.0, n_patients)[patient]
    t = np.ceil(rng.exponential(20 / frailty))
    c = np.ceil(rng.uniform(5, 60, patient.size))
    return np.minimum(t, c), (t <= c).astype(int), patient


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_robust_variance_equals_finite_difference_influence(seed):
    time, event, patient = _clustered_sample(seed)
    res = kaplan_meier(time, event, clusters=patient)
    assert res.variance == VARIANCE_ROBUST and res.n_clusters == len(np.unique(patient))
    grid = res.table["time"].to_numpy()
    w = np.ones(time.size)
    h = 1e-6
    influence = np.empty((time.size, grid.size))
    for i in range(time.size):  # numerical derivative dS/dw_i, one case weight at a time
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        influence[i] = (_weighted_km(time, event, up, grid) - _weighted_km(time, event, down, grid)) / (2 * h)
    by_patient = pd.DataFrame(influence).groupby(patient).sum().to_numpy()
    variance = (by_patient ** 2).sum(axis=0)
    surv = res.table["survival"].to_numpy()
    pos = surv > 0
    np.testing.assert_allclose(res.table["std_err"][pos], np.sqrt(variance)[pos], rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(_weighted_km(time, event, w, grid), surv, atol=1e-14)
    # Each subject's influence is R's U_i(t) = S(t) sum_{t_j<=t}[d_j Y_i(t_j)/(Y_j(Y_j-d_j)) - dN_i(t_j)/(Y_j-d_j)]
    y = res.table["at_risk"].to_numpy(float)
    d = res.table["events"].to_numpy(float)
    closed = np.empty_like(influence)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(time.size):
            terms = d * (time[i] >= grid) / (y * (y - d)) - event[i] * (time[i] == grid) / (y - d)
            closed[i] = surv * np.cumsum(np.where(y > d, terms, 0))
    np.testing.assert_allclose(closed[:, pos], influence[:, pos], rtol=1e-5, atol=1e-9)


def test_robust_intervals_use_robust_se_on_chosen_scale():
    time, event, patient = _clustered_sample(21, n_patients=40)
    z = stats.norm.ppf(0.975)
    for conf_type in ("log-log", "log", "plain"):
        tab = kaplan_meier(time, event, conf_type=conf_type, clusters=patient).table
        s, se = tab["survival"].to_numpy(), tab["std_err"].to_numpy()
        ok = (s > 0) & (s < 1)
        se_log = se[ok] / s[ok]
        if conf_type == "plain":
            lo, hi = np.maximum(s[ok] - z * se[ok], 0), np.minimum(s[ok] + z * se[ok], 1)
        elif conf_type == "log":
            lo, hi = s[ok] * np.exp(-z * se_log), np.minimum(s[ok] * np.exp(z * se_log), 1)
        else:
            lo, hi = s[ok] ** np.exp(-z * se_log / np.log(s[ok])), s[ok] ** np.exp(z * se_log / np.log(s[ok]))
        np.testing.assert_allclose(tab["ci_low"][ok], lo, rtol=1e-12)
        np.testing.assert_allclose(tab["ci_high"][ok], hi, rtol=1e-12)


def test_singleton_clusters_keep_greenwood():
    time, event = _random_survival(31, n=80)
    plain = kaplan_meier(time, event)
    single = kaplan_meier(time, event, clusters=np.arange(time.size))
    assert single.variance == VARIANCE_GREENWOOD and plain.variance == VARIANCE_GREENWOOD
    pd.testing.assert_frame_equal(plain.table, single.table)


def test_clusters_validation():
    with pytest.raises(AnalysisError, match="one value per observation"):
        kaplan_meier([1, 2], [1, 0], clusters=[1])
    with pytest.raises(AnalysisError, match="missing"):
        kaplan_meier([1, 2], [1, 0], clusters=[1, None])


def test_robust_variance_at_scale_equals_direct_sum_over_clusters():
    # The O(n log n) accumulation against the direct O(n x times) evaluation of
    # V(t) = sum_g (sum_{i in g} U_i(t))^2 with R's closed form of U_i(t).
    rng = np.random.default_rng(41)
    patient = rng.integers(0, 700, 2000)
    t = np.ceil(rng.exponential(40, patient.size))
    c = np.ceil(rng.uniform(1, 120, patient.size))
    time, event = np.minimum(t, c), (t <= c).astype(int)
    tab = kaplan_meier(time, event, clusters=patient).table
    grid, s = tab["time"].to_numpy(), tab["survival"].to_numpy()
    y, d = tab["at_risk"].to_numpy(float), tab["events"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(y > d, d / (y * (y - d)), 0)
        e = np.where(y > d, 1 / (y - d), 0)
    at_risk = time[:, None] >= grid[None, :]
    own_event = (time[:, None] == grid[None, :]) & (event[:, None] == 1)
    u = s * np.cumsum(at_risk * g - own_event * e, axis=1)
    by_patient = pd.DataFrame(u).groupby(patient).sum().to_numpy()
    np.testing.assert_allclose(tab["std_err"], np.sqrt((by_patient ** 2).sum(axis=0)), rtol=1e-9, atol=1e-15)


def test_robust_variance_when_the_curve_reaches_zero():
    # R's IJ recursion gives U = 0 once S = 0: std_err 0, log/log-log limits NA, plain [0, 0]
    time, event, patient = [1, 2, 2, 3, 3], [1, 0, 1, 1, 1], [1, 1, 2, 2, 3]
    tab = kaplan_meier(time, event, clusters=patient, conf_type="plain").table
    last = tab.iloc[-1]
    assert last["survival"] == 0 and last["std_err"] == 0 and last["ci_low"] == 0 and last["ci_high"] == 0
    assert np.isfinite(tab["std_err"]).all()
    assert np.isnan(kaplan_meier(time, event, clusters=patient, conf_type="log").table["ci_low"].iloc[-1])
