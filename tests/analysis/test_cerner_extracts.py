"""Cerner / Oracle Health extracts: clinical events and the medication administration record
(docs/data-format.md, "Clinic exports": entry status, dates of an EHR row, corrected results, MAR actions,
medication orders).

Each test is a small invented extract with its expected numbers worked out by hand. Definitions used
(docs/methods.md): the baseline is the last score with start - 14 <= day <= start; immediate relief is
100 x (baseline - s) / baseline for the first score s with start < day <= start + 2; administrations of
one treatment at most 7 days apart are one course.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import group
from analysis import load_files
from analysis.io import ehr_times, entry_status, superseded
from analysis.io.propose import inspect

PAIN = "Pain Intensity (0-10)"


def extract(events: list[str], mar: list[str]) -> dict[str, bytes]:
    return {"clinical_events.csv": ("\n".join(events) + "\n").encode(), "mar.csv": ("\n".join(mar) + "\n").encode()}


def reasons(ds, file: str) -> list:
    ex = ds.report.exclusions
    ex = ex[ex["file"] == file]
    return list(zip(ex["line"], ex["column"], ex["reason"]))


def courses(ds) -> list:
    t = ds.treatments
    return [(p, round(float(d), 3), int(a)) for p, d, a in zip(t["patient_id"], t["day"], t["administrations"])]


def scores(ds, patient: str) -> list:
    a = ds.assessments
    a = a[(a["patient_id"] == patient) & (a["measure"] == "pain_nrs")].sort_values("day")
    return [(round(float(d), 4), float(v)) for d, v in zip(a["day"], a["value"])]


# --- 1. The entry status of a Cerner extract: RESULT_STATUS_CD_DISP ------------------------------------

def _status_extract(status: str) -> dict[str, bytes]:
    events = [f"PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM,{status}",
              f"C1,{PAIN},8,2024/03/04 08:00:00,Auth (Verified)",
              f"C1,{PAIN},0,2024/03/04 12:00:00,In Error",
              f"C1,{PAIN},6,2024/03/04 15:00:00,Auth (Verified)",
              f"C2,{PAIN},7,2024/03/05 08:00:00,Auth (Verified)",
              f"C2,{PAIN},5,2024/03/05 15:00:00,Auth (Verified)"]
    mar = [f"PERSON_ID,ORDER_MNEMONIC,ADMIN_DOSE,EVENT_TYPE,ADMIN_START_DT_TM,{status}",
           "C1,ketamine,40,Begin Bag,2024/03/04 09:00:00,Auth (Verified)",
           "C2,ketamine,40,Begin Bag,2024/03/05 09:00:00,Auth (Verified)",
           "C2,ketamine,40,Begin Bag,2024/03/19 09:00:00,In Error"]
    return extract(events, mar)


@pytest.mark.parametrize("status", ["RESULT_STATUS_CD_DISP", "RESULT_STATUS_CD", "RESULT_STATUS_DISP",
                                    "EVENT_STATUS_DISP", "Result Status Display"])
def test_cerners_status_column_withdraws_the_score_and_the_bag_in_error(status):
    """C1's 0 at 12:00 is In Error: its immediate score is the 6 at 15:00 (8 -> 6: 25 %), C2's the 5
    (7 -> 5: 28.57 %); read, the 0 made C1 100 %. C2's bag of 03/19 is In Error: one course each, not a
    second course for C2 on day 14."""
    ds = load_files(_status_extract(status))
    assert courses(ds) == [("C1", 0.0, 1), ("C2", 0.0, 1)]
    assert scores(ds, "C1") == [(-0.0417, 8.0), (0.25, 6.0)]
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx((25 + 200 / 7) / 2)
    why = f"entry marked 'In Error' in {status!r} (charted in error): not read"
    assert reasons(ds, "clinical_events.csv") == [(3, status, why)]
    assert reasons(ds, "mar.csv") == [(4, status, why)]


@pytest.mark.parametrize("status", ["In Error", "Inerror", "INERRNOMUT", "InErrNoView", "Not Done", "Superseded"])
def test_cerner_statuses_that_leave_no_result_withdraw_the_row(status):
    assert entry_status.in_error(np.array([status], dtype=object))[0]


@pytest.mark.parametrize("status", ["Auth (Verified)", "Modified", "Altered", "Unauth", "In Progress",
                                    "Transcribed"])
def test_the_current_cerner_statuses_keep_the_row(status):
    """'Modified' and 'Altered' are the current version of a corrected result: it is the one to read."""
    assert not entry_status.in_error(np.array([status], dtype=object))[0]


def test_a_result_not_done_is_listed_as_no_result_not_as_an_error():
    events = ["PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM,RESULT_STATUS_CD_DISP",
              f"C1,{PAIN},8,2024/03/04 08:00:00,Auth (Verified)", f"C1,{PAIN},0,2024/03/04 12:00:00,Not Done",
              f"C1,{PAIN},6,2024/03/04 15:00:00,Auth (Verified)"]
    ds = load_files(extract(events, ["PERSON_ID,ORDER_MNEMONIC,EVENT_TYPE,ADMIN_START_DT_TM",
                                     "C1,ketamine,Begin Bag,2024/03/04 09:00:00"]))
    assert reasons(ds, "clinical_events.csv") == [
        (3, "RESULT_STATUS_CD_DISP", "entry marked 'Not Done' in 'RESULT_STATUS_CD_DISP' (no result): not read")]


def test_not_done_among_the_statuses_does_not_make_the_status_an_action_column():
    """'Not Done' is both a result's status and an administration's action: beside 'Auth (Verified)' and
    'In Error' the column is the status; beside 'Begin Bag' it is the action."""
    assert entry_status.looks_like_status("RESULT_STATUS_CD_DISP",
                                          np.array(["Auth (Verified)", "Not Done", "In Error"], dtype=object))
    assert not entry_status.looks_like_status("Status", np.array(["Begin Bag", "Not Done", "In Error"], dtype=object))


# --- 2. The time of a clinical event: EVENT_END_DT_TM, never the charting or bookkeeping times -------------

TIMES_HEADER = ("PERSON_ID,EVENT_CD_DISP,RESULT_VAL,VALID_FROM_DT_TM,PERFORMED_DT_TM,EVENT_END_DT_TM,"
                "VALID_UNTIL_DT_TM,UPDT_DT_TM,RESULT_STATUS_CD_DISP")


def _timed(performed: str, event_end: str, value: int, patient: str = "C1") -> str:
    return (f"{patient},{PAIN},{value},{performed},{performed},{event_end},31-DEC-2100 00:00,{performed},"
            "Auth (Verified)")


TIMED_EVENTS = [TIMES_HEADER,
                _timed("2024/03/01 10:10:00", "2024/03/01 10:00:00", 5),
                _timed("2024/03/04 10:40:00", "2024/03/04 08:00:00", 8),  # taken before the 09:00 start, charted after
                _timed("2024/03/04 15:10:00", "2024/03/04 15:00:00", 3),
                _timed("2024/03/05 08:10:00", "2024/03/05 08:00:00", 7, "C2"),
                _timed("2024/03/05 15:10:00", "2024/03/05 15:00:00", 2, "C2")]
TIMED_MAR = ["PERSON_ID,ORDER_MNEMONIC,ADMIN_DOSE,EVENT_TYPE,ADMIN_START_DT_TM,ADMIN_END_DT_TM,UPDT_DT_TM",
             "C1,ketamine,40,Begin Bag,2024/03/04 09:00:00,2024/03/04 13:00:00,2024/03/04 13:05:00",
             "C2,ketamine,40,Begin Bag,2024/03/05 09:00:00,2024/03/05 13:00:00,2024/03/05 13:05:00"]


def test_scores_are_timed_by_event_end_not_by_when_they_were_charted_or_updated():
    """C1's 8 was taken at 08:00 (EVENT_END_DT_TM), before the 09:00 start, and charted at 10:40
    (PERFORMED_DT_TM, VALID_FROM_DT_TM, UPDT_DT_TM). Timed by EVENT_END: C1's baseline is the 8 and its
    immediate score the 3 (62.5 %), C2 7 -> 2 (71.43 %): mean 66.96 %. Timed by PERFORMED, C1's baseline
    was the 5 of 03/01 and the 8 its immediate score (-60 %)."""
    ds = load_files(extract(TIMED_EVENTS, TIMED_MAR))
    assert scores(ds, "C1") == [(-2.9583, 5.0), (-0.0417, 8.0), (0.25, 3.0)]
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx((62.5 + 500 / 7) / 2)
    roles = {(f.name, c.header): c.column.role for f in inspect(extract(TIMED_EVENTS, TIMED_MAR)).files
             for c in f.columns}
    assert [roles["clinical_events.csv", h] for h in ("EVENT_END_DT_TM", "PERFORMED_DT_TM", "VALID_FROM_DT_TM",
                                                      "VALID_UNTIL_DT_TM", "UPDT_DT_TM")] == \
        ["date", "ignore", "ignore", "ignore", "ignore"]
    assert [roles["mar.csv", h] for h in ("ADMIN_START_DT_TM", "UPDT_DT_TM")] == ["date", "ignore"]


def test_the_proposal_says_which_times_it_does_not_read():
    notes = inspect(extract(TIMED_EVENTS, TIMED_MAR)).notes
    assert ("clinical_events.csv: 'VALID_FROM_DT_TM', 'VALID_UNTIL_DT_TM', 'UPDT_DT_TM' say when this version of "
            "each row was valid or last updated (the extract's bookkeeping), not when the score was taken: not read "
            "as dates.") in notes
    assert ("clinical_events.csv: 'PERFORMED_DT_TM' say when the rows were charted; the times are read from "
            "'EVENT_END_DT_TM', when they were taken.") in notes


@pytest.mark.parametrize("taken, charted", [("TAKEN_TIME", "RECORDED_TIME"), ("Taken Time", "Entry Time"),
                                            ("Collected Date", "Verified Date")])
def test_an_epic_taken_time_dates_the_scores_beside_its_charting_time(taken, charted):
    events = [f"PAT_ID,{charted},{taken},FLO_MEAS_NAME,MEAS_VALUE",
              "P1,2024-03-04 10:40,2024-03-04 08:00,Pain Score (0-10),8"]
    roles = {c.header: c.column.role for f in inspect({"flowsheet.csv": ("\n".join(events) + "\n").encode()}).files
             for c in f.columns}
    assert (roles[taken], roles[charted]) == ("date", "ignore")


@pytest.mark.parametrize("header", ["VALID_UNTIL_DT_TM", "VALID_FROM_DT_TM", "UPDT_DT_TM", "LAST_UPDATE_DTTM",
                                    "Date Modified", "CREATE_DT_TM", "Extracted"])
def test_bookkeeping_times_are_known_by_their_names(header):
    assert ehr_times.bookkeeping(header)


@pytest.mark.parametrize("header", ["EVENT_END_DT_TM", "Taken Time", "Visit Date", "ADMIN_START_DT_TM",
                                    "Date of infusion", "Updrs score date"])
def test_times_of_the_data_are_no_bookkeeping(header):
    assert not ehr_times.bookkeeping(header)


def test_a_mapping_dating_scores_by_a_bookkeeping_time_is_warned_about_and_never_suggested():
    """A saved mapping giving VALID_FROM_DT_TM (first) and EVENT_END_DT_TM the role date: the warning says the
    scores are dated by the bookkeeping time; VALID_UNTIL_DT_TM is never suggested as the time of the scores."""
    mapping = {"crps_outcomes_mapping": 1, "files": [
        {"match": "clinical_events.csv", "columns": {
            "PERSON_ID": "patient_id", "EVENT_CD_DISP": "item", "RESULT_VAL": "value", "VALID_FROM_DT_TM": "date",
            "PERFORMED_DT_TM": "ignore", "EVENT_END_DT_TM": "date", "VALID_UNTIL_DT_TM": "date",
            "UPDT_DT_TM": "ignore", "RESULT_STATUS_CD_DISP": "status"}},
        {"match": "mar.csv", "columns": {"PERSON_ID": "patient_id", "ORDER_MNEMONIC": "treatment",
                                         "ADMIN_DOSE": "dose", "EVENT_TYPE": "action", "ADMIN_START_DT_TM": "date",
                                         "ADMIN_END_DT_TM": "ignore", "UPDT_DT_TM": "ignore"}}],
        "items": {PAIN: "pain_nrs"}, "courses": {"treatments": {"ketamine": "Ketamine infusion"}}}
    warnings = load_files(extract(TIMED_EVENTS, TIMED_MAR), mapping=mapping).report.warnings
    said = [w for w in warnings if "are dated by" in w]
    assert len(said) == 1 and "'VALID_FROM_DT_TM'" in said[0] and 'role "ignore"' in said[0]
    assert not any('"time": "VALID_UNTIL_DT_TM"' in w for w in warnings)


# --- 3. Corrected results: the superseded version is withdrawn by its VALID_UNTIL_DT_TM -------------------

VERSIONS_HEADER = "PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM,RESULT_STATUS_CD_DISP,VALID_UNTIL_DT_TM"
VERSIONS_MAR = ["PERSON_ID,ORDER_MNEMONIC,EVENT_TYPE,ADMIN_START_DT_TM",
                "C1,ketamine,Begin Bag,04-MAR-2024 09:00", "C2,ketamine,Begin Bag,05-MAR-2024 09:00"]
C2_SCORES = [f"C2,{PAIN},7,05-MAR-2024 08:00,Auth (Verified),31-DEC-2100 00:00",
             f"C2,{PAIN},5,05-MAR-2024 15:00,Auth (Verified),31-DEC-2100 00:00"]
R_SUPERSEDED = ("superseded version of a corrected result ('VALID_UNTIL_DT_TM' is a past time, not the open-ended "
                "31-DEC-2100 of the current version): not read")


def test_a_result_corrected_at_the_same_time_keeps_only_its_correction():
    """C1's 15:00 score was charted 1 and corrected to 4 at 17:00: the extract keeps both versions, the first
    valid until 04-MAR-2024 17:00. C1: 8 -> 4 (50 %), C2: 7 -> 5 (28.57 %), mean 39.29 % from 2 patients.
    Read, both versions conflicted and were left out: C1 had no immediate score."""
    events = [VERSIONS_HEADER, f"C1,{PAIN},8,04-MAR-2024 08:00,Auth (Verified),31-DEC-2100 00:00",
              f"C1,{PAIN},1,04-MAR-2024 15:00,Auth (Verified),04-MAR-2024 17:00",
              f"C1,{PAIN},4,04-MAR-2024 15:00,Modified,31-DEC-2100 00:00", *C2_SCORES]
    ds = load_files(extract(events, VERSIONS_MAR))
    assert scores(ds, "C1") == [(-0.0417, 8.0), (0.25, 4.0)]
    g = group(ds)
    assert (g["immediate_relief_pct"]["estimate"], g["immediate_relief_pct"]["n"]) == \
        (pytest.approx((50 + 200 / 7) / 2), 2)
    assert reasons(ds, "clinical_events.csv") == [(3, "VALID_UNTIL_DT_TM", R_SUPERSEDED)]
    assert list(ds.report.exclusions.loc[ds.report.exclusions["line"] == 3, "value"]) == ["04-MAR-2024 17:00"]


def test_a_result_corrected_to_another_time_is_read_at_the_corrected_time_only():
    """C1's pre-infusion score was charted at 10:00 (after the 09:00 start) and corrected to 08:00, value 9.
    Read, the superseded 10:00 version was C1's immediate score. C1: 9 -> 6 (33.33 %)."""
    events = [VERSIONS_HEADER, f"C1,{PAIN},9,04-MAR-2024 10:00,Auth (Verified),04-MAR-2024 10:20",
              f"C1,{PAIN},9,04-MAR-2024 08:00,Modified,31-DEC-2100 00:00",
              f"C1,{PAIN},6,04-MAR-2024 15:00,Auth (Verified),31-DEC-2100 00:00", *C2_SCORES]
    ds = load_files(extract(events, VERSIONS_MAR))
    assert scores(ds, "C1") == [(-0.0417, 9.0), (0.25, 6.0)]
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx((100 / 3 + 200 / 7) / 2)


