"""The proposal's rules for unusual exports must leave ordinary files alone.

Each rule added for a clinic export (a start time, a medication column, notes under a table, an id written
once per patient, hours after the start) was found, by a review, to misfire on an ordinary file and change
its numbers without a point to review. Each test is such a file, with the reading a clinician expects.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis import load_files
from clinic_checks import relief
from analysis.definitions import Definitions
from analysis.io.propose import inspect
from analysis.summary import summarize


def b(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def roles(files) -> dict:
    return {c.header: c.column.role for f in inspect(files).files for c in f.columns}


def immediate(ds) -> dict:
    return summarize(ds, Definitions(), models=False).to_dict()["groups"][0]["immediate_relief_pct"]


def test_a_symptom_start_year_is_not_a_time_of_day():
    """'Symptom start' 2021 reads as 20:21 to a four-digit clock; as the time it moved every score 20 hours
    later and the baselines after the infusion. It is a patient characteristic."""
    files = {"scores.csv": b(["Patient,Date,NRS,Symptom start",
                              "P1,2024-03-01,8,2021", "P1,2024-03-02,4,2021", "P1,2024-03-29,6,2021",
                              "P2,2024-03-08,7,2019", "P2,2024-03-09,5,2019", "P2,2024-04-05,6,2019",
                              "P3,2024-03-15,9,2023", "P3,2024-03-16,4,2023", "P3,2024-04-12,5,2023"]),
             "infusions.csv": b(["Patient,Date,Treatment", "P1,2024-03-01,Ketamine", "P2,2024-03-08,Ketamine",
                                 "P3,2024-03-15,Ketamine"])}
    assert roles(files)["Symptom start"] == "covariate"
    got = immediate(load_files(files))
    assert got["n"] == 3 and got["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(7, 5), relief(9, 4)]))


def test_an_infusion_start_beside_a_time_column_is_not_a_second_time():
    """The scores' 'Time' times the rows; 'Infusion start' (the infusion's own start) must not replace it,
    which put the 14:00 post-infusion scores at 00:00, before the infusion."""
    files = {"ward.csv": b(["Patient,Date,Time,NRS,Treatment,Infusion start",
                            "P1,2024-03-01,08:00,8,Ketamine,10:00", "P1,2024-03-01,14:00,4,,",
                            "P1,2024-03-28,11:00,6,,", "P2,2024-03-08,08:30,7,Ketamine,09:30",
                            "P2,2024-03-08,15:00,5,,", "P2,2024-04-04,10:00,6,,"])}
    r = roles(files)
    assert r["Time"] == "time" and r["Infusion start"] != "time"
    got = immediate(load_files(files))
    assert got["n"] == 2 and got["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(7, 5)]))


def test_two_time_columns_for_one_date_in_a_mapping_are_refused_with_what_to_do():
    from analysis.errors import MappingError

    files = {"ward.csv": b(["Patient,Date,Time,NRS,Start", "P1,2024-03-01,08:00,8,10:00"])}
    doc = inspect(files).spec.to_json()
    doc["files"][0]["columns"]["Start"] = {"role": "time", "date": "Date"}
    doc["files"][0]["columns"]["Time"] = {"role": "time", "date": "Date"}
    with pytest.raises(MappingError, match="both complete the date column 'Date'"):
        load_files(files, mapping=doc)


@pytest.mark.parametrize("cells", [
    ["pregabalin 75 mg", "pregabalin 75 mg", "lidocaine 5% plaster", "amitriptyline 10 mg", "amitriptyline 10 mg",
     "amitriptyline 10 mg"],
    ["pregabalin 75 mg", "pregabalin 75 mg", "pregabalin 75 mg; ketamine 10 mg po", "", "paracetamol 1 g",
     "paracetamol 1 g"],
])
def test_a_column_of_the_patients_other_medications_is_not_the_treatment(cells):
    """A lidocaine plaster or a ketamine tablet among the analgesics does not make the column the treatment:
    read as one, pregabalin became courses and the infusions were excluded as co-medications."""
    rows = [("P1", "2024-03-01", 8), ("P1", "2024-03-02", 5), ("P1", "2024-03-29", 6), ("P2", "2024-03-08", 7),
            ("P2", "2024-03-09", 4), ("P2", "2024-04-05", 5)]
    files = {"scores.csv": b(["Patient,Date,NRS,Analgesics"] + [f"{p},{d},{v},{c}" for (p, d, v), c in zip(rows, cells)]),
             "infusions.csv": b(["Patient,Date,Treatment", "P1,2024-03-01,Ketamine infusion",
                                 "P2,2024-03-08,Ketamine infusion"])}
    assert roles(files)["Analgesics"] != "treatment"
    ds = load_files(files)
    assert ds.treatments["treatment"].tolist() == ["Ketamine infusion", "Ketamine infusion"]
    assert immediate(ds)["estimate"] == pytest.approx(np.mean([relief(8, 5), relief(7, 4)]))


def test_a_comment_between_patients_blocks_does_not_end_the_table():
    """'Comment: N1 nausea' after an empty line, then N2's and N3's rows: the comment line is no data, the
    patients below it are (cutting there lost 2 of 3 patients)."""
    files = {"ketamin.csv": b(["Patient;Datum;Behandlung;NRS vor;NRS nach;NRS", "N1;04.03.2024;Ketamin;8;4;",
                               "N1;01.04.2024;;;;6", ";;;;;", "Comment: N1 nausea after infusion;;;;;",
                               "N2;11.03.2024;Ketamin;7;6;", "N2;08.04.2024;;;;7", "N3;18.03.2024;Ketamin;9;5;",
                               "N3;15.04.2024;;;;4"])}
    ds = load_files(files)
    assert sorted(ds.treatments["patient_id"]) == ["N1", "N2", "N3"]
    counts = ds.report.files["ketamin.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (7, 6, 1)
    assert immediate(ds)["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(7, 6), relief(9, 5)]))


def test_a_notes_line_with_too_many_fields_is_counted_once():
    files = {"ketamin.csv": b(["Patient;Datum;Behandlung;NRS vor;NRS nach", "N1;04.03.2024;Ketamin;8;4",
                               "N2;11.03.2024;Ketamin;7;6", ";;;;", "Notes:;;;;", "Export;01.07.2024;;;;;;;10"])}
    ds = load_files(files)
    counts = ds.report.files["ketamin.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (4, 2, 2)
    assert sorted(ds.report.exclusions["line"].tolist()) == [5, 6]


def test_a_register_with_two_ids_left_empty_is_not_filled_down():
    """One row per patient, two ids missing: filling down merged two unknown patients into their neighbours.
    Those rows stay excluded ('patient_id is missing') with the warning."""
    rows = ["Patient,Infusion date,Treatment,NRS pre,NRS post"]
    data = [("P1", 8, 5), ("P2", 7, 6), ("", 9, 3), ("P4", 6, 6), ("P5", 8, 4), ("", 7, 7), ("P7", 9, 5), ("P8", 6, 3)]
    for i, (pid, pre, post) in enumerate(data):
        rows.append(f"{pid},{dt.date(2024, 3, 1) + dt.timedelta(days=3 * i)},Ketamine,{pre},{post}")
    files = {"register.csv": b(rows)}
    assert all(not f.spec.fill_down for f in inspect(files).files if f.spec is not None)
    ds = load_files(files)
    assert len(ds.treatments) == 6 and (ds.treatments["administrations"] == 1).all()
    missing = ds.report.exclusions[ds.report.exclusions["reason"].astype(str) == "patient_id is missing"]
    assert sorted(set(missing["line"])) == [4, 7]


def test_hours_after_a_date_without_a_time_are_asked_not_counted_from_midnight():
    """'NRS 2h' beside a date without a time would be 02:00, before a 09:00 infusion, and read as the
    baseline (immediate relief -19% instead of 48%). The proposal asks for the start's time instead."""
    files = {"register.csv": b(["Patient,Infusion date,NRS baseline,NRS 2h,NRS 24h,NRS 4 weeks",
                                "P1,2024-03-01,8,4,5,6", "P2,2024-03-08,7,5,5,6", "P3,2024-03-15,9,3,4,5"]),
             "mar.csv": b(["Patient,Medication,MAR Action,Taken Time", "P1,Ketamine infusion,Given,2024-03-01 09:00",
                           "P2,Ketamine infusion,Given,2024-03-08 10:00", "P3,Ketamine infusion,Given,2024-03-15 09:30"])}
    review = " ".join(inspect(files).review)
    assert "'NRS 2h' are hours or minutes after the start, but 'Infusion date' has no time of day" in review


