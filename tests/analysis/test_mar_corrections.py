"""Corrections in EHR exports: entries charted in error, cancelled administrations, boluses from the bag,
routes and dose units (docs/data-format.md, "Rules": entry status, corrections, routes).

Each test is a small invented export with its expected numbers worked out by hand. Definitions used
(docs/methods.md): the baseline is the last score with start - 14 <= day <= start; immediate relief is
100 x (baseline - s) / baseline for the first score s with start < day <= start + 2; administrations of
one treatment at most 7 days apart are one course, its dose the sum of their doses.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import group
from analysis import load_files
from analysis.errors import MappingError
from analysis.io import entry_status, routes
from analysis.io.propose import inspect

KET = "ketamine 500 mg in NS 500 mL infusion"
FLOW = ("PAT_ID,RECORDED_TIME,FLOWSHEET_ROW_NAME,MEAS_VALUE\n"
        "P1,2024-03-04T08:30:00,Pain Score (0-10),8\nP1,2024-03-04T14:00:00,Pain Score (0-10),5\n"
        "P2,2024-03-05T08:30:00,Pain Score (0-10),7\nP2,2024-03-05T14:00:00,Pain Score (0-10),4\n")


def mar(header: str, *rows: str) -> dict[str, bytes]:
    return {"flowsheet.csv": FLOW.encode(), "mar.csv": ("\n".join((header,) + rows) + "\n").encode()}


def reasons(ds, file: str = "mar.csv") -> list:
    ex = ds.report.exclusions
    ex = ex[ex["file"] == file]
    return list(zip(ex["line"], ex["column"], ex["reason"]))


def courses(ds) -> list:
    t = ds.treatments
    dose = t["dose"] if "dose" in t.columns else [np.nan] * len(t)
    return [(p, round(float(d), 3), None if np.isnan(x) else float(x), int(a))
            for p, d, x, a in zip(t["patient_id"], t["day"], dose, t["administrations"])]


# --- 1. Entries charted in error ---------------------------------------------------------------------

CASE3_FLOW = ("Study ID,Taken Time,Display Name,Result,Result Status\n"
              "C3,3/12/24 8:50 AM,Pain Score (0-10),8,Auth (Verified)\n"
              "C3,3/12/24 12:30 PM,Pain Score (0-10),2,In Error\n"
              "C3,3/12/24 1:00 PM,Pain Score (0-10),6,Auth (Verified)\n"
              "C4,3/13/24 8:50 AM,Pain Score (0-10),7,Auth (Verified)\n"
              "C4,3/13/24 1:00 PM,Pain Score (0-10),5,Auth (Verified)\n")
CASE3_MAR = ("Study ID,Admin Date/Time,Order Mnemonic,Admin Event,Admin Dose,Dose Unit\n"
             f"C3,12-MAR-24 09:15 AM,{KET},Begin Bag,500,mg\nC4,13-MAR-24 09:15 AM,{KET},Begin Bag,500,mg\n")


def test_a_flowsheet_score_marked_in_error_is_not_read():
    """C3's 2 at 12:30 is 'In Error': not the immediate score. C3's immediate score is the 6 at 13:00
    (8 -> 6: 25%), C4's 5 (7 -> 5: 28.57%); mean 26.79%, no responder (>= 30%). Read, the 2 made C3 75%."""
    ds = load_files({"flowsheet.csv": CASE3_FLOW.encode(), "mar.csv": CASE3_MAR.encode()})
    assert reasons(ds, "flowsheet.csv") == [
        (3, "Result Status", "entry marked 'In Error' in 'Result Status' (charted in error): not read")]
    a = ds.assessments
    assert sorted(a.loc[a["patient_id"] == "C3", "value"]) == [6.0, 8.0]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((25 + 200 / 7) / 2)
    # proposed as the entry's status (a mapping that ignores it is read so by the loader too, with a note)
    cols = {c.header: c.column.role for f in inspect({"flowsheet.csv": CASE3_FLOW.encode(),
                                                      "mar.csv": CASE3_MAR.encode()}).files for c in f.columns}
    assert cols["Result Status"] == "status"


@pytest.mark.parametrize("status", ["In Error", "Entered in Error", "Canceled", "Cancelled", "Deleted", "Unchart",
                                    "Uncharted", "IN  ERROR", "in error"])
def test_every_status_saying_the_entry_is_not_valid_withdraws_it(status):
    assert entry_status.in_error(np.array([status], dtype=object))[0]


@pytest.mark.parametrize("status", ["Auth (Verified)", "Final", "Preliminary", "Verified", ""])
def test_a_valid_status_withdraws_nothing(status):
    assert not entry_status.in_error(np.array([status], dtype=object))[0]


