"""Questionnaire items whose answers are numbered from 1 (Qualtrics' default: 1 = Not at all ... 4 = Nearly every
day) are read as 0-3: each item is its code - 1, with a note (analysis/io/questionnaires.py, ``item_coding``).
Read as they stand, every row with a 4 lost its PHQ-9 and every other PHQ-9 was 9 points too high. Where the
codes could be either (no 0 and no 4 anywhere) they are read as 0-3 with a warning. The expected values are the
files' own codes, minus one per item, summed by hand."""
from __future__ import annotations

import numpy as np

from analysis import load_files
from analysis.io.observation_items import sum_question_rows
from analysis.io.questionnaires import item_coding, sum_items
from analysis.io.spec import from_json

HEADER = ('"StartDate","EndDate","Status","study_id","Q2_1",' + ",".join(f'"PHQ9_{i}"' for i in range(1, 10)) + "\n"
          '"Start Date","End Date","Response Type","Study ID","How would you rate your pain right now? - Pain NRS",'
          + ",".join(f'"Over the last 2 weeks, how often have you been bothered by... - item {i}"' for i in range(1, 10))
          + "\n" + '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
          '"{""ImportId"":""QID5_TEXT""}","{""ImportId"":""QID2_1""}",'
          + ",".join(f'"{{""ImportId"":""QID3_{i}""}}"' for i in range(1, 10)) + "\n")
INFUSIONS = "study_id,infusion_datetime,drug\nS10-001,2024-01-08 10:00,ketamine\nS10-002,2024-01-09 10:00,ketamine\n"


def _qualtrics(answers: dict[tuple[str, str], list[int]]) -> bytes:
    rows = [f'"{when}","{when}","0","{pid}","7",' + ",".join(f'"{a}"' for a in items)
            for (pid, when), items in answers.items()]
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8-sig")


def _mapping() -> dict:
    columns = {"StartDate": "ignore", "EndDate": "date", "Status": "ignore", "study_id": "patient_id",
               "Q2_1": {"role": "measure", "measure": "pain_nrs", "time": "EndDate"}}
    columns |= {f"PHQ9_{i}": {"role": "sum_item", "measure": "phq9", "time": "EndDate"} for i in range(1, 10)}
    return {"crps_outcomes_mapping": 1, "source": "spreadsheet",
            "files": [{"match": "CRPS_PROMs_*.csv", "columns": columns},
                      {"match": "infusions.csv", "columns": {"study_id": "patient_id", "infusion_datetime": "date",
                                                             "drug": "treatment"}}]}


CODED_1_TO_4 = {("S10-001", "2024-01-05 10:00:00"): [2, 4, 3, 2, 4, 3, 4, 2, 3],    # 27 - 9 = 18
                ("S10-001", "2024-02-05 10:00:00"): [1, 2, 1, 1, 2, 1, 1, 1, 1],    # 11 - 9 = 2
                ("S10-002", "2024-01-06 10:00:00"): [3, 2, 2, 4, 2, 3, 3, 3, 2]}    # 24 - 9 = 15


def _load(answers):
    files = {"CRPS_PROMs_June 10, 2024_14.02.csv": _qualtrics(answers), "infusions.csv": INFUSIONS.encode()}
    ds = load_files(files, mapping=from_json(_mapping()))
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    return phq[["patient_id", "value"]].values.tolist(), ds


def test_a_qualtrics_export_coded_1_to_4_is_summed_as_code_minus_one():
    got, ds = _load(CODED_1_TO_4)
    assert got == [["S10-001", 18.0], ["S10-001", 2.0], ["S10-002", 15.0]]
    # Only Qualtrics' two rows under the header (the questions' text, the import ids) are left out.
    assert sorted(set(ds.report.exclusions["line"])) == [2, 3]


def test_the_load_report_says_the_items_were_read_as_code_minus_one():
    _, ds = _load(CODED_1_TO_4)
    assert any("PHQ-9 items coded 1-4 (Qualtrics' default) were read as 0-3" in n for n in ds.report.notes)


def _sum(cells: list[list[str]], measure: str = "phq9", **kw):
    notes, warnings = [], []
    headers = [f"{measure.upper()}_{i + 1}" for i in range(len(cells))]
    total, *_ = sum_items(measure, headers, [np.asarray(c, dtype=object) for c in cells], notes=notes,
                          warnings=warnings, file="survey.csv", **kw)
    return total.tolist(), notes, warnings


def _columns(rows: list[list[object]]) -> list[list[str]]:
    return [[str(r[j]) for r in rows] for j in range(len(rows[0]))]


def test_items_coded_1_to_4_with_4s_in_two_rows_are_read_as_0_to_3_with_a_note():
    total, notes, warnings = _sum(_columns([[2, 4, 3, 2, 4, 3, 4, 2, 3], [4] + [1] * 8, [1] * 9]))
    assert total == [18.0, 3.0, 0.0]
    assert notes == ["survey.csv: PHQ-9 items coded 1-4 (Qualtrics' default) were read as 0-3: 'PHQ9_1' ... "
                     "'PHQ9_9' hold 4 answer(s) of 4 and no 0, so each item is its code - 1 (1 = Not at all ... "
                     "4 = Nearly every day). Read as they stand, the rows with a 4 had no PHQ-9 and every other "
                     "PHQ-9 was 9 points too high."]
    assert warnings == []