@pytest.mark.parametrize("cell, current", [("31-DEC-2100 00:00", True), ("", True), ("9999-12-31", True),
                                           ("12/31/2100 00:00:00", True), ("73415", True), ("2100-12-31T00:00:00Z", True),
                                           ("04-MAR-2024 17:00", False), ("2024/03/04 17:00:00", False),
                                           ("20240304", False), ("45355.7", False)])
def test_only_an_open_ended_or_empty_valid_until_is_the_current_version(cell, current):
    """(Beside a current version written open-ended, as every extract of versions has.)"""
    cells = {0: np.array(["C1", "C1"], dtype=object), 1: np.array(["31-DEC-2100 00:00", cell], dtype=object)}
    old, k, unread, _ = superseded.superseded(["PERSON_ID", "VALID_UNTIL_DT_TM"], cells.get)
    assert k == 1 and bool(old[1]) is not current and not unread.any()


@pytest.mark.parametrize("cells", [["2024-04-03", "2024-04-10"], ["31-12-2024", "31-12-2024"], ["", "2025-01-01"]])
def test_a_valid_until_column_without_an_open_ended_version_withdraws_nothing(cells):
    """A medication order's end, a consent's expiry, a flowsheet's VALID_TO of 2024-12-31: no current version is
    written open-ended, so the column says nothing of versions. Read as versions, every dated row was withdrawn
    and the export refused for want of treatments or scores."""
    old, k, _, _ = superseded.superseded(["PERSON_ID", "Valid Until"],
                                         {0: np.array(["C1", "C2"], dtype=object), 1: np.array(cells, dtype=object)}.get)
    assert old is None and k is None


