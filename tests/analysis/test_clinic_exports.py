"""Clinic exports load as exported and give the numbers of the same data reshaped by hand (issue 13).

One invented cohort (tests/analysis/clinic_export_shapes.py) is written both as canonical files and
in each export shape; loading the export with the proposed mapping (after the review a clinic
would do: naming boosters, giving "Denies pain" a value) must give the same ``summarize --json``
document as the canonical files, and the load report must account for every row of the export.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import clinic_export_shapes as ces
from analysis import load_dataset, load_files
from analysis.definitions import Definitions
from analysis.cli import main
from analysis.cohort import cohort_summary
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.errors import DatasetError, IdentifierError, MappingError, MissingFileError
from analysis.io import spec as export_spec
from analysis.io.plausibility import scores_on_start_days
from analysis.io.propose import inspect
from analysis.summary import summarize

N, SEED = 30, 7

# What a clinic changes in the proposed mapping after reading it (the rest is as proposed).
REVIEW = {
    "redcap_raw": {"boosters": {ces.KETAMINE: ces.KETAMINE_BOOSTER}},
    "redcap_labels": {"boosters": {ces.KETAMINE: ces.KETAMINE_BOOSTER}},
    "flowsheet": {"boosters": {ces.KETAMINE: ces.KETAMINE_BOOSTER}, "text": {"Denies pain": 0}},
    "spreadsheet_de": {"boosters": {"Ketamin i.v.": "Ketamin-Booster"}},
    "spreadsheet_fr": {},
    "spreadsheet_en": {},
}


@pytest.fixture(scope="module", params=ces.KINDS)
def shape(request):
    return ces.export_shape(request.param, ces.make_cohort(N, seed=SEED))


def reviewed_mapping(kind: str, files: dict) -> dict:
    proposal = inspect(files)
    assert proposal.review == [], proposal.review
    doc = proposal.spec.to_json()
    edits = REVIEW[kind]
    if "boosters" in edits:
        doc["courses"]["boosters"] = edits["boosters"]
    if "text" in edits:
        doc["values"]["text"] = edits["text"]
    return doc


def summary_doc(ds) -> dict:
    return summarize(ds).to_dict()


def test_export_gives_the_same_summary_as_the_canonical_files(shape):
    mapping = reviewed_mapping(shape.kind, shape.files)
    from_export = load_files(shape.files, mapping=mapping, source="export")
    from_canonical = load_files(shape.canonical, source="canonical")
    assert summary_doc(from_export) == summary_doc(from_canonical)
    # The tables themselves, not only the summary: same scores on the same days.
    a, b = from_export.assessments, from_canonical.assessments
    assert len(a) == len(b)
    assert np.array_equal(a["day"].to_numpy(), b["day"].to_numpy())
    assert np.array_equal(a["value"].to_numpy(), b["value"].to_numpy())
    assert list(from_export.treatments["treatment"]) == list(from_canonical.treatments["treatment"])
    assert np.array_equal(from_export.treatments["day"].to_numpy(), from_canonical.treatments["day"].to_numpy())


def test_the_mapping_written_to_a_file_and_read_back_loads_the_same(shape, tmp_path):
    doc = reviewed_mapping(shape.kind, shape.files)
    path = tmp_path / "mapping.json"
    path.write_text(export_spec.from_json(doc).dumps(), encoding="utf-8")
    again = export_spec.read(path)
    assert again.to_json() == export_spec.from_json(doc).to_json()
    a = load_files(shape.files, mapping=again)
    b = load_files(shape.files, mapping=doc)
    assert summary_doc(a) == summary_doc(b)
    assert a.report.to_dict() == b.report.to_dict()


def test_every_row_of_the_export_is_used_or_excluded_with_a_reason(shape):
    ds = load_files(shape.files, mapping=reviewed_mapping(shape.kind, shape.files))
    rep = ds.report
    ex = rep.exclusions
    data_files = [n for n in shape.files if "DataDictionary" not in n]
    assert set(rep.files) == set(data_files)
    for name, counts in rep.files.items():
        assert counts.rows_read == counts.rows_used + counts.rows_excluded
        excluded_lines = set(ex.loc[ex["file"] == name, "line"])
        # every excluded row has at least one entry
        assert len(excluded_lines) >= counts.rows_excluded
    assert not ex["reason"].eq("").any()


def test_flowsheet_text_values_and_unmapped_items_are_excluded_with_their_reasons():
    shape = ces.export_shape("flowsheet", ces.make_cohort(N, seed=SEED))
    ds = load_files(shape.files, mapping=reviewed_mapping("flowsheet", shape.files))
    ex = ds.report.exclusions
    for e in shape.expected["excluded_values"]:
        row = ex[(ex["file"] == e["file"]) & (ex["line"] == e["line"])]
        assert list(row["column"]) == [e["column"]] and list(row["value"]) == [e["value"]]
        assert row["reason"].iat[0] == f"text answer '{e['value']}' has no value in the mapping"
    for item, n in shape.expected["ignored_items"].items():
        assert (ex["reason"] == f"item {item!r} is not mapped to a measure (ignored)").sum() == n
    # The MAR: every non-start action and every co-medication row is excluded, never a course.
    mar = ex[ex["file"] == ces.MAR_FILE]
    for action, n in shape.expected["mar_actions"].items():
        if action in ces.MAR_NON_STARTS:
            assert (mar["reason"] == f"not the start of an administration (action {action!r})").sum() == n
    co = mar["reason"].str.contains("is not a chosen treatment").sum()
    assert co == sum(n for med, n in shape.expected["co_medication_rows"].items()) - \
        sum(1 for _ in ())  # co-medication rows are all "Given" starts in this export
    assert set(ds.treatments["treatment"]) == {ces.KETAMINE, ces.KETAMINE_BOOSTER}


def test_without_the_text_rule_denies_pain_is_excluded_not_guessed():
    shape = ces.export_shape("flowsheet", ces.make_cohort(N, seed=SEED))
    doc = reviewed_mapping("flowsheet", shape.files)
    doc["values"]["text"] = {}
    ds = load_files(shape.files, mapping=doc)
    assert (ds.report.exclusions["reason"] == "text answer 'Denies pain' has no value in the mapping").any()


def test_german_spreadsheet_title_rows_are_skipped_and_named():
    shape = ces.export_shape("spreadsheet_de", ces.make_cohort(N, seed=SEED))
    ds = load_files(shape.files, mapping=reviewed_mapping("spreadsheet_de", shape.files))
    assert any("header is on line 3" in n for n in ds.report.notes)
    # line numbers are the spreadsheet's: the first data row is line 4
    assert ds.report.files[ces.GERMAN_FILE].rows_read == shape.expected["rows"]


def test_french_spreadsheet_loads_as_exported_with_no_mapping_at_all():
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(N, seed=SEED))
    assert summary_doc(load_files(shape.files)) == summary_doc(load_files(shape.canonical))


def test_ignoring_the_time_column_is_flagged_not_silently_wrong():
    # The wrong result: without the Heure column the post-infusion score on the infusion day
    # becomes the baseline. The load must say so.
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(N, seed=SEED))
    doc = reviewed_mapping("spreadsheet_fr", shape.files)
    cols = doc["files"][0]["columns"]
    time_col = next(k for k, v in cols.items() if (v if isinstance(v, str) else v["role"]) == "time")
    cols[time_col] = "ignore"
    ds = load_files(shape.files, mapping=doc)
    assert any("BASELINE" in w and "without a time of day" in w for w in ds.report.warnings)


START_DAY = "start day without a time of day"
VISITS = b"patient,date,pain\nA,2024-03-05,7\nA,2024-03-12,3\nB,2024-02-28,6\nB,2024-03-08,2\n"


def _courses_at(written: str, other_time: str) -> bytes:
    """Patient A's course on 2024-03-05 at the time written as ``written`` ("sep": a separate time
    column); patient B's course at ``other_time`` (09:00, or 00:00 too: a column of only 00:00 times)."""
    if written == "sep":
        return f"patient,date,time,treatment\nA,2024-03-05,00:00,ketamine\nB,2024-03-01,{other_time},ketamine\n".encode()
    return (f"patient,date,treatment\nA,{written.format(d='2024-03-05')},ketamine\n"
            f"B,2024-03-01 {other_time},ketamine\n").encode()


@pytest.mark.parametrize("other_time", ["09:00", "00:00"])
@pytest.mark.parametrize("written", ["{d} 00:00", "{d}T00:00:00", "{d} 00:00:00", "{d} 12:00 AM", "sep"])
def test_a_date_only_score_on_the_day_of_a_treatment_written_at_00_00_is_warned_about(written, other_time):
    # A clinician reads a written 00:00 as a time: the score of that day without a time may be before
    # or after the treatment, so the load says so (as for a treatment at 14:30 or without a time).
    ds = load_files({"visits.csv": VISITS, "courses.csv": _courses_at(written, other_time)})
    warning = [w for w in ds.report.warnings if START_DAY in w]
    assert warning and warning[0].startswith("1 score(s) of 1 patient(s)")
    # ... and it is the baseline of that course (day 0), as the warning says
    a = ds.assessments
    assert a.loc[a["patient_id"] == "A", "day"].tolist() == [0.0, 7.0]


