"""Score trajectories without treatments (issue 14, item 3): weeks since each patient's first assessment.

Hand-worked: A's first assessment is day 5 (pain 8: week 0), day 6 (6) and day 12 (4) fall in week 1
(t = 1 and 7), so A's week-1 mean is 5. B starts on day -3 (7: week 0), day 4 is t = 7 (week 1, 5),
day 20 is t = 23 (week 4, 3). C's first assessment is a PHQ-9 on day 0, so its pain on day 1 is week 1 (9).
Week 0: mean(8, 7) = 7.5; week 1: mean(5, 5, 9) = 19/3; week 4: 3.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.definitions import Definitions
from analysis.errors import AnalysisError
from analysis.figures import trajectory_figure
from analysis.trajectories import score_trajectories, trajectory_sizes, weekly_patient_scores

FILES = {
    "assessments.csv": "patient_id,day,pain_nrs,phq9\nA,5,8,\nA,6,6,10\nA,12,4,\nB,-3,7,\nB,4,5,\nB,20,3,\n"
                       "C,0,,9\nC,1,9,\n",
    "patients.csv": "patient_id,sex\nA,F\nB,M\nC,F\n",
}


@pytest.fixture
def ds(load):
    return load(FILES)


def test_hand_worked_weekly_means(ds):
    t = score_trajectories(ds, "pain_nrs")
    assert t["week"].tolist() == [0, 1, 4]
    np.testing.assert_allclose(t["estimate"], [7.5, 19 / 3, 3.0])
    assert t["n"].tolist() == [2, 3, 1] and t["n_patients"].tolist() == [2, 3, 1]
    # Student's t over patients (scipy), e.g. week 1: values 5, 5, 9.
    lo, hi = stats.t.interval(0.95, 2, loc=np.mean([5, 5, 9]), scale=stats.sem([5, 5, 9]))
    assert (t["ci_low"].iloc[1], t["ci_high"].iloc[1]) == pytest.approx((lo, hi))
    assert np.isnan(t["ci_low"].iloc[2])                  # one patient: no interval


def test_groups_filters_and_follow_up(ds):
    t = score_trajectories(ds, "pain_nrs", by=("treatment", "sex"))   # no treatment to group by: ignored
    assert list(t.columns[:2]) == ["sex", "week"]
    f = t[t["sex"] == "F"]
    assert f["week"].tolist() == [0, 1] and f["estimate"].tolist() == [8.0, 7.0]   # A: 8; week 1: mean(5, 9)
    only_m = score_trajectories(ds, "pain_nrs", filters={"sex": ["M"], "treatment": ["x"]})
    assert only_m["estimate"].tolist() == [7.0, 5.0, 3.0]
    short = score_trajectories(ds, "pain_nrs", definitions=Definitions(max_followup_days=10))
    assert short["week"].tolist() == [0, 1]                # t = 23 is after the follow-up
    sizes = trajectory_sizes(ds, "pain_nrs", by=("sex",))
    assert sizes.set_index("label")["patients"].to_dict() == {"F": 2, "M": 1}
    assert len(weekly_patient_scores(ds, "phq9")) == 2     # A week 1, C week 0


def test_unknown_measure(ds):
    with pytest.raises(AnalysisError, match="No score of 'css'"):
        score_trajectories(ds, "css")


def test_figure_counts_patients_not_episodes(ds):
    fig = trajectory_figure(score_trajectories(ds, "pain_nrs"), (), measure="pain_nrs")
    assert fig.layout.xaxis.title.text == "Weeks since the first assessment"
    assert "episodes" not in str(fig.layout.title.subtitle.text)
    big = trajectory_figure(score_trajectories(ds, "pain_nrs").assign(n=[61, 582, 100]), (), measure="pain_nrs")
    assert "episodes" not in str(big.layout.title.subtitle.text) + str(big.layout.meta["subtitle"])
    line = [t for t in fig.data if t.mode and "markers" in t.mode][0]
    assert line.name == "All patients" and "episodes" not in line.hovertemplate
