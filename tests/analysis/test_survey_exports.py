"""Survey tools' exports: what they write beside the answers is not read as answers.

The specification (docs/data-format.md, "Survey exports"): a Qualtrics CSV's lines 2 and 3 (the questions' texts,
the import ids) belong to its header and are not data, with a note; its responses whose ``Status`` is a preview,
a test or spam (by name or by Qualtrics' code) are excluded and listed with that reason; a SurveyMonkey export's
two header rows (questions, then ``Response`` or a matrix's statements) are one header, ``question - statement``.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.survey_exports import surveymonkey_header
from analysis.io.tables import read_table

META = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
        "ResponseId", "study_id", "Q2_1"]
TEXTS = ["Start Date", "End Date", "Response Type", "Progress", "Duration (in seconds)", "Finished",
         "Recorded Date", "Response ID", "Study ID", "Please rate your pain RIGHT NOW - Pain"]
IMPORT = ['"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}"', '"{""ImportId"":""endDate""}"',
          '"{""ImportId"":""status""}"', '"{""ImportId"":""progress""}"', '"{""ImportId"":""duration""}"',
          '"{""ImportId"":""finished""}"', '"{""ImportId"":""recordedDate""}"', '"{""ImportId"":""_recordId""}"',
          '"{""ImportId"":""QID5_TEXT""}"', '"{""ImportId"":""QID2_1""}"']


def _qualtrics(statuses: list[str], legacy: bool = False) -> bytes:
    lines = [",".join(META), ",".join(f'"{t}"' for t in TEXTS)] + ([] if legacy else [",".join(IMPORT)])
    for i, status in enumerate(statuses):
        pid = "test" if status not in ("0", "IP Address") else f"S{i % 4:02d}"
        lines.append(f"2024-03-0{1 + i // 4} 09:0{i % 4}:00,2024-03-0{1 + i // 4} 09:1{i % 4}:00,{status},100,600,1,"
                     f"2024-03-0{1 + i // 4} 09:1{i % 4}:01,R_{i:04d}abcdEFGHijkl,{pid},{7 - i % 3}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.mark.parametrize("legacy", [False, True])
def test_the_questions_texts_and_import_ids_under_a_qualtrics_header_are_not_answers(legacy):
    table = read_table("survey.csv", _qualtrics(["0"] * 8, legacy))
    first = 3 if legacy else 4
    assert table.n == 8 and list(table.line) == list(range(first, first + 8))
    assert table.cells.iloc[0, 7] == "R_0000abcdEFGHijkl"
    assert table.notes == [f"survey.csv: a Qualtrics export: line(s) {'2' if legacy else '2 and 3'} under the header "
                           f"(the questions' texts{'' if legacy else ' and import ids'}) describe its columns and "
                           "were not read as answers."]


@pytest.mark.parametrize("preview, test", [("1", "2"), ("Survey Preview", "Survey Test")])
def test_previews_and_tests_of_the_survey_are_excluded_and_listed(preview, test):
    """Before: the authors' preview responses (study id 'test') were analysed as a patient's answers."""
    table = read_table("survey.csv", _qualtrics(["0"] * 8 + [preview, test]))
    assert table.n == 8
    assert [(list(lines), why) for lines, why in table.set_aside] == [
        ([12], f"Status {preview!r}: a Qualtrics survey preview response, no respondent's answers"),
        ([13], f"Status {test!r}: a Qualtrics survey test response, no respondent's answers")]
    ds = load_files({"survey.csv": _qualtrics(["0"] * 8 + [preview, test]),
                     "infusions.csv": b"study_id,date,treatment\nS00,2024-02-28,Ketamine\n"})
    ex = ds.report.exclusions
    assert set(ex.loc[ex["line"].isin([12, 13]), "file"]) == {"survey.csv"}
    assert "test" not in set(ds.assessments["patient_id"])
    assert not set(ex.loc[ex["file"] == "survey.csv", "line"]) & {2, 3}


def test_a_table_with_a_response_id_but_no_survey_dates_is_no_qualtrics_export():
    data = b"ResponseId,Patient,NRS\nResponse ID,x,y\nR_0001abcdEFGHijkl,P1,7\n"
    table = read_table("t.csv", data)
    assert table.n == 2 and not table.notes and not table.set_aside


def test_surveymonkey_names_each_column_by_its_question_and_a_matrix_statement():
    top = ["Respondent ID", "Collector ID", "Start Date", "Custom Data 1", "Pain now (0-10)",
           "Over the last 2 weeks, how often ...?", "", "Comments"]
    below = ["", "", "", "", "Response", "Little interest or pleasure in doing things", "Feeling down", "Open-Ended Response"]
    assert surveymonkey_header(top, below) == [
        "Respondent ID", "Collector ID", "Start Date", "Custom Data 1", "Pain now (0-10)",
        "Over the last 2 weeks, how often ...? - Little interest or pleasure in doing things",
        "Over the last 2 weeks, how often ...? - Feeling down", "Comments"]
    assert surveymonkey_header(["Patient", "Date"], ["", "Response"]) is None


def test_a_surveymonkey_csv_reads_with_one_header_and_its_data_from_line_3():
    """Before: refused, 'column 13 has values but no header name' (a matrix's columns are named in row 2 only)."""
    data = ("Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,Pain now (0-10),"
            "\"Over the last 2 weeks, how often?\",,\r\n"
            ",,,,,Response,Little interest,Feeling down,Poor appetite\r\n"
            "1146,4315,05/31/2024 03:52:35 PM,05/31/2024 04:00:00 PM,S01,6,Not at all,Several days,Not at all\r\n"
            ).encode()
    table = read_table("monkey.csv", data)
    assert table.two_row_header == "surveymonkey" and table.n == 1 and list(table.line) == [3]
    assert table.header[5:7] == ["Pain now (0-10)", "Over the last 2 weeks, how often? - Little interest"]


# --- How the proposal reads a survey tool's own columns ----------------------------------------------------

def _propose(files: dict) -> dict:
    from analysis.io.propose import inspect
    return {(fp.name, c.header): (c.column.role, c.column.measure) for fp in inspect(files).files for c in fp.columns}


def test_a_qualtrics_questions_text_names_its_score_and_its_own_columns_are_not_read():
    """Before: Q2_1 was the measure 'q2_1' (summarize: "Unknown measure 'pain_nrs'"), 'Duration (in seconds)' a
    measure, and three date columns left the answers' time to review."""
    roles = _propose({"survey.csv": _qualtrics(["0"] * 8),
                      "infusions.csv": b"study_id,date,time,treatment\nS00,2024-02-28,10:00,Ketamine\n"})
    assert roles[("survey.csv", "Q2_1")] == ("measure", "pain_nrs")
    assert roles[("survey.csv", "EndDate")][0] == "date"
    assert roles[("survey.csv", "study_id")][0] == "patient_id"
    for own in ("StartDate", "RecordedDate", "ResponseId", "Status", "Progress", "Duration (in seconds)", "Finished"):
        assert roles[("survey.csv", own)][0] == "ignore", own


def test_surveymonkeys_custom_data_is_the_patient_when_no_question_asks_for_it():
    """Before: 'Respondent ID' (one per response) was the patient, so no survey matched an infusion: 0 episodes."""
    data = ("Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,Pain now (0-10)\r\n"
            ",,,,,Response\r\n"
            "1146,4315,05/31/2024 03:52:35 PM,05/31/2024 04:00:00 PM,S01,6\r\n"
            "1147,4315,06/03/2024 09:50:00 AM,06/03/2024 10:00:00 AM,S01,3\r\n"
            "1148,4315,06/04/2024 09:50:00 AM,06/04/2024 10:00:00 AM,S02,5\r\n"
            "1149,4315,06/05/2024 09:50:00 AM,06/05/2024 10:00:00 AM,S03,7\r\n").encode()
    roles = _propose({"monkey.csv": data})
    assert roles[("monkey.csv", "Custom Data 1")][0] == "patient_id"
    assert [roles[("monkey.csv", h)][0] for h in ("Respondent ID", "Collector ID", "Start Date")] == ["ignore"] * 3
    assert roles[("monkey.csv", "End Date")][0] == "date"


def test_microsoft_forms_response_number_is_not_the_patient_and_an_anonymous_email_is_no_identifier():
    """Before: 'ID' (the response's number) was the patient: 0 analysable episodes, and no warning."""
    data = ("ID,Start time,Completion time,Email,Name,Last modified time,Participant code,Pain now (0-10)\n"
            "1,2024-01-04 12:55:15,2024-01-04 13:00:00,anonymous,,,S04-003,8\n"
            "2,2024-01-12 08:58:22,2024-01-12 09:00:00,anonymous,,,S04-012,6\n").encode()
    roles = _propose({"forms.csv": data})
    assert roles[("forms.csv", "Participant code")][0] == "patient_id"
    assert roles[("forms.csv", "Completion time")][0] == "date"
    for own in ("ID", "Start time", "Email", "Name", "Last modified time"):
        assert roles[("forms.csv", own)][0] == "ignore", own
    ds = load_files({"forms.csv": data, "log.csv": b"Participant code,Infusion date,Treatment\nS04-003,2024-01-05,Ketamine\n"})
    assert set(ds.assessments["patient_id"]) == {"S04-003", "S04-012"}


def test_a_question_coded_q6_asking_the_date_of_birth_is_refused_as_one():
    """Before: line 2 ('Date of birth') was set aside as the header's, so Q6 was a column of dates, proposed as the
    answers' date and kept (the regression review's case61)."""
    import pytest
    from analysis.errors import IdentifierError
    data = _qualtrics(["0"] * 8).decode("utf-8-sig").splitlines()
    data[0] += ',"Q6"'
    data[1] += ',"Date of birth"'
    data[2] += ',"{""ImportId"":""QID6""}"'
    data[3:] = [line + f",1950-01-{10 + i}" for i, line in enumerate(data[3:])]
    files = {"survey.csv": ("\r\n".join(data) + "\r\n").encode(),
             "infusions.csv": b"study_id,date,time,treatment\nS00,2024-02-28,10:00,Ketamine\n"}
    assert _propose(files)[("survey.csv", "Q6")][0] == "ignore"
    with pytest.raises(IdentifierError, match=r"column 'Q6 \(Date of birth\)': its name says it holds a date of birth"):
        load_files(files)


def test_a_table_with_a_response_id_column_of_another_tool_keeps_its_status_values():
    """An ePRO export with 'Response ID' numbers and a Status of 1/2 is no Qualtrics export: nothing is set aside
    (the regression review's case27: every row was set aside as a Qualtrics preview)."""
    data = b"Response ID,Patient,StartDate,Status,Pain NRS\n1001,P1,2024-03-01,1,7\n1002,P1,2024-03-05,2,4\n"
    table = read_table("epro.csv", data)
    assert table.n == 2 and not table.set_aside and not table.notes


def test_a_surveymonkey_header_without_its_second_row_keeps_its_first_data_row():
    """People delete SurveyMonkey's second header row; its first data row was then joined into the header and lost,
    unlisted (the regression review's case36)."""
    data = (b"Respondent ID,Collector ID,Start Date,Patient,Pain NRS\n114000,4315,05/31/2024,P1,8\n"
            b"114001,4315,06/03/2024,P1,3\n")
    table = read_table("survey.csv", data)
    assert not table.two_row_header and table.n == 2 and table.header[3] == "Patient"


def test_a_survey_field_holding_a_site_is_not_the_patient():
    """Custom Data 1 held North / South, Custom Data 2 the study ids: the sites were the patients (the regression
    review's case13)."""
    rows = ["Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,Custom Data 2,Pain now (0-10)",
            ",,,,,,Response"]
    rows += [f"{1200 + i},4315,06/0{1 + i}/2024 09:50:00 AM,06/0{1 + i}/2024 10:00:00 AM,{'North' if i % 2 else 'South'},"
             f"S0{i},{3 + i}" for i in range(6)]
    roles = _propose({"monkey.csv": ("\r\n".join(rows) + "\r\n").encode()})
    assert roles[("monkey.csv", "Custom Data 2")][0] == "patient_id"
    assert roles[("monkey.csv", "Custom Data 1")][0] != "patient_id"
