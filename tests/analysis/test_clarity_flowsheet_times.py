"""Epic Clarity's flowsheet readings (IP_FLWSHT_MEAS) carry two times: RECORDED_TIME, "the instant the reading
was taken", and ENTRY_TIME, "the instant the reading was entered" (Epic's EHI table documentation). Scores dated
by RECORDED_TIME are dated right, and the warning about a second date column does not suggest ENTRY_TIME;
scores dated by ENTRY_TIME (the column first) are told to use RECORDED_TIME (analysis/io/plausibility.py
``second_date_warnings``; docs/data-format.md, "Plausibility warnings").

Before: every Clarity extract was told "If 'ENTRY_TIME' is when the scores were taken (and 'RECORDED_TIME' when
they were charted), give ... "time": "ENTRY_TIME"", advice that would have moved each pre-infusion score charted
after the 09:30 start to after it.

Numbers by hand: C1 8 -> 4, C2 6 -> 3, C3 7 -> 2 (the pre score taken 09:10 and entered 09:45, after the 09:30
start; the post score taken 13:00): immediate relief 50%, 50%, 71.4%.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from clinic_checks import group, relief

PRE_POST = {"C1": (8, 4), "C2": (6, 3), "C3": (7, 2)}


def _extract(first: str = "RECORDED_TIME", second: str = "ENTRY_TIME") -> dict:
    sheet = [f"PAT_ID,DISP_NAME,MEAS_VALUE,{first},{second}"]
    mar = ["PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,DOSE_UNIT"]
    for i, (pid, (pre, post)) in enumerate(PRE_POST.items()):
        day = f"2024-03-{4 + i:02d}"
        times = {"RECORDED_TIME": (f"{day} 09:10:00", f"{day} 13:00:00"),
                 "ENTRY_TIME": (f"{day} 09:45:00", f"{day} 13:20:00")}
        for k, score in enumerate((pre, post)):
            sheet.append(f"{pid},Pain Score (0-10),{score},{times[first][k]},{times[second][k]}")
        mar.append(f"{pid},{day} 09:30:00,KETAMINE 500 MG/50 ML IV INFUSION,New Bag,50,mg")
    return {"flowsheet.csv": ("\n".join(sheet) + "\n").encode(), "mar.csv": ("\n".join(mar) + "\n").encode()}


def _charting_warnings(ds) -> list[str]:
    return [w for w in ds.report.warnings if "differs from it in" in w]


def test_clarity_scores_dated_by_recorded_time_are_right_and_get_no_hint_to_entry_time():
    ds = load_files(_extract())
    assert not [w for w in ds.report.warnings if '"time": "ENTRY_TIME"' in w]
    assert _charting_warnings(ds) == []
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(pre, post) for pre, post in PRE_POST.values()]))


def test_clarity_scores_dated_by_entry_time_are_told_to_use_recorded_time():
    ds = load_files(_extract("ENTRY_TIME", "RECORDED_TIME"))
    [warning] = _charting_warnings(ds)
    assert "dated by 'ENTRY_TIME'" in warning and "'RECORDED_TIME' differs from it in 6 of 6 rows" in warning
    assert "'RECORDED_TIME' is when the reading was taken and 'ENTRY_TIME' when it was entered" in warning
    assert '"time": "RECORDED_TIME"' in warning and " If " not in warning


def test_a_reports_recorded_time_beside_an_entry_time_keeps_the_conditional_hint():
    # 'Recorded Time' and 'Entry Time' in a report may mean either: the hint stays a question.
    files = _extract()
    files = {k: v.replace(b"RECORDED_TIME,ENTRY_TIME", b"Recorded Time,Entry Time") for k, v in files.items()}
    [warning] = _charting_warnings(load_files(files))
    assert "If 'Entry Time' is when the scores were taken" in warning