def test_an_order_status_is_not_the_entrys_status():
    """'Order Status: Canceled' says no more doses were to come, not that those charted were not given."""
    cells = np.array(["Completed", "Canceled"], dtype=object)
    assert not entry_status.looks_like_status("Order Status", cells)
    assert entry_status.looks_like_status("RESULT_STATUS", cells) and entry_status.looks_like_status("Status", cells)


CASE15_MAR = ("PAT_ID,Admin Date/Time,Order Mnemonic,Admin Event,Admin Dose,Result Status",
              f"P1,03/04/2024 09:00,{KET},Begin Bag,500,Auth (Verified)",
              f"P1,03/04/2024 11:00,{KET},Rate Change,,Auth (Verified)",
              f"P1,03/11/2024 09:00,{KET},Begin Bag,500,In Error",
              f"P1,03/18/2024 09:00,{KET},Begin Bag,500,In Error",
              f"P2,03/05/2024 09:00,{KET},Begin Bag,500,Auth (Verified)",
              f"P2,03/05/2024 11:00,{KET},Rate Change,,Auth (Verified)",
              f"P2,03/19/2024 09:00,{KET},Begin Bag,500,Auth (Verified)")


def test_a_status_column_beside_the_actions_withdraws_the_bags_in_error_and_the_actions_stay_the_actions():
    """'Admin Event' is the action (rate changes are no administrations); P1's bags of 03/11 and 03/18 are
    'In Error': P1 has one course of one bag (500 mg); P2 two courses 14 days apart (gap > 7 days)."""
    ds = load_files(mar(*CASE15_MAR))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1), ("P2", 14.0, 500.0, 1)]
    assert reasons(ds) == [
        (3, "Admin Event", "not the start of an administration (action 'Rate Change')"),
        (4, "Result Status", "entry marked 'In Error' in 'Result Status' (charted in error): not read"),
        (5, "Result Status", "entry marked 'In Error' in 'Result Status' (charted in error): not read"),
        (7, "Admin Event", "not the start of an administration (action 'Rate Change')")]


def _mapping(mar_columns: dict) -> dict:
    return {"crps_outcomes_mapping": 1, "files": [
        {"match": "flowsheet.csv", "columns": {"PAT_ID": "patient_id", "RECORDED_TIME": "date",
                                               "FLOWSHEET_ROW_NAME": "item", "MEAS_VALUE": "value"}},
        {"match": "mar.csv", "columns": mar_columns}],
        "items": {"Pain Score (0-10)": "pain_nrs"},
        "courses": {"treatments": {"ketamine": "Ketamine infusion"}}}


def test_a_mapping_taking_the_status_for_the_action_is_refused_with_what_to_do():
    """The advice of an earlier proposal (status as the action, start_actions ['Auth (Verified)']) made every
    rate change an administration: refused, naming the role "status"."""
    cols = {"PAT_ID": "patient_id", "Admin Date/Time": "date", "Order Mnemonic": "treatment",
            "Admin Event": "ignore", "Admin Dose": "dose", "Result Status": "action"}
    with pytest.raises(MappingError, match='holds entry statuses .* the role "status"'):
        load_files(mar(*CASE15_MAR), mapping=_mapping(cols))


def test_the_role_status_in_a_mapping_withdraws_rows_in_error_of_any_name():
    cols = {"PAT_ID": "patient_id", "Admin Date/Time": "date", "Order Mnemonic": "treatment",
            "Admin Event": "action", "Admin Dose": "dose", "Result Status": "status"}
    rows = [r.replace("Result Status", "Flag").replace("In Error", "Deleted") for r in CASE15_MAR]
    cols["Flag"] = cols.pop("Result Status")
    ds = load_files(mar(*rows), mapping=_mapping(cols))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1), ("P2", 14.0, 500.0, 1)]
    assert [r for _, c, r in reasons(ds) if c == "Flag"] == [
        "entry marked 'Deleted' in 'Flag' (charted in error): not read"] * 2


ADMIN_STATUS_MAR = ("PAT_ID,TAKEN_TIME,MEDICATION_NAME,Administration Status,DOSE",
                    f"P1,2024-03-04T09:00:00,{KET},Given,500",
                    f"P1,2024-03-05T09:00:00,{KET},Held,",
                    f"P1,2024-03-18T09:00:00,{KET},Not Given,",
                    f"P2,2024-03-05T09:00:00,{KET},Given,500",
                    f"P2,2024-03-05T09:00:00,{KET},Documented in Error,",
                    f"P2,2024-03-12T09:00:00,{KET},Refused,")


