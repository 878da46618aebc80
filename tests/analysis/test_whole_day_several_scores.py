"""Several scores of a measure on a follow-up day all count on that whole day, in their order
(analysis/io/untimed_starts.py ``whole_days_after``; docs/data-format.md, "Dates and times in clinic exports").

Week k of an episode is 7(k-1) < day - start <= 7k. A review's flowsheet charted the pain of a follow-up visit twice
(the rooming nurse at 14:00, the physician 20 minutes later): only a day's single score was counted in whole days, so
the double-charted week-4 visits after an 08:45 start stayed at days 28.22 and 28.23 (week 5): week 4 counted 22
visits of 40 (27% responders instead of 35%), week 12 20 of 40."""
from __future__ import annotations

from clinic_checks import group
from analysis import build_episodes, load_files

KETAMINE = "ketamine 500 mg in NS 100 mL infusion"


def _export(starts: dict, scores: list[str]) -> dict:
    mar = ["Patient,Medication,Action,Action Time,Route"] + [f"{p},{KETAMINE},New Bag,{t},IV" for p, t in starts.items()]
    flo = ["Patient,Recorded,Row Name,Value"] + [f"{row.replace(';', ',Pain Score (0-10),')}" for row in scores]
    return {"mar.csv": ("\n".join(mar) + "\n").encode(), "flowsheet.csv": ("\n".join(flo) + "\n").encode()}


def test_a_week_4_visit_charted_twice_counts_in_week_4_in_its_order():
    # V1: nurse 14:00 (4), physician 14:20 (5) on day 28 after an 08:45 start. V2: one score at 15:00.
    # V3: two different values at the same minute stay conflicting values (both left out), as written.
    files = _export({"V1": "2024-03-04 08:45", "V2": "2024-03-04 08:45", "V3": "2024-03-04 08:45"},
                    ["V1,2024-03-04 08:15;8", "V1,2024-03-04 13:15;4", "V1,2024-04-01 14:00;4",
                     "V1,2024-04-01 14:20;5",
                     "V2,2024-03-04 08:15;7", "V2,2024-03-04 13:15;3", "V2,2024-04-01 15:00;3",
                     "V3,2024-03-04 08:15;6", "V3,2024-03-04 13:15;3", "V3,2024-04-01 14:00;2",
                     "V3,2024-04-01 14:00;6"])
    ds = load_files(files)
    v1 = ds.assessments[ds.assessments["patient_id"] == "V1"].sort_values("day")
    assert v1["value"].tolist()[-2:] == [4, 5]
    assert 27.999 < v1["day"].iloc[-2] < v1["day"].iloc[-1] == 28.0
    assert group(ds)["responder_rate_by_week"]["4"]["n"] == 2
    assert ds.report.exclusions["reason"].str.startswith("conflicting values").sum() == 2


def test_a_pain_diarys_morning_and_evening_count_on_their_day_and_relief_is_lost_on_that_day():
    # Infusion at 08:45 on day 0, its post score at 13:15; a diary at 08:00 and 20:00 from day 1. Relief is lost
    # (below 30% of 8) at day 2's evening entry, 6: on day 2 (before: at its time, day 2.47).
    files = _export({"D1": "2024-03-04 08:45"},
                    ["D1,2024-03-04 08:15;8", "D1,2024-03-04 13:15;4", "D1,2024-03-05 08:00;4",
                     "D1,2024-03-05 20:00;4", "D1,2024-03-06 08:00;5", "D1,2024-03-06 20:00;6"])
    ds = load_files(files)
    days = ds.assessments.sort_values("day")["day"].tolist()
    assert days[-1] == 2.0 and 1.999 < days[-2] < 2.0 and days[-3] == 1.0
    episode = build_episodes(ds).table.iloc[0]
    assert (episode["immediate_t"], episode["immediate_relief_pct"]) == (0.1875, 50.0)  # the same day's post score
    assert group(ds)["median_relief_duration_days"]["estimate"] == 2.0


def test_a_diary_without_a_post_score_has_its_first_follow_up_entry_as_the_immediate_score():
    # No score after the infusion on its day: the immediate score is day 1's morning entry (the first follow-up
    # score within 2 days), counted on day 1 just before the evening's; day 2's entries are in the window too.
    files = _export({"D2": "2024-03-04 08:45"},
                    ["D2,2024-03-04 08:15;8", "D2,2024-03-05 08:00;3", "D2,2024-03-05 20:00;5",
                     "D2,2024-03-06 21:00;6"])
    episode = build_episodes(load_files(files)).table.iloc[0]
    assert episode["immediate_value"] == 3.0 and 0.999 < episode["immediate_t"] < 1.0
