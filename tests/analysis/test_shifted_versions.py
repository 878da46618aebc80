"""Superseded versions in a date-shifted Cerner extract (docs/data-format.md, "Corrected results: superseded
versions").

De-identification (MIMIC-style) shifts each patient's dates by decades, into the 2100s. A superseded version's
valid-until, the time of its correction, is shifted with them (``08-JUL-2114``); read against the year 2100 it
counted as open-ended, and the superseded version stood beside its correction (reviewer's case 11: 37 episodes,
38.5 % relief instead of 45 and 40.1 %). Expected numbers worked out by hand: the baseline is the last score at or
before the start, immediate relief 100 x (baseline - s) / baseline for the first score within 2 days after it.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import group
from analysis import load_files
from analysis.io import superseded

PAIN = "Pain Intensity (0-10)"
HEADER = "PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM,RESULT_STATUS_CD_DISP,VALID_UNTIL_DT_TM"
R_SUPERSEDED = ("superseded version of a corrected result ('VALID_UNTIL_DT_TM' is a past time, not the open-ended "
                "31-DEC-2100 of the current version): not read")


def extract(events: list[str], year: int = 2114, c2_year: int | None = None) -> dict[str, bytes]:
    c2_year = c2_year or year
    mar = ["PERSON_ID,ORDER_MNEMONIC,EVENT_TYPE,ADMIN_START_DT_TM", f"C1,ketamine,Begin Bag,04-MAR-{year} 09:00",
           f"C2,ketamine,Begin Bag,05-MAR-{c2_year} 09:00"]
    return {"clinical_events.csv": ("\n".join([HEADER, *events]) + "\n").encode(),
            "mar.csv": ("\n".join(mar) + "\n").encode()}


def c2(year: int, until: str = "31-DEC-2100 00:00") -> list[str]:
    return [f"C2,{PAIN},7,05-MAR-{year} 08:00,Auth (Verified),{until}",
            f"C2,{PAIN},5,05-MAR-{year} 15:00,Auth (Verified),{until}"]


def withdrawn(ds) -> list:
    ex = ds.report.exclusions
    ex = ex[ex["file"] == "clinical_events.csv"]
    return list(zip(ex["line"], ex["value"], ex["reason"]))


def test_a_correction_shifted_into_the_2100s_still_withdraws_the_version_it_replaced():
    """C1's 15:00 score was charted 1 and corrected to 4 at 17:00 of the same (shifted) day, 04-MAR-2114; the
    current versions keep Cerner's 31-DEC-2100, left as is by the shift. C1: 8 -> 4 (50 %), C2: 7 -> 5 (28.57 %).
    Read as open-ended (a year from 2100), the superseded 1 conflicted with its correction: C1 had no relief."""
    events = [f"C1,{PAIN},8,04-MAR-2114 08:00,Auth (Verified),31-DEC-2100 00:00:00",
              f"C1,{PAIN},1,04-MAR-2114 15:00,Auth (Verified),04-MAR-2114 17:00:00",
              f"C1,{PAIN},4,04-MAR-2114 15:00,Modified,31-DEC-2100 00:00:00", *c2(2114)]
    ds = load_files(extract(events))
    g = group(ds)
    assert (g["immediate_relief_pct"]["estimate"], g["immediate_relief_pct"]["n"]) == \
        (pytest.approx((50 + 200 / 7) / 2), 2)
    assert withdrawn(ds) == [(3, "04-MAR-2114 17:00:00", R_SUPERSEDED)]


def test_a_sentinel_shifted_with_each_patients_dates_is_still_the_current_version():
    """A shifting tool that moves every date of a patient, the sentinel too: C1 by 90 years (events 2114, sentinel
    31-DEC-2190), C2 by 30 (events 2054, sentinel 2130). The sentinels lie 76 years after the events: current; C1's
    correction (2114, hours after its event) is a superseded version. C1: 8 -> 4, C2: 7 -> 5."""
    events = [f"C1,{PAIN},8,04-MAR-2114 08:00,Auth (Verified),31-DEC-2190 00:00",
              f"C1,{PAIN},1,04-MAR-2114 15:00,Auth (Verified),04-MAR-2114 17:00",
              f"C1,{PAIN},4,04-MAR-2114 15:00,Modified,31-DEC-2190 00:00", *c2(2054, "31-DEC-2130 00:00")]
    ds = load_files(extract(events, 2114, 2054))
    g = group(ds)
    assert (g["immediate_relief_pct"]["estimate"], g["immediate_relief_pct"]["n"]) == \
        (pytest.approx((50 + 200 / 7) / 2), 2)
    assert [line for line, _, _ in withdrawn(ds)] == [3]


def test_a_correction_made_after_the_files_last_event_is_no_open_ended_time():
    """C2's 15:00 score, the last event of the (shifted) file, was corrected a month later (05-APR-2114): 2 replaced
    by 5. Still a past time of a correction, not the sentinel: withdrawn. C1: 8 -> 6 (25 %), C2: 7 -> 5 (28.57 %)."""
    events = [f"C1,{PAIN},8,04-MAR-2114 08:00,Auth (Verified),31-DEC-2100 00:00",
              f"C1,{PAIN},6,04-MAR-2114 15:00,Auth (Verified),31-DEC-2100 00:00",
              f"C2,{PAIN},7,05-MAR-2114 08:00,Auth (Verified),31-DEC-2100 00:00",
              f"C2,{PAIN},2,05-MAR-2114 15:00,Auth (Verified),05-APR-2114 10:00",
              f"C2,{PAIN},5,05-MAR-2114 15:00,Modified,31-DEC-2100 00:00"]
    ds = load_files(extract(events))
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx((25 + 200 / 7) / 2)
    assert [line for line, _, _ in withdrawn(ds)] == [5]


@pytest.mark.parametrize("cell, event, current", [
    ("31-DEC-2100 00:00:00", "08-JUL-2114 08:30:00", True),   # the sentinel, left unshifted
    ("2100-12-31", "2114-07-08 08:30", True),
    ("9999-12-31", "2114-07-08 08:30", True),
    ("31-DEC-00 12.00.00.000000 AM", "2114-07-08 08:30", True),
    ("", "2114-07-08 08:30", True),
    ("14-MAR-2190 00:00:00", "08-JUL-2114 08:30:00", True),   # the sentinel, shifted: decades after the event
    ("08-JUL-2114 10:30:00", "08-JUL-2114 08:30:00", False),  # the correction, shifted
    ("02-JAN-2116 10:30:00", "31-DEC-2114 08:30:00", False),  # corrected a year later
    ("31-DEC-2100 00:00:00", "2024-03-04 08:00", True),       # unshifted, as before
    ("01-JAN-2101 00:00:00", "2024-03-04 08:00", True),
    ("04-MAR-2024 17:00", "2024-03-04 08:00", False),
    ("08-JUL-2114 10:30:00", "", True),                        # no event year: a year from 2100, as before
])
def test_a_valid_until_is_open_ended_by_the_sentinel_or_its_distance_from_the_rows_event(cell, event, current):
    cells = {0: np.array(["31-DEC-2100 00:00", cell], dtype=object), 1: np.array(["2024-03-04", event], dtype=object)}
    old, k, unread, _ = superseded.superseded(["VALID_UNTIL_DT_TM", "EVENT_END_DT_TM"], cells.get, [1])
    assert k == 0 and bool(old[1]) is not current and not unread.any()
