"""Which sheets of a workbook are the clinic's data, and how sheets of the same columns become tables.

The specification (docs/data-format.md, "Workbooks"): a template, an example, instructions or the lists of
a drop-down are no patients; a workbook of one sheet per patient is one table even where a sheet's
free-text column has another name, and a patient's sheet is never lost without a word; sheets named after
treatments keep their name as a column; the tables of a workbook never share a name.
"""
from __future__ import annotations

import datetime as dt

import pytest

from analysis import load_files
from analysis.io.propose import inspect
from analysis.io.workbooks import expand_workbooks
from analysis.summary import summarize


from test_workbooks import _xlsx  # noqa: E402  (one way of writing a test workbook)


def _day(n: int) -> dt.datetime:
    return dt.datetime(2024, 3, 1) + dt.timedelta(days=n - 1)


def _log(first_day: int, scores: tuple, notes: str = "Notes") -> list[list]:
    """One patient's sheet: a baseline 2 days before the infusion, the infusion, a score 28 days after it."""
    return [["Date", "Treatment", "NRS", notes], [_day(first_day - 2), None, scores[0], "pre-assessment"],
            [_day(first_day), "Ketamine", None, "4 h"], [_day(first_day + 28), None, scores[1], None]]


def _visits(rows: list[tuple]) -> list[list]:
    """A table with a patient column: (patient, first day, baseline, week 4)."""
    out = [["Patient", "Date", "Treatment", "NRS", "Notes"]]
    for pid, first, before, after in rows:
        out += [[pid, _day(first - 2), None, before, None], [pid, _day(first), "Ketamine", None, None],
                [pid, _day(first + 28), None, after, None]]
    return out


# --- Templates, examples, instructions, lists -------------------------------------------------------------

@pytest.mark.parametrize("name", ["Template", "Example", "Instructions", "Lists", "Codes", "Lookups", "Dropdowns",
                                  "Legend", "README", "Vorlage", "Beispiel", "Modèle", "Plantilla", "Ejemplo",
                                  "Template (do not edit)", "Example patient"])
def test_a_sheet_named_as_a_template_example_or_list_is_not_read_and_the_report_says_why(name):
    data = _visits([("P01", 4, 8, 4), ("P02", 11, 6, 6)])
    example = _visits([("P99", 4, 9, 1)])  # the same columns, an example patient
    book = _xlsx({name: example, "Data": data})
    files, notes = expand_workbooks({"Clinic.xlsx": book})
    assert list(files) == ["Clinic.csv"]
    assert b"P99" not in files["Clinic.csv"]
    assert f"Clinic.xlsx: the sheet '{name}' was not read: its name says it is a template, an example, instructions " \
           "or a list of choices, not patients' data. If it holds data, rename the sheet and load the workbook " \
           "again." in notes
    ds = load_files({"Clinic.xlsx": book})
    assert sorted(set(ds.assessments["patient_id"])) == ["P01", "P02"]


@pytest.mark.parametrize("name", ["Patient list", "Data", "Codeine", "Examinations", "Visits 2024"])
def test_a_sheet_whose_name_only_contains_such_letters_is_read(name):
    book = _xlsx({name: _visits([("P01", 4, 8, 4)]), "Other": _visits([("P02", 11, 6, 6)])})
    files, notes = expand_workbooks({"Clinic.xlsx": book})
    assert len(files) == 2 and not any("was not read" in n for n in notes)


@pytest.mark.parametrize("name", ["Final sample", "Outcomes (from template)", "Example patients"])
def test_a_sheet_so_named_whose_table_is_like_no_other_is_the_data_and_is_read(name):
    """Dropped by its name beside a referral list, the clinic's only data sheet was lost and the load refused with
    a message about the other sheet. Only a sheet with another sheet's columns (a template, an example patient)
    or a short list of choices is left out."""
    referrals = [["Referral date", "Source", "Waiting weeks"], [_day(1), "GP", 6], [_day(3), "Neurology", 9]]
    book = _xlsx({name: _visits([("P01", 4, 8, 4), ("P02", 11, 6, 6)]), "Referrals": referrals})
    files, notes = expand_workbooks({"Clinic.xlsx": book})
    assert not any("was not read" in n for n in notes)
    ds = load_files({"Clinic.xlsx": book})
    assert sorted(set(ds.assessments["patient_id"])) == ["P01", "P02"]


def test_a_workbook_whose_only_table_is_named_template_is_still_read():
    """The name is all that says so; the data must be somewhere, so it is read."""
    files, _ = expand_workbooks({"Clinic.xlsx": _xlsx({"Template": _visits([("P01", 4, 8, 4)])})})
    assert list(files) == ["Clinic.csv"]


