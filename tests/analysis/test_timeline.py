"""One patient's timeline (issue 14, item 2): the derivation checked by hand and against the whole-dataset
episodes, and the figure built from it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis.definitions import Definitions
from analysis.duration import relief_duration_data
from analysis.episodes import build_episodes
from analysis.errors import AnalysisError
from analysis.load import load_dataset
from analysis.relief import select
from analysis.timeline import episode_display_table, patient_ids, patient_timeline

ROOT = Path(__file__).resolve().parents[2]

# P1: course 1 (ketamine_iv, day 0): baseline 8 on day -1; day 1: 2 (75% relief, responder); day 14: 4 (50%);
# day 30: 7 (12.5% < 30%: relief lost on day 30). Course 2 (booster, day 60, dose 0.5): baseline 6 on day 59;
# day 61: 5 (16.7%: not a responder); day 70: 3. Other patients are there so that the derivation must pick P1.
FILES = {
    "assessments.csv": (
        "patient_id,day,pain_nrs,phq9\n"
        "P1,-1,8,12\nP1,1,2,\nP1,14,4,10\nP1,30,7,\nP1,59,6,11\nP1,61,5,\nP1,70,3,9\n"
        "P2,-2,9,\nP2,1,1,\nP2,20,2,\n"
        "P3,0,5,\n"
    ),
    "treatments.csv": (
        "patient_id,day,treatment,dose_mg_per_kg\n"
        "P1,0,ketamine_iv,\nP1,60,ketamine_booster,0.5\nP2,0,ketamine_iv,0.3\n"
    ),
    "patients.csv": "patient_id,site\nP1,SITE_ZQX\nP2,SITE_ZQX\nP3,SITE_ZQY\n",
}


@pytest.fixture
def ds(load):
    return load(FILES)


def test_hand_worked_patient(ds):
    tl = patient_timeline(ds, Definitions(), "P1")
    assert tl.patient_id == "P1"
    assert tl.measures["measure"].tolist() == ["pain_nrs", "phq9"]
    assert tl.measures["n_scores"].tolist() == [7, 4]
    assert tl.measures["label"].iloc[0] == "Pain NRS (0-10)"
    assert (tl.measures["min"].iloc[0], tl.measures["max"].iloc[0]) == (0.0, 10.0)
    c = tl.courses
    assert c["treatment"].tolist() == ["ketamine_iv", "ketamine_booster"]
    assert c["start"].tolist() == [0.0, 60.0]
    assert c["end"].tolist() == [60.0, 60.0 + 182.0]          # next start; then the maximum follow-up
    assert c["details"].tolist() == ["", "dose_mg_per_kg 0.5"]
    e = tl.episodes.set_index("episode")
    assert e.loc[1, "baseline_day"] == -1 and e.loc[1, "baseline"] == 8
    assert e.loc[1, "immediate_day"] == 1 and e.loc[1, "immediate_relief_pct"] == pytest.approx(75.0)
    assert bool(e.loc[1, "responder"])
    assert e.loc[1, "threshold_score"] == pytest.approx(8 * 0.7)
    assert e.loc[1, "loss_day"] == 30 and e.loc[1, "loss_by"] == "score"
    assert e.loc[1, "outcome"] == "relief lost on day 30 (30 days after the start)"
    assert e.loc[2, "baseline_day"] == 59 and e.loc[2, "immediate_relief_pct"] == pytest.approx(100 / 6)
    assert not bool(e.loc[2, "responder"]) and np.isnan(e.loc[2, "loss_day"])
    assert e.loc[2, "outcome"] == "not an immediate responder (relief 17% < 30%)"
    p = tl.points
    assert list(zip(p["episode"], p["kind"], p["day"])) == [
        (1, "baseline", -1), (1, "immediate", 1), (1, "follow-up", 14), (1, "follow-up", 30),
        (1, "follow-up", 59),          # the last score before the next course is a follow-up of the first ...
        (2, "baseline", 59), (2, "immediate", 61), (2, "follow-up", 70)]   # ... and the second's baseline
    assert p["below_threshold"].tolist() == [False, False, False, True, True, False, True, False]


def test_threshold_and_retreatment_follow_the_definitions(ds):
    # At 50%: day 14 (50%) still counts as relief; day 30 loses it.
    e = patient_timeline(ds, Definitions(threshold=50.0), "P1").episodes.set_index("episode")
    assert e.loc[1, "loss_day"] == 30
    # At 80%: 75% immediate relief is no response.
    e = patient_timeline(ds, Definitions(threshold=80.0), "P1").episodes.set_index("episode")
    assert not bool(e.loc[1, "responder"]) and np.isnan(e.loc[1, "loss_day"])
    # P2 keeps relief (1 and 2 vs 9): censored at its last score; with re-treatment as the event nothing
    # changes (no next course).
    e = patient_timeline(ds, Definitions(retreatment_is_event=True), "P2").episodes
    assert np.isnan(e["loss_day"].iloc[0]) and e["censored_day"].iloc[0] == 20
    assert e["outcome"].iloc[0] == "relief kept to the last score, day 20 (censored)"


def test_retreatment_as_loss_of_relief(load):
    files = {"assessments.csv": "patient_id,day,pain_nrs\nR,-1,8\nR,1,2\nR,10,3\nR,40,2\n",
             "treatments.csv": "patient_id,day,treatment\nR,0,ketamine_iv\nR,40,ketamine_booster\n"}
    ds = load(files)
    e = patient_timeline(ds, Definitions(), "R").episodes.set_index("episode")
    assert np.isnan(e.loc[1, "loss_day"]) and e.loc[1, "censored_day"] == 10
    e = patient_timeline(ds, Definitions(retreatment_is_event=True), "R").episodes.set_index("episode")
    assert e.loc[1, "loss_day"] == 40 and e.loc[1, "loss_by"] == "re-treatment"
    assert e.loc[1, "outcome"].startswith("re-treated on day 40")


def test_one_patient_one_course_no_follow_up(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nE1,-1,8\n",
               "treatments.csv": "patient_id,day,treatment\nE1,0,ketamine_iv\n"})
    tl = patient_timeline(ds, Definitions(), "E1")
    e = tl.episodes
    assert len(e) == 1 and e["n_followup"].iloc[0] == 0
    assert e["outcome"].iloc[0] == "no score within the immediate window: not in the relief analyses"
    assert tl.points["kind"].tolist() == ["baseline"]
    fig = figures.patient_timeline_figure(tl)
    assert fig.layout.title.text == "Patient E1"
    assert episode_display_table(tl)["Immediate (day: score, relief)"].tolist() == ["none"]


def test_excluded_episode_and_patient_without_course(ds):
    e = patient_timeline(ds, Definitions(), "P3")
    assert len(e.courses) == 0 and len(e.episodes) == 0 and e.scores["value"].tolist() == [5.0]
    fig = figures.patient_timeline_figure(e)
    assert "No treatment course" in fig.layout.title.subtitle.text


def test_unknown_patient_is_a_clear_error(ds):
    with pytest.raises(AnalysisError, match="No patient 'nobody' in this dataset"):
        patient_timeline(ds, Definitions(), "nobody")
    assert patient_ids(ds) == ["P1", "P2", "P3"]


def test_dataset_without_treatments(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nA,0,5\nA,7,4\n"})
    tl = patient_timeline(ds, Definitions(), "A")
    assert not tl.has_treatments and len(tl.episodes) == 0 and len(tl.points) == 0
    assert tl.scores["day"].tolist() == [0.0, 7.0]
    fig = figures.patient_timeline_figure(tl)
    assert len(fig.data) >= 1


@pytest.fixture(scope="module")
def demo():
    return load_dataset(ROOT / "data" / "demo")


@pytest.mark.parametrize("d", [Definitions(), Definitions(threshold=50.0), Definitions(retreatment_is_event=True),
                               Definitions(first_episode_only=True, immediate_window_days=1.0)])
def test_same_loss_days_as_the_relief_duration_page(demo, d):
    """The timeline derives from one patient's rows; the Relief duration page from the whole dataset."""
    ep = build_episodes(demo, d)
    data = relief_duration_data(ep, (), None, selected=select(ep, ()))
    t = ep.table.set_index("episode_id")
    data = data.assign(start=t.loc[data["episode_id"], "start"].to_numpy())
    rng = np.random.default_rng(14)
    treated = sorted(set(demo.treatments["patient_id"]))
    for pid in rng.choice(treated, size=12, replace=False):
        tl = patient_timeline(demo, d, pid)
        mine = data[data["patient_id"] == pid].sort_values("start")
        whole_loss = (mine["start"] + mine["time"]).where(mine["event"] == 1).to_numpy(float)
        e = tl.episodes[tl.episodes["responder"]].sort_values("start")
        np.testing.assert_allclose(e["loss_day"].to_numpy(float), whole_loss, equal_nan=True)
        # Every episode of the patient, with the same baseline and immediate relief.
        whole = ep.table[ep.table["patient_id"] == pid].sort_values("start")
        np.testing.assert_allclose(tl.episodes["baseline"].to_numpy(float), whole["baseline"].to_numpy(float),
                                   equal_nan=True)
        np.testing.assert_allclose(tl.episodes["immediate_relief_pct"].to_numpy(float),
                                   whole["immediate_relief_pct"].to_numpy(float), equal_nan=True)


