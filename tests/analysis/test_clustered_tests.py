"""Issue 16, fixes 1-3: clustered Kaplan-Meier median limits and the clustered log-rank test equal
R's on small clustered samples; the summary says which test and which confidence level it used.

Reference values: tests/results/km_logrank_reference.R (R 4.2, survival 3.5-3) wrote the samples
and R's results beside it; no R is needed to run these tests.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import logrank
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.survival import METHOD_LOGRANK, METHOD_ROBUST_SCORE, VARIANCE_ROBUST, kaplan_meier
from analysis.summary import summarize

RESULTS = Path(__file__).resolve().parents[1] / "results"


def test_clustered_median_limits_equal_r_quantile_on_400_small_samples():
    # R: fit <- survfit(Surv(time, event) ~ 1, data = d, id = id, robust = TRUE, conf.type = ct)
    #    quantile(fit, 0.5)        for ct in "log-log", "log", "plain"; 400 samples of 3-9 patients
    samples = pd.read_csv(RESULTS / "km_clustered_samples.csv")
    expected = pd.read_csv(RESULTS / "km_clustered_medians.csv")
    by_sample = dict(tuple(samples.groupby("sample")))
    got = []
    for s, ct in expected[["sample", "conf_type"]].itertuples(index=False):
        d = by_sample[s]
        m = kaplan_meier(d["time"], d["event"], conf_type=ct, clusters=d["id"]).median
        got.append((m.estimate, m.ci_low, m.ci_high))
    got = np.array(got)
    np.testing.assert_allclose(got, expected[["median", "lower", "upper"]].to_numpy(float), atol=1e-9,
                               equal_nan=True)
    assert np.isfinite(got).sum() > 2000  # most limits are reached: the comparison is not vacuous


def test_clustered_variance_is_carried_forward_exactly_at_censoring_only_times():
    samples = pd.read_csv(RESULTS / "km_clustered_samples.csv")
    checked = 0
    for _, d in samples.groupby("sample"):
        res = kaplan_meier(d["time"], d["event"], clusters=d["id"])
        if res.variance != VARIANCE_ROBUST:
            continue
        tab = res.table
        se = tab["std_err"].to_numpy()
        censor_only = (tab["events"] == 0).to_numpy()
        prev = np.r_[0.0, se[:-1]]
        # bit-for-bit: the standard error (and so the bands) repeats where nothing happened
        assert np.array_equal(se[censor_only], prev[censor_only])
        checked += censor_only[1:].sum()
    assert checked > 500


def _reference_logrank():
    samples = pd.read_csv(RESULTS / "logrank_clustered_samples.csv")
    expected = pd.read_csv(RESULTS / "logrank_clustered.csv")
    return dict(tuple(samples.groupby("sample"))), expected


def test_clustered_logrank_equals_r_robust_score_test():
    # R: coxph(Surv(time, event) ~ group, data = d, cluster = id)$rscore   (summary(): "Robust = ")
    #    survdiff(Surv(time, event) ~ group, data = d)$chisq   where every patient has one episode
    by_sample, expected = _reference_logrank()
    n_robust = 0
    for row in expected.itertuples(index=False):
        d = by_sample[row.sample]
        res = logrank(d["time"], d["event"], d["group"], clusters=d["id"])
        if row.clustered:
            assert res.method == METHOD_ROBUST_SCORE and res.robust
            assert res.chi2 == pytest.approx(row.robust_score, rel=1e-9, abs=1e-10)
            assert res.df == row.robust_df
            n_robust += 1
        else:
            assert res.method == METHOD_LOGRANK and not res.robust
            assert res.chi2 == pytest.approx(row.survdiff_chisq, rel=1e-9, abs=1e-10)
            assert res.df == row.survdiff_df
        # without clusters it is always survdiff's
        plain = logrank(d["time"], d["event"], d["group"])
        assert plain.chi2 == pytest.approx(row.survdiff_chisq, rel=1e-9, abs=1e-10)
        assert plain.method == METHOD_LOGRANK
        assert res.to_frame()["method"].iloc[0] == res.method
    assert n_robust >= 40


def test_clustered_logrank_p_value_is_chi_square_tail():
    from scipy import stats
    by_sample, expected = _reference_logrank()
    row = expected[expected["clustered"]].iloc[0]
    d = by_sample[row["sample"]]
    res = logrank(d["time"], d["event"], d["group"], clusters=d["id"])
    assert res.p_value == pytest.approx(stats.chi2.sf(row["robust_score"], row["robust_df"]), rel=1e-8)


def test_logrank_clusters_validation():
    from analysis.errors import AnalysisError
    with pytest.raises(AnalysisError, match="one value per observation"):
        logrank([1, 2, 3], [1, 0, 1], ["a", "b", "a"], clusters=[1, 2])
    with pytest.raises(AnalysisError, match="patient identifier"):
        logrank([1, 2, 3], [1, 0, 1], ["a", "b", "a"], clusters=[1, None, 2])


def _repeat_dataset():
    """Patients with two courses each, some of both treatments: the comparison is clustered."""
    rng = np.random.default_rng(5)
    rows, trt = [], []
    for i in range(30):
        pid = f"P{i}"
        for start, treatment in ((0.0, "ketamine_iv"), (100.0, "ketamine_iv" if i % 3 else "physical_therapy")):
            rows.append((pid, start, 8.0))
            rows.append((pid, start + 1, 4.0))
            last = rng.integers(5, 80)
            rows.append((pid, start + last, 4.0 if rng.random() < 0.4 else 7.5))
            trt.append((pid, start, treatment if i % 2 else "physical_therapy"))
    a = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")
    t = pd.DataFrame(trt, columns=["patient_id", "day", "treatment"])
    return Dataset.from_frames(a, t)


def test_summary_names_the_log_rank_method_and_the_real_confidence_level():
    s = summarize(_repeat_dataset(), Definitions(conf_level=0.9))
    doc = s.to_dict()
    assert doc["logrank"]["method"] == METHOD_ROBUST_SCORE
    text = s.to_text()
    assert "90% CI" in text and "95% CI" not in text
    assert "90% confidence intervals" in text
    assert METHOD_ROBUST_SCORE in text
    assert "97.5% CI" in summarize(_repeat_dataset(), Definitions(conf_level=0.975)).to_text()