@pytest.mark.parametrize("use_mapping", [False, True])
def test_a_column_of_administration_actions_named_status_is_the_action_column(use_mapping):
    """'Administration Status' holds the MAR's actions. P1: Given 500 on day 0; Held and Not Given (day 14, a
    course of its own if read) are no administrations: one course, 500 mg, 1 administration. P2: its Given is
    withdrawn by the 'Documented in Error' of its minute, and Refused is no administration: no course.
    Read as the entry status, P1 had 2 courses (the Not Given one without a dose) and P2 one; a saved mapping
    giving the column the role "action" was refused."""
    cols = {"PAT_ID": "patient_id", "TAKEN_TIME": "date", "MEDICATION_NAME": "treatment",
            "Administration Status": "action", "DOSE": "dose"}
    ds = load_files(mar(*ADMIN_STATUS_MAR), mapping=_mapping(cols) if use_mapping else None)
    assert courses(ds) == [("P1", 0.0, 500.0, 1)]
    assert [(line, r) for line, c, r in reasons(ds) if c == "Administration Status"] == [
        (3, "not the start of an administration (action 'Held')"),
        (4, "not the start of an administration (action 'Not Given')"),
        (5, "administration withdrawn by line 6 (Documented in Error)"),
        (6, "not the start of an administration (action 'Documented in Error')"),
        (7, "not the start of an administration (action 'Refused')")]


@pytest.mark.parametrize("header", ["Status", "Statut", "Admin Status"])
def test_a_status_named_column_of_bags_and_rate_changes_is_the_action_column(header):
    """New Bag / Rate Change / Stopped under a status name: P1's bag of day 21 is cancelled at its minute, so
    P1 has one course (day 0, 500 mg, 1 administration: rate changes and stops are none), P2 one."""
    ds = load_files(mar(f"PAT_ID,TAKEN_TIME,MEDICATION_NAME,{header},DOSE",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,500", f"P1,2024-03-04T11:00:00,{KET},Rate Change,",
                        f"P1,2024-03-04T13:00:00,{KET},Stopped,", f"P1,2024-03-25T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-25T09:00:00,{KET},Canceled,", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert (5, header, "administration withdrawn by line 6 (Canceled)") in reasons(ds)
    roles = {c.header: c.column.role for f in inspect(mar(f"PAT_ID,TAKEN_TIME,MEDICATION_NAME,{header},DOSE",
                                                          f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                                                          f"P1,2024-03-04T09:00:00,{KET},Canceled,")).files
             for c in f.columns}
    assert roles[header] == "action"


@pytest.mark.parametrize("cells", [["Given", "Documented in Error"], ["New Bag", "Canceled"],
                                   ["Verified", "Not Given", "In Error"], ["Held", "Deleted"]])
def test_a_column_holding_administration_actions_is_no_entry_status(cells):
    assert not entry_status.looks_like_status("Status", np.array(cells, dtype=object))


def test_a_mapping_start_action_also_tells_the_action_column():
    """A clinic's own start word ('Infused', in courses.start_actions) beside 'Canceled' is an action column."""
    cells = np.array(["Infused", "Canceled"], dtype=object)
    assert entry_status.looks_like_status("Status", cells)
    assert not entry_status.looks_like_status("Status", cells, start_actions=["Infused"])


# --- 2. Dose units written DOSE_UNIT ---------------------------------------------------------------

@pytest.mark.parametrize("unit", ["DOSE_UNIT", "Dose_Unit", "ADMIN_DOSE_UNIT", "DOSE_UNIT_C"])
def test_a_unit_column_named_with_underscores_is_the_dose_unit(unit):
    """Rates (mg/kg/hr) and a 25 mg bolus were summed into a course dose of 26 (0.5 + 0.5 + 25): the doses are
    in two units, so P1's and P2's courses have no dose, with the warning."""
    ds = load_files(mar(f"PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,{unit}",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,0.5,mg/kg/hr",
                        f"P1,2024-03-04T09:30:00,{KET},Given,25,mg",
                        f"P1,2024-03-05T09:00:00,{KET},New Bag,0.5,mg/kg/hr",
                        f"P2,2024-03-05T09:00:00,{KET},New Bag,0.5,mg/kg/hr"))
    assert courses(ds) == [("P1", 0.0, None, 3), ("P2", 0.0, None, 1)]
    assert any("different units" in w and f"'{unit}'" in w for w in ds.report.warnings)


def test_the_unit_column_before_the_dose_is_never_the_dose():
    """'DOSE_UNIT' before 'DOSE' (both named with "dose"): the doses are DOSE's, 500 + 500 mg for P1."""
    ds = load_files(mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE_UNIT,DOSE",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,mg,500",
                        f"P1,2024-03-05T09:00:00,{KET},New Bag,mg,500",
                        f"P2,2024-03-05T09:00:00,{KET},New Bag,mg,500"))
    assert courses(ds) == [("P1", 0.0, 1000.0, 2), ("P2", 0.0, 500.0, 1)]
    assert not any("not numbers" in n for n in ds.report.notes)


@pytest.mark.parametrize("cell,dose", [("-", 1000.0), ("--", 1000.0), ("—", 1000.0), ("n/a", 1000.0), ("", 1000.0),
                                       ("UNK", None), ("NASK", None), ("?", None), ("-99", None)])
def test_only_a_written_dose_that_is_no_amount_makes_the_course_dose_unknown(cell, dose):
    """Two 500 mg bags and a 'Restarted after hold' the next day: one course of 3 administrations. A dash or NA
    word writes no dose (the restart adds none: 1000 mg); a code that is no amount (UNK, NASK, '?', -99) says a
    dose was given but not what it was: the course has no dose (summed without it, 1000 mg would look right)."""
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500", f"P1,2024-03-05T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-05T12:00:00,{KET},Restarted after hold,{cell}"))
    assert courses(ds) == [("P1", 0.0, dose, 3)]
    assert any("not amounts" in n for n in ds.report.notes) == (dose is None)
    # a dash or NA word is said in a note: the course's dose is the sum of the doses written
    assert any("write no dose" in n for n in ds.report.notes) == (dose is not None and cell != "")


# --- 3., 4. Corrections of an administration --------------------------------------------------------

MAR_HEAD = "PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE"
P2_BAG = f"P2,2024-03-05T09:00:00,{KET},New Bag,500"


def test_a_cancelled_bag_charted_again_at_the_same_minute_keeps_the_second():
    """New Bag 50 / Canceled Entry / New Bag 500, all P1 09:00: the cancel withdraws the bag above it (50 mg);
    the 500 mg bag is P1's course. Each row is listed once."""
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,50",
                        f"P1,2024-03-04T09:00:00,{KET},Canceled Entry,",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,500", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert reasons(ds) == [(2, "MAR_ACTION", "administration withdrawn by line 3 (Canceled Entry)"),
                           (3, "MAR_ACTION", "not the start of an administration (action 'Canceled Entry')")]


