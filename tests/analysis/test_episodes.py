"""Episodes, baselines, follow-up windows and relief %, on a hand-made cohort worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.episodes import EXCLUDED_BASELINE_ZERO, EXCLUDED_NO_BASELINE, build_episodes, relief_pct
from analysis.errors import AnalysisError


def pain(rows):
    return pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")


@pytest.fixture
def cohort():
    """
    A: ketamine_iv day 0, ketamine_booster day 30.
       pain: -20: 9 (outside the 14-day window), -3: 8 (baseline of course 1), 0.5: 4 (immediate, 50%),
             7: 6 (25%), 14: 5 (37.5%), 30: 7 (next start day: baseline of course 2, not follow-up of 1),
             31: 2 (immediate of course 2: 100*(7-2)/7 = 71.43%), 40: 7 (0%).
    B: physical_therapy day 0; pain -15: 6 (outside window -> no baseline), 1: 3.
    C: physical_therapy day 0; pain 0: 0 (baseline on the start day, = 0 -> excluded).
    D: physical_therapy day 0; pain -1: 5, 3: 4 (day 3 > 2: no immediate score; 20%), 200: 1 (beyond 182).
    """
    a = pain([
        ("A", -20, 9), ("A", -3, 8), ("A", 0.5, 4), ("A", 7, 6), ("A", 14, 5), ("A", 30, 7), ("A", 31, 2), ("A", 40, 7),
        ("B", -15, 6), ("B", 1, 3),
        ("C", 0, 0),
        ("D", -1, 5), ("D", 3, 4), ("D", 200, 1),
    ])
    t = pd.DataFrame({"patient_id": ["A", "A", "B", "C", "D"], "day": [0, 30, 0, 0, 0],
                      "treatment": ["ketamine_iv", "ketamine_booster", "physical_therapy", "physical_therapy",
                                    "physical_therapy"]})
    p = pd.DataFrame({"patient_id": ["A", "B", "C", "D"], "sex": ["F", "M", "F", None]})
    return Dataset.from_frames(a, t, p)


def ep_row(e, patient, start):
    t = e.table
    return t[(t["patient_id"] == patient) & (t["start"] == start)].iloc[0]


def test_relief_pct_formula():
    assert relief_pct(8, 4) == pytest.approx(50.0)
    assert relief_pct(8, 10) == pytest.approx(-25.0)  # worse than baseline is negative
    assert np.isnan(relief_pct(0, 0))


def test_baseline_is_last_score_in_window(cohort):
    e = build_episodes(cohort)
    a1 = ep_row(e, "A", 0)
    assert a1["baseline"] == 8 and a1["baseline_day"] == -3
    a2 = ep_row(e, "A", 30)
    # the score on the start day itself is the baseline (start - 14 <= day <= start)
    assert a2["baseline"] == 7 and a2["baseline_day"] == 30


def test_no_baseline_and_zero_baseline_are_excluded_with_reason(cohort):
    e = build_episodes(cohort)
    assert ep_row(e, "B", 0)["exclusion_reason"] == EXCLUDED_NO_BASELINE
    assert ep_row(e, "C", 0)["exclusion_reason"] == EXCLUDED_BASELINE_ZERO
    assert not ep_row(e, "B", 0)["included"] and not ep_row(e, "C", 0)["included"]
    assert set(e.exclusions()["patient_id"]) == {"B", "C"}


def test_followup_window_cut_by_next_treatment_and_max_followup(cohort):
    e = build_episodes(cohort)
    fu = e.followup
    a1 = ep_row(e, "A", 0)["episode_id"]
    assert fu.loc[fu["episode_id"] == a1, "t"].tolist() == [0.5, 7, 14]  # day 30 belongs to course 2
    a2 = ep_row(e, "A", 30)["episode_id"]
    assert fu.loc[fu["episode_id"] == a2, "t"].tolist() == [1, 10]
    d = ep_row(e, "D", 0)["episode_id"]
    assert fu.loc[fu["episode_id"] == d, "t"].tolist() == [3]  # day 200 > 182
    np.testing.assert_allclose(fu.loc[fu["episode_id"] == a1, "relief_pct"], [50, 25, 37.5])
    assert ep_row(e, "A", 0)["next_t"] == 30 and np.isnan(ep_row(e, "A", 30)["next_t"])


def test_immediate_relief(cohort):
    e = build_episodes(cohort)
    assert ep_row(e, "A", 0)["immediate_relief_pct"] == pytest.approx(50.0)
    assert ep_row(e, "A", 30)["immediate_relief_pct"] == pytest.approx(100 * 5 / 7)
    assert np.isnan(ep_row(e, "D", 0)["immediate_relief_pct"])  # first score on day 3 > 2
    # excluded episodes keep their follow-up rows but have no relief
    assert np.isnan(ep_row(e, "B", 0)["immediate_relief_pct"])


def test_windows_are_parameters(cohort):
    e = build_episodes(cohort, Definitions(immediate_window_days=3, baseline_window_days=20))
    assert ep_row(e, "D", 0)["immediate_relief_pct"] == pytest.approx(20.0)
    assert ep_row(e, "B", 0)["baseline"] == 6  # day -15 is inside a 20-day window
    e = build_episodes(cohort, Definitions(max_followup_days=7))
    a1 = ep_row(e, "A", 0)["episode_id"]
    assert e.followup.loc[e.followup["episode_id"] == a1, "t"].tolist() == [0.5, 7]  # day <= start + 7


def test_first_episode_only_keeps_course_one_of_each_treatment():
    a = pain([("A", 0, 8), ("A", 1, 4), ("A", 10, 8), ("A", 11, 2)])
    t = pd.DataFrame({"patient_id": ["A", "A"], "day": [0, 10], "treatment": ["ketamine_iv", "ketamine_iv"]})
    ds = Dataset.from_frames(a, t)
    assert len(build_episodes(ds).table) == 2
    e = build_episodes(ds, Definitions(first_episode_only=True))
    assert e.table["start"].tolist() == [0] and e.followup["t"].tolist() == [1]


def test_covariates_are_joined(cohort):
    e = build_episodes(cohort)
    assert ep_row(e, "A", 30)["sex"] == "F"
    assert e.covariates == ("sex",)


def test_no_treatments_is_a_clear_error():
    ds = Dataset.from_frames(pain([("A", 0, 5)]))
    with pytest.raises(AnalysisError, match="no treatments"):
        build_episodes(ds)


def test_same_day_treatments_do_not_share_scores():
    # two courses on one day: the first has no follow-up (its next start is the same day)
    a = pain([("A", 0, 8), ("A", 1, 4)])
    t = pd.DataFrame({"patient_id": ["A", "A"], "day": [0, 0], "treatment": ["x", "y"]})
    e = build_episodes(Dataset.from_frames(a, t))
    assert e.table["n_followup"].tolist() == [0, 1]
    assert len(e.followup) == 1


def test_window_boundaries_are_inclusive_as_defined():
    # baseline window: start - 14 <= day <= start (day -14 counts, -14.01 does not);
    # immediate: start < day <= start + 2 (day 2 counts); follow-up: day <= start + 182 (182 counts)
    a = pain([("A", -14, 8), ("A", 2, 4), ("A", 182, 2), ("B", -14.01, 8), ("B", 1, 4)])
    t = pd.DataFrame({"patient_id": ["A", "B"], "day": [0, 0], "treatment": "k"})
    e = build_episodes(Dataset.from_frames(a, t))
    a_row, b_row = ep_row(e, "A", 0), ep_row(e, "B", 0)
    assert a_row["baseline_day"] == -14 and a_row["immediate_t"] == 2 and a_row["immediate_relief_pct"] == 50
    assert a_row["last_followup_t"] == 182
    assert b_row["exclusion_reason"] == EXCLUDED_NO_BASELINE


def test_grouping_by_patient_id_is_a_clear_error(cohort):
    from analysis.relief import relief_over_time

    with pytest.raises(AnalysisError, match="Cannot group by patient_id"):
        relief_over_time(build_episodes(cohort), by=("patient_id",))


def test_a_clinic_export_without_a_treatment_column_is_told_to_map_one_not_to_add_a_treatments_csv():
    # A physical-therapy visit grid (WebPT style) with pain scores but no column read as the treatment: the fix is
    # in the mapping (the visit type's column as the treatment), not a file of this product's format.
    from analysis import load_files
    grid = ("Patient ID,Date of Service,Current Pain\n" +
            "".join(f"PT{p},2024-0{m}-1{p},{7 - m}\n" for p in range(1, 4) for m in range(1, 4))).encode()
    ds = load_files({"Visits_Analysis_Grid.csv": grid})
    with pytest.raises(AnalysisError) as err:
        build_episodes(ds)
    message = str(err.value)
    assert "no column of Visits_Analysis_Grid.csv was read as the treatment" in message
    assert "the role treatment" in message and "add a treatments.csv" not in message


def test_a_dataset_in_our_format_without_treatments_is_told_to_add_a_treatments_csv(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nP1,0,7\nP1,7,5\n"})
    with pytest.raises(AnalysisError, match=r"add a treatments\.csv \(patient_id, day, treatment\)"):
        build_episodes(ds)
