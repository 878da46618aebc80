"""The paths that share work between analyses give the same results, bitwise, as computing each
analysis on its own (issue 6, registry scale): episodes of several measures built in one pass, the
exact time ranks, the covariate look-up, grouped means, the shared grouping of weekly rows, the
``selected=`` / ``weekly=`` / ``groups=`` arguments and the per-group rows of survival results.

Each test compares with the straightforward computation the fast path replaced (written out here),
with ``assert_frame_equal(check_exact=True)``.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import relief, secondary
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import relief_duration, relief_duration_data, time_to_increase_data, time_to_spread
from analysis.episodes import (MISSING_LABEL, _asof_backward, _patient_columns, _time_ranks, apply_filters,
                               build_episodes, build_episodes_by_measure, group_labels)
from analysis.intervals import (_Groups, grouping, grouping_from_codes, mean_ci_table, proportion_ci_table)
from analysis.load import load_dataset
from analysis.relief import _group_means, select, weekly_episode_relief, weekly_grouping
from analysis.summary import summarize
from analysis.present.groups import group_sizes

ROOT = Path(__file__).resolve().parents[2]
MEASURES = ["pain_nrs", "phq9", "regions_affected", "gad7"]


@pytest.fixture(scope="module")
def demo():
    return load_dataset(ROOT / "data" / "demo")


@pytest.fixture(scope="module")
def demo_episodes(demo):
    return build_episodes(demo)


def assert_same_episodes(a, b):
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    pd.testing.assert_frame_equal(a.followup, b.followup, check_exact=True)
    assert a.definitions == b.definitions and a.covariates == b.covariates


def small_cohort(categorical: bool = True) -> Dataset:
    """Three measures with different visits; edge cases: a treated patient without any score (Z), two
    courses on the same day (A), a score on the next start day, a measure missing for a patient (B has
    no phq9), a zero baseline (C's phq9), covariates of several dtypes, and a patient not treated (Y)."""
    rows = [
        ("A", -3, "pain_nrs", 8), ("A", -3, "phq9", 12), ("A", 1, "pain_nrs", 4), ("A", 1, "phq9", 9),
        ("A", 10, "regions_affected", 2), ("A", 30, "pain_nrs", 7), ("A", 30, "phq9", 11), ("A", 31, "pain_nrs", 2),
        ("A", 45.5, "phq9", 4), ("A", 200, "pain_nrs", 1),
        ("B", -1, "pain_nrs", 6), ("B", -1, "regions_affected", 1), ("B", 2, "pain_nrs", 3),
        ("B", 9, "regions_affected", 3), ("B", 15, "pain_nrs", 5),
        ("C", 0, "phq9", 0), ("C", 0, "pain_nrs", 9), ("C", 3, "phq9", 2), ("C", 3, "pain_nrs", 5),
        ("Y", 0, "pain_nrs", 5),
    ]
    a = pd.DataFrame(rows, columns=["patient_id", "day", "measure", "value"])
    t = pd.DataFrame({"patient_id": ["C", "A", "A", "A", "B", "Z"], "day": [0.0, 30.0, 0.0, 30.0, 0.0, 5.0],
                      "treatment": ["scs", "ketamine_booster", "ketamine_iv", "physical_therapy", "ketamine_iv",
                                    "scs"]})
    p = pd.DataFrame({"patient_id": ["A", "B", "C", "Y", "Z"], "sex": ["F", None, "M", "F", "M"],
                      "age": [40, 51, 33, 70, 28], "smoker": [True, False, False, True, False],
                      "site": pd.Categorical(["x", "y", "x", "y", "y"]),
                      "months": [3.0, np.nan, 12.0, 1.0, 7.0]})
    ds = Dataset.from_frames(a, t, p)
    if not categorical:
        obj = ds.assessments.astype({"patient_id": object, "measure": object})
        ds = replace(ds, long_assessments=obj)
    return ds


# ------------------------------------------------------------------------------------------ episodes
@pytest.mark.parametrize("categorical", [True, False])
@pytest.mark.parametrize("d", [Definitions(), Definitions(first_episode_only=True, baseline_window_days=2.0,
                                                          max_followup_days=20.0, immediate_window_days=1.0)])
def test_episodes_of_several_measures_in_one_pass_equal_one_build_per_measure(categorical, d):
    ds = small_cohort(categorical)
    measures = ["phq9", "pain_nrs", "regions_affected", "css"]   # css: no scores at all
    together = build_episodes_by_measure(ds, d, measures)
    assert list(together) == measures
    for m in measures:
        assert_same_episodes(together[m], build_episodes(ds, d.replace(measure=m)))


def test_categorical_and_object_long_tables_give_the_same_episodes():
    for m in ["pain_nrs", "phq9"]:
        d = Definitions(measure=m)
        assert_same_episodes(build_episodes(small_cohort(True), d), build_episodes(small_cohort(False), d))


def test_unsorted_categories_take_the_sorting_path():
    ds = small_cohort(True)
    a = ds.assessments.copy()
    a["patient_id"] = a["patient_id"].cat.reorder_categories(sorted(a["patient_id"].cat.categories, reverse=True))
    other = replace(ds, long_assessments=a)
    for m in ["pain_nrs", "regions_affected"]:
        d = Definitions(measure=m)
        assert_same_episodes(build_episodes(other, d), build_episodes(ds, d))


def test_episodes_by_measure_on_the_demo_cohort(demo):
    for d in (Definitions(), Definitions(first_episode_only=True, max_followup_days=90.0)):
        together = build_episodes_by_measure(demo, d, MEASURES)
        for m in MEASURES:
            assert_same_episodes(together[m], build_episodes(demo, d.replace(measure=m)))
    assert build_episodes_by_measure(demo, Definitions(measure="gad7"))["gad7"].definitions.measure == "gad7"


def test_time_ranks_are_the_ranks_in_the_sorted_union():
    rng = np.random.default_rng(6)
    a = np.round(rng.normal(0, 50, 500), 1)
    b = np.concatenate([np.round(rng.normal(0, 50, 2000), 1), [0.0, -0.0, 1e-300, -1e-300]])
    grid = np.unique(np.concatenate([a, b]))
    ra, rb = _time_ranks(a, b)
    np.testing.assert_array_equal(ra, np.searchsorted(grid, a))
    np.testing.assert_array_equal(rb, np.searchsorted(grid, b))
    assert ra.dtype == np.int64 and rb.dtype == np.int64
    assert rb[-4] == rb[-3]    # 0.0 and -0.0 are the same time


def test_covariates_by_position_equal_the_merge():
    ds = small_cohort()
    ep = ds.treatments[["patient_id"]].sort_values("patient_id").reset_index(drop=True)
    ep["start"] = 0.0
    covs = [c for c in ds.patients.columns if c != "patient_id"]
    merged = ep.merge(ds.patients, on="patient_id", how="left")[covs]
    pd.testing.assert_frame_equal(_patient_columns(ep, ds.patients, covs), merged, check_exact=True)
    # Not a plain look-up: the caller merges instead.
    twice = pd.concat([ds.patients, ds.patients.iloc[:1]], ignore_index=True)
    assert _patient_columns(ep, twice, covs) is None
    assert _patient_columns(ep, ds.patients.iloc[1:], covs) is None
    assert _patient_columns(ep, ds.patients.rename(columns={"age": "start"}), ["sex", "start"]) is None


def test_covariates_from_the_patient_codes_equal_the_merge():
    ds = small_cohort()
    ep = ds.treatments[["patient_id"]].sample(frac=1.0, random_state=3).reset_index(drop=True)
    covs = [c for c in ds.patients.columns if c != "patient_id"]
    merged = ep.merge(ds.patients, on="patient_id", how="left")[covs]
    ids = pd.Index(ds.patients["patient_id"].to_numpy())
    codes = ids.get_indexer(ep["patient_id"]).astype(np.int64)
    # the patients table in the categories' order: the codes are the positions
    pd.testing.assert_frame_equal(_patient_columns(ep, ds.patients, covs, ids, codes), merged, check_exact=True)
    # another order, or codes of patients outside the categories: looked up by identifier instead
    shuffled = ds.patients.iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(_patient_columns(ep, shuffled, covs, ids, codes), merged, check_exact=True)
    beyond = codes.copy()
    beyond[0] = len(ids)
    pd.testing.assert_frame_equal(_patient_columns(ep, ds.patients, covs, ids, beyond), merged, check_exact=True)


def test_covariate_merge_fallback_gives_the_same_episodes():
    ds = small_cohort()
    # A patient listed twice in patients: the merge repeats that patient's episodes, as it always did.
    p = pd.concat([ds.patients, ds.patients.iloc[[0]]], ignore_index=True)
    ep = build_episodes(replace(ds, patients=p))
    base = build_episodes(replace(ds, patients=ds.patients[["patient_id"]]))
    expected = base.table.merge(p, on="patient_id", how="left")
    pd.testing.assert_frame_equal(ep.table, expected, check_exact=True)


# ------------------------------------------------------------------------------------------ grouped means
@pytest.mark.parametrize("seed", range(8))
def test_group_means_equal_pandas_groupby_mean_bitwise(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4000))
    key = rng.integers(0, max(1, n // int(rng.integers(1, 40))), n)
    if seed % 2 == 0:
        key = np.sort(key)
    values = rng.normal(0, 1, n) * 10.0 ** rng.integers(-6, 7, n)
    values[rng.random(n) < 0.05] = np.nan
    if seed % 3 == 0:
        values[rng.integers(0, n, 3)] = np.inf
        values[rng.integers(0, n, 2)] = -np.inf
    expected = pd.Series(values).groupby(key, sort=True).mean()
    keys, means = _group_means(key, values)
    np.testing.assert_array_equal(keys, expected.index.to_numpy())
    np.testing.assert_array_equal(means, expected.to_numpy())


def test_group_means_of_nothing():
    keys, means = _group_means(np.zeros(0, dtype=np.int64), np.zeros(0))
    assert len(keys) == 0 and len(means) == 0


# ------------------------------------------------------------------------------------------ selection
def reference_select(episodes, by, filters, included_only=True):
    """``select`` as it was written before (filter, included, labels joined at the end)."""
    t = apply_filters(episodes.table, filters)
    if included_only:
        t = t[t["included"]]
    by = list(by)
    labels = group_labels(t, by)
    return t.drop(columns=by).join(labels) if by else t.copy()


@pytest.mark.parametrize("by", [("treatment",), ("sex", "treatment"), ()])
@pytest.mark.parametrize("filters", [None, {"sex": ["F", MISSING_LABEL]}, {"treatment": ["ketamine_iv"]}])
@pytest.mark.parametrize("included_only", [True, False])
def test_select_equals_filtering_then_labelling(demo_episodes, by, filters, included_only):
    pd.testing.assert_frame_equal(select(demo_episodes, by, filters, included_only),
                                  reference_select(demo_episodes, by, filters, included_only), check_exact=True)


def test_select_labels_missing_covariates():
    ep = build_episodes(small_cohort())
    out = select(ep, ("sex",), included_only=False)
    pd.testing.assert_frame_equal(out, reference_select(ep, ("sex",), None, False), check_exact=True)
    assert MISSING_LABEL in set(out["sex"])


# ------------------------------------------------------------------------------------------ groupings
def assert_same_groups(a: _Groups, b: _Groups):
    for name in ("gid", "unit_of_row", "unit_group", "unit_n", "n", "n_units", "clustered", "unit_start"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    pd.testing.assert_frame_equal(a.keys, b.keys, check_exact=True)


@pytest.mark.parametrize("by", [("treatment",), ("treatment", "sex"), ()])
def test_weekly_grouping_equals_grouping_the_weekly_rows(demo, demo_episodes, by):
    w = weekly_episode_relief(demo_episodes, by)
    assert_same_groups(weekly_grouping(w, by), grouping(w, [*by, "week"], "patient_id"))
    scores = secondary.weekly_episode_scores(build_episodes(demo, Definitions(measure="phq9")), by)
    assert_same_groups(weekly_grouping(scores, by), grouping(scores, [*by, "week"], "patient_id"))


def test_grouping_from_any_codes_equals_grouping():
    rng = np.random.default_rng(3)
    n = 3000
    df = pd.DataFrame({"g": rng.choice(["b", "a", None, "c"], n), "x": rng.integers(0, 4, n).astype(float),
                       "patient_id": rng.integers(0, 400, n).astype(str)})
    df.loc[rng.random(n) < 0.1, "x"] = np.nan
    codes = pd.factorize(df["g"].astype(str) + "/" + df["x"].astype(str))[0] * 7 + 11    # any numbering
    assert_same_groups(grouping_from_codes(df, ["g", "x"], "patient_id", codes),
                       grouping(df, ["g", "x"], "patient_id"))


def test_dense_and_sorted_unit_ranks_agree():
    """The bitmap ranks of (group, patient) units equal np.unique's (the path for a large code space)."""
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"g": rng.integers(0, 30, 5000), "patient_id": rng.integers(0, 2000, 5000)})
    codes = pd.factorize(df["patient_id"])[0]
    dense = _Groups(df, ["g"], "patient_id", cluster_codes=codes)
    # The same order of patients, spread over a code space too large for a bitmap: sorted with np.unique.
    sparse = _Groups(df, ["g"], "patient_id", cluster_codes=codes * 1_000_003)
    assert_same_groups(dense, sparse)
    _, inverse = np.unique(dense.gid * (codes.max() + 1) + codes, return_inverse=True)
    np.testing.assert_array_equal(dense.unit_of_row, inverse.ravel())


def test_shared_groups_give_the_same_tables(demo_episodes):
    w = weekly_episode_relief(demo_episodes, ("treatment",))
    keys = ["treatment", "week"]
    g = weekly_grouping(w, ("treatment",))
    for method in ("cluster-robust", "bootstrap"):
        kw = {"cluster": "patient_id", "method": method, "n_bootstrap": 50}
        pd.testing.assert_frame_equal(mean_ci_table(w, "relief_pct", keys, groups=g, **kw),
                                      mean_ci_table(w, "relief_pct", keys, **kw), check_exact=True)
        flags = w.assign(r=w["relief_pct"] >= 30)
        pd.testing.assert_frame_equal(proportion_ci_table(flags, "r", keys, groups=g, **kw),
                                      proportion_ci_table(flags, "r", keys, **kw), check_exact=True)
    # Rows dropped for a missing value, or another grouping: the shared one is not used.
    gaps = w.assign(relief_pct=w["relief_pct"].where(w["week"] != 3))
    pd.testing.assert_frame_equal(mean_ci_table(gaps, "relief_pct", keys, "patient_id", groups=g),
                                  mean_ci_table(gaps, "relief_pct", keys, "patient_id"), check_exact=True)
    pd.testing.assert_frame_equal(mean_ci_table(w, "relief_pct", ["week"], "patient_id", groups=g),
                                  mean_ci_table(w, "relief_pct", ["week"], "patient_id"), check_exact=True)


def test_missing_cluster_identifier_is_still_an_error(demo_episodes):
    from analysis.errors import AnalysisError

    w = weekly_episode_relief(demo_episodes, ("treatment",))
    w.loc[5, "patient_id"] = None
    with pytest.raises(AnalysisError, match="cluster column 'patient_id' has missing values"):
        mean_ci_table(w, "relief_pct", ["treatment"], "patient_id")
    # weekly_grouping reads the patient of each episode once (the rows of an episode share it).
    w.loc[w["episode_id"] == w.loc[5, "episode_id"], "patient_id"] = None
    with pytest.raises(AnalysisError, match="cluster column 'patient_id' has missing values"):
        weekly_grouping(w, ("treatment",))


# ------------------------------------------------------------------------------------------ passing results on
@pytest.mark.parametrize("by", [("treatment",), ("treatment", "sex")])
@pytest.mark.parametrize("filters", [None, {"sex": ["F"]}])
def test_selected_weekly_and_groups_arguments_change_nothing(demo, demo_episodes, by, filters):
    ep = demo_episodes
    sel = select(ep, by, filters)
    w = weekly_episode_relief(ep, by, filters)
    g = weekly_grouping(w, by)
    same = [
        (relief.immediate_relief(ep, by, filters, selected=sel), relief.immediate_relief(ep, by, filters)),
        (relief.responder_rates(ep, by=by, filters=filters, selected=sel),
         relief.responder_rates(ep, by=by, filters=filters)),
        (relief.responder_rate(ep, 40.0, by, filters, week=4, weekly=w),
         relief.responder_rate(ep, 40.0, by, filters, week=4)),
        (relief.responder_rate(ep, 40.0, by, filters, week=4, selected=sel),
         relief.responder_rate(ep, 40.0, by, filters, week=4)),
        (relief.cumulative_responders(ep, by, filters, selected=sel), relief.cumulative_responders(ep, by, filters)),
        (relief.cumulative_responders(ep, by, filters, week=2, selected=sel),
         relief.cumulative_responders(ep, by, filters, week=2)),
        (weekly_episode_relief(ep, by, filters, selected=sel), w),
        (weekly_episode_relief(ep, by, filters, weeks=[4, 8], selected=sel)
         .query("week == 8").reset_index(drop=True), w[w["week"] == 8].reset_index(drop=True)),
        (relief.relief_over_time(ep, by, filters, weekly=w, groups=g), relief.relief_over_time(ep, by, filters)),
        (relief.relief_over_time(ep, by, filters, selected=sel), relief.relief_over_time(ep, by, filters)),
        (relief.responder_sensitivity(ep, by, filters, weekly=w, groups=g, selected=sel),
         relief.responder_sensitivity(ep, by, filters)),
        (relief.attrition(ep, by, filters, weekly=w, selected=sel), relief.attrition(ep, by, filters)),
        (group_sizes(ep, by, filters, selected=sel), group_sizes(ep, by, filters)),
        (relief_duration_data(ep, by, filters, selected=sel), relief_duration_data(ep, by, filters)),
        (relief_duration(ep, by, filters, selected=sel).medians(), relief_duration(ep, by, filters).medians()),
    ]
    phq = build_episodes(demo, Definitions(measure="phq9"))
    psel = select(phq, by, filters)
    ws = secondary.weekly_episode_scores(phq, by, filters)
    gs = weekly_grouping(ws, by)
    regions = build_episodes(demo, Definitions(measure="regions_affected"))
    rsel = select(regions, by, filters)
    same += [
        (secondary.weekly_episode_scores(phq, by, filters, selected=psel), ws),
        (secondary.score_over_time(phq, by, filters, weekly=ws, groups=gs),
         secondary.score_over_time(phq, by, filters)),
        (secondary.remission_over_time(phq, by=by, filters=filters, weekly=ws, groups=gs),
         secondary.remission_over_time(phq, by=by, filters=filters)),
        (time_to_increase_data(regions, by, filters, selected=rsel), time_to_increase_data(regions, by, filters)),
        (time_to_spread(regions, by, filters, selected=rsel).curves(), time_to_spread(regions, by, filters).curves()),
    ]
    for fast, plain in same:
        pd.testing.assert_frame_equal(fast, plain, check_exact=True)


def reference_weekly_scores(episodes, by=("treatment",), filters=None):
    """``weekly_episode_scores`` as it was written before (groupby on the pair, concat, merge)."""
    t = select(episodes, by, filters)
    fu = episodes.followup
    fu = fu[fu["episode_id"].isin(t["episode_id"])]
    week = np.ceil(fu["t"].to_numpy() / 7.0).astype(np.int64)
    w = (pd.DataFrame({"episode_id": fu["episode_id"].to_numpy(), "week": week, "score": fu["value"].to_numpy()})
         .groupby(["episode_id", "week"], sort=True, as_index=False)["score"].mean())
    base = pd.DataFrame({"episode_id": t["episode_id"].to_numpy(), "week": 0, "score": t["baseline"].to_numpy()})
    w = pd.concat([base, w], ignore_index=True)
    w = w.merge(t[["episode_id", "patient_id", "baseline", *list(by)]], on="episode_id", how="left")
    w["change"] = w["score"] - w["baseline"]
    return w


def reference_weekly_relief(episodes, by=("treatment",), filters=None):
    """``weekly_episode_relief`` as a plain groupby and merge."""
    t = select(episodes, by, filters)
    fu = episodes.followup
    fu = fu[fu["episode_id"].isin(t["episode_id"])]
    w = (fu.assign(week=np.ceil(fu["t"].to_numpy() / 7.0).astype(np.int64))
         .groupby(["episode_id", "week"], sort=True, as_index=False)["relief_pct"].mean())
    return w.merge(t[["episode_id", "patient_id", *list(by)]], on="episode_id", how="left")


@pytest.mark.parametrize("by", [("treatment",), ("sex",), ()])
def test_weekly_tables_equal_the_plain_groupby(demo, demo_episodes, by):
    pd.testing.assert_frame_equal(weekly_episode_relief(demo_episodes, by),
                                  reference_weekly_relief(demo_episodes, by), check_exact=True)
    phq = build_episodes(demo, Definitions(measure="phq9"))
    pd.testing.assert_frame_equal(secondary.weekly_episode_scores(phq, by), reference_weekly_scores(phq, by),
                                  check_exact=True)


def test_survival_groups_rows_equal_the_rows_matching_the_key(demo_episodes):
    res = relief_duration(demo_episodes, ("treatment", "sex"))
    assert res.group_rows
    for key in res.fits:
        mask = np.ones(len(res.data), dtype=bool)
        for col, val in zip(res.by, key):
            mask &= (res.data[col] == val).to_numpy()
        pd.testing.assert_frame_equal(res._group_rows(key), res.data[mask], check_exact=True)


def test_summary_on_a_dataset_equals_summary_on_its_episodes(demo, demo_episodes):
    for by in (("treatment",), ("treatment", "sex"), ()):
        a = summarize(demo, by=by)
        b = summarize(demo_episodes, by=by)
        pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
        assert a.to_text() == b.to_text()


def _asof_by_definition(left_key, left_time, right_key, right_time, allow_exact, tolerance=None):
    out = np.full(len(left_key), -1, dtype=np.int64)
    for i, (k, t) in enumerate(zip(left_key, left_time)):
        best = -1
        for j, (rk, rt) in enumerate(zip(right_key, right_time)):
            if rk == k and (rt <= t if allow_exact else rt < t) and (best < 0 or rt >= right_time[best]):
                best = j                # the latest time; among equal times the last row
        if best >= 0 and (tolerance is None or t - right_time[best] <= tolerance):
            out[i] = best
    return out


@pytest.mark.parametrize("left_sorted", [False, True])
@pytest.mark.parametrize("allow_exact", [False, True])
def test_asof_backward_is_the_last_earlier_row_of_the_same_key(left_sorted, allow_exact):
    # Many left rows and few right rows, with ties in time: sorted left rows take the counting path.
    rng = np.random.default_rng(12)
    left_key, left_time = rng.integers(0, 6, 400), rng.integers(-5, 30, 400).astype(float)
    right_key, right_time = rng.integers(0, 7, 60), rng.integers(-5, 30, 60).astype(float)
    if left_sorted:
        order = np.lexsort((left_time, left_key))
        left_key, left_time = left_key[order], left_time[order]
    for tolerance in (None, 4.0):
        got = _asof_backward(left_key, left_time, right_key, right_time, allow_exact, tolerance)
        want = _asof_by_definition(left_key, left_time, right_key, right_time, allow_exact, tolerance)
        np.testing.assert_array_equal(got, want)
        # the other direction: few left rows among many right rows
        got = _asof_backward(right_key, right_time, left_key, left_time, allow_exact, tolerance)
        want = _asof_by_definition(right_key, right_time, left_key, left_time, allow_exact, tolerance)
        np.testing.assert_array_equal(got, want)