def test_a_score_written_at_00_00_on_a_treatment_day_is_placed_by_its_time_and_not_warned_about():
    visits = b"patient,date,pain\nA,2024-03-05 00:00,7\nA,2024-03-12 10:00,3\n"
    courses = b"patient,date,treatment\nA,2024-03-05 00:00,ketamine\nA,2024-06-01 10:00,ketamine\n"
    ds = load_files({"visits.csv": visits, "courses.csv": courses})
    assert not any(START_DAY in w for w in ds.report.warnings)


def test_a_treatment_at_00_00_with_a_pre_treatment_score_and_a_date_only_score_conflicts_and_is_warned_about():
    # The known limit of issue 13: both scores are at 00:00 of the start day; they conflict (both
    # excluded, with their lines) and the start-day warning says why.
    sheet = (b"patient,date,treatment,pain,pain_pre\nA,2024-03-05 00:00,ketamine,,8\nA,2024-03-05,,7,\n"
             b"A,2024-03-12 10:00,,3,\nB,2024-03-01 09:00,ketamine,,6\nB,2024-03-08,,2,\n")
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "patient": "patient_id", "date": "date", "treatment": "treatment",
        "pain": {"role": "measure", "measure": "pain_nrs"},
        "pain_pre": {"role": "measure", "measure": "pain_nrs", "timing": "before_start"}}}]}
    ds = load_files({"s.csv": sheet}, mapping=doc)
    ex = ds.report.exclusions
    assert sorted(ex["line"]) == [2, 3] and ex["reason"].str.startswith("conflicting values").all()
    assert any(START_DAY in w for w in ds.report.warnings)


@pytest.mark.parametrize("start, score, has_time, counted", [
    ("2024-03-05 00:00", "2024-03-05", False, True),    # course at midnight
    ("2024-03-05 14:30", "2024-03-05", False, True),    # course later that day
    ("2024-03-05", "2024-03-05", False, True),          # course without a time
    ("2024-03-05 23:59", "2024-03-05", False, True),
    ("2024-03-05 00:00", "2024-03-05 00:00", True, False),  # a score with its time is placed by it
    ("2024-03-05 00:00", "2024-03-04", False, False),   # the day before
    ("2024-03-05 00:00", "2024-03-06", False, False),   # the day after
])
def test_scores_on_start_days_is_a_calendar_day_rule(start, score, has_time, counted):
    def ns(text):
        return pd.Timestamp(text).value

    got = scores_on_start_days(["A", "B"], [ns(score), ns(score)], [has_time, has_time], ["A"], [ns(start)])
    assert got.tolist() == [counted, False]  # B has no course that day


@pytest.mark.parametrize("time", ["T00:00:00", "T14:30:00"])
def test_canonical_files_warn_about_a_date_only_score_on_the_day_of_a_timed_treatment(time):
    files = {"assessments.csv": b"patient_id,date,pain_nrs\nA,2024-03-05,7\nA,2024-03-12,3\n",
             "treatments.csv": f"patient_id,datetime,treatment\nA,2024-03-05{time},ketamine\n".encode()}
    ds = load_files(files)
    assert any(START_DAY in w for w in ds.report.warnings)


def test_redcap_labels_export_without_its_dictionary_is_refused_with_what_to_add():
    shape = ces.export_shape("redcap_labels", ces.make_cohort(N, seed=SEED))
    doc = reviewed_mapping("redcap_labels", shape.files)
    files = {k: v for k, v in shape.files.items() if "DataDictionary" not in k}
    with pytest.raises(MissingFileError, match="data dictionary"):
        load_files(files, mapping=doc)


def test_redcap_raw_codes_are_decoded_and_the_data_access_group_is_the_site():
    shape = ces.export_shape("redcap_raw", ces.make_cohort(N, seed=SEED))
    ds = load_files(shape.files, mapping=reviewed_mapping("redcap_raw", shape.files))
    assert set(ds.patients["sex"].dropna()) <= set(ces.SEXES)
    assert set(ds.patients["site"].dropna()) <= {"site_a", "site_b"}
    assert "demographics_complete" not in ds.patients.columns
    assert set(ds.measures) == {"pain_nrs", "phq9", "regions_affected"}


def test_dates_that_read_two_ways_are_never_guessed():
    files = {"visits.csv": b"patient,date,pain\nA,01/02/2024,7\nA,03/02/2024,3\nB,05/06/2024,6\n",
             "courses.csv": b"patient,date,treatment\nA,02/02/2024,ketamine\nB,05/06/2024,ketamine\n"}
    with pytest.raises(MappingError, match="DMY.*MDY|MDY.*DMY"):
        load_files(files)
    ds = load_files(files, date_format="DMY")
    # 01/02 is the day before 02/02 read day-first
    assert sorted(ds.assessments.loc[ds.assessments["patient_id"] == "A", "day"]) == [-1.0, 1.0]
    ds = load_files(files, date_format="MDY")
    assert sorted(ds.assessments.loc[ds.assessments["patient_id"] == "A", "day"]) == [-31.0, 29.0]


def test_a_date_of_birth_column_stays_refused_and_a_visit_date_mapped_as_date_is_accepted():
    files = {"sheet.csv": b"patient,visit date,date of birth,pain\nA,2024-03-01,1970-05-02,7\n"
                          b"A,2024-03-09,1970-05-02,4\n"}
    with pytest.raises(IdentifierError, match="date of birth"):
        load_files(files)


def test_a_coded_covariate_read_as_a_measure_is_warned_about():
    rows = ["patient,date,treatment,pain,group"]
    for i in range(8):
        rows += [f"P{i},2024-03-01,ketamine,7,{1 + i % 2}", f"P{i},2024-03-05,,4,{1 + i % 2}"]
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "patient": "patient_id", "date": "date", "treatment": "treatment",
        "pain": {"role": "measure", "measure": "pain_nrs"}, "group": {"role": "measure", "measure": "group"}}}]}
    ds = load_files({"s.csv": "\n".join(rows).encode()}, mapping=doc)
    assert any("looks like a coded covariate" in w for w in ds.report.warnings)


def test_mapping_errors_name_the_entry_and_what_is_allowed():
    with pytest.raises(MappingError, match="role 'score' is not one of"):
        export_spec.from_json({"crps_outcomes_mapping": 1, "files": [{"match": "*", "columns": {"x": "score"}}]})
    with pytest.raises(MappingError, match="date_format"):
        export_spec.from_json({"crps_outcomes_mapping": 1, "date_format": "DDMMYYYY", "files": []})
    with pytest.raises(MappingError, match="gap_days"):
        export_spec.from_json({"crps_outcomes_mapping": 1, "files": [], "courses": {"gap_days": -1}})