def test_monthly_visits_on_real_days_are_not_warned_about_as_first_of_month_dates():
    rows = ["Patient;Datum;Behandlung;NRS"]
    for i, pid in enumerate(["M1", "M2", "M3"]):
        d0 = dt.date(2024, 3, 1) + dt.timedelta(days=9 * i)   # 1 March, 10 March, 19 March
        rows += [f"{pid};{d0:%d.%m.%Y};Ketamin;8", f"{pid};{d0 + dt.timedelta(days=28):%d.%m.%Y};;5"]
    ds = load_files({"sheet.csv": b(rows)})
    assert not [w for w in ds.report.warnings if "1st of a month" in w]


def test_a_baseline_column_beside_one_week_4_column_places_week_4_at_day_28():
    """'NRS baseline' and 'NRS week 4' on one row per infusion: the week-4 score is 28 days after the infusion
    date (both were at the date and excluded as conflicting values). Responders at week 4, by hand: 8->5, 9->3,
    8->4, 9->5, 6->3 of 8 patients (37.5-66.7%): 5 of 8."""
    from statsmodels.stats.proportion import proportion_confint

    data = [("P1", 8, 5), ("P2", 7, 6), ("P3", 9, 3), ("P4", 6, 6), ("P5", 8, 4), ("P6", 7, 7), ("P7", 9, 5), ("P8", 6, 3)]
    rows = ["Patient,Infusion date,Treatment,NRS baseline,NRS week 4"]
    for i, (pid, pre, w4) in enumerate(data):
        rows.append(f"{pid},{dt.date(2024, 3, 1) + dt.timedelta(days=7 * i)},Ketamine,{pre},{w4}")
    ds = load_files({"register.csv": b(rows)})
    assert ds.report.exclusions.empty
    a = ds.assessments
    assert sorted(a.loc[a["patient_id"] == "P1", "day"].tolist()) == [0.0, 28.0]
    week4 = summarize(ds, Definitions(), models=False).to_dict()["groups"][0]["responder_rate_by_week"]["4"]
    low, high = proportion_confint(5, 8, method="wilson")
    assert (week4["n"], week4["estimate"]) == (8, 5 / 8)
    assert (week4["ci_low"], week4["ci_high"]) == pytest.approx((low, high))


