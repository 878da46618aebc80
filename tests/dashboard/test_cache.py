"""The dashboard's cache layer (dashboard/cache.py) returns exactly what the analysis API computes.

The cache shares work between analyses (episodes of several measures built together, the weekly rows
and their grouping reused across thresholds, results cached without the definitions they do not read);
each wrapper is compared here with the plain analysis calls, bitwise, for two thresholds.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import cohort, duration, relief, secondary
from analysis.present import empty, groups
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.load import load_dataset

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
BY = ("treatment",)
FILTERS = {"sex": ["F"]}


@pytest.fixture(scope="module")
def demo():
    return load_dataset(ROOT / "data" / "demo")


@pytest.fixture(scope="module")
def cache():
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from dashboard import cache as c

    return c


def same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], check_exact=True, obj=k)
        elif k in ("spread", "result"):
            pd.testing.assert_frame_equal(a[k].curves(), b[k].curves(), check_exact=True, obj=k)
        else:
            assert a[k] == b[k], k


@pytest.mark.parametrize("threshold", [30.0, 50.0])
def test_episodes_of_several_measures_come_from_one_build(cache, demo, threshold):
    d = Definitions(threshold=threshold, max_followup_days=120.0)
    for m in ("phq9", "regions_affected"):
        dm = d.replace(measure=m)
        got = cache.episodes("t:" + demo.report.fingerprint, demo, dm, ("phq9", "regions_affected"))
        ref = build_episodes(demo, dm)
        pd.testing.assert_frame_equal(got.table, ref.table, check_exact=True)
        pd.testing.assert_frame_equal(got.followup, ref.followup, check_exact=True)
        assert got.definitions == dm
    with pytest.raises(ValueError):
        cache.episodes("t:" + demo.report.fingerprint, demo, d.replace(measure="gad7"), ("phq9", "regions_affected"))


@pytest.mark.parametrize("threshold", [30.0, 50.0])
def test_secondary_measure_equals_the_analyses(cache, demo, threshold):
    key = "t:" + demo.report.fingerprint
    d = Definitions(threshold=threshold, thresholds=(30.0, 50.0, threshold), min_cell_size=3)
    for m in ("phq9", "regions_affected", "css"):
        dm = d.replace(measure=m)
        ep = build_episodes(demo, dm)
        ref = {"sizes": groups.group_sizes(ep, BY, FILTERS), "lower_is_better": ep.lower_is_better,
               "selection": empty.selection_counts(ep, FILTERS), "scores": secondary.score_over_time(ep, BY, FILTERS)}
        if m in secondary.REMISSION_BELOW:
            ref["remission"] = secondary.remission_over_time(ep, by=BY, filters=FILTERS)
        if m in secondary.RESPONSE_PCT:
            ref["response"] = relief.relief_over_time(ep, BY, FILTERS, threshold=secondary.RESPONSE_PCT[m])
        if m == "regions_affected":
            res = duration.time_to_spread(ep, BY, FILTERS)
            ref["spread"], ref["spread_medians"] = res, res.medians()
        same(cache.secondary_measure(key, demo, dm, BY, FILTERS, (m, "regions_affected")), ref)


@pytest.mark.parametrize("threshold", [30.0, 50.0])
def test_over_time_and_overview_equal_the_analyses(cache, demo, threshold):
    key = "t:" + demo.report.fingerprint
    d = Definitions(threshold=threshold, thresholds=(30.0, 50.0, threshold))
    ep = build_episodes(demo, d)
    same(cache.over_time(key, demo, d, BY, FILTERS), {
        "sizes": groups.group_sizes(ep, BY, FILTERS),
        "weekly": relief.relief_over_time(ep, BY, FILTERS),
        "attrition": relief.attrition(ep, BY, FILTERS),
        "sensitivity": relief.responder_sensitivity(ep, BY, FILTERS),
    })
    t1 = cohort.cohort_summary(ep, group="sex", filters=FILTERS)
    same(cache.overview(key, demo, d, "sex", FILTERS), {
        "table1": t1, "table1_wide": cohort.table1_wide(t1),
        "sizes": groups.group_sizes(ep, ("sex",), FILTERS, included_only=False),
        "exclusions": groups.episode_exclusion_counts(ep, FILTERS),
        "treatments": groups.treatment_counts(ep, FILTERS),
    })
    res = cache.pain_relief(key, demo, d, BY, FILTERS, 4)
    same({k: res[k] for k in ("immediate", "rates", "cumulative")}, {
        "immediate": relief.immediate_relief(ep, BY, FILTERS),
        "rates": relief.responder_rates(ep, by=BY, filters=FILTERS),
        "cumulative": relief.cumulative_responders(ep, BY, FILTERS, week=4),
    })


def test_secondary_page_switches_measure():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("content/secondary.py").run()
    assert not at.exception
    assert at.selectbox(key="sec_measure").value == "phq9"
    at.selectbox(key="sec_measure").set_value("gad7").run()
    assert not at.exception
    assert at.selectbox(key="sec_measure").value == "gad7"
    assert len(at.get("plotly_chart")) >= 4