def test_cli_inspect_writes_a_mapping_that_validate_and_summarize_take(tmp_path, capsys):
    shape = ces.export_shape("redcap_raw", ces.make_cohort(N, seed=SEED))
    folder = tmp_path / "export"
    folder.mkdir()
    for name, data in shape.files.items():
        (folder / name).write_bytes(data)
    mapping = tmp_path / "m.json"
    assert main(["inspect", str(folder), "--write-mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "REDCap raw export" in out and "record_id" in out and "patient_id" in out
    doc = json.loads(mapping.read_text())
    doc["courses"]["boosters"] = {ces.KETAMINE: ces.KETAMINE_BOOSTER}
    mapping.write_text(json.dumps(doc))
    assert main(["validate", str(folder), "--mapping", str(mapping), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and ces.REDCAP_DATA in report["files"]
    assert main(["summarize", str(folder), "--mapping", str(mapping), "--json"]) == 0
    canon = tmp_path / "canon"
    canon.mkdir()
    for name, data in shape.canonical.items():
        (canon / name).write_bytes(data)
    doc_export = json.loads(capsys.readouterr().out)
    assert main(["summarize", str(canon), "--json"]) == 0
    doc_canon = json.loads(capsys.readouterr().out)
    # The same results; the loads' warnings are each reading's own (the export's administrations merged into courses).
    assert doc_export.pop("load_warnings") and doc_canon.pop("load_warnings") == []
    assert doc_export == doc_canon


def test_summarize_text_when_the_logrank_test_cannot_be_computed(monkeypatch):
    from analysis.summary import Summary

    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(N, seed=SEED))
    result = summarize(load_files(shape.files))
    real = Summary.to_dict

    def no_test(self):
        d = real(self)
        d["logrank"] = {"chi2": None, "df": 1, "p_value": None, "method": "log-rank"}
        return d
    monkeypatch.setattr(Summary, "to_dict", no_test)
    assert "not computable" in result.to_text()


def test_canonical_dates_without_a_zone_are_not_shifted_by_a_zoned_value_before_them(load):
    # pandas 2.3 gave the unzoned 10:00 the -00:30 offset of the value before it (found by the
    # dates module's reference test): 10:00 must stay 10:00.
    ds = load({"assessments.csv": "patient_id,datetime,pain_nrs\nA,2024-03-01T09:00-00:30,7\nA,2024-03-01T10:00,5\n"
                                  "A,2024-03-01T12:00,4\n"})
    days = sorted(ds.assessments["day"])
    assert days[1] * 24 == pytest.approx(0.5)      # 10:00 is 30 min after 09:00-00:30 (= 09:30 UTC)
    assert days[2] * 24 == pytest.approx(2.5)


def test_a_patients_file_beside_an_export_does_not_change_how_the_export_is_read(tmp_path):
    # Issue 13: adding patients.csv to the folder silently changed how the combined file was read.
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(N, seed=SEED))
    for name, data in shape.files.items():
        (tmp_path / name).write_bytes(data)
    alone = summary_doc(load_dataset(tmp_path))
    (tmp_path / "patients.csv").write_text("patient_id,smoker\n001,yes\n")
    with_patients = load_dataset(tmp_path)
    assert summary_doc(with_patients) == alone
    assert "patients.csv" in with_patients.report.files


def test_a_single_csv_with_day_first_dates_is_read_as_an_export_not_refused(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text("patient_id;date;treatment;pain_nrs\nA;28.02.2024;;8\nA;01.03.2024;ketamine;\nA;02.03.2024;;3\n")
    ds = load_dataset(p)
    assert sorted(ds.assessments["day"]) == [-2.0, 1.0]   # 2024 is a leap year


def test_a_title_row_above_a_canonical_file_is_named_as_the_cause(load):
    with pytest.raises(DatasetError, match="looks like a title above the table"):
        load({"assessments.csv": "Pain clinic audit 2024,,\npatient_id,day,pain_nrs\nP1,0,7\n"})


def test_an_observation_export_without_an_item_named_column_is_recognised_by_its_values():
    files = {"obs.csv": b"Patient ID,Date,Time,Measure,Result\nA1,2024-03-01,08:00,Pain (NRS),8\n"
                        b"A1,2024-03-01,13:00,Pain (NRS),3/10\nA1,2024-03-01,13:00,Heart rate,80\n"
                        b"A1,2024-03-15,09:00,Pain (NRS),5-6\n",
             "meds.csv": b"Patient ID,Administered,Medication,Action,Dose\nA1,2024-03-01 09:00,Ketamine IV,Started,35\n"
                         b"A1,2024-03-01 09:30,Ondansetron 4mg,Given,4\nA1,2024-03-01 12:00,Ketamine IV,Stopped,\n"}
    p = inspect(files)
    roles = {c.header: c.column.role for f in p.files for c in f.columns}
    assert roles["Measure"] == "item" and roles["Result"] == "value" and roles["Action"] == "action"
    ds = load_files(files)
    # 8 at 08:00 = baseline, 3/10 at 13:00 = 4 h after the 09:00 start, 5-6 -> 5.5 on day 14
    assert list(ds.assessments["value"]) == [8.0, 3.0, 5.5]
    assert list(ds.assessments["day"] * 24) == pytest.approx([-1.0, 4.0, 14 * 24])
    assert list(ds.treatments["treatment"]) == ["Ketamine infusion"]


def test_a_0_to_100_pain_scale_is_not_read_as_the_0_to_10_nrs_and_comments_are_not_covariates():
    files = {"liste.csv": "ID;Datum;Uhrzeit;Behandlung;VAS Schmerz (0-100);Bemerkung\n1;01.03.2024;08:00;;80;\n"
                          "1;01.03.2024;09:00;Ketamin;;gut vertragen\n1;01.03.2024;13:00;;30;\n".encode()}
    p = inspect(files)
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert cols["VAS Schmerz (0-100)"].measure != "pain_nrs"
    assert cols["Bemerkung"].role == "ignore"
    assert any("0-100 VAS" in n for n in p.notes)


def test_day_numbers_under_another_name_are_the_time_not_a_score():
    files = {"verlauf.csv": "Patient;Tag;Behandlung;NRS\nA;-2;;8\nA;0;Ketamin;\nA;0,25;;3\nA;14;;6\n".encode()}
    p = inspect(files)
    cols = {c.header: c.column.role for f in p.files for c in f.columns}
    assert cols["Tag"] == "day" and cols["NRS"] == "measure"
    ds = load_files(files)
    assert list(ds.assessments["day"]) == [-2.0, 0.25, 14.0]


def _redcap_questionnaire_project():
    """A small REDCap project of another shape: PHQ-9 asked item by item with a calculated total,
    pain asked as a 0-10 radio, visits as events (no repeating instrument)."""
    pain_choices = " | ".join(f"{i}, {i}{' - no pain' if i == 0 else ' - worst pain' if i == 10 else ''}"
                              for i in range(11))
    item_choices = "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"
    header = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
              '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
              '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
              '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
              '"Matrix Ranking?","Field Annotation"')
    rows = [f'study_id,enrolment,,text,"Study ID",,,,,,,,,,,,,',
            f'visit_dt,visit,,text,"Visit date and time",,,datetime_ymd,,,,,,,,,,',
            f'pain_now,visit,,radio,"Pain right now","{pain_choices}",,,,,,,,,,,,']
    rows += [f'phq9_{i},visit,,radio,"PHQ-9 item {i}","{item_choices}",,,,,,,,,,,,' for i in range(1, 10)]
    rows += ['phq9_total,visit,,calc,"PHQ-9 total score","sum([phq9_1],[phq9_2])",,,,,,,,,,,,',
             'ket_given,visit,,yesno,"Ketamine infusion given at this visit",,,,,,,,,,,,,']
    dictionary = (header + "\n" + "\n".join(rows) + "\n").encode()
    raw = ["study_id,redcap_event_name,visit_dt,pain_now," + ",".join(f"phq9_{i}" for i in range(1, 10))
           + ",phq9_total,ket_given,visit_complete"]
    data = [("S1", "screening_arm_1", "2024-03-01 08:00", 8, [2] * 9, 18, 0),
            ("S1", "infusion_arm_1", "2024-03-02 09:00", 7, [2] * 9, 18, 1),
            ("S1", "week_1_arm_1", "2024-03-09 10:00", 3, [1] * 9, 9, 0),
            ("S2", "screening_arm_1", "2024-03-11 08:00", 6, [3] * 9, 27, 0),
            ("S2", "infusion_arm_1", "2024-03-12 09:00", 6, [3] * 9, 27, 1),
            ("S2", "week_1_arm_1", "2024-03-19 10:00", 5, [2] * 9, 18, 0)]
    for sid, ev, dt, pain, items, total, given in data:
        raw.append(f"{sid},{ev},{dt},{pain}," + ",".join(map(str, items)) + f",{total},{given},2")
    return dictionary, ("\n".join(raw) + "\n").encode()


def test_redcap_questionnaire_items_are_not_read_as_the_score_and_choice_scores_keep_their_codes():
    dictionary, raw = _redcap_questionnaire_project()
    files = {"Q_DataDictionary_2024.csv": dictionary, "Q_DATA_2024.csv": raw}
    p = inspect(files)
    cols = {c.header: c.column for f in p.files for c in f.columns}
    # phq9_total is a calculated field beside the complete items: the items are summed (same totals here, 18, 9,
    # 27; tests/analysis/test_score_column_rules.py has the rows where REDCap's sum() is wrong).
    assert cols["phq9_total"].role == "ignore"
    assert all(cols[f"phq9_{i}"].role == "sum_item" and cols[f"phq9_{i}"].measure == "phq9" for i in range(1, 10))
    assert cols["pain_now"].role == "measure" and cols["pain_now"].measure == "pain_nrs"
    ds = load_files(files)
    a = ds.assessments
    assert sorted(a.loc[(a["patient_id"] == "S1") & (a["measure"] == "phq9"), "value"]) == [9.0, 18.0, 18.0]
    assert sorted(a.loc[(a["patient_id"] == "S1") & (a["measure"] == "pain_nrs"), "value"]) == [3.0, 7.0, 8.0]
    assert not (ds.report.exclusions["reason"].str.contains("conflicting")).any()
    # the yes/no "ketamine given" field: each Yes is an administration, a No is not
    assert list(ds.treatments["treatment"]) == ["Ketamine infusion", "Ketamine infusion"]
    assert list(ds.treatments["day"]) == [0.0, 0.0]
    s1 = a[(a["patient_id"] == "S1") & (a["measure"] == "pain_nrs")].sort_values("day")
    # The week-1 visit at 10:00 after the 09:00 start is 7 whole days after it (week 1), not 7 days and an hour.
    assert list(s1["day"]) == pytest.approx([-25 / 24, 0.0, 7.0])


@pytest.mark.parametrize("export", ["raw", "labels"])
def test_a_redcap_choice_covariate_labelled_with_numbers_is_categorical(export):
    # The data dictionary declares the codes of a radio field: its values are categories (Table 1
    # counts them), even when the labels are numbers the canonical loader would read as a quantity.
    dictionary, raw = _redcap_questionnaire_project()
    # "clinic": the last field of the visit form, so exported just before visit_complete
    dictionary = dictionary.replace(b"ket_given,visit,,yesno,\"Ketamine infusion given at this visit\",,,,,,,,,,,,,",
                                    b"ket_given,visit,,yesno,\"Ketamine infusion given at this visit\",,,,,,,,,,,,,\n"
                                    b"clinic,visit,,radio,\"Clinic\",\"1, 1 | 2, 2 | 3, 3\",,,,,,,,,,,,")
    assert b"clinic,visit" in dictionary
    lines = raw.decode().splitlines()
    rows = [line.split(",") for line in lines]
    rows = [rows[0][:-1] + ["clinic", rows[0][-1]]] + [r[:-1] + ["1" if r[0] == "S1" else "3", r[-1]] for r in rows[1:]]
    data = "".join(",".join(r) + "\n" for r in rows).encode()
    if export == "labels":  # the same rows as a labels export (the fields' labels as header)
        fields = ["Study ID", "Event Name", "Visit date and time", "Pain right now",
                  *[f"PHQ-9 item {i}" for i in range(1, 10)], "PHQ-9 total score",
                  "Ketamine infusion given at this visit", "Clinic", "Complete?"]
        pain = {str(i): f"{i}{' - no pain' if i == 0 else ' - worst pain' if i == 10 else ''}" for i in range(11)}
        item = {"0": "Not at all", "1": "Several days", "2": "More than half the days", "3": "Nearly every day"}
        out = [fields] + [[c[0], c[1].replace("_arm_1", "").replace("_", " ").title() + " (Arm 1: Arm 1)", c[2],
                           pain[c[3]], *[item[x] for x in c[4:13]], c[13], "Yes" if c[14] == "1" else "No", c[15],
                           "Complete"] for c in rows[1:]]
        data = "".join(",".join(r) + "\n" for r in out).encode()
    name = "Q_DATA_2024.csv" if export == "raw" else "Q_DATA_LABELS_2024.csv"
    ds = load_files({"Q_DataDictionary_2024.csv": dictionary, name: data})
    assert ds.patients.set_index("patient_id")["clinic"].to_dict() == {"S1": "1", "S2": "3"}
    t1 = cohort_summary(build_episodes(ds, Definitions()))
    clinic = t1[(t1["variable"] == "clinic") & (t1["group"] == "All")]
    assert clinic[["level", "n"]].values.tolist() == [["1", 1], ["3", 1]]


def test_the_same_questionnaire_project_as_a_labels_export_gives_the_same_scores():
    dictionary, raw = _redcap_questionnaire_project()
    item = {"0": "Not at all", "1": "Several days", "2": "More than half the days", "3": "Nearly every day"}
    pain = {str(i): f"{i}{' - no pain' if i == 0 else ' - worst pain' if i == 10 else ''}" for i in range(11)}
    lines = raw.decode().splitlines()
    out = ['Study ID,Event Name,Visit date and time,Pain right now,' + ",".join(f"PHQ-9 item {i}" for i in range(1, 10))
           + ',PHQ-9 total score,Ketamine infusion given at this visit,Complete?']
    for line in lines[1:]:
        c = line.split(",")
        out.append(",".join([c[0], c[1].replace("_arm_1", "").replace("_", " ").title() + " (Arm 1: Arm 1)", c[2],
                             pain[c[3]]] + [item[x] for x in c[4:13]] + [c[13], "Yes" if c[14] == "1" else "No",
                                                                          "Complete"]))
    labels = ("\n".join(out) + "\n").encode()
    from_raw = load_files({"Q_DataDictionary_2024.csv": dictionary, "Q_DATA_2024.csv": raw})
    from_labels = load_files({"Q_DataDictionary_2024.csv": dictionary, "Q_DATA_LABELS_2024.csv": labels})
    assert from_labels.assessments.equals(from_raw.assessments)
    assert from_labels.treatments.equals(from_raw.treatments)


def test_treatment_texts_that_carry_the_dose_are_one_treatment_not_one_per_dose():
    files = {"k.csv": ("Patient;Datum;Uhrzeit;Behandlung;NRS\nA;01.03.2024;08:00;;8\nA;01.03.2024;09:00;Ketamin 0,5 mg/kg;\n"
                       "A;02.03.2024;09:00;Ketamin 0,75 mg/kg;\nA;02.03.2024;13:00;;3\nA;20.03.2024;10:00;;6\n").encode()}
    ds = load_files(files)
    assert list(ds.treatments["treatment"]) == ["Ketamin"]
    assert ds.treatments["administrations"].tolist() == [2]


def test_scores_written_as_a_number_and_words_are_read_as_the_number_when_most_are():
    files = {"flows.csv": b"Pat ID,Flowsheet Row Name,Recorded Date/Time,Value\nK1,Pain Level,3/14/2024 08:15,8\n"
                          b"K1,Pain Level,3/14/2024 13:00,3 - mild\nK2,Pain Level,3/20/2024 09:30,7 - moderate\n"
                          b"K2,Pain Level,3/21/2024 09:30,Sleeping\n"}
    p = inspect(files)
    assert p.spec.values.get("annotated_numbers") is True
    ds = load_files(files)
    assert sorted(ds.assessments["value"]) == [3.0, 7.0, 8.0]
    assert (ds.report.exclusions["reason"] == "text answer 'Sleeping' has no value in the mapping").sum() == 1


def test_excel_date_serial_numbers_are_dates_not_a_score():
    """The only dates of the export are serials: read as dates (test_excel_serials.py has the rules)."""
    files = {"s.csv": b"Patient;Date;NRS\nA;45352;8\nA;45355;3\n"}
    p = inspect(files)
    assert not p.review and any("Excel serial numbers" in n for n in p.notes)
    a = load_files(files).assessments
    assert a["measure"].unique().tolist() == ["pain_nrs"] and np.diff(a["day"]).tolist() == [3.0]


# Findings of a fresh-eyes review of the readers: each reproduced on its smallest file.

def test_a_pain_column_with_some_text_values_stays_a_score_and_its_cells_are_read_by_the_rules():
    files = {"s2.csv": b"Patient,Date,Treatment,Pain,PHQ-9 total\nP1,2024-03-13,Ketamine,7/10,12\n"
                       b"P1,2024-03-27,,5,12\nP2,2024-03-14,Ketamine,8,12\nP2,2024-03-28,,6-7,12\n"
                       b"P3,2024-03-14,Ketamine,8,12\nP3,2024-03-28,,k.A.,12\n"}
    ds = load_files(files)
    pain = ds.assessments[ds.assessments["measure"] == "pain_nrs"]
    assert sorted(pain["value"]) == [5.0, 6.5, 7.0, 8.0, 8.0]
    assert (ds.report.exclusions["value"] == "k.A.").sum() == 1


def test_one_unreadable_time_excludes_that_rows_values_instead_of_dropping_the_time_column():
    files = {"s.csv": b"Patient,Visit Date,Visit Time,Treatment,Pain before,Pain after,Pain\n"
                      b"1,3/14/2024,12:30 AM,Ketamine,7,3,\n1,3/14/2024,2:30 PM,,,,2\n1,3/28/2024,12:00 PM,,,,5\n"
                      b"2,3/15/2024,24:00,Ketamine,8,4,\n2,3/29/2024,9:00 AM,,,,6\n"}
    ds = load_files(files)
    p1 = ds.assessments[ds.assessments["patient_id"] == "1"].sort_values("day")
    assert list(p1["value"]) == [7.0, 3.0, 2.0, 5.0]        # the baseline 7 is kept, 2 at 14:30
    ex = ds.report.exclusions
    assert (ex["reason"] == "Visit Time is not a time of day (hh:mm)").sum() >= 1


def test_one_impossible_date_is_excluded_not_the_whole_date_column():
    files = {"s1.csv": "Patient;Datum;Behandlung;Schmerz\nP1;14.03.2024;Ketamin;7\nP1;28.03.2024;;5\n"
                       "P2;15.03.2024;Ketamin;8\nP2;29.03.2024;;6\nP2;31.02.2024;;6\n".encode()}
    ds = load_files(files)
    assert (ds.report.exclusions["reason"] == "Datum is not a date in the DMY format").sum() == 1
    assert ds.n_scores == 4


def test_redcap_choice_scores_use_the_number_in_their_labels_when_codes_are_shifted():
    choices = " | ".join(f"{i + 1}, {i}{' - no pain' if i == 0 else ' - worst pain' if i == 10 else ''}" for i in range(11))
    dictionary = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
                  '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
                  '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
                  '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
                  '"Matrix Ranking?","Field Annotation"\n'
                  'record_id,visit,,text,"Record ID",,,,,,,,,,,,,\n'
                  'visit_dt,visit,,text,"Visit date",,,datetime_ymd,,,,,,,,,,\n'
                  'ketamine,visit,,yesno,"Ketamine infusion given",,,,,,,,,,,,,\n'
                  f'nrs,visit,,radio,"Pain NRS","{choices}",,,,,,,,,,,,\n').encode()
    data = (b"record_id,redcap_repeat_instrument,redcap_repeat_instance,visit_dt,ketamine,nrs,visit_complete\n"
            b"1,visit,1,2024-03-04 09:00,1,8,2\n1,visit,2,2024-03-18 09:00,0,5,2\n"
            b"2,visit,1,2024-03-05 10:00,1,11,2\n2,visit,2,2024-03-19 10:00,0,1,2\n")
    ds = load_files({"P_DataDictionary.csv": dictionary, "P_DATA.csv": data})
    assert sorted(ds.assessments["value"]) == [0.0, 4.0, 7.0, 10.0]


def test_one_typo_above_10_does_not_move_a_pain_column_to_another_scale():
    files = {"e.csv": b"Patient,Date,Treatment,Pain before,Pain after\nA,2024-03-01,Ketamine,8,3\nA,2024-03-15,,5,\n"
                      b"B,2024-03-02,Ketamine,12,4\nB,2024-03-16,,6,\nC,2024-03-03,Ketamine,7,2\nC,2024-03-17,,6,\n"}
    p = inspect(files)
    assert {c.header: c.column.measure for f in p.files for c in f.columns}["Pain before"] == "pain_nrs"
    ds = load_files(files)
    assert (ds.report.exclusions["reason"] == "out of range for pain_nrs (valid 0-10)").sum() == 1


def test_no_treatment_words_are_not_treatments_and_a_duplicate_administration_counts_once():
    files = {"t.csv": "Patient;Datum;Behandlung;Dosis;Schmerz\nP1;14.03.2024;Ketamin;40;7\nP1;14.03.2024;Ketamin;40;\n"
                      "P1;18.03.2024;keine;;4\nP1;15.04.2024;-;;6\n".encode()}
    ds = load_files(files)
    assert list(ds.treatments["treatment"]) == ["Ketamin"]
    assert ds.treatments["dose"].tolist() == [40.0] and ds.treatments["administrations"].tolist() == [1.0]
    assert (ds.report.exclusions["reason"] == "exact duplicate of line 2").sum() == 1


def test_a_covariate_with_one_disagreeing_row_stays_a_covariate_and_identifiers_are_named_by_inspect():
    rows = ["Patient;Datum;Behandlung;Schmerz;Geschlecht;dob_year"]
    for i in range(6):
        sex = "w" if i % 2 else "m"
        rows += [f"P{i};0{i + 1}.03.2024;Ketamin;7;{sex};1970", f"P{i};2{i}.03.2024;;4;{sex if i else 'w'};1970"]
    files = {"c.csv": ("\n".join(rows) + "\n").encode()}
    p = inspect(files, date_format="DMY")
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert cols["Geschlecht"].role == "covariate" and cols["Geschlecht"].name == "sex"
    assert any("dob_year" in n and "identifier" in n for n in p.notes)


def test_dotted_dates_are_day_first_even_when_every_day_is_12_or_less():
    files = {"d.csv": "Patient;Datum;Behandlung;Schmerz\nP1;01.03.2024;Ketamin;7\nP1;03.03.2024;;3\n".encode()}
    ds = load_files(files)
    assert list(ds.assessments["day"]) == [0.0, 2.0]
    assert any("day-first" in n for n in ds.report.notes)
    # slashes stay a question
    with pytest.raises(MappingError, match="DMY"):
        load_files({"d.csv": b"Patient;Datum;Behandlung;Schmerz\nP1;01/03/2024;Ketamin;7\nP1;03/03/2024;;3\n"})


# Found by a fresh-eyes acceptance test with invented clinic exports (each on its smallest file).

# One row per patient, a date column per visit (Excel's CSV, month-first): a common clinic log.
WIDE_LOG = (b"Patient,Treatment,Infusion date,Pain score pre,Pain score post,Week 2 date,Pain score week 2,"
            b"Week 4 date,Pain score week 4\n"
            b"Z1,Ketamine,3/4/2024 9:00,8,4,3/18/2024,5,4/1/2024,7\n"
            b"Z2,Ketamine,2/27/2024 8:30,6,5,3/12/2024,6,,\n"
            b"Z3,Ketamine,3/10/2024 10:00,10,7,3/24/2024,6,,\n"
            b"Z4,Ketamine,3/5/2024 14:00,5,2,3/19/2024,0,4/2/2024,4\n"
            b"Z5,Ketamine,2/1/2024 9:00,,3,2/15/2024,4,,\n")


def test_a_row_with_a_date_column_per_visit_gives_each_score_its_own_date():
    ds = load_files({"log.csv": WIDE_LOG})
    z1 = ds.assessments[ds.assessments["patient_id"] == "Z1"].sort_values("day")
    # 3/4 09:00 is day 0: pre at 0, post 1 hour later, week 2 on 3/18 00:00, week 4 on 4/1 00:00.
    assert z1["value"].tolist() == [8.0, 4.0, 5.0, 7.0]
    assert z1["day"].tolist() == pytest.approx([0.0, 1 / 24, 14 - 9 / 24, 28 - 9 / 24])
    assert len(ds.report.exclusions) == 0
    # By hand: immediate relief 50, 16.7, 30, 60 % (Z5 has no baseline): mean 39.17 %, 3 of 4 responders.
    g = summarize(ds).to_dict()["groups"][0]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 100 / 6 + 30 + 60) / 4)
    assert g["immediate_responder_rate"]["estimate"] == pytest.approx(0.75)
    assert (g["episodes_used"], g["episodes_excluded"]) == (4, 1)