def test_a_cancel_above_its_bag_withdraws_the_nearest_bag_below_it():
    """An export sorted by action puts 'Canceled Entry' above 'New Bag': no bag above it, so the nearest below."""
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-25T09:00:00,{KET},Canceled Entry,",
                        f"P1,2024-03-25T09:00:00,{KET},New Bag,500", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert (4, "MAR_ACTION", "administration withdrawn by line 3 (Canceled Entry)") in reasons(ds)


def test_a_cancel_with_a_dose_withdraws_the_bag_of_that_dose_in_a_newest_first_export():
    """Newest first: New Bag 500 (charted again) / Canceled Entry 50 / New Bag 50, all P1 09:00. The cancel
    carries 50 mg: it withdraws the 50 mg bag below it, not the 500 mg bag above it. P1: 500 mg, 1 administration
    (by position alone P1's course was 50 mg)."""
    ds = load_files(mar(MAR_HEAD, P2_BAG, f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-04T09:00:00,{KET},Canceled Entry,50", f"P1,2024-03-04T09:00:00,{KET},New Bag,50"))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert reasons(ds) == [(4, "MAR_ACTION", "not the start of an administration (action 'Canceled Entry')"),
                           (5, "MAR_ACTION", "administration withdrawn by line 4 (Canceled Entry)")]


def test_a_cancel_whose_dose_matches_no_bag_withdraws_the_nearest_bag_above():
    """Canceled Entry 250 at a minute of bags of 50 and 500 mg: no bag of 250 mg, so the nearest above (50 mg)."""
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500", f"P1,2024-03-04T09:00:00,{KET},New Bag,50",
                        f"P1,2024-03-04T09:00:00,{KET},Canceled Entry,250", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert (3, "MAR_ACTION", "administration withdrawn by line 4 (Canceled Entry)") in reasons(ds)


@pytest.mark.parametrize("action", ["Canceled", "Cancelled", "Unchart", "Uncharted", "Undo", "Error", "ENTERED  IN ERROR"])
def test_every_correction_word_withdraws_the_bag_of_its_minute(action):
    """P1's second bag (day 21, a course of its own if read) is withdrawn: P1 has one course."""
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-25T09:00:00,{KET},New Bag,500", f"P1,2024-03-25T09:00:00,{KET},{action},",
                        P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert (3, "MAR_ACTION", f"administration withdrawn by line 4 ({action})") in reasons(ds)


def test_a_start_action_is_read_whatever_its_case_and_spaces():
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New  Bag,500", f"P2,2024-03-05T09:00:00,{KET},new bag,500"))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]


def test_an_unknown_action_at_the_minute_of_a_bag_keeps_the_bag_and_says_so():
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-04T09:00:00,{KET},Wrong Patient,", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert any("'Wrong Patient'" in w and "line(s) 3" in w and "same patient, medication and minute" in w
               for w in ds.report.warnings)