# --- A second review, of the rules added after probe 5 -------------------------------------------------------

@pytest.mark.parametrize("header, cells", [
    ("Visit", ["Baseline", "Post-infusion", "Week 4"]),        # a visit label that only mentions the treatment
    ("Comment", ["", "infusion postponed", ""]),               # free text
])
def test_a_column_that_only_mentions_a_treatment_does_not_stop_a_scores_only_export(header, cells):
    rows = [f"Patient ID,Date,Pain NRS,{header}"]
    for p in (1, 2, 3):
        rows += [f"{p},2024-03-01,7,{cells[0]}", f"{p},2024-03-05,3,{cells[1]}", f"{p},2024-04-02,5,{cells[2]}"]
    files = {"scores.csv": b(rows)}
    assert inspect(files).review == []
    assert len(load_files(files).assessments) == 9


def test_one_na_answer_does_not_drop_a_phq9_item_column():
    answers = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    rows = ["Patient ID,Date," + ",".join(f"PHQ-9 item {i}" for i in range(1, 10))]
    for p in (1, 2, 3):
        rows.append(f"{p},2024-03-05," + ",".join(answers[(p + i) % 4] for i in range(9)))
    rows.append("4,2024-03-05,N/A," + ",".join(answers[i % 4] for i in range(8)))
    ds = load_files({"phq.csv": b(rows)})
    totals = {str(k): v for k, v in ds.assessments.set_index("patient_id")["value"].to_dict().items()}
    assert totals == {str(p): float(sum((p + i) % 4 for i in range(9))) for p in (1, 2, 3)}
    ex = ds.report.exclusions
    assert (ex["line"] == 5).any()   # patient 4's visit: an item unanswered, no score, listed


def test_a_clinics_own_measures_sharing_a_word_with_known_ones_are_not_warned_about():
    a = b(["patient_id,day,measure,value", "1,0,GAD-2,5", "1,7,GAD-2,2", "1,0,pain_interference,60",
           "1,7,pain_interference,52", "1,0,PHQ-15,9", "1,7,PHQ-15,7"])
    ds = load_files({"assessments.csv": a, "treatments.csv": b(["patient_id,day,treatment", "1,0,ketamine"])})
    assert not [w for w in ds.report.warnings if "is not one the analyses know" in w]


def test_a_dutch_pain_duration_is_not_a_pain_score():
    rows = ["Patient ID,Datum,NRS,Pijnduur (jaren)"]
    for p, years in ((1, 2), (2, 8), (3, 4)):
        rows += [f"{p},2024-03-01,7,{years}", f"{p},2024-03-05,3,{years}"]
    files = {"s.csv": b(rows)}
    assert roles(files)["Pijnduur (jaren)"] != "measure"
    assert set(load_files(files).assessments["measure"]) == {"pain_nrs"}


def test_only_plausible_excel_serial_numbers_are_named_as_dates():
    ds = load_files({"s.csv": b(["Patient ID,Date,Pain NRS", "1,2024-03-01,7", "1,45366,5", "1,20240,4",
                                 "1,2024-04-01,3"])})
    assert ds.report.exclusions["reason"].tolist() == [
        "Date is a number, Excel's serial number of the date 2024-03-15: format the cell as a date in the spreadsheet "
        "and save it again", "Date is not a date in the YMD format"]