def test_figure_escapes_text_and_shows_no_covariate(load):
    files = dict(FILES)
    files["treatments.csv"] = files["treatments.csv"].replace("ketamine_booster", "<b>boost</b>&x")
    tl = patient_timeline(load(files), Definitions(), "P1")
    fig = figures.patient_timeline_figure(tl)
    spec = json.dumps(fig.to_plotly_json(), default=str)
    assert "<b>boost</b>" not in spec and "&lt;b&gt;boost&lt;/b&gt;&amp;x" in spec
    assert "SITE_ZQX" not in spec                      # no covariate anywhere in the chart
    # One lane and one panel per measure, with the measure's label and range.
    titles = [a.text for a in fig.layout.annotations if a.yref == "paper"]
    assert titles[:3] == ["Treatment courses", "Pain NRS (0-10) \u00b7 7 scores", "PHQ-9 depression (0-27) \u00b7 4 scores"]
    assert fig.layout.yaxis2.range[0] < 0 < 10 < fig.layout.yaxis2.range[1]
    # The loss of relief: a dashed line at day 30 in every panel, and its marker on the score.
    loss = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == 30 and s.line.dash == "dash"]
    assert len(loss) == 2
    lost = next(t for t in fig.data if t.name == "Relief lost (dashed line)")
    assert list(lost.x) == [30] and list(lost.y) == [7]
    kinds = {t.name: len(t.x) for t in fig.data if t.name in ("Baseline", "Immediate score")}
    assert kinds == {"Baseline": 2, "Immediate score": 2}
    # Only the measures asked for (the outcome always).
    fig = figures.patient_timeline_figure(tl, measures=[])
    assert [a.text for a in fig.layout.annotations if a.yref == "paper"][:2] == [
        "Treatment courses", "Pain NRS (0-10) \u00b7 7 scores"]
    assert "PHQ-9" not in json.dumps([a.text for a in fig.layout.annotations])