def test_a_score_column_whose_date_cannot_be_told_is_a_point_to_review():
    # Dates after the scores: which date belongs to which score is not in the names.
    files = {"l.csv": b"Patient,Treatment,NRS a,NRS b,First date,Second date\n"
                      b"Z1,Ketamine,8,4,2024-03-04,2024-03-18\nZ2,Ketamine,6,5,2024-02-27,2024-03-12\n"}
    p = inspect(files)
    assert any("NRS a" in r and "\"time\"" in r for r in p.review)


def test_a_time_column_beside_several_date_columns_completes_the_date_it_is_named_after():
    files = {"l.csv": b"Patient,Baseline Date,Baseline NRS,Infusion Date,Infusion Time,Treatment,Pre NRS,Post NRS,"
                      b"2 Week Date,2 Week NRS\n"
                      b"Z1,3/1/2024,8,3/4/2024,9:00,Ketamine,8,4,3/18/2024,5\n"
                      b"Z2,2/20/2024,6,2/27/2024,8:30,Ketamine,,5,3/12/2024,6\n"}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["Infusion Time"].date == "Infusion Date"
    ds = load_files(files)
    z2 = ds.assessments[ds.assessments["patient_id"] == "Z2"].sort_values("day")
    # 2/27 08:30 is day 0: baseline 2/20 00:00, post 09:30, week 2 on 3/12 00:00.
    assert z2["day"].tolist() == pytest.approx([-7 - 8.5 / 24, 1 / 24, 14 - 8.5 / 24])
    assert z2["value"].tolist() == [6.0, 5.0, 6.0]