def test_a_cancel_at_another_minute_withdraws_nothing_and_says_so():
    ds = load_files(mar(MAR_HEAD, f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                        f"P1,2024-03-04T09:05:00,{KET},Canceled,", P2_BAG))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert any("'Canceled' row(s) (line(s) 3) match no administration" in w for w in ds.report.warnings)


# --- 5. Routes ---------------------------------------------------------------------------------------

def test_oral_ketamine_in_a_route_column_is_no_infusion_course():
    """P1's oral 20 mg on day 14 was a second course (ending the first's follow-up): left out with its route."""
    ds = load_files(mar("PAT_ID,TAKEN_TIME,GENERIC_NAME,ROUTE,MAR_ACTION,DOSE,DOSE_UNIT",
                        "P1,2024-03-04T09:00:00,ketamine,Intravenous,New Bag,500,mg",
                        "P1,2024-03-18T09:00:00,ketamine,Oral,Given,20,mg",
                        "P2,2024-03-05T09:00:00,ketamine,IV,New Bag,500,mg"))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert reasons(ds) == [(3, "ROUTE", "route 'Oral' is not intravenous: not an infusion of 'Ketamine infusion'")]


def test_subcutaneous_lidocaine_is_no_lidocaine_infusion():
    ds = load_files(mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE",
                        "P1,2024-03-04T08:50:00,lidocaine (PF) 1 % injection 0.5 mL,Given,0.5,Subcutaneous",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,500,Intravenous",
                        f"P2,2024-03-05T09:00:00,{KET},New Bag,500,Intravenous"))
    assert set(ds.treatments["treatment"]) == {"Ketamine infusion"}
    # Never given intravenously, lidocaine is not proposed as a treatment (mar_treatments): a co-medication.
    assert reasons(ds) == [(2, "MEDICATION_NAME", "'lidocaine (PF) 1 % injection 0.5 mL' is not a chosen treatment "
                                                  "(co-medication?)")]
    # Mapped as a treatment by hand, its row is left out by its route.
    from analysis.io.spec import from_json
    files = mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE",
                "P1,2024-03-04T08:50:00,lidocaine (PF) 1 % injection 0.5 mL,Given,0.5,Subcutaneous",
                f"P1,2024-03-04T09:00:00,{KET},New Bag,500,Intravenous", f"P2,2024-03-05T09:00:00,{KET},New Bag,500,Intravenous")
    doc = inspect(files).spec.to_json()
    doc["courses"]["treatments"]["lidocain"] = "Lidocaine infusion"
    assert reasons(load_files(files, mapping=from_json(doc))) == [
        (2, "ROUTE", "route 'Subcutaneous' is not intravenous: not an infusion of 'Lidocaine infusion'")]


@pytest.mark.parametrize("route", [
    "IV", "i.v.", "Intravenous", "IV infusion", "IV Push", "IV bolus", "IVPB", "intravenös", "Continuous IV Infusion",
    "i.v.-Infusion", "", "IVP", "IV PCA", "IV/PCA", "Infusion", "Continuous Infusion", "Intravenous (IV)",
    "IV (Intravenous)", "IV - Intravenous", "IV Infusion over 4 hours", "IV injection", "Slow IV Push",
    "IV Bolus over 5 min", "IV Cont", "IV intermittent", "IV Pump", "IV inf.", "Intraveineux", "Voie intraveineuse",
    "Perfusion IV", "EV", "e.v.", "i.v. Perfusor", "IV infuus", "6", "endovenosa", "Intravenoso", "Kurzinfusion",
    "IV regional", "Regional IV", "Infusion - line blocked"])
def test_intravenous_routes_are_infusions(route):
    """However a clinic writes 'intravenous' (Epic's ROUTE_C code 6 too), the route is known: no warning."""
    cells = np.array([route], dtype=object)
    assert not routes.not_intravenous(cells)[0] and not routes.unknown(cells)[0]