def test_display_table(ds):
    t = episode_display_table(patient_timeline(ds, Definitions(), "P1"))
    assert t.columns.tolist()[:4] == ["Episode", "Treatment", "Start (day)", "Outcome"]
    assert t["Baseline (day: score)"].tolist() == ["day -1: 8", "day 59: 6"]
    assert t["Immediate (day: score, relief)"].tolist() == ["day 1: 2 (75%)", "day 61: 5 (17%)"]
    assert isinstance(t, pd.DataFrame) and t["Outcome"].iloc[0] == "relief lost on day 30 (30 days after the start)"


def test_headline_of_a_patient_who_never_responded_says_so_rather_than_relief_lost_0_times(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nN1,-1,8\nN1,1,7\nN1,20,7\n",
               "treatments.csv": "patient_id,day,treatment\nN1,0,ketamine_iv\n"})
    sub = figures.patient_timeline_figure(patient_timeline(ds, Definitions(), "N1")).layout.title.subtitle.text.replace("<br>", " ")
    assert "never reached the responder threshold (relief \u2265 30%)" in sub
    assert "relief lost" not in sub


def test_headline_of_a_responder_counts_the_responses_and_the_losses(ds):
    sub = figures.patient_timeline_figure(patient_timeline(ds, Definitions(), "P1")).layout.title.subtitle.text
    sub = sub.replace("<br>", " ")  # the subtitle is wrapped to the figure's width
    assert "immediate responder in 1 episode, relief lost 1 time (responder: relief \u2265 30%)" in sub