def test_times_with_a_zone_beside_local_times_without_one_are_warned_about():
    # The observations are in UTC ("Z", "+01:00"), the infusions in local time without a zone: 08:55Z is
    # 09:55 in Paris, after a 09:00 start, but is read as 5 minutes before it (the baseline).
    obs = (b"patient_ref,observation_time,observation,result\nA1,2024-03-01T10:15:00Z,Pain (NRS),8\n"
           b"A1,2024-03-04T08:55:00Z,Pain (NRS),8\nA1,2024-03-04T10:05:00+01:00,Pain (NRS),4\n")
    inf = b"patient_ref,drug,start,dose_mg\nA1,Ketamine,04/03/2024 09:00:00,40\nA2,Ketamine,31/03/2024 08:30:00,40\n"
    ds = load_files({"obs.csv": obs, "infusions.csv": inf})
    warned = [w for w in ds.report.warnings if "time zone" in w]
    assert len(warned) == 1
    assert "obs.csv 'observation_time'" in warned[0] and "infusions.csv 'start'" in warned[0]
    # Every time with a zone, or every time without one: nothing to warn about.
    same = load_files({"obs.csv": obs, "infusions.csv": inf.replace(b":00,40", b":00Z,40")})
    assert not [w for w in same.report.warnings if "time zone" in w]


