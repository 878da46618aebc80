"""Wilson, t, cluster-robust and patient-bootstrap intervals, checked against scipy and statsmodels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.errors import AnalysisError
from analysis.intervals import (
    METHOD_BOOTSTRAP,
    METHOD_CLUSTER_T,
    METHOD_CLUSTER_WILSON,
    METHOD_T,
    METHOD_WILSON,
    mean_ci_table,
    proportion_ci_table,
    t_mean_ci,
    wilson_ci,
)


# ------------------------------------------------------------------------------------------
# Primitives
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("conf_level", [0.8, 0.95, 0.99])
def test_wilson_equals_scipy_binomtest(conf_level):
    ks, ns = [], []
    for n in (1, 2, 5, 17, 50, 333):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            ks.append(k)
            ns.append(n)
    low, high = wilson_ci(ks, ns, conf_level)
    for k, n, lo, hi in zip(ks, ns, low, high):
        # scipy: binomtest(k, n).proportion_ci(confidence_level, method="wilson")
        ref = stats.binomtest(k, n).proportion_ci(confidence_level=conf_level, method="wilson")
        assert lo == pytest.approx(ref.low, abs=1e-14)
        assert hi == pytest.approx(ref.high, abs=1e-14)
    assert low[0] == 0.0 and high[ns.index(1) + 1] == 1.0  # k = 0 -> 0 exactly, k = n -> 1 exactly


def test_wilson_edge_cases():
    low, high = wilson_ci([0, 3], [0, 3])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert high[1] == 1.0
    lo, hi = wilson_ci(7, 50)  # scalar in, scalar out
    ref = stats.binomtest(7, 50).proportion_ci(method="wilson")
    assert np.ndim(lo) == 0 and (lo, hi) == pytest.approx((ref.low, ref.high), abs=1e-15)
    with pytest.raises(AnalysisError, match="0 <= successes <= n"):
        wilson_ci(5, 3)
    with pytest.raises(AnalysisError, match="conf_level"):
        wilson_ci(1, 3, conf_level=95)


def test_t_mean_ci_equals_scipy():
    mean, sd, n = np.array([1.0, -2.5, 40.0]), np.array([2.0, 0.5, 10.0]), np.array([2, 10, 123])
    low, high = t_mean_ci(mean, sd, n, 0.9)
    for i in range(3):
        # scipy: stats.t.interval(0.9, n - 1, loc=mean, scale=sd / sqrt(n))
        ref = stats.t.interval(0.9, n[i] - 1, loc=mean[i], scale=sd[i] / np.sqrt(n[i]))
        assert (low[i], high[i]) == pytest.approx(ref, abs=1e-12)
    lo, hi = t_mean_ci(3.0, np.nan, 1)
    assert np.isnan(lo) and np.isnan(hi)


# ------------------------------------------------------------------------------------------
# mean_ci_table
# ------------------------------------------------------------------------------------------
@pytest.fixture
def episodes():
    rng = np.random.default_rng(3)
    n_pat = 40
    size = rng.integers(1, 5, n_pat)
    patient = np.repeat([f"p{i:02d}" for i in range(n_pat)], size)
    effect = rng.normal(0, 15, n_pat)[np.repeat(np.arange(n_pat), size)]
    relief = 35 + effect + rng.normal(0, 10, patient.size)
    treatment = np.where(rng.random(patient.size) < 0.5, "ketamine", "nerve_block")
    df = pd.DataFrame({"patient_id": patient, "treatment": treatment, "relief": relief,
                       "responder": relief >= 30})
    df.loc[df.sample(5, random_state=1).index, "relief"] = np.nan
    return df


def test_mean_without_cluster_is_the_t_interval(episodes):
    out = mean_ci_table(episodes, "relief", by="treatment")
    assert list(out.columns) == ["treatment", "estimate", "ci_low", "ci_high", "n", "n_patients", "method",
                                 "conf_level"]
    for _, row in out.iterrows():
        x = episodes.loc[episodes["treatment"] == row["treatment"], "relief"].dropna()
        ref = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert row["estimate"] == pytest.approx(x.mean(), rel=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(ref, rel=1e-10)
        assert row["n"] == len(x) == row["n_patients"] and row["method"] == METHOD_T
        assert row["conf_level"] == 0.95


def test_mean_cluster_robust_equals_statsmodels_cr1(episodes):
    out = mean_ci_table(episodes, "relief", by=["treatment"], cluster="patient_id").set_index("treatment")
    for treatment, row in out.iterrows():
        d = episodes[(episodes["treatment"] == treatment) & episodes["relief"].notna()]
        codes = pd.factorize(d["patient_id"])[0]
        # statsmodels: OLS(y, const).fit(cov_type="cluster", cov_kwds={"groups": g}) applies
        # G/(G-1) * (N-1)/(N-K) with K = 1 -> G/(G-1) only; t with G-1 df (use_t=True).
        fit = sm.OLS(d["relief"].to_numpy(), np.ones(len(d))).fit(
            cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        G = len(np.unique(codes))
        assert row["method"] == METHOD_CLUSTER_T
        assert row["n_patients"] == G and row["n"] == len(d)
        assert row["estimate"] == pytest.approx(fit.params[0], rel=1e-12)
        se = (row["ci_high"] - row["ci_low"]) / 2 / stats.t.ppf(0.975, G - 1)
        assert se == pytest.approx(fit.bse[0], rel=1e-10)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int(0.05)[0]), rel=1e-10)


def test_cluster_robust_formula_reduces_to_t_for_singletons():
    rng = np.random.default_rng(8)
    x = rng.normal(10, 3, 25)
    n = x.size
    # V = G/(G-1) sum_g (x_g - xbar)^2 / n^2 with G = n singletons = s^2 / n, df = n - 1
    v = n / (n - 1) * np.sum((x - x.mean()) ** 2) / n ** 2
    assert v == pytest.approx(x.var(ddof=1) / n, rel=1e-13)
    out = mean_ci_table(pd.DataFrame({"x": x, "pid": np.arange(n)}), "x", cluster="pid")
    ref = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=np.sqrt(v))
    assert out["method"].iloc[0] == METHOD_T
    assert (out["ci_low"].iloc[0], out["ci_high"].iloc[0]) == pytest.approx(ref, rel=1e-12)
    # the same data fed through statsmodels' cluster formula with singleton clusters
    fit = sm.OLS(x, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": np.arange(n)}, use_t=True)
    assert fit.bse[0] == pytest.approx(np.sqrt(v), rel=1e-12)


def test_method_is_chosen_per_group(episodes):
    df = episodes.copy()
    df["clinic"] = np.where(df["patient_id"] < "p20", "A", "B")
    firsts = df.drop_duplicates("patient_id")
    mixed = pd.concat([firsts.assign(group="one_each"), df.assign(group="several")])
    out = mean_ci_table(mixed, "relief", by="group", cluster="patient_id").set_index("group")
    assert out.loc["one_each", "method"] == METHOD_T
    assert out.loc["several", "method"] == METHOD_CLUSTER_T


def test_empty_by_gives_one_row_and_absent_groups_are_absent(episodes):
    out = mean_ci_table(episodes, "relief")
    assert len(out) == 1 and out["n"].iloc[0] == episodes["relief"].notna().sum()
    assert list(out.columns) == ["estimate", "ci_low", "ci_high", "n", "n_patients", "method", "conf_level"]
    none = mean_ci_table(episodes.iloc[:0], "relief")
    assert len(none) == 1 and none["n"].iloc[0] == 0 and np.isnan(none["estimate"].iloc[0])
    assert mean_ci_table(episodes.iloc[:0], "relief", by="treatment").empty
    cat = episodes.assign(treatment=pd.Categorical(episodes["treatment"],
                                                   categories=["ketamine", "nerve_block", "scs"]))
    assert set(mean_ci_table(cat, "relief", by="treatment")["treatment"]) == {"ketamine", "nerve_block"}


def test_groups_partition_the_whole(episodes):
    df = episodes.assign(sex=np.where(np.arange(len(episodes)) % 3 == 0, "F", None))
    out = mean_ci_table(df, "relief", by=["treatment", "sex"], cluster="patient_id")
    assert out["n"].sum() == df["relief"].notna().sum()  # missing covariate is its own group
    assert out["sex"].isna().any()


def test_single_observation_and_single_cluster_give_nan_intervals():
    out = mean_ci_table(pd.DataFrame({"x": [3.0], "g": ["a"]}), "x", by="g")
    assert out["estimate"].iloc[0] == 3.0 and np.isnan(out["ci_low"].iloc[0])
    out = mean_ci_table(pd.DataFrame({"x": [3.0, 4.0], "pid": [1, 1]}), "x", cluster="pid")
    assert out["method"].iloc[0] == METHOD_CLUSTER_T and np.isnan(out["ci_low"].iloc[0])


def test_bootstrap_is_seeded_and_close_to_cluster_robust(episodes):
    kw = dict(by="treatment", cluster="patient_id", method="bootstrap", n_bootstrap=4000)
    a = mean_ci_table(episodes, "relief", seed=1, **kw)
    b = mean_ci_table(episodes, "relief", seed=1, **kw)
    c = mean_ci_table(episodes, "relief", seed=2, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])
    assert (a["method"] == METHOD_BOOTSTRAP).all()
    cr = mean_ci_table(episodes, "relief", by="treatment", cluster="patient_id")
    # percentile bootstrap width ~ cluster-robust width (both estimate the same sampling variance)
    ratio = (a["ci_high"] - a["ci_low"]) / (cr["ci_high"] - cr["ci_low"])
    assert ((ratio > 0.8) & (ratio < 1.15)).all()
    assert ((a["ci_low"] < a["estimate"]) & (a["estimate"] < a["ci_high"])).all()


def test_bootstrap_replicates_resample_patients_within_group():
    # Two patients: one with values (0, 0), one with (10). A patient bootstrap resample is
    # patient 1 twice (mean 0, prob 1/4), patient 2 twice (10, 1/4) or both (10/3, 1/2); a row
    # bootstrap would also give 5 and 20/3. The 40% and 60% quantiles both fall in the 10/3 mass.
    df = pd.DataFrame({"x": [0.0, 0.0, 10.0], "pid": [1, 1, 2]})
    out = mean_ci_table(df, "x", cluster="pid", method="bootstrap", n_bootstrap=4000, conf_level=0.2)
    assert out["ci_low"].iloc[0] == pytest.approx(10 / 3) and out["ci_high"].iloc[0] == pytest.approx(10 / 3)
    wide = mean_ci_table(df, "x", cluster="pid", method="bootstrap", n_bootstrap=4000, conf_level=0.9)
    assert (wide["ci_low"].iloc[0], wide["ci_high"].iloc[0]) == (0.0, 10.0)


def test_input_errors(episodes):
    with pytest.raises(AnalysisError, match="'nope' not found"):
        mean_ci_table(episodes, "nope")
    with pytest.raises(AnalysisError, match="method must be one of"):
        mean_ci_table(episodes, "relief", method="jackknife")
    with pytest.raises(AnalysisError, match="success flags"):
        proportion_ci_table(episodes, "relief")
    with pytest.raises(AnalysisError, match="missing values"):
        mean_ci_table(episodes.assign(patient_id=None), "relief", cluster="patient_id")


# ------------------------------------------------------------------------------------------
# proportion_ci_table
# ------------------------------------------------------------------------------------------
def test_proportion_without_clustering_is_wilson(episodes):
    df = episodes.drop_duplicates("patient_id")
    out = proportion_ci_table(df, "responder", by="treatment", cluster="patient_id")
    assert list(out.columns) == ["treatment", "estimate", "ci_low", "ci_high", "n", "n_patients", "successes",
                                 "method", "conf_level"]
    for _, row in out.iterrows():
        x = df.loc[df["treatment"] == row["treatment"], "responder"]
        ref = stats.binomtest(int(x.sum()), len(x)).proportion_ci(0.95, method="wilson")
        assert row["method"] == METHOD_WILSON and row["successes"] == x.sum() and row["n"] == len(x)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref.low, ref.high), abs=1e-14)


def test_proportion_cluster_robust_uses_effective_sample_size(episodes):
    out = proportion_ci_table(episodes, "responder", by="treatment", cluster="patient_id").set_index("treatment")
    z = stats.norm.ppf(0.975)
    for treatment, row in out.iterrows():
        d = episodes[episodes["treatment"] == treatment]
        x = d["responder"].to_numpy(float)
        codes = pd.factorize(d["patient_id"])[0]
        # statsmodels CR1 variance of the proportion (OLS on a constant, cluster-robust)
        fit = sm.OLS(x, np.ones(len(x))).fit(cov_type="cluster", cov_kwds={"groups": codes})
        p, n, G = x.mean(), len(x), len(np.unique(codes))
        n_eff = min(n, p * (1 - p) / fit.bse[0] ** 2) * (z / stats.t.ppf(0.975, G - 1)) ** 2
        lo, hi = wilson_ci(p * n_eff, n_eff)
        assert row["method"] == METHOD_CLUSTER_WILSON and row["n_patients"] == G
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-10)
        # wider than the naive Wilson interval that ignores clustering
        naive = stats.binomtest(int(x.sum()), n).proportion_ci(0.95, method="wilson")
        assert row["ci_high"] - row["ci_low"] > naive.high - naive.low


def test_proportion_all_or_none_clustered():
    df = pd.DataFrame({"ok": [False] * 6, "pid": [1, 1, 2, 2, 3, 3]})
    out = proportion_ci_table(df, "ok", cluster="pid")
    n_eff = 6 * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, 2)) ** 2
    assert out["estimate"].iloc[0] == 0 and out["ci_low"].iloc[0] == 0
    assert out["ci_high"].iloc[0] == pytest.approx(wilson_ci(0, n_eff)[1], rel=1e-12)
    out = proportion_ci_table(df.assign(ok=True), "ok", cluster="pid")
    assert out["ci_high"].iloc[0] == 1 and out["successes"].iloc[0] == 6


def test_proportion_accepts_nullable_booleans_and_drops_missing():
    df = pd.DataFrame({"ok": pd.array([True, None, False, True], dtype="boolean")})
    out = proportion_ci_table(df, "ok")
    assert out["n"].iloc[0] == 3 and out["successes"].iloc[0] == 2
    out = proportion_ci_table(pd.DataFrame({"ok": [1, 0, np.nan, 1]}), "ok")
    assert out["n"].iloc[0] == 3 and out["estimate"].iloc[0] == pytest.approx(2 / 3)


def test_proportion_bootstrap(episodes):
    out = proportion_ci_table(episodes, "responder", by="treatment", cluster="patient_id",
                              method="bootstrap", n_bootstrap=2000, seed=5)
    cr = proportion_ci_table(episodes, "responder", by="treatment", cluster="patient_id")
    assert (out["method"] == METHOD_BOOTSTRAP).all()
    ratio = (out["ci_high"] - out["ci_low"]) / (cr["ci_high"] - cr["ci_low"])
    assert ((ratio > 0.75) & (ratio < 1.2)).all()


@pytest.mark.parametrize("seed", range(6))
def test_proportion_by_column_equals_the_grid_bitwise(seed):
    """proportion_by_column_table / proportion_at_thresholds_table == proportion_ci_table of the long grid."""
    from pandas.testing import assert_frame_equal

    from analysis.intervals import proportion_at_thresholds_table, proportion_by_column_table

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    df = pd.DataFrame({"g": rng.choice(["b", "a", "c"], n), "h": rng.choice(["x", "y"], n),
                       "patient": rng.integers(0, max(2, n // 3), n).astype(str),
                       "v": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(-20, 100, n).round(1))})
    by = [["g"], ["g", "h"], []][seed % 3]
    xs = np.arange(0.0, 101.0, 5.0)
    grid = df.loc[df.index.repeat(len(xs))].reset_index(drop=True)
    grid["x"] = np.tile(xs, n)
    with np.errstate(invalid="ignore"):
        grid["s"] = grid["v"].to_numpy() >= grid["x"].to_numpy()
    for cluster in ("patient", None):
        want = proportion_ci_table(grid, "s", by=[*by, "x"], cluster=cluster)
        got = proportion_at_thresholds_table(df, "v", xs, by=by, cluster=cluster, threshold_column="x")
        assert_frame_equal(got, want, check_exact=True)
        flags = grid["s"].to_numpy().reshape(n, len(xs))
        got = proportion_by_column_table(df, flags, xs, by=by, cluster=cluster, column="x")
        assert_frame_equal(got, want, check_exact=True)