def test_oracles_two_digit_year_writes_the_open_ended_version_as_31_dec_00():
    """DD-MON-RR: 31-DEC-00 is the current version's 31-DEC-2100; 04-MAR-24 a past time (2024)."""
    cells = np.array(["31-DEC-00 12.00.00.000000 AM", "04-MAR-24 05.00.00.000000 PM", "31-DEC-99 12.00.00 AM"],
                     dtype=object)
    old, k, unread, _ = superseded.superseded(["VALID_UNTIL_DT_TM"], {0: cells}.get)
    assert k == 0 and old.tolist() == [False, True, True] and not unread.any()


def test_a_valid_until_whose_year_does_not_read_keeps_its_row_with_a_note():
    events = [VERSIONS_HEADER, f"C1,{PAIN},8,04-MAR-2024 08:00,Auth (Verified),open",
              f"C1,{PAIN},4,04-MAR-2024 15:00,Auth (Verified),31-DEC-2100 00:00", *C2_SCORES]
    ds = load_files(extract(events, VERSIONS_MAR))
    assert scores(ds, "C1") == [(-0.0417, 8.0), (0.25, 4.0)]
    assert any("'VALID_UNTIL_DT_TM' ('open') are no time whose year reads" in n for n in ds.report.notes)


@pytest.mark.parametrize("header, found", [("VALID_UNTIL_DT_TM", True), ("Valid Until", True), ("VALID_TO_DTTM", True),
                                           ("valid_until", True), ("VALID_FROM_DT_TM", False), ("Valid", False),
                                           ("UPDT_DT_TM", False)])