def test_the_template_of_a_one_sheet_per_patient_workbook_is_no_patient():
    sheets = {"Template": _log(1, (9, 1)), "Pt 01": _log(4, (8, 4)), "Pt 02": _log(11, (6, 6)),
              "Lists": [["Treatment", "Visit type"], ["Ketamine", "Pre"], ["Lidocaine", "Infusion"]]}
    files, notes = expand_workbooks({"Ketamine_log.xlsx": _xlsx(sheets)})
    assert list(files) == ["Ketamine_log.csv"]
    ds = load_files({"Ketamine_log.xlsx": _xlsx(sheets)})
    assert sorted(set(ds.assessments["patient_id"])) == ["Pt 01", "Pt 02"]


# --- One sheet per patient -----------------------------------------------------------------------------

def test_patient_sheets_whose_free_text_column_is_named_otherwise_are_still_one_table():
    """'Notes' in most sheets, 'Comments' in two: the same table. Grouped by the exact header, those two
    patients were read as tables without a patient id and left out."""
    sheets = {f"Pt {i:02d}": _log(3 * i, (8, 4), "Comments" if i in (2, 3) else "Notes") for i in range(1, 5)}
    files, notes = expand_workbooks({"Ketamine_log.xlsx": _xlsx(sheets)})
    assert list(files) == ["Ketamine_log.csv"]
    lines = files["Ketamine_log.csv"].decode().splitlines()
    assert lines[0] == "Patient,Date,Treatment,NRS,Notes,Comments"  # each sheet's own column, empty elsewhere
    assert lines[1] == "Pt 01,2024-03-01,,8,pre-assessment,"
    assert lines[4] == "Pt 02,2024-03-04,,8,,pre-assessment"
    assert any("one sheet per patient" in n and "free-text columns differ" in n for n in notes)
    ds = load_files({"Ketamine_log.xlsx": _xlsx(sheets)})
    assert sorted(set(ds.assessments["patient_id"])) == ["Pt 01", "Pt 02", "Pt 03", "Pt 04"]


def test_patient_sheets_with_their_columns_in_another_order_are_one_table():
    other = [["NRS", "Date", "Treatment", "Notes"]] + [[r[2], r[0], r[1], r[3]] for r in _log(11, (6, 6))[1:]]
    files, _ = expand_workbooks({"log.xlsx": _xlsx({"Pt 01": _log(4, (8, 4)), "Pt 02": _log(8, (7, 3)),
                                                   "Pt 03": other})})
    assert list(files) == ["log.csv"]
    assert "Pt 03,2024-03-09,,6,pre-assessment" in files["log.csv"].decode().splitlines()


def test_a_patient_sheet_whose_scored_columns_differ_is_read_on_its_own_and_the_report_says_which():
    odd = [["Date", "Treatment", "Pain score", "Notes"]] + _log(11, (6, 6))[1:]
    sheets = {"Pt 01": _log(4, (8, 4)), "Pt 02": _log(8, (7, 3)), "Pt 03": odd}
    files, notes = expand_workbooks({"log.xlsx": _xlsx(sheets)})
    assert sorted(files) == ["log (Pt 03).csv", "log.csv"]
    assert files["log (Pt 03).csv"].decode().splitlines()[:2] == [
        "Patient,Date,Treatment,Pain score,Notes", "Pt 03,2024-03-09,,6,pre-assessment"]
    assert "log.xlsx: the sheet 'Pt 03' is named like the patients' sheets ('Pt 01', 'Pt 02') but its columns differ " \
           "(it has 'Pain score' but not 'NRS'): it was read as a table of its own, log (Pt 03).csv, with its name " \
           "as the patient id. If it is the same table, give its columns the names of the other sheets and load it " \
           "again." in notes


def test_beside_the_patient_sheets_another_table_never_takes_the_workbooks_name():
    """The combined table of the patient sheets is <workbook>.csv: another sheet is <workbook> (<sheet>).csv,
    even as the only other table (it was named <workbook>.csv too, and the workbook was refused as two files
    of one name)."""
    sheets = {"Pt 01": _log(4, (8, 4)), "Pt 02": _log(8, (7, 3)), "Drugs": [["Drug", "Dose"], ["Ketamine", "0.5"]]}
    files, notes = expand_workbooks({"Ketamine_log.xlsx": _xlsx(sheets)})
    assert sorted(files) == ["Ketamine_log (Drugs).csv", "Ketamine_log.csv"]


# --- One sheet per treatment ---------------------------------------------------------------------------

def _infusions(rows: list[tuple]) -> list[list]:
    out = [["Patient", "Date", "Infusion", "NRS", "Notes"]]
    for pid, first, before, after in rows:
        out += [[pid, _day(first - 2), None, before, None], [pid, _day(first), "Yes", None, None],
                [pid, _day(first + 1), None, after, "phone"], [pid, _day(first + 28), None, before, None]]
    return out


def _per_treatment() -> bytes:
    return _xlsx({"Ketamine": _infusions([("P01", 4, 8, 4), ("P02", 8, 6, 3)]),
                  "Lidocaine": _infusions([("P03", 11, 7, 7)])})


