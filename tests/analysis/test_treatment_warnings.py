"""The warnings about treatment courses close together say the same as the plain pandas reading of the
rule (sort by patient, treatment and day; then by patient and day), whatever the courses' order."""
import numpy as np
import pandas as pd
import pytest

from analysis.io.plausibility import CLOSE_COURSES_DAYS, treatment_warnings


def _by_pandas(treatments: pd.DataFrame) -> tuple[int, int, int, int, list[str]]:
    """The rule read plainly: (courses close to one of the same treatment, their patients, courses followed
    closely by another treatment, their patients, the pairs most often seen)."""
    t = treatments.sort_values(["patient_id", "treatment", "day"])
    prev = t.shift(1)
    same = (t["patient_id"] == prev["patient_id"]) & (t["treatment"] == prev["treatment"])
    close = same & (t["day"] - prev["day"] <= CLOSE_COURSES_DAYS)
    t2 = treatments.sort_values(["patient_id", "day"], kind="stable")
    nxt_row = t2.shift(-1)
    nxt = (t2["patient_id"] == nxt_row["patient_id"]) & (t2["treatment"] != nxt_row["treatment"]) & \
        (nxt_row["day"] - t2["day"] <= CLOSE_COURSES_DAYS)
    pairs = (t2["treatment"][nxt] + " + " + nxt_row["treatment"][nxt]).value_counts()
    return (int(close.sum()), t.loc[close, "patient_id"].nunique(), int(nxt.sum()),
            t2.loc[nxt, "patient_id"].nunique(), list(pairs.index[:3]))


@pytest.mark.parametrize("presorted", [False, True])  # as the loader gives them: by patient and day
@pytest.mark.parametrize("seed", range(8))
def test_the_warnings_count_what_the_plain_reading_counts(seed, presorted):
    rng = np.random.default_rng(seed)
    n = 400
    treatments = pd.DataFrame({
        "patient_id": [f"P{i}" for i in rng.integers(0, 60, n)],  # P10 sorts before P9: text order
        "day": rng.integers(0, 200, n).astype(float) + rng.choice([0, 0.5], n),
        "treatment": rng.choice(["Ketamine", "Lidocaine", "PT", "Ketamine booster"], n),
    })
    if seed % 2:
        treatments.loc[rng.choice(n, 5, replace=False), "day"] = np.nan
    if presorted:
        treatments = treatments.sort_values(["patient_id", "day"], kind="stable", ignore_index=True)
    close, close_pat, nxt, nxt_pat, pairs = _by_pandas(treatments)
    said = " ".join(treatment_warnings(treatments))
    assert close and nxt  # the random courses have both kinds
    assert f"{close} treatment course(s) of {close_pat} patient(s) start at most" in said
    assert f"{nxt} course(s) of {nxt_pat} patient(s) are followed within" in said
    assert f"({', '.join(pairs)})" in said


def test_courses_far_apart_or_of_other_patients_give_no_warning():
    treatments = pd.DataFrame({"patient_id": ["A", "A", "B", "C"], "day": [0.0, 30.0, 1.0, 2.0],
                               "treatment": ["Ketamine", "Ketamine", "Ketamine", "Lidocaine"]})
    assert treatment_warnings(treatments) == []


def test_labels_that_differ_only_in_case_or_spacing_are_named_in_a_warning():
    treatments = pd.DataFrame({"patient_id": ["A", "B", "C", "D"], "day": [0.0, 0.0, 0.0, 0.0],
                               "treatment": ["Ketamine", "ketamine", "Lidocaine", "Ketamine  "]})
    said = [w for w in treatment_warnings(treatments) if "look like one treatment written differently" in w]
    assert len(said) == 1 and "'Ketamine' / 'ketamine' / 'Ketamine  '" in said[0]
    assert not any("look like one treatment" in w for w in treatment_warnings(treatments.replace("ketamine", "Lidocaine")
                                                                  .replace("Ketamine  ", "Ketamine")))