def test_the_valid_until_column_is_known_by_its_name(header, found):
    assert (superseded.valid_until_column(["PERSON_ID", header]) == 1) is found


def test_corrected_results_without_a_valid_until_column_are_warned_about_and_their_conflict_listed():
    """Without VALID_UNTIL_DT_TM the extract does not say which version was replaced: C1's two 15:00 scores
    conflict (both left out, as before), and a warning says why and what to export."""
    events = ["PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM,RESULT_STATUS_CD_DISP",
              f"C1,{PAIN},8,04-MAR-2024 08:00,Auth (Verified)", f"C1,{PAIN},1,04-MAR-2024 15:00,Auth (Verified)",
              f"C1,{PAIN},4,04-MAR-2024 15:00,Modified", f"C1,{PAIN},0,04-MAR-2024 16:00,In Error"]
    ds = load_files(extract(events, VERSIONS_MAR[:2]))
    assert scores(ds, "C1") == [(-0.0417, 8.0)]
    assert [r for _, _, r in reasons(ds, "clinical_events.csv")][:2] == [
        "conflicting values for the same patient, day and measure (clinical_events.csv line 3, "
        "clinical_events.csv line 4)"] * 2
    said = [w for w in ds.report.warnings if "corrected results" in w]
    assert len(said) == 1 and said[0].startswith("clinical_events.csv: 1 row(s) are marked 'Modified' in "
                                                 "'RESULT_STATUS_CD_DISP', corrected results")
    assert "VALID_UNTIL_DT_TM" in said[0]


