"""Courses from administrations, and how an export file's text is read (issue 13, items 4 and 6)."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.errors import MissingColumnError
from analysis.io.courses import build_courses, treatment_labels
from analysis.io.tables import find_header_row, read_table, sniff_delimiter

DAY = 86_400 * 10 ** 9


def _courses(times_days, labels=None, patients=None, doses=None, gap=7.0, boosters=None):
    n = len(times_days)
    return build_courses(np.array(patients or ["P1"] * n, dtype=object),
                         (np.asarray(times_days, dtype=float) * DAY).astype(np.int64),
                         np.array(labels or ["ketamine"] * n, dtype=object),
                         np.asarray(doses if doses is not None else [np.nan] * n, dtype=float),
                         gap * DAY, boosters or {})


def test_daily_administrations_within_the_gap_are_one_course_starting_at_the_first():
    courses, course_of = _courses([0, 1, 2, 3, 4])
    assert len(courses) == 1
    assert courses["start"].iat[0] == 0
    assert courses["administrations"].iat[0] == 5
    assert list(course_of) == [0, 0, 0, 0, 0]


def test_a_gap_longer_than_gap_days_starts_a_new_course_and_exactly_gap_days_does_not():
    # Calendar days: dates 7 apart are the same course whatever the times of day (day 7 at 00:00, day 14 at 23:45:
    # 7.99 days by the clock); dates 8 apart are not (day 14 at 23:45, day 22 at 00:15: 7.02 days by the clock).
    courses, course_of = _courses([0, 7, 14.99, 22.01, 27])
    assert list(courses["start"] / DAY) == [0, 22.01]
    assert list(course_of) == [0, 0, 0, 1, 1]


def test_the_gap_is_measured_from_the_previous_administration_not_the_course_start():
    courses, _ = _courses([0, 6, 12, 18])
    assert len(courses) == 1


def test_dose_is_the_sum_of_the_course_administrations_and_missing_doses_are_skipped():
    courses, _ = _courses([0, 1, 2, 30], doses=[0.5, np.nan, 0.5, 1.0])
    assert list(courses["dose"]) == [1.0, 1.0]
    courses, _ = _courses([0, 1], doses=[np.nan, np.nan])
    assert np.isnan(courses["dose"].iat[0])


def test_different_treatments_on_the_same_days_are_separate_courses():
    courses, _ = _courses([0, 0, 1], labels=["ketamine", "physio", "ketamine"])
    assert sorted(courses["treatment"]) == ["ketamine", "physio"]


def test_boosters_relabel_a_patients_later_courses_of_the_treatment():
    courses, _ = _courses([0, 1, 40, 90, 0], patients=["P1", "P1", "P1", "P1", "P2"],
                          boosters={"ketamine": "ketamine booster"})
    p1 = courses[courses["patient_id"] == "P1"]
    assert list(p1["treatment"]) == ["ketamine", "ketamine booster", "ketamine booster"]
    assert list(courses[courses["patient_id"] == "P2"]["treatment"]) == ["ketamine"]


def test_treatment_patterns_choose_the_treatment_and_leave_co_medications_out():
    text = np.array(["KETAMINE 500 MG/5 ML IV", "ONDANSETRON 4 MG IV", "Ketamin i.v.", ""], dtype=object)
    assert list(treatment_labels(text, {"ketamin": "Ketamine infusion"})) == \
        ["Ketamine infusion", "", "Ketamine infusion", ""]
    assert list(treatment_labels(text, {})) == list(text)


def test_a_title_row_and_a_blank_row_above_the_header_are_skipped():
    data = "\ufeffKetamin-Ambulanz - Auswertung 2024;;;\n;;;\nPatient;Datum;Schmerz;PHQ-9\nA1;01.03.2024;7,5;12\n"
    t = read_table("k.csv", data.encode("utf-8"))
    assert t.header == ["Patient", "Datum", "Schmerz", "PHQ-9"]
    assert t.header_row == 3
    assert list(t.line) == [4]
    assert t.delimiter == ";" and t.decimal_comma and t.encoding == "utf-8-sig"
    assert t.skipped == ["Ketamin-Ambulanz - Auswertung 2024"]


def test_header_row_given_in_the_mapping_wins():
    data = b"title\na,b\n1,2\n"
    t = read_table("x.csv", data, header_row=2)
    assert t.header == ["a", "b"] and list(t.line) == [3]


def test_cp1252_text_is_read():
    data = "N° patient;Date;Heure;EVA douleur\nP1;01/03/2024;08:30;7\n".encode("cp1252")
    t = read_table("fr.csv", data)
    assert t.encoding == "cp1252" and t.header[0] == "N° patient"


def test_values_without_a_header_name_are_refused_with_the_header_line():
    with pytest.raises(MissingColumnError, match="column 3 has values but no header name"):
        read_table("x.csv", b"id,day,\nP1,0,7\n")


def test_header_search_and_delimiter_sniffing():
    rows = [["Report"], [], ["id", "date", "pain"], ["1", "2024-01-01", "7"], ["2", "2024-01-02", "6"]]
    assert find_header_row(rows) == 2
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"


# --- Notes under a table ------------------------------------------------------------------------------

@pytest.mark.parametrize("heading", ["Notes:", "Note", "Legende", "Anmerkungen:", "Remarques :", "Source: EHR export",
                                     "Legend: NRS = numeric rating scale"])
def test_an_empty_line_then_a_notes_heading_ends_the_table(heading):
    text = f"Patient;NRS;Day\nP1;7;0\nP2;5;0\n;;\n{heading};;\nExport;10;3\n"
    t = read_table("sheet.csv", text.encode())
    assert t.column(0).tolist() == ["P1", "P2"]
    assert t.below_table.tolist() == [5, 6]
    assert t.below_reason.startswith("below the table: the notes after the empty line 4 (heading ")


@pytest.mark.parametrize("text", [
    "Patient;NRS;Day\nP1;7;0\nNotes;5;0\n",            # no empty line before it
    "Patient;NRS;Day\nP1;7;0\n;;\nNotes;5;0\n",       # not alone in its row: a patient named Notes
    "Patient;NRS;Day\nP1;7;0\n;;\nP2;5;0\n",          # an empty line inside the table
])
def test_without_an_empty_line_and_a_heading_alone_every_row_is_data(text):
    t = read_table("sheet.csv", text.encode())
    assert len(t.below_table) == 0 and t.n == len([l for l in text.splitlines()[1:] if l.strip(";")])