@pytest.mark.parametrize("route", [
    "Oral", "PO", "p.o.", "Subcutaneous", "SC", "SQ", "s.c.", "Sub-Q", "Intradermal", "ID", "Topical", "Transdermal",
    "Intranasal", "IN", "Nasal", "Intramuscular", "IM", "i.m.", "Epidural", "Intrathecal", "Sublingual", "SL",
    "Buccal", "Rectal", "PR", "Inhaled", "Nebulised", "Perineural", "Nerve block", "Infiltration", "Local",
    "Ophthalmic", "Otic", "Vaginal", "Subcutaneous infusion", "Epidural infusion",
    # an infusion word beside another route is that route (a subcutaneous or intrathecal pump is no IV infusion)
    "S/C infusion", "s/c pump", "CSCI infusion", "CSCI", "IT pump", "Wound catheter infusion", "Interscalene infusion",
    "S/C", "By mouth", "Tablet", "Gastrostomy", "Oromucosal", "Eye drops", "PCEA", "Caudal", "Spinal",
    "Stellate ganglion block",
    "subkutan", "peroral", "intramuskulär", "Peridural", "rektal", "Nervenblockade",  # German
    "Voie orale", "sous-cutanée", "intramusculaire", "péridurale",  # French
    "Vía oral", "subcutánea", "tópica",  # Spanish
    "sottocutanea", "intramuscolare", "rettale",  # Italian
    "Oraal", "subcutaan", "intramusculair", "rectaal"])  # Dutch
def test_routes_known_not_to_be_intravenous_are_not(route):
    assert routes.not_intravenous(np.array([route], dtype=object))[0]


@pytest.mark.parametrize("route", ["Miscellaneous", "15", "IV/PO", "Bier block", "Block room"])
def test_an_unknown_route_is_neither(route):
    """Not known (Epic's code 15, a route naming IV and oral): kept as an administration, with a warning."""
    cells = np.array([route], dtype=object)
    assert not routes.not_intravenous(cells)[0] and routes.unknown(cells)[0]


ROUTE_MAR = ("PAT_ID,TAKEN_TIME,MEDICATION_NAME,ROUTE,MAR_ACTION,DOSE",
             f"P1,2024-03-04T09:00:00,{KET},Intravenous (IV),New Bag,500",
             f"P1,2024-03-04T11:00:00,{KET},Intravenous (IV),Rate Change,",
             f"P2,2024-03-05T09:00:00,{KET},IV Infusion over 4 hours,New Bag,500",
             "P2,2024-03-05T08:55:00,ondansetron 4 mg inj,IVP,Given,4")


def test_routes_written_otherwise_keep_the_courses():
    """'Intravenous (IV)' and 'IV Infusion over 4 hours' are intravenous: one course each, 500 mg. Read as not
    intravenous, ketamine was 'never given intravenously', not proposed, and the load asked for a treatment."""
    ds = load_files(mar(*ROUTE_MAR))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert not any(c == "ROUTE" for _, c, _ in reasons(ds))
    assert not any("route" in w for w in ds.report.warnings)


def test_epic_route_code_6_is_intravenous_and_another_code_is_kept_with_a_warning():
    """ROUTE_C 6 (intravenous): P1 and P2 one course each. P1's bag with code 15 on day 14 (a route not known
    here) is kept: P1's second course, 500 mg, and a warning naming '15'."""
    ds = load_files(mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE_C",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,500,6", f"P1,2024-03-04T11:00:00,{KET},Rate Change,,6",
                        f"P2,2024-03-05T09:00:00,{KET},New Bag,500,6", f"P1,2024-03-18T09:00:00,{KET},New Bag,500,15"))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P1", 14.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    (w,) = [w for w in ds.report.warnings if "route" in w]
    assert w.startswith("mar.csv: 1 administration(s) have a route in 'ROUTE_C' not known here ('15')")


def test_a_route_column_the_mapping_ignores_is_not_read_as_the_route():
    """The mapping says "ignore" for ROUTE: its routes are not read (P1's and P2's bags are their courses). P1's
    oral 20 mg on day 14 is then read as an administration (a second course of 20 mg): the mapping's decision,
    with a warning saying how to leave such rows out."""
    cols = {"PAT_ID": "patient_id", "TAKEN_TIME": "date", "MEDICATION_NAME": "treatment", "ROUTE": "ignore",
            "MAR_ACTION": "action", "DOSE": "dose"}
    ds = load_files(mar(*ROUTE_MAR, "P1,2024-03-18T09:00:00,ketamine,Oral,Given,20"), mapping=_mapping(cols))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P1", 14.0, 20.0, 1), ("P2", 0.0, 500.0, 1)]
    (w,) = [w for w in ds.report.warnings if "'ROUTE'" in w]
    assert "('Oral')" in w and "the role 'ignore'" in w and 'the role "route"' in w
    # Not mentioned by the mapping at all, the column is read as the route: the oral row is left out.
    del cols["ROUTE"]
    ds = load_files(mar(*ROUTE_MAR, "P1,2024-03-18T09:00:00,ketamine,Oral,Given,20"), mapping=_mapping(cols))
    assert courses(ds) == [("P1", 0.0, 500.0, 1), ("P2", 0.0, 500.0, 1)]
    assert (6, "ROUTE", "route 'Oral' is not intravenous: not an infusion of 'Ketamine infusion'") in reasons(ds)


