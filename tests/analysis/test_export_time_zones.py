"""Time zones of a clinic export: times written with a zone compare with the clinic's local times and dates.

The specification (docs/data-format.md, "Time"): the mapping's ``"time_zone"`` (an IANA name; CLI ``--time-zone``)
converts every time written with a zone (``Z``, an offset, an abbreviation, a Qualtrics file's ``timeZone``) to the
clinic's wall-clock time, daylight saving time included. Without it, an export whose zoned times all carry offsets
other than 0 reads each as the wall-clock time written (its own date); an export with times in UTC keeps them in UTC
(ordered right) and warns when they stand beside offsets, local times or dates without a time.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import MappingError
from analysis.io.dates import parse_datetimes
from analysis.io.spec import check_time_zone, from_json

MAR_COLUMNS = {"Patient": "patient_id", "Medication": "treatment", "Given": "date"}
SCORE_COLUMNS = {"Patient": "patient_id", "Taken": "date", "Pain": {"role": "measure", "measure": "pain_nrs"}}


def _mapping(time_zone: str | None = None, mar: str = "mar.csv", scores: str = "scores.csv", **extra) -> dict:
    m = {"crps_outcomes_mapping": 1, "source": "flowsheet",
         "files": [{"match": mar, "columns": MAR_COLUMNS}, {"match": scores, "columns": SCORE_COLUMNS}],
         "courses": {"treatments": {"ketamine": "ketamine_iv"}}, **extra}
    if time_zone:
        m["time_zone"] = time_zone
    return m


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _days(ds) -> list[float]:
    a = ds.assessments
    return sorted(a.loc[a["measure"] == "pain_nrs", "day"].round(3).tolist())


# A Los Angeles clinic: the infusion at 09:00 local (17:00 UTC in January), a baseline at 08:30, a post score at
# 13:30, and the week-4 visit on day 28 at 16:30 local, which is 00:30 UTC of day 29.
MAR_UTC = _csv("Patient,Medication,Given", ["R1,ketamine 500 mg infusion,2024-01-04T17:00:00Z"])
SCORES_LA = _csv("Patient,Taken,Pain", ["R1,2024-01-04T08:30:00-08:00,8", "R1,2024-01-04T13:30:00-08:00,4",
                                        "R1,2024-02-01T16:30:00-08:00,4"])


def test_with_the_clinics_time_zone_a_late_afternoon_visit_west_of_greenwich_stays_on_its_own_date():
    ds = load_files({"mar.csv": MAR_UTC, "scores.csv": SCORES_LA}, mapping=_mapping("America/Los_Angeles"))
    days = _days(ds)
    assert days[0] < 0 < days[1] < 1          # baseline before, post score after the 09:00 infusion
    assert days[2] == 28                      # week 4, not day 29 (week 5)
    assert not [w for w in ds.report.warnings if "zone" in w.casefold() or "UTC" in w]


def test_utc_times_beside_offsets_stay_in_utc_in_the_right_order_and_the_load_warns_of_their_dates():
    ds = load_files({"mar.csv": MAR_UTC, "scores.csv": SCORES_LA}, mapping=_mapping())
    days = _days(ds)
    assert days[0] < 0 < days[1] < 1          # the score at 13:30-08:00 is after the infusion at 17:00Z
    said = [w for w in ds.report.warnings if w.startswith("Times in UTC")]
    assert said and "mar.csv 'Given'" in said[0] and "scores.csv 'Taken'" in said[0] and "time_zone" in said[0]


def test_an_export_whose_zoned_times_all_carry_offsets_reads_them_on_the_dates_written():
    mar = _csv("Patient,Medication,Given", ["R1,ketamine 500 mg infusion,2024-01-04T09:00:00-08:00"])
    ds = load_files({"mar.csv": mar, "scores.csv": SCORES_LA}, mapping=_mapping())
    days = _days(ds)
    assert days[0] < 0 < days[1] < 1 and days[2] == 28
    assert not [w for w in ds.report.warnings if "zone" in w.casefold() or "UTC" in w]
    assert any("scores.csv, column 'Taken'" in n and "read as the local time written" in n for n in ds.report.notes)


# A Denver patient's diary in UTC beside a date-only infusion log: the evening entry after the infusion of 4 March
# (20:00 Denver) is 03:00 UTC of 5 March.
LOG_DATES = _csv("Patient,Medication,Given", ["D1,ketamine infusion,2024-03-04"])
DIARY_UTC = _csv("Patient,Taken,Pain", ["D1,2024-03-03T15:00:00Z,7", "D1,2024-03-05T03:00:00Z,3"])


def test_a_utc_diary_beside_a_date_only_log_is_warned_of_since_a_date_is_a_local_date_too():
    ds = load_files({"mar.csv": LOG_DATES, "scores.csv": DIARY_UTC}, mapping=_mapping())
    said = [w for w in ds.report.warnings if w.startswith("Times with a time zone")]
    assert said and "mar.csv 'Given'" in said[0] and "\"time_zone\"" in said[0]


def test_with_the_clinics_time_zone_a_utc_evening_entry_is_on_its_local_date():
    ds = load_files({"mar.csv": LOG_DATES, "scores.csv": DIARY_UTC}, mapping=_mapping("America/Denver"))
    assert np.floor(_days(ds)[1]) == 0        # 20:00 of the infusion day, not the next day
    assert not [w for w in ds.report.warnings if w.startswith("Times with a time zone")]


def _survey(end_times: list[str]) -> bytes:
    header = "StartDate,EndDate,Status,ResponseId,study_id,Q1_1"
    texts = "Start Date,End Date,Response Type,Response ID,study_id,Pain right now"
    ids = ('"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}",'
           '"{""ImportId"":""endDate"",""timeZone"":""America/Denver""}",'
           '"{""ImportId"":""status""}","{""ImportId"":""_recordId""}","{""ImportId"":""study_id""}",'
           '"{""ImportId"":""QID1_1""}"')
    rows = [f"{t},{t},0,R_{i:04d}abcdEFGHijkl,L001,{p}" for i, (t, p) in enumerate(zip(end_times, (7, 3)))]
    return _csv("\n".join([header, texts, ids]), rows)


SURVEY_MAPPING = {"crps_outcomes_mapping": 1, "source": "spreadsheet", "files": [
    {"match": "survey.csv", "columns": {"study_id": "patient_id", "EndDate": "date", "StartDate": "ignore",
                                         "Q1_1": {"role": "measure", "measure": "pain_nrs"}}},
    {"match": "log.csv", "columns": {"Study ID": "patient_id", "Infusion Date": "date",
                                      "Start Time": {"role": "time", "date": "Infusion Date"},
                                      "Medication": "treatment"}}],
    "courses": {"treatments": {"lidocaine": "lidocaine_iv"}}}
# A New York clinic's infusion at 10:15; the survey answered at 08:00 and 09:20 Denver time (10:00 and 11:20 Eastern).
QUALTRICS_FILES = {"survey.csv": _survey(["2024-05-06 08:00:00", "2024-05-06 09:20:00"]),
                   "log.csv": _csv("Study ID,Infusion Date,Start Time,Medication", ["L001,2024-05-06,10:15,Lidocaine"])}


def test_a_qualtrics_survey_in_its_accounts_zone_is_converted_to_the_clinics_local_time():
    ds = load_files(QUALTRICS_FILES, mapping={**SURVEY_MAPPING, "time_zone": "America/New_York"})
    days = _days(ds)
    assert days[0] < 0 < days[1]              # 11:20 Eastern is after the 10:15 start: the immediate score


def test_a_qualtrics_surveys_zone_beside_times_without_one_is_warned_of_with_the_option_to_set():
    ds = load_files(QUALTRICS_FILES, mapping=SURVEY_MAPPING)
    said = [w for w in ds.report.warnings if "America/Denver" in w]
    assert said and "line 3" in said[0] and "log.csv 'Infusion Date'" in said[0] and "\"time_zone\"" in said[0]


def test_the_load_option_names_the_clinics_zone_as_the_mapping_does():
    ds = load_files(QUALTRICS_FILES, mapping=SURVEY_MAPPING, time_zone="America/New_York")   # CLI: --time-zone
    assert _days(ds)[1] > 0


@pytest.mark.parametrize("name", ["EST", "America/NewYork", "Mars/Olympus"])
def test_a_time_zone_that_is_no_iana_name_is_refused_with_the_names_to_use(name):
    with pytest.raises(MappingError, match="America/New_York"):
        from_json({"crps_outcomes_mapping": 1, "time_zone": name, "files": []})
    assert check_time_zone("Europe/Berlin") == "Europe/Berlin" and check_time_zone(None) is None


def test_zoned_times_are_converted_to_the_clinics_wall_clock_with_daylight_saving_time():
    ns = parse_datetimes(np.array(["2024-01-15T17:00:00Z", "2024-07-15T17:00:00Z", "2024-07-15 09:00 PDT",
                                   "2024-07-15T12:00:00-04:00", "2024-07-15 08:00"], dtype=object), "YMD",
                         time_zone="America/Los_Angeles")[0]
    written = np.array(["2024-01-15T09:00", "2024-07-15T10:00", "2024-07-15T09:00", "2024-07-15T09:00",
                        "2024-07-15T08:00"], dtype="datetime64[ns]").astype(np.int64)
    assert (ns == written).all()             # a time without a zone is the clinic's own


def test_offsets_read_as_written_keep_the_wall_clock_time_and_utc_stays_utc():
    ns = parse_datetimes(np.array(["2024-02-01T16:30:00-08:00", "2024-02-01T16:30:00Z"], dtype=object), "YMD",
                         offsets_as_written=True)[0]
    assert (ns == np.array(["2024-02-01T16:30", "2024-02-01T16:30"], dtype="datetime64[ns]").astype(np.int64)).all()


def test_slashed_dates_take_no_order_from_dotted_ones_of_another_file():
    from analysis.io.propose import inspect
    files = {"ehr.csv": _csv("Patient ID,Admin Date/Time,Medication", ["KC-001,06/10/2024 10:30 AM,ketamine",
                                                                       "KC-002,05/10/2024 11:00 AM,ketamine"]),
             "calls.csv": _csv("Pat.-Nr.,Anruf,NRS", ["KC-001,17.06.2024 10:00,3", "KC-002,28.05.2024 10:00,4"])}
    proposal = inspect(files)
    assert proposal.spec.date_format is None
    assert any("ehr.csv" in r and "Admin Date/Time" in r and "date_format" in r for r in proposal.review)
    # Slashed dates of another file still say the order.
    files["calls.csv"] = _csv("Patient ID,Call,NRS", ["KC-001,06/17/2024 10:00,3", "KC-002,05/28/2024 10:00,4"])
    assert inspect(files).spec.date_format == "MDY"


def test_an_export_wide_month_first_order_leaves_dotted_dates_day_first_with_a_note():
    files = {"mar.csv": _csv("Patient,Medication,Given", ["R1,ketamine infusion,01/04/2024 09:00 AM"]),
             "scores.csv": _csv("Patient,Taken,Pain", ["R1,04.01.2024 08:00,8", "R1,01.02.2024 10:00,4"])}
    ds = load_files(files, mapping=_mapping(date_format="MDY"))
    assert _days(ds)[1] == 28                 # 01.02.2024 is 1 February (day 28), not 2 January
    assert any("dotted dates" in n and "MDY" in n for n in ds.report.notes)
