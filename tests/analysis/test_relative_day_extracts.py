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