def test_canonical_files_mixing_times_with_and_without_a_zone_are_warned_about(load):
    ds = load({"assessments.csv": "patient_id,datetime,measure,value\nA1,2024-03-04T08:55:00Z,pain_nrs,8\n"
                                  "A1,2024-03-04T09:05:00Z,pain_nrs,4\n",
               "treatments.csv": "patient_id,datetime,treatment\nA1,2024-03-04 09:00,ketamine\n"})
    assert [w for w in ds.report.warnings if "time zone" in w]


# An infusion log with an "Infusion Date" but no column naming the drug (a REDCap "infusion" form, a
# spreadsheet column): each date is an administration. Before, there were no treatments at all.
INFUSION_DATES = (b"Patient,Baseline Date,Baseline NRS,Infusion Date,Infusion Time,Ketamine dose (mg),Pre NRS,Post NRS\n"
                  b"Z1,3/1/2024,8,3/4/2024,9:00,35,8,4\nZ1,,,3/5/2024,9:00,35,6,3\n"
                  b"Z2,2/20/2024,6,2/27/2024,8:30,40,,5\nZ3,,,3/10/2024,10:00,30,10,7\n")


def test_a_date_column_named_like_a_treatment_gives_the_administrations_when_no_column_names_the_drug():
    p = inspect({"log.csv": INFUSION_DATES})
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert cols["Infusion Date"].role == "date" and cols["Infusion Date"].treatment == "Infusion"
    assert p.review == []
    ds = load_files({"log.csv": INFUSION_DATES})
    t = ds.treatments
    assert t["treatment"].tolist() == ["Infusion"] * 3
    assert t["dose"].tolist() == [70.0, 40.0, 30.0] and t["administrations"].tolist() == [2.0, 1.0, 1.0]
    # By hand: immediate relief 50 % (8 -> 4), 16.7 % (6 -> 5), 30 % (10 -> 7).
    g = summarize(ds).to_dict()["groups"][0]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 100 / 6 + 30) / 3)


def test_a_treatment_on_a_date_column_is_written_and_read_back_and_checked():
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "log.csv", "columns": {
        "Patient": "patient_id", "Baseline Date": "date",
        "Baseline NRS": {"role": "measure", "measure": "pain_nrs", "time": "Baseline Date"},
        "Infusion Date": {"role": "date", "treatment": "Ketamine infusion"},
        "Infusion Time": {"role": "time", "date": "Infusion Date"},
        "Pre NRS": {"role": "measure", "measure": "pain_nrs", "timing": "before_start", "time": "Infusion Date"},
        "Post NRS": {"role": "measure", "measure": "pain_nrs", "timing": "after_start", "time": "Infusion Date"}}}]}
    spec = export_spec.from_json(doc)
    assert export_spec.from_json(spec.to_json()) == spec
    ds = load_files({"log.csv": INFUSION_DATES}, mapping=doc)
    assert ds.treatments["treatment"].tolist() == ["Ketamine infusion"] * 3
    doc["files"][0]["columns"]["Pre NRS"]["treatment"] = "x"
    with pytest.raises(MappingError, match="is for a date column only"):
        export_spec.from_json(doc)


def test_an_infusion_record_with_start_and_stop_dates_is_dated_by_its_start():
    files = {"inf.csv": b"patient_ref,drug,stop,start,dose_mg\nA1,Ketamine,2024-03-04 13:00,2024-03-04 09:00,40\n",
             "obs.csv": b"patient_ref,observation_time,observation,result\nA1,2024-03-04 08:55,Pain (NRS),8\n"
                        b"A1,2024-03-04 10:00,Pain (NRS),4\n"}
    p = inspect(files)
    assert p.review == []
    ds = load_files(files)
    assert ds.assessments["day"].tolist() == pytest.approx([-5 / 1440, 1 / 24])


def test_accented_column_names_keep_their_letters_as_covariate_names():
    files = {"s.csv": "N° patient;Date;Traitement;EVA douleur;Établissement;Durée (mois)\n"
                      "F01;01/03/2024;Kétamine;8;Hôpital Nord;14\nF01;18/03/2024;;5;Hôpital Nord;14\n"
                      "F02;20/02/2024;Kétamine;6;Clinique Saint-Éloi;7\n".encode("cp1252")}
    ds = load_files(files)
    assert list(ds.patients.columns) == ["patient_id", "etablissement", "duree_mois"]
    assert ds.patients["etablissement"].tolist() == ["Hôpital Nord", "Clinique Saint-Éloi"]


def _redcap_infusion_project(agent_label: str, agent: str = "inf_agent"):
    head = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
            '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
            '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
            '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
            '"Matrix Ranking?","Field Annotation"\n')
    dictionary = (head + 'study_id,visit,,text,"Study ID",,,,,,,,,,,,,\n'
                  'visit_dt,visit,,text,"Visit date/time",,,datetime_seconds_ymd,,,,,,,,,,\n'
                  'pain_now,visit,,text,"Pain intensity now (0-10)",,,integer,0,10,,,,,,,,\n'
                  'inf_dt,infusion,,text,"Infusion start",,,datetime_seconds_ymd,,,,,,,,,,\n'
                  f'{agent},infusion,,dropdown,"{agent_label}","1, Ketamine | 2, Lidocaine",,,,,,,,,,,,\n'
                  'inf_post,infusion,,text,"Pain post-infusion",,,integer,0,10,,,,,,,,\n').encode()
    data = (b"study_id,redcap_event_name,visit_dt,pain_now,visit_complete,inf_dt," + agent.encode()
            + b",inf_post,infusion_complete\n"
            b"1,baseline_arm_1,2024-03-01 10:15:00,8,2,,,,0\n1,infusion_1_arm_1,,,0,2024-03-04 09:00:00,1,4,2\n"
            b"2,baseline_arm_1,2024-02-20 09:00:00,6,2,,,,0\n2,infusion_1_arm_1,,,0,2024-02-27 08:30:00,2,5,2\n")
    return {"P_DataDictionary.csv": dictionary, "P_DATA.csv": data}


def test_a_redcap_infusion_form_with_a_drug_choice_gives_the_drug_not_one_pooled_treatment():
    ds = load_files(_redcap_infusion_project("Infusion agent"))
    assert ds.treatments.sort_values("patient_id")["treatment"].tolist() == ["Ketamine", "Lidocaine"]


def test_a_choice_field_beside_a_dated_treatment_is_a_point_to_review_not_pooled():
    p = inspect(_redcap_infusion_project("Protocol", "protocol"))
    assert any("'inf_dt'" in r and "'protocol'" in r for r in p.review)


def test_excel_unicode_text_saved_as_txt_loads_as_an_export_like_its_csv(tmp_path):
    # Excel's "Unicode Text" is UTF-16 with a BOM, tab-separated, named .txt.
    text = ("N° patient\tDate\tHeure\tTraitement\tEVA douleur\tSexe\nF01\t01/03/2024\t10h15\t\t8\tFéminin\n"
            "F01\t04/03/2024\t09h00\tKétamine\t\tFéminin\nF01\t04/03/2024\t10h05\t\t4\tFéminin\n"
            "F02\t20/02/2024\t09:00\t\t6,5\tMasculin\nF02\t27/02/2024\t08:30\tKétamine\t\tMasculin\n"
            "F02\t27/02/2024\t13:40\t\t5\tMasculin\n")
    as_csv = load_files({"Suivi.csv": text.encode("cp1252")})
    (tmp_path / "Suivi.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    for path in (tmp_path, tmp_path / "Suivi.txt"):
        ds = load_dataset(path)
        assert summary_doc(ds) == summary_doc(as_csv)
        assert sorted(ds.assessments["value"]) == [4.0, 5.0, 6.5, 8.0]


def test_a_visit_date_beside_a_date_entered_dates_the_scores_by_the_first_as_before():
    files = {"v.csv": b"Patient,Visit date,Date entered,Treatment,Pain\nA,2024-03-01,2024-03-09,Ketamine,8\n"
                      b"A,2024-03-15,2024-03-20,,4\n"}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["Pain"].time is None and cols["Treatment"].time == "Visit date"
    assert load_files(files).assessments["day"].tolist() == [0.0, 14.0]


def _redcap_survey_project(extra_rows: bytes = b"") -> dict:
    """A treatment log form and a pain diary survey (a 0-100 slider, timed by its survey timestamp)."""
    head = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
            '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
            '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
            '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
            '"Matrix Ranking?","Field Annotation"\n')
    dictionary = (head + 'record_id,treatment_log,,text,"Record ID",,,,,,,,,,,,,\n'
                  'inf_date,treatment_log,,text,"Date of ketamine infusion",,,datetime_ymd,,,,,,,,,,\n'
                  'pain_today,pain_diary,,slider,"How bad is your pain right now?","No pain | | Worst pain",,number,'
                  ',,,,,,,,,\n').encode()
    data = (b"record_id,redcap_event_name,redcap_survey_identifier,inf_date,treatment_log_complete,"
            b"pain_diary_timestamp,pain_today,pain_diary_complete\n"
            b"1,baseline_arm_1,,,0,2024-03-01 10:15:33,80,2\n1,infusion_arm_1,,2024-03-04 09:00,2,,,0\n"
            b"1,day_1_arm_1,,,0,2024-03-04 12:02:10,40,2\n2,baseline_arm_1,,,0,2024-02-20 09:00:00,60,2\n"
            b"2,infusion_arm_1,,2024-02-27 08:30,2,,,0\n2,day_1_arm_1,,,0,2024-02-27 15:10:00,50,2\n" + extra_rows)
    return {"S_DataDictionary.csv": dictionary, "S_DATA.csv": data}