def test_a_gad7_coded_1_to_4_is_read_as_0_to_3_and_a_5_is_out_of_its_codes():
    total, notes, _ = _sum(_columns([[4, 4, 4, 4, 4, 4, 4], [4, 2, 1, 2, 1, 2, 1], [1, 2, 5, 2, 1, 2, 1]]), "gad7")
    assert total[:2] == [21.0, 6.0] and np.isnan(total[2])
    assert notes[0].startswith("survey.csv: GAD-7 items coded 1-4")
    _, _, reason, _, _ = sum_items("gad7", [f"GAD7_{i}" for i in range(1, 8)],
                                   [np.asarray(c, dtype=object) for c in _columns([[4] * 7, [4, 2, 5, 2, 1, 2, 1]])])
    assert reason[1] == "'GAD7_3' is '5', not a whole number from 1 to 4: no gad7 score for this row"


def test_items_coded_0_to_3_are_read_as_they_stand_without_a_word():
    total, notes, warnings = _sum(_columns([[0, 3, 2, 1, 0, 3, 2, 1, 0], [3] * 9]))
    assert total == [12.0, 27.0] and notes == [] and warnings == []


def test_items_answered_only_1_to_3_are_read_as_0_to_3_with_a_warning_that_they_could_be_1_to_4():
    total, notes, warnings = _sum(_columns([[1, 2, 3, 1, 2, 3, 1, 2, 3], [2] * 9]))
    assert total == [18.0, 18.0] and notes == []
    assert len(warnings) == 1
    assert warnings[0].startswith("survey.csv: every answer to the items of PHQ-9 ('PHQ9_1' ... 'PHQ9_9') is 1-3, "
                                  "with no 0 and no 4: read as 0-3")
    assert "9 points too high" in warnings[0] and '{"1": "0", "2": "1", "3": "2", "4": "3"}' in warnings[0]


def test_a_4_in_one_row_only_and_no_0_is_read_as_0_to_3_with_a_warning():
    """One questionnaire 1, 4, 1, ...: a typo in a 0-3 file, or codes from 1; too little to tell."""
    total, notes, warnings = _sum(_columns([[1, 4, 1, 1, 1, 1, 1, 1, 1], [2] * 9]))
    assert np.isnan(total[0]) and total[1] == 18.0 and notes == []
    assert warnings[0].startswith("survey.csv: the items of PHQ-9 ('PHQ9_1' ... 'PHQ9_9') hold a 4 in one row only "
                                  "and no 0: read as 0-3, that row excluded")


def test_items_holding_both_0_and_4_are_read_as_0_to_3_with_a_warning():
    total, notes, warnings = _sum(_columns([[0, 1, 1, 1, 1, 1, 1, 1, 1], [4, 1, 1, 1, 1, 1, 1, 1, 1]]))
    assert total[0] == 8.0 and np.isnan(total[1]) and notes == []
    assert warnings[0].startswith("survey.csv: the items of PHQ-9 ('PHQ9_1' ... 'PHQ9_9') hold both 0 (1 answer(s)) "
                                  "and 4 (1)")


def test_answers_in_words_or_decoded_by_the_mapping_are_never_shifted():
    words = _columns([["Nearly every day"] + ["3"] * 8, ["4"] + ["1"] * 8])
    assert item_coding("phq9", [f"q{i}" for i in range(1, 10)], [np.asarray(c, dtype=object) for c in words])[0] == 0
    coded = [np.asarray(["4", "1"], dtype=object)] * 9
    assert item_coding("phq9", [f"q{i}" for i in range(1, 10)], coded, labelled=[True] * 9) == (0, "", "")
    # A pain score has no items: never shifted.
    assert item_coding("pain_nrs", ["NRS"], [np.asarray(["4"], dtype=object)]) == (0, "", "")


def test_questions_charted_one_per_row_coded_1_to_4_are_read_as_0_to_3():
    """A flowsheet's PHQ-9 questions (one per row) numbered 1-4: the same rule over every question of the file."""
    pid = np.asarray(["H1"] * 9 + ["H2"] * 9, dtype=object)
    t = np.asarray([0] * 9 + [10**12] * 9, dtype=np.int64)
    targets = np.asarray([f"phq9 item {i}" for i in range(1, 10)] * 2, dtype=object)
    names = np.asarray([f"PHQ-9 Item {i}" for i in range(1, 10)] * 2, dtype=object)
    values = np.asarray([str(v) for v in [4, 4, 4, 3, 3, 3, 2, 2, 2] + [4] + [1] * 8], dtype=object)
    notes, warnings = [], []
    carrier, score, reason, _ = sum_question_rows(pid, t, targets, names, values, None, notes, warnings, "flowsheet.csv")
    assert score[carrier].tolist() == ["18", "3"] and not reason.any()
    assert notes[0].startswith("flowsheet.csv: PHQ-9 items coded 1-4 (Qualtrics' default) were read as 0-3")
