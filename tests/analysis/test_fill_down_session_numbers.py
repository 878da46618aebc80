"""A Google Sheets infusion log with the patient on each patient's first row only and 'Infusion #' numbering
the sessions (1 ... 6, then 'Booster'), a 'Total' row under each patient: once the id is filled down, 'Infusion
#' differs within each patient, so it is no covariate; named for the sessions' number in an export without a
treatment, it is the treatment (analysis/io/fill_down.py, analysis/io/session_rows.py numbered_session_codes;
docs/data-format.md, "A patient id written once per patient").

Before: judged on the unfilled ids (one row per patient), 'Infusion #' was a covariate "the same for each
patient", left empty on every filled row as differing, and the log had no treatment ("add a treatments.csv").
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import columns, group, relief
from analysis import load_files

# patient: (first pre, first post)
COHORT = {"KT01": (8, 4), "KT02": (6, 5), "KT03": (10, 5), "KT04": (7, 3), "KT05": (9, 6)}


def _log() -> bytes:
    """Five daily infusions per patient and, for KT04, a booster 30 days later (pre 7, post 3); totals below."""
    rows = ["Patient,Date,Infusion #,Dose mg/kg,Pre NRS,Post NRS,Notes"]
    for i, (pid, (pre, post)) in enumerate(COHORT.items()):
        start = np.datetime64("2024-03-04") + np.timedelta64(10 * i, "D")
        day = lambda d: (start + np.timedelta64(d, "D")).astype(object).strftime("%-m/%-d/%Y")  # noqa: E731
        for d in range(5):
            rows.append(f"{pid if d == 0 else ''},{day(d)},{d + 1},0.5,{pre if d == 0 else post},{post},")
        n = 5
        if pid == "KT04":
            rows.append(f",{day(30)},Booster,1.0,7,3,")
            n = 6
        rows += [f",Total,{n},,,,", ",,,,,,"]
    return ("\n".join(rows) + "\n").encode()


def test_a_session_number_column_of_a_filled_down_log_is_the_treatment_not_a_covariate():
    files = {"Ketamine Infusion Log - 2024.csv": _log()}
    col = columns(files)[("Ketamine Infusion Log - 2024.csv", "Infusion #")]
    assert col.role == "treatment" and col.codes["3"] == "Ketamine" and col.codes["Booster"] == "Ketamine"


def test_a_filled_down_log_numbering_its_sessions_gives_a_course_per_series_and_one_per_booster():
    """Six courses (five series, KT04's booster); immediate relief of the series' first infusions and of the
    booster (7 -> 3)."""
    ds = load_files({"Ketamine Infusion Log - 2024.csv": _log()})
    t = ds.treatments.sort_values(["patient_id", "day"])
    assert t[["patient_id", "treatment", "administrations"]].values.tolist() == [
        [pid, "Ketamine", n] for pid in COHORT for n in ((5, 1) if pid == "KT04" else (5,))]
    assert not ds.report.exclusions["reason"].str.contains("covariate").any()
    g = group(ds)
    assert g["episodes_used"] == 6
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(pre, post) for pre, post in COHORT.values()] + [relief(7, 3)]))
