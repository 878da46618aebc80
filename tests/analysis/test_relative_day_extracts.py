"""De-identified research extracts time each observation and administration in days from an index date
(``DAYS_FROM_INDEX``) instead of dates: that column is the day column, while a count of days (``DAYS_SUPPLY``)
is not (analysis/io/time_units.py relative_day_name, analysis/io/propose.py). Expected values by hand below."""
from __future__ import annotations

import pytest

from analysis import load_files, summarize
from analysis.io.propose import inspect
from analysis.io.time_units import relative_day_name

OBS = ("person_id,{day},obs_name,obs_value\n"
       "a1,27.04,Pain NRS (0-10),8\na1,30.25,Pain NRS (0-10),4\na1,58,Pain NRS (0-10),6\n"
       "b2,-3,Pain NRS (0-10),5\nb2,0.5,Pain NRS (0-10),5\nb2,28,Pain NRS (0-10),2\n")
MEDS = ("person_id,{day},drug_name,admin_action,dose_mg,DAYS_SUPPLY\n"
        "a1,30,ketamine hcl infusion,Given,35,1\nb2,0,ketamine hcl infusion,Given,40,1\n")


@pytest.mark.parametrize("day", ["DAYS_FROM_INDEX", "days_since_first_infusion", "Study day", "REL_DAY"])
def test_days_from_an_index_date_time_the_rows(day):
    """a1: infusion day 30, baseline 8 (day 27.04), day 30.25: 4 = 50% relief; b2: infusion day 0, baseline 5,
    day 0.5: 5 = 0%. Immediate relief 25% (n = 2); at week 4 a1 has 6 (25%) on day 58, b2 2 (60%) on day 28.
    Before, the column was 'describes the observation' and the export was refused for want of a time."""
    files = {"observations.csv": OBS.format(day=day).encode(), "medications.csv": MEDS.format(day=day).encode()}
    p = inspect(files)
    roles = {c.header: c.column.role for f in p.files for c in f.columns}
    assert roles[day] == "day" and roles["DAYS_SUPPLY"] != "day"
    assert not p.review
    table = summarize(load_files(files), models=False).to_frame().set_index("statistic")
    assert table.loc["immediate_relief_pct", "estimate"] == pytest.approx(25.0)
    assert table.loc["immediate_relief_pct", "n"] == 2


@pytest.mark.parametrize("name, relative", [
    ("DAYS_FROM_INDEX", True), ("days_since_first_infusion", True), ("Study day", True), ("Day", True),
    ("day_number", True), ("Hours after infusion", True),
    ("DAYS_SUPPLY", False), ("Days in hospital", False), ("Length of stay (days)", False),
    ("Infusion duration (hours)", False), ("Dose days", False)])
def test_a_relative_day_is_named_so(name, relative):
    assert relative_day_name(name) is relative


# A de-identified extract with the time of day beside the day (the review's case09: DAYS_FROM_INDEX + OBS_TIME /
# ADMIN_TIME): the proposal reads the time columns as times, and the loader took them only beside a date column.
TIMED_OBS = ("PATIENT_ID,DAYS_FROM_INDEX,OBS_TIME,FLO_MEAS_NAME,MEAS_VALUE\n"
             "a1,30,08:30,Pain Score (0-10),8\na1,30,{late},Pain Score (0-10),4\na1,58,10:00,Pain Score (0-10),6\n"
             "b2,0,08:00,Pain Score (0-10),5\nb2,0,12:00,Pain Score (0-10),4\nb2,28,10:00,Pain Score (0-10),2\n")
TIMED_MAR = ("PATIENT_ID,DAYS_FROM_INDEX,ADMIN_TIME,MEDICATION_NAME,MAR_ACTION,DOSE,ROUTE\n"
             "a1,30,09:00,KETAMINE 500 MG/10 ML IV SOLN,Given,35,Intravenous\n"
             "b2,0,09:00,KETAMINE 500 MG/10 ML IV SOLN,Given,40,Intravenous\n")


def _timed(late: str = "14:00") -> dict:
    return {"flowsheet_obs.csv": TIMED_OBS.format(late=late).encode(), "mar_admin.csv": TIMED_MAR.encode()}


def test_a_time_of_day_beside_days_from_an_index_completes_the_day_and_the_proposal_loads():
    """a1: infusion day 30 at 09:00, 8 at 08:30 (baseline), 4 at 14:00 (day 30.583: 50%); b2: infusion day 0 at
    09:00, 5 at 08:00, 4 at 12:00 (20%): immediate relief 35% (n = 2). Before, loading the proposal was refused:
    "the time column 'OBS_TIME' must say which date column it completes"."""
    files = _timed()
    p = inspect(files)
    roles = {c.header: c.column.role for f in p.files for c in f.columns}
    assert roles["OBS_TIME"] == roles["ADMIN_TIME"] == "time" and not p.review
    ds = load_files(files)
    a1 = ds.assessments[ds.assessments["patient_id"] == "a1"].sort_values("day")
    # The score 28 days after the infusion, an hour later in the day: 28 whole days after it (whole-day follow-up).
    assert a1["day"].round(6).tolist() == [round(-0.5 / 24, 6), round(5 / 24, 6), 28.0]
    table = summarize(ds, models=False).to_frame().set_index("statistic")
    assert table.loc["immediate_relief_pct", "estimate"] == pytest.approx((50 + 20) / 2)
    assert table.loc["immediate_relief_pct", "n"] == 2


def test_a_time_beside_a_day_that_does_not_read_leaves_the_row_out_with_its_reason():
    ds = load_files(_timed(late="afternoon"))
    ex = ds.report.exclusions
    assert ex["reason"].tolist() == ["OBS_TIME is not a time of day (hh:mm)"]
    assert (ex["column"].tolist(), ex["value"].tolist()) == (["OBS_TIME"], ["afternoon"])


def test_a_time_of_day_beside_hours_after_an_infusion_is_refused():
    from analysis.errors import MappingError
    from analysis.io.spec import Column, FileSpec, MappingSpec

    sheet = "Patient,Hours after infusion,Time,NRS\nP1,-1,08:00,8\nP1,4,13:00,4\n"
    spec = MappingSpec(files=[FileSpec(match="sheet.csv", columns={
        "Patient": Column("patient_id"), "Hours after infusion": Column("day"), "Time": Column("time"),
        "NRS": Column("measure", measure="pain_nrs")})])
    with pytest.raises(MappingError, match="counts hours, not days"):
        load_files({"sheet.csv": sheet.encode()}, mapping=spec)