# --- 5. Medication orders loaded as the treatments: an order discontinued was never given ------------------

ORDERS = ["PAT_ID,DESCRIPTION,FREQUENCY,ORDER_START,ORDER_END,ORDER_STATUS",
          "P1,KETAMINE 0.5 MG/KG IV INFUSION OVER 4 HR,Once,2024-03-04 09:00,2024-03-04 13:00,Completed",
          "P1,KETAMINE 0.5 MG/KG IV INFUSION OVER 4 HR,Once,2024-03-15 09:00,2024-03-15 09:00,Discontinued",
          "P1,ONDANSETRON 4 MG IV,Q8H PRN,2024-03-04 09:00,2024-03-05 09:00,Completed",
          "P2,KETAMINE 0.5 MG/KG IV INFUSION OVER 4 HR,Once,2024-03-05 09:00,2024-03-05 13:00,Completed",
          "P2,KETAMINE 0.5 MG/KG IV INFUSION OVER 4 HR,Once,2024-03-19 09:00,2024-03-19 09:00,Cancelled",
          "P2,KETAMINE 0.5 MG/KG IV INFUSION OVER 4 HR,Once,2024-03-26 09:00,2024-03-26 13:00,Voided"]
FLOW = ["PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE", "P1,2024-03-04 08:00,Pain Score (0-10),8",
        "P1,2024-03-04 15:00,Pain Score (0-10),4", "P2,2024-03-05 08:00,Pain Score (0-10),7",
        "P2,2024-03-05 15:00,Pain Score (0-10),5"]


