"""SAS exports write datetimes in its DATETIME formats: DATETIME20. ``08APR2024:08:39:00`` (the date in DATE9.
and the time joined by a colon), with fractions of seconds ``08APR2024:08:39:00.000``, and DATETIME16. with a
two-digit year ``08APR24:08:39:00`` (analysis/io/dates.py; docs/data-format.md, "Dates").

Before: none of them read as a date (the time had to follow a ``T``, a space or a comma), and a PROC EXPORT of
scores with an ``OBS_DTTM`` column was refused for want of a date.

Numbers by hand: CRPS001 7 -> 4 (pre at 08:41, post at 13:18 of the infusion day), CRPS002 8 -> 3: immediate
relief 42.9% and 62.5%.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.dates import detect_date_format, parse_datetimes
from clinic_checks import group, relief

AT_0839 = np.datetime64("2024-04-08T08:39:00", "ns").astype(np.int64)


@pytest.mark.parametrize("text", ["08APR2024:08:39:00", "08APR2024:08:39:00.000", "08APR24:08:39:00",
                                  "08Apr2024:08:39", "08APR2024 08:39:00"])
def test_sas_datetime_values_read_as_dates_with_times(text):
    ns, missing, bad, has_time = parse_datetimes(np.array([text], dtype=object), "DMY")
    assert ns.tolist() == [AT_0839] and not bad[0] and has_time[0]


def test_a_column_of_sas_datetimes_reads_the_same_under_every_order_and_says_its_pattern():
    f = detect_date_format(np.array(["08APR2024:08:39:00", "17MAY2024:13:05:00"], dtype=object))
    assert f.order == "YMD" and f.has_time and f.n_unparsed == 0 and f.patterns == ("DDMonYYYY",)
    assert detect_date_format(np.array(["08APR24:08:39:00"], dtype=object)).patterns == ("DDMonYY",)


@pytest.mark.parametrize("text", ["2024-04-08:08:39:00", "04/08/2024:08:39"])
def test_a_colon_before_the_time_is_read_after_the_sas_date_only(text):
    ns, missing, bad, has_time = parse_datetimes(np.array([text], dtype=object), "MDY")
    assert bad.tolist() == [True]


def test_a_sas_proc_export_of_infusions_and_scores_with_datetimes_loads():
    infusions = ("PAT_ID,INF_DATE,INF_TIME,DRUG,DOSE_MG\n"
                 "CRPS001,08APR2024,9:00,Ketamine,40\nCRPS002,01FEB2024,9:15,Ketamine,45\n")
    scores = ("PAT_ID,OBS_DTTM,NRS\n"
              "CRPS001,08APR2024:08:41:00,7\nCRPS001,08APR2024:13:18:00,4\n"
              "CRPS002,01FEB24:09:02:00.000,8\nCRPS002,01FEB24:14:40:00.000,3\n")
    ds = load_files({"infusions.csv": infusions.encode(), "scores.csv": scores.encode()})
    assert len(ds.assessments) == 4
    g = group(ds)
    assert g["patients"] == 2 and g["episodes_used"] == 2
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(7, 4), relief(8, 3)]))