def test_a_redcap_slider_pain_score_0_to_100_is_its_own_measure_not_the_nrs_and_survey_times_date_it():
    ds = load_files(_redcap_survey_project())
    assert set(ds.assessments["measure"]) == {"pain_today"}
    assert ds.treatments["treatment"].tolist() == ["Ketamine infusion"] * 2
    # By hand (relief is scale-free): 80 -> 40 is 50 %, 60 -> 50 is 16.7 %.
    g = summarize(ds, Definitions(measure="pain_today")).to_dict()["groups"][0]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 100 / 6) / 2)


def test_a_redcap_survey_not_completed_has_no_time_and_does_not_make_its_timestamp_an_identifier():
    # REDCap writes "[not completed]" in the timestamp of a survey not (yet) answered.
    files = _redcap_survey_project(b"2,week_2_arm_1,,,0,[not completed],,0\n1,week_4_arm_1,,,0,[not completed],,0\n")
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["pain_diary_timestamp"].role == "date" and cols["pain_today"].time == "pain_diary_timestamp"
    ds = load_files(files)
    assert summary_doc(ds) == summary_doc(load_files(_redcap_survey_project()))
    assert (ds.report.exclusions["reason"] == "nothing to read in this row (no score, treatment or covariate)").sum() == 2


# A medication-administration record whose action column is not called "Action" (Cerner: "Admin Event",
# "Begin Bag"): before, every row (rate changes, holds, ondansetron, midazolam) became a treatment.
CERNER_MAR = (b"Patient ID,Medication,Admin Event,Admin Time,Dose,Dose Unit,Route\n"
              b"Z1,ONDANSETRON 4 MG/2 ML IV SOLN,Given,03/04/2024 8:50 AM,4,mg,IV\n"
              b"Z1,KETAMINE 500 MG/50 ML IV INFUSION,Begin Bag,03/04/2024 9:00 AM,0.5,mg/kg/hr,IV\n"
              b"Z1,KETAMINE 500 MG/50 ML IV INFUSION,Rate Change,03/04/2024 11:00 AM,0.75,mg/kg/hr,IV\n"
              b"Z1,KETAMINE 500 MG/50 ML IV INFUSION,Stopped,03/04/2024 1:00 PM,,,IV\n"
              b"Z2,MIDAZOLAM 2 MG/2 ML IV,Given,02/27/2024 8:25 AM,2,mg,IV\n"
              b"Z2,KETAMINE 500 MG/50 ML IV INFUSION,Begin Bag,02/27/2024 8:30 AM,0.5,mg/kg/hr,IV\n"
              b"Z2,KETAMINE 500 MG/50 ML IV INFUSION,Begin Bag,05/13/2024 8:30 AM,0.5,mg/kg/hr,IV\n")
CERNER_OBS = (b"Patient ID,Taken Time,Flowsheet Row Name,Meas Value\nZ1,03/04/2024 8:55 AM,Pain Score (0-10),8\n"
              b"Z1,03/04/2024 10:05 AM,Pain Score (0-10),4\nZ2,02/20/2024 9:00 AM,Pain Score (0-10),6\n"
              b"Z2,02/27/2024 9:40 AM,Pain Score (0-10),5\n")


def test_an_administration_record_is_found_by_its_actions_whatever_the_action_column_is_called():
    files = {"mar.csv": CERNER_MAR, "obs.csv": CERNER_OBS}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["Admin Event"].role == "action" and cols["Route"].role == "route"  # only IV rows are infusions
    ds = load_files(files)
    assert ds.treatments["treatment"].tolist() == ["Ketamine infusion"] * 3
    assert ds.treatments["day"].tolist() == [0.0, 0.0, 76.0]
    ex = ds.report.exclusions
    assert set(ex.loc[ex["file"] == "mar.csv", "line"]) == {2, 4, 5, 6}


def test_an_administration_record_whose_actions_hold_no_known_start_is_a_point_to_review():
    files = {"mar.csv": CERNER_MAR.replace(b"Begin Bag", b"Infuse"), "obs.csv": CERNER_OBS}
    p = inspect(files)
    assert any("start_actions" in r and "'Infuse'" in r for r in p.review)


def test_redcap_dates_that_read_two_ways_are_asked_not_taken_from_the_fields_display_format():
    # The dictionary's date_dmy is how REDCap's forms show the field; the export's order is the one chosen
    # in the export dialog (here MM/DD/YYYY). 03/01/2024 ... 02/09/2024 read both ways: ask.
    head = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
            '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
            '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
            '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
            '"Matrix Ranking?","Field Annotation"\n')
    dictionary = (head + 'record_id,visit,,text,"Record ID",,,,,,,,,,,,,\n'
                  'visit_date,visit,,text,"Date of visit",,,date_dmy,,,,,,,,,,\n'
                  'ketamine,visit,,yesno,"Ketamine infusion given",,,,,,,,,,,,,\n'
                  'nrs,visit,,text,"Pain NRS",,,integer,0,10,,,,,,,,\n').encode()
    data = (b"record_id,redcap_repeat_instrument,redcap_repeat_instance,visit_date,ketamine,nrs,visit_complete\n"
            b"1,visit,1,03/01/2024,0,8,2\n1,visit,2,03/04/2024,1,4,2\n1,visit,3,03/12/2024,0,5,2\n"
            b"2,visit,1,02/02/2024,0,6,2\n2,visit,2,02/09/2024,1,5,2\n")
    files = {"P_DataDictionary.csv": dictionary, "P_DATA.csv": data}
    assert any("date_format" in r for r in inspect(files).review)
    with pytest.raises(MappingError, match="MDY"):
        load_files(files)
    ds = load_files(files, date_format="MDY")
    assert ds.assessments.loc[ds.assessments["patient_id"] == "1", "day"].tolist() == [-3.0, 0.0, 8.0]


def test_an_export_with_a_header_but_no_rows_or_an_empty_file_says_so(tmp_path):
    with pytest.raises(DatasetError, match="header but no data rows"):
        load_files({"export.csv": b"Patient;Datum;Behandlung;NRS\n"})
    (tmp_path / "export.csv").write_bytes(b"")
    with pytest.raises(DatasetError, match=r"export\.csv is empty"):
        load_dataset(tmp_path)


def test_a_visit_score_whose_visit_has_no_date_column_is_a_point_to_review_not_put_on_another_date():
    # "NRS Woche 2" has no "Datum Woche 2": it must not take the infusion date before it.
    files = {"v.csv": "Patient;Datum Baseline;NRS Baseline;Datum Infusion;NRS vor;NRS nach;NRS Woche 2\n"
                      "K01;01.03.2024;8;04.03.2024;8;4;5\nK02;20.02.2024;6;27.02.2024;;5;6\n".encode()}
    p = inspect(files)
    assert any("'NRS Woche 2'" in r and "\"time\"" in r for r in p.review)
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert cols["NRS vor"].time == "Datum Infusion"