def _orders_mapping(order_columns: dict) -> dict:
    return {"crps_outcomes_mapping": 1, "files": [
        {"match": "flowsheet.csv", "columns": {"PAT_ID": "patient_id", "RECORDED_TIME": "date",
                                               "FLO_MEAS_NAME": "item", "MEAS_VALUE": "value"}},
        {"match": "medication_orders.csv", "columns": order_columns}],
        "items": {"Pain Score (0-10)": "pain_nrs"}, "courses": {"treatments": {"ketamin": "Ketamine infusion"}}}


def _orders(rows: list[str]) -> dict[str, bytes]:
    return {"flowsheet.csv": ("\n".join(FLOW) + "\n").encode(),
            "medication_orders.csv": ("\n".join(rows) + "\n").encode()}


@pytest.mark.parametrize("status_role", ["ignore", "status"])
def test_orders_discontinued_cancelled_or_voided_are_no_courses(status_role):
    """P1's order of day 11 was discontinued, P2's of day 14 cancelled and of day 21 voided: one course each.
    Read, P1 had a second course on day 11 and P2 on day 14 (its voided order a third administration)."""
    cols = {"PAT_ID": "patient_id", "DESCRIPTION": "treatment", "FREQUENCY": "ignore", "ORDER_START": "date",
            "ORDER_END": "date", "ORDER_STATUS": status_role}
    ds = load_files(_orders(ORDERS), mapping=_orders_mapping(cols))
    assert courses(ds) == [("P1", 0.0, 1), ("P2", 0.0, 1)]
    listed = [(line, c, r) for line, c, r in reasons(ds, "medication_orders.csv") if c == "ORDER_STATUS"]
    assert [line for line, _, _ in listed] == [3, 6, 7]
    assert listed[0][2] == ("order marked 'Discontinued' in 'ORDER_STATUS' (discontinued or cancelled): not read as "
                            "an administration")
    said = [w for w in ds.report.warnings if "look like medication orders" in w]
    assert said == ["medication_orders.csv: the rows look like medication orders ('ORDER_START', 'ORDER_END', "
                    "'FREQUENCY'), not a record of administrations: each order of a chosen treatment is read as one "
                    "administration at its date, but an order says a dose was to be given, not that it was. 3 "
                    "order(s) discontinued or cancelled in 'ORDER_STATUS' were left out. Load the medication "
                    "administration record (MAR) if the EHR can export it."]


@pytest.mark.parametrize("date", ["TAKEN_TIME", "Infusion Date", "ADMIN_DT_TM"])
def test_doses_given_with_a_frequency_and_an_order_status_are_no_orders(date):
    """A record of doses given (dated when given) that carries its order's FREQUENCY and ORDER_STATUS: a dose given
    before its order was discontinued is still given. Read as orders, P1's dose of day 11 was left out."""
    rows = [f"PAT_ID,DESCRIPTION,{date},DOSE,FREQUENCY,ORDER_STATUS",
            "P1,Ketamine 500 mg in NS 500 mL,2024-03-04 09:00,500,Once,Completed",
            "P1,Ketamine 500 mg in NS 500 mL,2024-03-15 09:00,500,Once,Discontinued",
            "P2,Ketamine 500 mg in NS 500 mL,2024-03-05 09:00,500,Once,Completed"]
    ds = load_files(_orders(rows))
    assert courses(ds) == [("P1", 0.0, 1), ("P1", 11.0, 1), ("P2", 0.0, 1)]
    assert not any("look like medication orders" in w for w in ds.report.warnings)


