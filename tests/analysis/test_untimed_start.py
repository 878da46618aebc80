"""Scores with a time of day on the day of a treatment start that has a date only are warned about
(analysis/io/plausibility.py, untimed_start_warning): the start reads as 00:00, so a survey taken at 08:05
before the infusion counts as its immediate score (the review's project: immediate relief 0% instead of 62.5%)."""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.plausibility import untimed_start_warning
from test_redcap_boxes_and_questions import DICT_HEADER

DAY = 86_400 * 10 ** 9
HOUR = 3_600 * 10 ** 9


def test_a_timed_score_on_a_date_only_start_day_is_counted_and_others_are_not():
    # P1 starts on day 10 with a date only: its 08:05 score is warned about, its score of day 9 is not;
    # P2 starts at 09:00: its 08:05 score is placed by the times.
    pid = np.array(["P1", "P1", "P2"], dtype=object)
    ns = np.array([10 * DAY + 8 * HOUR, 9 * DAY + 8 * HOUR, 10 * DAY + 8 * HOUR])
    (warning,) = untimed_start_warning(pid, ns, [True, True, True], np.array(["P1", "P2"], dtype=object),
                                       np.array([10 * DAY, 10 * DAY + 9 * HOUR]))
    assert warning.startswith("1 score(s) of 1 patient(s) have a time of day on the day of a treatment start that "
                              "has a date only")
    assert untimed_start_warning(pid, ns, [False, False, False], np.array(["P1"], dtype=object),
                                 np.array([10 * DAY])) == []  # date-only scores: the start-day warning's case


def test_a_redcap_survey_timestamp_before_a_date_only_infusion_is_warned_about():
    fields = ["record_id,demographics,,text,Record ID,,,,,,,,,,,,,",
              "nrs,pain_survey,,text,Pain now (0-10),,,integer,0,10,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              'inf_drug,infusion,,radio,Drug,"1, Ketamine | 2, Lidocaine",,,,,,,,,,,,']
    rows = ["record_id,redcap_event_name,demographics_complete,pain_survey_timestamp,nrs,pain_survey_complete,"
            "inf_date,inf_drug,infusion_complete"]
    for i in (1, 2):
        rows += [f"{i},infusion_arm_1,,2024-01-1{i} 08:05:00,8,2,2024-01-1{i},1,2",
                 f"{i},post_infusion_arm_1,,2024-01-1{i} 14:30:00,3,2,,,", f"{i},week_4_arm_1,,2024-02-1{i} 10:00:00,5,2,,,"]
    files = {"K_DATA_2024-05-01_1200.csv": ("\n".join(rows) + "\n").encode(),
             "K_DataDictionary_2024-05-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}
    warnings = load_files(files).report.warnings
    assert any(w.startswith("4 score(s) of 2 patient(s) have a time of day on the day of a treatment start") and
               "Give the treatment's time" in w for w in warnings), warnings


def test_out_of_range_values_that_are_all_missing_data_codes_are_warned_about_as_such():
    """An NRS of -99 (a project's missing-data code) is excluded as out of range; the warning says it is a code,
    not that a 0-100 VAS may have been read as the NRS."""
    sheet = ("Patient,Date,Treatment,NRS\nP1,2024-03-01,,8\nP1,2024-03-04,Ketamine,\nP1,2024-04-01,,-99\n"
             "P2,2024-03-02,,7\nP2,2024-03-05,Ketamine,\nP2,2024-04-02,,3\n")
    warnings = load_files({"sheet.csv": sheet.encode()}).report.warnings
    assert any("every one is a negative code (-99), as exports write missing data" in w for w in warnings), warnings
    assert not any("0-100 VAS" in w for w in warnings)