def test_summarize_says_on_stderr_what_the_load_warned_about_and_how_many_values_were_left_out(tmp_path, capsys):
    # A reviewer who runs only `summarize` must still see that the reading is doubtful (stdout keeps only
    # the results, so --json stays one JSON document).
    (tmp_path / "obs.csv").write_bytes(b"patient_ref,observation_time,observation,result\n"
                                       b"A1,2024-03-04T08:55:00Z,Pain (NRS),8\nA1,2024-03-04T10:05:00Z,Pain (NRS),4\n"
                                       b"A1,2024-03-04T11:05:00Z,Pain (NRS),Patient asleep\n")
    (tmp_path / "inf.csv").write_bytes(b"patient_ref,drug,start\nA1,Ketamine,2024-03-04 09:00\n")
    assert main(["summarize", str(tmp_path), "--no-models", "--json"]) == 0
    out = capsys.readouterr()
    json.loads(out.out)
    assert "warning: Times with a time zone" in out.err
    assert "1 value(s) of the files were left out on loading" in out.err and "validate" in out.err


def test_a_given_or_not_given_column_of_a_spreadsheet_does_not_make_it_an_administration_record():
    files = {"s.csv": b"Patient,Date,Treatment,Infusion,Pain\nA,2024-03-01,Ketamine,Given,8\n"
                      b"A,2024-03-02,Ketamine,Not given,6\nA,2024-03-15,,,4\n"}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["Pain"].role == "measure"


def test_a_time_column_of_four_digit_24_hour_clock_values_is_proposed_as_the_time():
    # Some EHRs write the time of day without a colon (0930, 1415): all digits, but a time of day,
    # not a score; ignoring it would put a post-infusion score at 00:00 of its day (the baseline).
    files = {"flowsheet.csv": b"Patient ID,Obs Date,Obs Time,Row Name,Value\n"
                              b"P1,03/13/24,1400,Pain Score,8\nP1,03/14/24,1530,Pain Score,4\n"
                              b"P2,03/19/24,0930,Pain Score,7\nP2,03/20/24,1415,Pain Score,5\n",
             "mar.csv": b"Patient ID,Medication,Action,Admin Date,Admin Time\n"
                        b"P1,KETAMINE IV INFUSION,New Bag,03/14/24,0900\n"
                        b"P2,KETAMINE IV INFUSION,New Bag,03/20/24,1000\n"}
    cols = {(f.name, c.header): c.column for f in inspect(files).files for c in f.columns}
    assert cols[("flowsheet.csv", "Obs Time")].role == "time"
    assert cols[("flowsheet.csv", "Obs Time")].date == "Obs Date"
    assert cols[("mar.csv", "Admin Time")].role == "time"
    ds = load_files(files)
    p2 = ds.assessments[ds.assessments["patient_id"] == "P2"].sort_values("day")
    # Start 03/20 10:00: baseline 03/19 09:30 is day -1 - 0.5/24, the score at 14:15 is day 4.25/24.
    assert p2["day"].tolist() == pytest.approx([-1 - 0.5 / 24, 4.25 / 24])


def test_a_column_named_time_with_numbers_that_are_not_clock_times_is_not_a_time():
    files = {"s.csv": b"Patient,Date,Time since onset (months),Treatment,NRS\n"
                      b"Z1,2024-03-04,12,Ketamine,8\nZ1,2024-03-05,12,,4\nZ2,2024-03-04,36,Ketamine,6\n"}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["Time since onset (months)"].role != "time"


def test_questionnaire_items_without_their_total_are_not_proposed_as_one_item_standing_for_the_score():
    # PHQ9_1 ... PHQ9_8 without a total (an item short of the PHQ-9, so they cannot be summed either):
    # keeping one of them as phq9 (0-27) would read item 1 (0-3) as the depression score, a wrong
    # number that looks right. The review says what they are. (All nine items are summed:
    # tests/analysis/test_questionnaire_items.py.)
    head = "Patient;Datum;Behandlung;NRS;" + ";".join(f"PHQ9_{i}" for i in range(1, 9)) + "\n"
    rows = ["Z1;1.3.2024;;8;" + ";".join("2" * 8), "Z1;5.3.2024;Ketamin;;" + ";" * 7,
            "Z1;6.3.2024;;4;" + ";".join("1" * 8)]
    p = inspect({"s.csv": (head + "\n".join(rows) + "\n").encode()})
    review = [r for r in p.review if "PHQ9_1" in r]
    assert len(review) == 1
    assert "items of phq9" in review[0] and "keep one as the measure" not in review[0]
    with pytest.raises(MappingError):
        load_files({"s.csv": (head + "\n".join(rows) + "\n").encode()})


REDCAP_DICT = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
               '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number"\n'
               'study_id,demographics,,text,"Study ID",,,\nsex,demographics,,radio,Sex,"1, Female | 2, Male",,\n'
               'inf_date,infusion,,text,"Infusion date",,,datetime_ymd\n'
               'nrs_pre,infusion,,text,"Pain before infusion (NRS)",,,integer\n'
               'nrs_post,infusion,,text,"Pain after infusion (NRS)",,,integer\n')


def test_a_redcap_export_whose_record_id_is_not_the_first_column_is_read_by_its_record_id():
    # Columns moved in a spreadsheet before the export reached us: the record id is the dictionary's
    # first field wherever it is; reading column 1 (the repeat instrument) as the patient would make
    # 'infusion' a patient and the study ids scores.
    data = ("redcap_repeat_instrument,redcap_repeat_instance,study_id,sex,demographics_complete,inf_date,"
            "nrs_pre,nrs_post,infusion_complete\n"
            ",,101,1,2,,,,\ninfusion,1,101,,,2024-03-04 09:00,8,4,2\n"
            ",,102,2,2,,,,\ninfusion,1,102,,,2024-03-05 10:00,6,5,2\n")
    files = {"S_DataDictionary_2024-06-03.csv": REDCAP_DICT.encode(), "S_DATA_2024-06-03_1412.csv": data.encode()}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols["study_id"].role == "patient_id"
    assert cols["redcap_repeat_instrument"].role == "ignore"
    ds = load_files(files)
    assert sorted(ds.assessments["patient_id"].unique()) == ["101", "102"]
    assert set(ds.assessments["measure"]) == {"pain_nrs"}


def test_a_redcap_export_without_its_record_id_column_asks_for_the_patient_id():
    data = ("redcap_repeat_instrument,redcap_repeat_instance,sex,inf_date,nrs_pre,nrs_post,infusion_complete\n"
            "infusion,1,1,2024-03-04 09:00,8,4,2\ninfusion,1,2,2024-03-05 10:00,6,5,2\n")
    files = {"S_DataDictionary_2024-06-03.csv": REDCAP_DICT.encode(), "S_DATA_2024-06-03_1412.csv": data.encode()}
    assert any("patient id" in r for r in inspect(files).review)


@pytest.mark.parametrize("header", ["Infusion date and time", "Date et heure de la perfusion"])
def test_a_treatment_named_by_its_date_column_leaves_out_the_words_joining_date_and_time(header):
    files = {"l.csv": (f"Patient,{header},Pre NRS,Post NRS\n"
                       "Z1,2024-03-04 09:00,8,4\nZ2,2024-03-05 10:00,6,5\n").encode()}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert cols[header].treatment in ("Infusion", "Perfusion")


def test_an_ambiguous_date_column_with_values_that_are_not_dates_shows_those_values():
    # The review listed readable dates right after "2 of 4 values read as no date", so the user looked
    # for the fault in the wrong cells.
    files = {"flow.csv": b"Patient ID,Taken,Item,Value\nP1,03/01/24 930,Pain Score,8\nP1,03/04/24 215,Pain Score,4\n"
                         b"P2,02/02/24 08:00,Pain Score,6\nP2,02/03/24 10:00,Pain Score,3\n"}
    review = next(r for r in inspect(files).review if "'Taken'" in r)
    assert "2 of 4 values read as no date" in review
    assert "not dates: 03/01/24 930, 03/04/24 215" in review
    with pytest.raises(MappingError, match="not dates: 03/01/24 930"):
        load_files(files)


def test_a_flowsheet_with_four_digit_times_after_its_dates_loads_and_places_each_score_by_its_time():
    # 03/01/24 0930 was "no date", and in a column mapped as a date the guard took it for a phone number.
    files = {"flow.csv": b"Patient ID,Taken,Item,Value\nP1,03/01/24 0930,Pain Score,8\nP1,03/04/24 1415,Pain Score,4\n"
                         b"P2,02/02/24 08:00,Pain Score,6\nP2,02/03/24 10:00,Pain Score,3\n",
             "mar.csv": b"Patient ID,Medication,Action,Taken\nP1,Ketamine infusion,New Bag,03/04/24 0900\n"
                        b"P2,Ketamine infusion,New Bag,02/03/24 09:00\n"}
    ds = load_files(files, date_format="MDY")
    p1 = ds.assessments[ds.assessments["patient_id"] == "P1"].sort_values("day")
    assert p1["day"].tolist() == pytest.approx([-3 + 0.5 / 24, 5.25 / 24])
    assert ds.report.exclusions.empty and not ds.report.dropped_identifier_columns