def test_a_drug_with_rows_of_an_unknown_route_is_still_proposed():
    """Lidocaine charted 'Subcutaneous' once and with an unknown route once is not 'never given intravenously':
    proposed as a treatment (its subcutaneous row left out by its route, the other kept with a warning)."""
    files = mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE",
                "P1,2024-03-04T08:50:00,lidocaine 1 % injection,Given,0.5,Subcutaneous",
                "P1,2024-03-04T09:00:00,lidocaine 1 % injection,Given,100,Miscellaneous",
                f"P2,2024-03-05T09:00:00,{KET},New Bag,500,IV")
    assert set(inspect(files).spec.courses.treatments.values()) == {"Ketamine infusion", "Lidocaine infusion"}


# --- 6. Bolus from the bag ---------------------------------------------------------------------------

def test_a_bolus_from_the_bag_is_part_of_the_bags_infusion():
    """Three 500 mg bags and a 25 mg bolus drawn from the second: one course of 3 administrations, 1500 mg
    (not 4 and 1525)."""
    ds = load_files(mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,DOSE_UNIT",
                        f"P1,2024-03-04T09:00:00,{KET},New Bag,500,mg", f"P1,2024-03-05T09:00:00,{KET},New Bag,500,mg",
                        f"P1,2024-03-05T10:00:00,{KET},Bolus from Bag,25,mg",
                        f"P1,2024-03-06T09:00:00,{KET},New Bag,500,mg", f"P2,2024-03-05T09:00:00,{KET},New Bag,500,mg"))
    assert courses(ds) == [("P1", 0.0, 1500.0, 3), ("P2", 0.0, 500.0, 1)]
    assert reasons(ds) == [(4, "MAR_ACTION", "a bolus drawn from the running bag (action 'Bolus from Bag'): part of "
                                             "that bag's infusion, not an administration of its own")]


def test_the_worked_example_of_the_docs():
    """docs/data-format.md, "Corrections in an administration record": P1 has one course, 1 administration,
    500 mg (line 2 withdrawn by line 3, line 5 part of line 4's bag, line 6 in error, line 7 oral)."""
    ds = load_files(mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,ROUTE,MAR_ACTION,DOSE,DOSE_UNIT,ENTRY_STATUS",
                        f"P1,2024-03-04T09:00:00,{KET},Intravenous,New Bag,50,mg,Verified",
                        f"P1,2024-03-04T09:00:00,{KET},Intravenous,Canceled Entry,,,Verified",
                        f"P1,2024-03-04T09:00:00,{KET},Intravenous,New Bag,500,mg,Verified",
                        f"P1,2024-03-04T10:00:00,{KET},Intravenous,Bolus from Bag,25,mg,Verified",
                        f"P1,2024-03-05T09:00:00,{KET},Intravenous,New Bag,500,mg,In Error",
                        "P1,2024-03-18T09:00:00,ketamine,Oral,Given,20,mg,Verified"))
    assert courses(ds) == [("P1", 0.0, 500.0, 1)]
    assert [(line, column) for line, column, _ in reasons(ds)] == [
        (2, "MAR_ACTION"), (3, "MAR_ACTION"), (5, "MAR_ACTION"), (6, "ENTRY_STATUS"), (7, "ROUTE")]
    assert len(ds.report.exclusions[ds.report.exclusions["file"] == "mar.csv"]) == 5



STATUS_MAR = """PAT_ID,Admin Date/Time,Order Mnemonic,Admin Event,Admin Dose,Result Status
P1,03/04/2024 09:00,ketamine 500 mg in NS 500 mL infusion,Begin Bag,500,Auth (Verified)
P1,03/04/2024 11:00,ketamine 500 mg in NS 500 mL infusion,Rate Change,,Auth (Verified)
P1,03/18/2024 09:00,ketamine 500 mg in NS 500 mL infusion,Begin Bag,500,In Error
P2,03/05/2024 09:00,ketamine 500 mg in NS 500 mL infusion,Begin Bag,500,Auth (Verified)
P2,03/05/2024 11:00,ketamine 500 mg in NS 500 mL infusion,Rate Change,,Auth (Verified)
"""
STATUS_FLOW = """PAT_ID,RECORDED_TIME,FLOWSHEET_ROW_NAME,MEAS_VALUE
P1,2024-03-04T08:30:00,Pain Score (0-10),8
P1,2024-03-04T14:00:00,Pain Score (0-10),5
P2,2024-03-05T08:30:00,Pain Score (0-10),7
P2,2024-03-05T14:00:00,Pain Score (0-10),4
"""