def test_orders_without_a_status_are_read_with_a_warning_saying_so():
    cols = {"PAT_ID": "patient_id", "DESCRIPTION": "treatment", "FREQUENCY": "ignore", "ORDER_START": "date",
            "ORDER_END": "date"}
    rows = [",".join(r.split(",")[:5]) for r in ORDERS[:4]]
    ds = load_files(_orders(rows), mapping=_orders_mapping(cols))
    assert courses(ds) == [("P1", 0.0, 1), ("P1", 11.0, 1)]
    assert any("No column gives the orders' status" in w for w in ds.report.warnings)


def test_an_order_status_beside_the_actions_of_an_administration_record_is_not_read():
    """In a MAR (an action column), 'Order Status: Discontinued' says no more doses were to come: the bag
    charted stays an administration."""
    mar = ["PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,ORDER_STATUS",
           "P1,2024-03-04 09:00,ketamine 500 mg in NS 500 mL infusion,New Bag,Discontinued",
           "P2,2024-03-05 09:00,ketamine 500 mg in NS 500 mL infusion,New Bag,Completed"]
    ds = load_files({"flowsheet.csv": ("\n".join(FLOW) + "\n").encode(), "mar.csv": ("\n".join(mar) + "\n").encode()})
    assert courses(ds) == [("P1", 0.0, 1), ("P2", 0.0, 1)]
    assert not any("medication orders" in w for w in ds.report.warnings)


# --- 4. Cerner MAR actions: 'Infuse' alone is an intermittent infusion ---------------------------------------

INFUSE_MAR = ["PERSON_ID,ORDER_MNEMONIC,ADMIN_DOSE,DOSAGE_UNIT,EVENT_TYPE,ADMIN_START_DT_TM",
              "C1,ketamine,40,mg,Begin Bag,2024/03/04 09:00:00", "C1,ketamine,20,mg,Rate Change,2024/03/04 10:00:00",
              "C1,ketamine,,,Infuse,2024/03/04 13:00:00", "C1,midazolam,1,mg,Given,2024/03/04 09:05:00",
              "C2,ketamine,40,mg,Infuse,2024/03/05 09:00:00", "C2,ketamine,40,mg,Infuse,2024/03/08 09:00:00",
              "C2,ketamine,40,mg,Not Done,2024/03/19 09:00:00",
              "C3,ketamine,20,mg,Rate Change,2024/03/06 10:00:00", "C3,ketamine,40,mg,Not Given,2024/03/06 09:00:00"]
INFUSE_EVENTS = ["PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM",
                 f"C1,{PAIN},8,2024/03/04 08:00:00", f"C1,{PAIN},4,2024/03/04 15:00:00",
                 f"C2,{PAIN},7,2024/03/05 08:00:00", f"C2,{PAIN},5,2024/03/05 15:00:00",
                 f"C3,{PAIN},6,2024/03/06 08:00:00"]


def test_infuse_rows_of_a_patient_without_a_begin_bag_are_the_administrations():
    """C1's Infuse at 13:00 is the volume of its Begin Bag: one administration. C2 has only Infuse rows (an IV
    piggyback): two administrations 3 days apart, one course of 80 mg; its Not Done is none. Read before, C2 had
    no course and nothing said so."""
    ds = load_files(extract(INFUSE_EVENTS, INFUSE_MAR))
    assert courses(ds) == [("C1", 0.0, 1), ("C2", 0.0, 2)]
    assert list(ds.treatments["dose"]) == [40.0, 80.0]
    assert (4, "EVENT_TYPE", "not the start of an administration (action 'Infuse')") in reasons(ds, "mar.csv")
    said = [w for w in ds.report.warnings if "'Infuse'" in w and "without any start" in w]
    assert len(said) == 1 and said[0].startswith("mar.csv: 1 patient(s) (C2) have their 'Ketamine infusion' rows")