def test_sheets_named_after_treatments_keep_their_name_in_a_sheet_column():
    files, notes = expand_workbooks({"Infusions.xlsx": _per_treatment()})
    assert sorted(files) == ["Infusions (Ketamine).csv", "Infusions (Lidocaine).csv"]
    assert files["Infusions (Lidocaine).csv"].decode().splitlines()[:2] == [
        "Sheet,Patient,Date,Infusion,NRS,Notes", "Lidocaine,P03,2024-03-09,,7,"]
    assert "Infusions.xlsx: the sheets 'Ketamine', 'Lidocaine' have the same columns and are named after treatments: " \
           "each is read with a first column 'Sheet' holding its name, which says the treatment of its rows." in notes


def test_sheets_of_the_same_columns_not_named_after_treatments_get_no_sheet_column():
    book = _xlsx({"2023": _infusions([("P01", 4, 8, 4)]), "2024": _infusions([("P03", 11, 7, 7)])})
    files, _ = expand_workbooks({"Infusions.xlsx": book})
    assert all(not b.startswith(b"Sheet,") for b in files.values())


def test_the_yes_column_of_a_treatment_sheet_is_named_after_the_sheet():
    files, _ = expand_workbooks({"Infusions.xlsx": _per_treatment()})
    proposal = inspect(files)  # the proposal calls name_treatments_by_sheet
    notes = proposal.notes
    for p in proposal.files:
        sheet = p.name.split("(")[1].rstrip(").csv")
        assert p.spec.columns["Infusion"].codes == {"Yes": sheet}
        assert p.spec.columns["Sheet"].role == "ignore"
    assert "Infusions (Lidocaine).csv: each 'Infusion' Yes is an administration of 'Lidocaine', the name of its sheet " \
           "(rename the treatment in the mapping if needed)." in notes


def test_a_workbook_of_one_sheet_per_treatment_gives_one_group_per_treatment():
    ds = load_files({"Infusions.xlsx": _per_treatment()})
    groups = {g["group"]["treatment"]: g["patients"] for g in summarize(ds).to_dict()["groups"]}
    assert groups == {"Ketamine": 2, "Lidocaine": 1}


# --- A folder of CSV files, one per patient (a Numbers export of such a workbook) -----------------------

def _csv(rows: list[list]) -> bytes:
    return "\r\n".join(",".join("" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime)
                                else str(v) for v in r) for r in rows).encode() + b"\r\n"


def test_a_folder_of_one_csv_file_per_patient_is_one_table_with_the_file_names_as_ids():
    """Numbers exports each sheet as '<sheet>-Table 1.csv': read file by file, each asked for a patient id."""
    files = {"Pt 01-Table 1.csv": _csv(_log(4, (8, 4))), "Pt 02-Table 1.csv": _csv(_log(11, (6, 6), "Comments"))}
    out, notes = expand_workbooks(files)
    assert list(out) == ["Patient files.csv"]
    assert out["Patient files.csv"].decode().splitlines()[:2] == [
        "Patient,Date,Treatment,NRS,Notes,Comments", "Pt 01,02/03/2024,,8,pre-assessment,"]
    assert any(n.startswith("CSV files: the files 'Pt 01', 'Pt 02' have the same columns and none for the patient: "
                            "one file per patient") for n in notes)
    ds = load_files(files, date_format="DMY")
    assert sorted(set(ds.assessments["patient_id"])) == ["Pt 01", "Pt 02"]


def test_csv_files_with_a_patient_column_or_of_our_format_are_left_as_they_are():
    visits = _csv(_visits([("P01", 4, 8, 4)]))
    files = {"2023.csv": visits, "2024.csv": visits}
    assert expand_workbooks(files) == (files, [])
    ours = {"assessments.csv": b"patient_id,day,measure,value\nP1,0,pain_nrs,5\n", "notes.csv": b"a,b\n1,2\n"}
    assert expand_workbooks(ours) == (ours, [])


def test_treatment_sheets_whose_treatment_column_names_no_drug_are_named_by_their_sheets():
    """Sheets 'Ketamine' and 'Lidocaine' whose own Treatment column says only 'Infusion': read as written, both
    sheets were one treatment, 'Infusion', pooled. P01 8 -> 4 and P02 6 -> 3 (ketamine: 50% each) and P03 7 -> 7
    (lidocaine: 0%): immediate relief 50% (n = 2) and 0% (n = 1)."""
    def sheet(rows):
        out = [["Patient", "Date", "Treatment", "NRS"]]
        for pid, first, before, after in rows:
            out += [[pid, _day(first - 2), None, before], [pid, _day(first), "Infusion", None],
                    [pid, _day(first + 1), None, after]]
        return out
    book = _xlsx({"Ketamine": sheet([("P01", 4, 8, 4), ("P02", 8, 6, 3)]), "Lidocaine": sheet([("P03", 11, 7, 7)])})
    table = summarize(load_files({"Infusions.xlsx": book}), models=False).to_frame()
    imm = table[table["statistic"] == "immediate_relief_pct"].set_index("treatment")
    assert imm["estimate"].round(6).to_dict() == {"Ketamine": 50.0, "Lidocaine": 0.0}
    assert imm["n"].to_dict() == {"Ketamine": 2, "Lidocaine": 1}
