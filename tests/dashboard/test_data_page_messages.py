"""What the Data page says about an upload it cannot read as given, in its own words (session 13 review,
findings 2-7): no command-line options or folders, no reader class names, each error once, and the
missing piece named as the clinic knows it.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import load_files
from analysis.errors import DatasetError

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402


def upload(files: dict[str, bytes]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error] + \
        [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def us_dated_log(n_patients: int = 8) -> bytes:
    """An infusion log with month-first dates that all read both ways (days 1-12 of January)."""
    rows = []
    for i in range(1, n_patients + 1):
        pid = f"PT{i:03d}"
        rows += [(pid, "1/1/2024", "", 7), (pid, "1/4/2024", "Ketamine infusion", ""), (pid, "1/5/2024", "", 4),
                 (pid, "1/11/2024", "", 5)]
    frame = pd.DataFrame(rows, columns=["Patient ID", "Visit Date", "Treatment", "Pain (0-10)"])
    return frame.to_csv(index=False).encode()


# ---------------------------------------------------------------------------------------------- finding 2
def test_a_measure_name_typed_with_a_typo_is_said_to_be_unknown_with_the_known_names():
    at = upload({"ketamine_log.csv": us_dated_log()})
    at.selectbox(key="_w_date_format").set_value("MDY").run()
    next(t for t in at.text_input if t.label == "Name of Pain (0-10)").set_value("pain nrs").run()
    said = shown(at)
    assert "'pain nrs' (column 'Pain (0-10)') is not a known measure (did you mean 'pain_nrs'?)" in said
    assert "Known measures: pain_nrs, phq9" in said and "without range checks" in said


def test_the_pages_say_when_the_outcome_measure_has_no_score_in_the_dataset():
    at = upload({"ketamine_log.csv": us_dated_log()})
    at.selectbox(key="_w_date_format").set_value("MDY").run()
    # (a spelling of the name, 'pain nrs', is read as pain_nrs itself: io/measure_spellings.py)
    next(t for t in at.text_input if t.label == "Name of Pain (0-10)").set_value("clinic pain").run()
    assert "The outcome measure `pain_nrs` has no score in this dataset" in shown(at)
    at.switch_page("content/pain_relief.py").run()
    assert any("The outcome measure `pain_nrs` has no score in this dataset (its measures: clinic pain)" in w.value
               for w in at.warning)


def test_a_known_measure_name_is_not_questioned():
    at = upload({"ketamine_log.csv": us_dated_log()})
    at.selectbox(key="_w_date_format").set_value("MDY").run()
    assert "is not a known measure" not in shown(at)
    assert "has no score in this dataset" not in shown(at)


# ---------------------------------------------------------------------------------------------- finding 3
def test_a_redcap_labels_export_without_its_dictionary_asks_to_upload_the_dictionary_in_page_words():
    files = ces.export_shape("redcap_labels", ces.make_cohort(12, seed=3)).files
    at = upload({n: b for n, b in files.items() if "Dictionary" not in n})
    said = shown(at)
    assert "**Detected:** a REDCap labels export, without its data dictionary" in said
    assert "Upload the data dictionary too (in REDCap: Project Setup > Data Dictionary > Download)" in said
    for cli_words in ("folder or zip", "--map", "--drop-identifiers", "No column gives treatments",
                      "check the role of every column"):
        assert cli_words not in said, cli_words
    assert not [e for e in at.expander if str(e.label).startswith("Columns of")]


def test_the_command_line_keeps_its_own_words_for_a_labels_export_without_its_dictionary():
    files = ces.export_shape("redcap_labels", ces.make_cohort(12, seed=3)).files
    with pytest.raises(DatasetError, match="add the project's data dictionary, which says which field"):
        load_files({n: b for n, b in files.items() if "Dictionary" not in n})


# ---------------------------------------------------------------------------------------------- finding 4
def test_ambiguous_dates_point_to_the_date_format_box_not_to_the_mapping_file():
    said = shown(upload({"ketamine_log.csv": us_dated_log()}))
    assert "in the 'Date format' box of the import assistant" in said
    assert "--date-format" not in said and "in the mapping file" not in said


# ---------------------------------------------------------------------------------------------- finding 5
def _encrypted_xlsx() -> bytes:
    """What Excel writes for an .xlsx saved with a password: an OLE container (not a zip) whose directory
    names the streams EncryptionInfo and EncryptedPackage (UTF-16 names)."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    names = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0") + "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0")
    return head + names + bytes(4096)