def test_a_later_course_charted_as_infuse_alone_is_a_course_beside_an_earlier_begin_bag():
    """C1: a Begin Bag on 03-04 (its Infuse at 13:00 the bag's volume), then an IV piggyback on 05-03 charted as
    Infuse alone, 60 days later, beyond the courses' gap of 7 days: two courses. Before, the Begin Bag of March
    made every later Infuse of C1 a bag's volume, and the May course was lost."""
    mar = ["PERSON_ID,ORDER_MNEMONIC,ADMIN_DOSE,DOSAGE_UNIT,EVENT_TYPE,ADMIN_START_DT_TM",
           "C1,ketamine,40,mg,Begin Bag,2024/03/04 09:00:00", "C1,ketamine,,,Infuse,2024/03/04 13:00:00",
           "C1,ketamine,40,mg,Infuse,2024/05/03 09:00:00"]
    events = ["PERSON_ID,EVENT_CD_DISP,RESULT_VAL,EVENT_END_DT_TM", f"C1,{PAIN},8,2024/03/04 08:00:00",
              f"C1,{PAIN},4,2024/03/04 15:00:00", f"C1,{PAIN},7,2024/05/03 08:00:00", f"C1,{PAIN},3,2024/05/03 15:00:00"]
    ds = load_files(extract(events, mar))
    assert courses(ds) == [("C1", 0.0, 1), ("C1", 60.0, 1)]
    assert (3, "EVENT_TYPE", "not the start of an administration (action 'Infuse')") in reasons(ds, "mar.csv")


def test_a_patient_whose_treatment_rows_hold_no_start_is_named_in_a_warning():
    """C3 has a Rate Change and a Not Given of ketamine: no course, and a warning names C3 and its actions."""
    ds = load_files(extract(INFUSE_EVENTS, INFUSE_MAR))
    said = [w for w in ds.report.warnings if "none whose action starts an administration" in w]
    assert said == ["mar.csv: 1 patient(s) (C3) have rows of 'Ketamine infusion' but none whose action starts an "
                    "administration (their actions: 'Rate Change', 'Not Given'): they have no course from this "
                    "file. If one of these actions starts an administration, add it to courses.start_actions in "
                    "the mapping."]


def test_infuse_listed_as_a_start_action_is_a_start_everywhere():
    """A mapping listing 'Infuse' under start_actions reads every Infuse row as a start, beside a Begin Bag too
    (C1: 2 administrations), with no warning about it."""
    mapping = {"crps_outcomes_mapping": 1, "files": [
        {"match": "clinical_events.csv", "columns": {"PERSON_ID": "patient_id", "EVENT_CD_DISP": "item",
                                                     "RESULT_VAL": "value", "EVENT_END_DT_TM": "date"}},
        {"match": "mar.csv", "columns": {"PERSON_ID": "patient_id", "ORDER_MNEMONIC": "treatment",
                                         "ADMIN_DOSE": "dose", "DOSAGE_UNIT": "ignore", "EVENT_TYPE": "action",
                                         "ADMIN_START_DT_TM": "date"}}],
        "items": {PAIN: "pain_nrs"},
        "courses": {"treatments": {"ketamine": "Ketamine infusion"}, "start_actions": ["Begin Bag", "Infuse"]}}
    ds = load_files(extract(INFUSE_EVENTS, INFUSE_MAR), mapping=mapping)
    assert courses(ds) == [("C1", 0.0, 2), ("C2", 0.0, 2)]
    assert not any("without any start" in w for w in ds.report.warnings)


def test_a_status_code_column_beside_its_display_text_is_no_score():
    """RESULT_STATUS_CD (25, 31: the codes of RESULT_STATUS_CD_DISP) was read as a measure 'result_status_cd'."""
    files = _status_extract("RESULT_STATUS_CD_DISP")
    codes = {"Auth (Verified)": "25", "In Error": "31"}
    events = files["clinical_events.csv"].decode().splitlines()
    events = [events[0] + ",RESULT_STATUS_CD"] + [r + "," + codes[r.rsplit(",", 1)[1]] for r in events[1:]]
    files["clinical_events.csv"] = ("\n".join(events) + "\n").encode()
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["RESULT_STATUS_CD"] == "ignore" and roles["RESULT_STATUS_CD_DISP"] == "status"
    assert set(load_files(files).assessments["measure"]) == {"pain_nrs"}
