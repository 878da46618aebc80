"""On the demo cohort, the estimates agree with the generator's true parameters within their intervals.

The truths in data/demo/TRUTH.json come from a 1,000,000-patient Monte Carlo of the generator's
latent model, computed with the generator's own simple code (not with analysis/). Relief-duration
truths are the "Kaplan-Meier at visits" ones: loss of relief is only seen at a visit, so the observed
curve is compared with the curve of the same visit process, not with the latent continuous time.

About 30 truths are checked against one seeded cohort. At 95% each, one or two would miss by
chance alone (with seed 2026, ketamine_iv survival at day 56 does: truth 0.113, 95% CI 0.118-0.207;
on a 20,000-patient cohort the estimate is 0.120, CI 0.112-0.128). So this family of checks uses
99% intervals: a systematic error of the size of a 95% interval's half-width would still fail.
"""
import json
from pathlib import Path

import pytest

from analysis import load_dataset
from analysis.definitions import Definitions
from analysis.duration import relief_duration
from analysis.episodes import build_episodes
from analysis.relief import immediate_relief, responder_rate

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
TRUTH = json.loads((DEMO / "TRUTH.json").read_text())
TREATMENTS = ["ketamine_iv", "ketamine_booster", "physical_therapy"]


@pytest.fixture(scope="module")
def episodes():
    return build_episodes(load_dataset(DEMO), Definitions(conf_level=0.99))


def inside(row, truth):
    return row["ci_low"] <= truth <= row["ci_high"], f"truth {truth} outside [{row['ci_low']:.4f}, {row['ci_high']:.4f}] (estimate {row['estimate']:.4f})"


def by_treatment(table):
    return table.set_index("treatment")


def test_demo_loads_with_zero_exclusions():
    ds = load_dataset(DEMO)
    assert ds.report.rows_excluded == 0 and len(ds.report.exclusions) == 0
    assert ds.patients["patient_id"].nunique() == TRUTH["generated"]["patients"]


@pytest.mark.parametrize("treatment", TREATMENTS)
def test_immediate_relief_and_responders_cover_truth(episodes, treatment):
    truth = TRUTH["treatments"][treatment]["immediate"]
    ok, msg = inside(by_treatment(immediate_relief(episodes)).loc[treatment], truth["mean_relief_pct"])
    assert ok, msg
    for thr in (30, 50):
        ok, msg = inside(by_treatment(responder_rate(episodes, thr)).loc[treatment], truth[f"responder_rate_{thr}"])
        assert ok, f"threshold {thr}: {msg}"


@pytest.mark.parametrize("treatment", TREATMENTS)
@pytest.mark.parametrize("week", [1, 4, 8])
def test_weekly_responder_rate_covers_truth(episodes, treatment, week):
    truth = TRUTH["treatments"][treatment]["by_week"][str(week)]["responder_rate_30"]
    ok, msg = inside(by_treatment(responder_rate(episodes, 30, week=week)).loc[treatment], truth)
    assert ok, msg


@pytest.mark.parametrize("treatment", TREATMENTS)
def test_relief_duration_covers_truth(episodes, treatment):
    truth = TRUTH["treatments"][treatment]["relief_duration"]["threshold_30"]["kaplan_meier_at_visits"]
    r = relief_duration(episodes)
    s = r.survival_at([28.0, 56.0]).set_index(["treatment", "time"])
    for day in (28, 56):
        ok, msg = inside(s.loc[(treatment, float(day))], truth["survival"][str(day)])
        assert ok, f"day {day}: {msg}"
    m = r.medians().set_index("treatment").loc[treatment]
    assert m["ci_low"] <= truth["median_days"] <= m["ci_high"]