def _truncated_xlsx() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame({"patient_id": ["P1", "P2"], "day": [0, 1], "pain_nrs": [5, 6]}).to_excel(buf, index=False)
    data = buf.getvalue()
    return data[: len(data) // 2]


@pytest.mark.parametrize("name, data, words", [
    ("locked.xlsx", _encrypted_xlsx(), "locked.xlsx is protected by a password: open it in Excel, remove the password"),
    ("cut.xlsx", _truncated_xlsx(), "cut.xlsx is not a readable workbook: it is damaged or incomplete"),
    ("empty.zip", b"", "empty.zip is empty (0 bytes)"),
])
def test_an_unreadable_workbook_or_zip_is_explained_in_plain_words_without_class_names(name, data, words):
    at = upload({name: data})
    errors = [e.value for e in at.error]
    assert any(words in e for e in errors), errors
    assert not any(cls in e for e in errors for cls in ("CalamineError", "BadZipFile", "Error)", "Error:"))
    with pytest.raises(DatasetError, match=re.escape(words.split(" ", 1)[1].split(":")[0])):
        load_files({name: data})


def test_a_zip_holding_only_macos_copies_says_the_files_were_left_out():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("__MACOSX/._data.csv", b"\x00\x05\x16\x07")
    at = upload({"export.zip": buf.getvalue()})
    assert any("holds no data file, only the hidden copies macOS adds (__MACOSX)" in e.value for e in at.error)


# ---------------------------------------------------------------------------------------------- finding 6
def test_an_error_of_the_upload_is_shown_once_on_the_data_page():
    long_line = b"a," + b"x" * (1100 * 1024) + b"\n"
    at = upload({"visits.csv": b"Patient,Visit,Pain\n" + long_line})
    errors = [e.value for e in at.error]
    assert len([e for e in errors if "KB" in e or "MB" in e]) == 1, errors


# ---------------------------------------------------------------------------------------------- finding 7
def test_a_flowsheet_without_its_medication_record_names_the_record_not_a_treatments_csv():
    files = ces.export_shape("flowsheet", ces.make_cohort(12, seed=3)).files
    at = upload({n: b for n, b in files.items() if not n.startswith("mar_")})
    said = "\n".join(i.value for i in at.info)
    assert "medication administration record (MAR)" in said
    assert "treatments.csv" not in said
    at.switch_page("content/pain_relief.py").run()
    assert any("medication administration record (MAR)" in i.value for i in at.info)


# ------------------------------------------------------------------- fresh-eyes review 15, items 7-9 (d3, d2)
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
from test_clinician_words_pt_log import pt_report  # noqa: E402


def exclusion_reasons(at: AppTest) -> set:
    frame = next(d.value for d in at.dataframe if "reason" in getattr(d.value, "columns", []))
    return set(frame["reason"].astype(str))


def test_a_pt_report_with_a_provider_column_says_once_what_to_do_in_the_pages_words():
    at = upload(pt_report())
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "or tick 'Drop columns that look like identifiers' on the Data page to drop it." in errors[0]
    said = shown(at)
    assert "--drop-identifiers" not in said and "as a date" not in errors[0]
    assert not [w for w in at.warning if "Drop columns" in w.value]  # the error says it: not a second time
    roles = {sb.label: sb.value for sb in at.selectbox if str(sb.key or "").endswith("_role")}
    assert roles["Role of Provider"] == "ignore"  # not the covariate 'provider' the guard refuses
    assert "'Appointment Type' in appointments_report.csv ('Physical Therapy Session'" in said
    assert "give that column the role 'treatment' in the import assistant's columns below" in said
    assert "courses.treatments" not in said and "in the mapping" not in said


def test_evaluation_rows_of_a_pt_report_say_their_scores_are_used_without_mapping_file_words():
    at = upload(pt_report())
    at.checkbox(key="_w_drop").check().run()
    next(sb for sb in at.selectbox if sb.label == "Role of Appointment Type").set_value("treatment").run()
    assert not at.exception, [e.value for e in at.exception]
    assert exclusion_reasons(at) == {
        "'Initial Evaluation' names a visit, not a treatment session: its scores are used; the row is only not a "
        "treatment",
        "'Re-evaluation' names a visit, not a treatment session: its scores are used; the row is only not a treatment"}
    said = shown(at)
    assert "No column gives treatments" not in said  # the clinician gave the column the role since
    assert "courses.treatments" not in said


def test_a_treatment_text_not_chosen_in_an_export_is_said_in_the_assistants_words():
    frame = pd.DataFrame({"Patient": ["P1"] * 4 + ["P2"] * 4,
                          "Date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"] * 2,
                          "Visit type": ["Massage", "Infusion", "", ""] * 2, "NRS": ["", "", 4, 3] * 2})
    at = upload({"log.csv": frame.to_csv(index=False).encode()})
    doc = at.session_state["mapping"]
    doc["files"][0]["columns"]["Visit type"] = "treatment"
    doc["courses"]["treatments"] = {"Infusion": "Ketamine"}  # what the assistant's treatments list writes
    at.session_state["mapping"] = doc
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert exclusion_reasons(at) == {"'Massage' is not a treatment chosen in the import assistant"}
    # The command line keeps its own words.
    cli = load_files({"log.csv": frame.to_csv(index=False).encode()}, mapping=doc).report.exclusions["reason"]
    assert set(cli) == {"'Massage' is not a chosen treatment (courses.treatments)"}


def test_the_secondary_outcomes_page_of_an_export_points_to_the_import_assistant_not_to_assessments_csv():
    at = upload(pt_report())
    at.checkbox(key="_w_drop").check().run()
    next(sb for sb in at.selectbox if sb.label == "Role of Appointment Type").set_value("treatment").run()
    at.switch_page("content/secondary.py").run()
    said = "\n".join(i.value for i in at.info)
    assert "in the import assistant on the Data page" in said
    assert "assessments.csv" not in said