def test_the_proposal_gives_a_status_column_its_role_and_keeps_the_real_action_column():
    """'Result Status' was proposed as the action and 'Admin Event' ignored; following the advice made every Rate
    Change an administration. Now: one course each, one administration (P1's bag of 18 March is in error)."""
    files = {"flowsheet.csv": STATUS_FLOW.encode(), "mar.csv": STATUS_MAR.encode()}
    p = inspect(files, date_format="MDY")
    roles = {c.header: c.column.role for f in p.files for c in f.columns}
    assert (roles["Result Status"], roles["Admin Event"]) == ("status", "action")
    ds = load_files(files, date_format="MDY")
    assert ds.treatments[["patient_id", "day", "administrations"]].values.tolist() == [["P1", 0.0, 1.0],
                                                                                     ["P2", 0.0, 1.0]]


def test_a_medication_never_given_intravenously_is_not_proposed_as_a_treatment():
    """A subcutaneous lidocaine injection and a topical EMLA cream before the cannula are no lidocaine infusion
    group: one treatment, ketamine, one course per patient."""
    mar = ("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE\n"
           "P1,2024-03-04T08:50:00,lidocaine (PF) 1 % injection 0.5 mL,Given,0.5,Subcutaneous\n"
           "P1,2024-03-04T09:00:00,ketamine 500 mg in NS 500 mL infusion,New Bag,500,Intravenous\n"
           "P2,2024-03-05T08:45:00,lidocaine-prilocaine (EMLA) 2.5-2.5 % cream,Given,1,Topical\n"
           "P2,2024-03-05T09:00:00,ketamine 500 mg in NS 500 mL infusion,New  Bag,500,Intravenous\n")
    files = {"flowsheet.csv": STATUS_FLOW.encode(), "mar.csv": mar.encode()}
    p = inspect(files)
    assert not p.review  # 'New  Bag' (two spaces) is a known start
    assert set(p.spec.courses.treatments.values()) == {"Ketamine infusion"}
    ds = load_files(files)
    assert ds.treatments[["patient_id", "treatment"]].values.tolist() == [["P1", "Ketamine infusion"],
                                                                        ["P2", "Ketamine infusion"]]


def test_new_infusion_texts_left_out_by_a_saved_mapping_of_exact_texts_are_warned_about():
    """Month 1 had an oral ketamine text, so the proposal listed the infusion's exact text; month 2's new bags
    ('ketamine 250 mg ...', upper case) were left out as co-medications and every course was lost, silently."""
    from analysis.io.spec import from_json
    month1 = mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE",
                 f"P1,2024-03-04T09:00:00,{KET},New Bag,500", "P1,2024-03-18T09:00:00,ketamine 10 mg/mL oral solution,Given,10",
                 f"P2,2024-03-05T09:00:00,{KET},New Bag,500")
    mapping = from_json(inspect(month1).spec.to_json())
    assert "ketamin" not in mapping.courses.treatments  # exact texts
    month2 = mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE",
                 f"P1,2024-03-04T09:00:00,{KET},New Bag,500",
                 "P2,2024-03-05T09:00:00,KETAMINE 250 MG IN NS 250 ML IV INFUSION,New Bag,250",
                 "P2,2024-03-19T09:00:00,ketamine 10 mg/mL oral solution,Given,10")
    ds = load_files(month2, mapping=mapping)
    (w,) = [w for w in ds.report.warnings if "name a drug studied as an infusion" in w]
    assert w.startswith("mar.csv: 1 row(s) name") and "'KETAMINE 250 MG IN NS 250 ML IV INFUSION'" in w
    assert "oral solution" not in w  # another form: rightly not a course


def test_the_proposal_shows_a_dose_unit_column_as_no_dose():
    """'DOSE_UNIT' was proposed as a second 'dose' column (the loader reads it as the unit, but the assistant showed
    two doses). It is proposed as ignored, and still read as the dose's unit: the rate is not summed."""
    files = mar("PAT_ID,TAKEN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE_UNIT,DOSE",
                f"P1,2024-03-04T09:00:00,{KET},New Bag,mg/kg/hr,0.5", f"P2,2024-03-05T09:00:00,{KET},New Bag,mg,500")
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert (roles["DOSE_UNIT"], roles["DOSE"]) == ("ignore", "dose")
    ds = load_files(files)
    assert "dose" not in ds.treatments.columns  # a rate beside an amount: no course dose, with a warning
