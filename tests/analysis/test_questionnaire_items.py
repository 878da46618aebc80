"""A questionnaire exported as its items without its total is summed into its score (role ``sum_item``).

The rule (analysis/io/questionnaires.py; docs/data-format.md, "Questionnaire items without their
total"): the PHQ-9 is the sum of its 9 items, each 0-3 (Kroenke et al. 2001), the GAD-7 of its 7
items, each 0-3 (Spitzer et al. 2006). A row with every item answered by a whole number in range has
the sum as its score; a row with none answered is not measured; any other row has no score and is
listed with its reason. Nothing is prorated. Expected totals below are sums by hand.
"""
from __future__ import annotations

import numpy as np
import pytest

import clinic_export_shapes as ces
from analysis import load_files
from analysis.definitions import Definitions
from analysis.errors import MappingError
from analysis.io import spec as export_spec
from analysis.io.propose import inspect
from analysis.io.questionnaires import sum_items
from analysis.summary import summarize

N, SEED = 30, 7
PHQ9 = [f"phq9_{i}" for i in range(1, 10)]


def _sum(rows: list[list[str]], measure="phq9", headers=PHQ9):
    cells = [np.asarray([r[j] for r in rows], dtype=object) for j in range(len(headers))]
    return sum_items(measure, headers, cells)


@pytest.mark.parametrize("items, total", [
    (["0"] * 9, 0.0),
    (["3"] * 9, 27.0),
    (["1", "2", "3", "0", "1", "2", "3", "0", "1"], 13.0),   # 1+2+3+0+1+2+3+0+1
    ([" 2 ", "2", "2.0", "2,0", "2", "2", "2", "2", "2"], 18.0),
])
def test_a_row_with_every_item_in_range_scores_the_sum_of_its_items(items, total):
    t, measured, reason, _, _ = _sum([items])
    assert measured[0] and reason[0] == "" and t[0] == total


@pytest.mark.parametrize("items", [[""] * 9, ["NA"] * 9, ["", "n/a", "", "None", "", "", "", "", ""]])
def test_a_row_with_no_item_answered_is_not_measured_and_not_an_exclusion(items):
    t, measured, reason, _, _ = _sum([items])
    assert not measured[0] and reason[0] == "" and np.isnan(t[0])


@pytest.mark.parametrize("items, column, value, reason", [
    (["1"] * 8 + [""], "phq9_9", "", "8 of 9 items of phq9 answered ('phq9_9' is empty): no score without every item "
                                     "(a score is never prorated)"),
    (["", "1", "", "1", "1", "1", "1", "1", "1"], "phq9_1", "",
     "7 of 9 items of phq9 answered ('phq9_1' is empty): no score without every item (a score is never prorated)"),
    (["1", "4"] + ["1"] * 7, "phq9_2", "4", "'phq9_2' is '4', not a whole number from 0 to 3: no phq9 score for this row"),
    (["1", "-1"] + ["1"] * 7, "phq9_2", "-1", "'phq9_2' is '-1', not a whole number from 0 to 3: no phq9 score for "
                                              "this row"),
    (["1.5"] + ["1"] * 8, "phq9_1", "1.5", "'phq9_1' is '1.5', not a whole number from 0 to 3: no phq9 score for "
                                           "this row"),
    (["1", "x", ""] + ["1"] * 6, "phq9_2", "x", "'phq9_2' is 'x', not a whole number from 0 to 3: no phq9 score for "
                                                "this row"),
])
def test_a_row_with_an_item_missing_or_out_of_range_has_no_score_and_says_why(items, column, value, reason):
    t, measured, why, col, val = _sum([items])
    assert measured[0] and np.isnan(t[0])
    assert (col[0], val[0], why[0]) == (column, value, reason)


def test_the_gad7_is_the_sum_of_its_seven_items():
    headers = [f"GAD-7 item {i}" for i in range(1, 8)]
    t, _, reason, _, _ = _sum([["3", "2", "1", "0", "3", "2", "1"], ["1"] * 6 + ["5"]], "gad7", headers)
    assert t[0] == 12.0 and reason[0] == ""                                 # 3+2+1+0+3+2+1
    assert np.isnan(t[1]) and reason[1].startswith("'GAD-7 item 7' is '5', not a whole number from 0 to 3")


# --------------------------------------------------------------------------------------------------
# Loading and the mapping
# --------------------------------------------------------------------------------------------------

HEAD = "Patient;Datum;Behandlung;NRS;" + ";".join(f"PHQ9_{i}" for i in range(1, 10)) + "\n"
ROWS = ["Z1;1.3.2024;;8;" + ";".join("222222222"),          # line 2: 18
        "Z1;5.3.2024;Ketamin;;" + ";" * 8,                    # line 3: a treatment row, no items
        "Z1;6.3.2024;;4;" + ";".join("123012301"),          # line 4: 13
        "Z1;7.3.2024;;4;" + ";".join("11111111") + ";",      # line 5: item 9 empty
        "Z1;8.3.2024;;;" + ";".join("11111111") + ";4",      # line 6: item 9 out of range, nothing else
        "Z2;1.3.2024;;6;" + ";" * 8,                          # line 7: not asked
        "Z2;4.3.2024;Ketamin;;" + ";" * 8]                    # line 8
SHEET = (HEAD + "\n".join(ROWS) + "\n").encode()
COLUMNS = {"Patient": "patient_id", "Datum": "date", "Behandlung": "treatment",
           "NRS": {"role": "measure", "measure": "pain_nrs"},
           **{f"PHQ9_{i}": {"role": "sum_item", "measure": "phq9"} for i in range(1, 10)}}
MAPPING = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": COLUMNS}]}


def test_items_load_as_their_sum_and_every_row_without_a_score_is_reported():
    ds = load_files({"s.csv": SHEET}, mapping=MAPPING)
    a = ds.assessments
    assert a.loc[a["measure"] == "phq9", ["day", "value"]].values.tolist() == [[-4.0, 18.0], [1.0, 13.0]]
    ex = ds.report.exclusions
    assert ex[["line", "column", "value", "reason"]].values.tolist() == [
        [5, "PHQ9_9", "", "8 of 9 items of phq9 answered ('PHQ9_9' is empty): no score without every item "
                          "(a score is never prorated)"],
        [6, "PHQ9_9", "4", "'PHQ9_9' is '4', not a whole number from 0 to 3: no phq9 score for this row"]]
    counts = ds.report.files["s.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (7, 6, 1)


def test_mapping_only_some_items_of_the_questionnaire_is_refused_with_what_to_do():
    cols = dict(COLUMNS)
    cols["PHQ9_9"] = "ignore"
    with pytest.raises(MappingError, match=r"phq9 is the sum of its 9 items, but 8 column\(s\) are mapped"):
        load_files({"s.csv": SHEET}, mapping={"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": cols}]})


def test_only_a_questionnaire_scored_as_a_sum_can_be_summed():
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {"x": {"role": "sum_item",
                                                                                     "measure": "pain_nrs"}}}]}
    with pytest.raises(MappingError, match="\"measure\" must be one of phq9, gad7, got 'pain_nrs'"):
        export_spec.from_json(doc)
    doc["files"][0]["columns"]["x"] = "sum_item"
    with pytest.raises(MappingError, match="a sum_item column needs \"measure\""):
        export_spec.from_json(doc)


# --------------------------------------------------------------------------------------------------
# The proposal
# --------------------------------------------------------------------------------------------------

def test_one_typo_above_the_item_range_does_not_stop_the_items_being_summed():
    # The 4 on line 6 is one value of 35: an excluded row at loading, not a reason to doubt the items.
    assert {c.column.role for f in inspect({"s.csv": SHEET}).files for c in f.columns
            if c.header.startswith("PHQ9_")} == {"sum_item"}


def test_the_nine_phq9_items_without_a_total_are_proposed_summed_and_load_with_no_mapping():
    p = inspect({"s.csv": SHEET})
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert all((cols[f"PHQ9_{i}"].role, cols[f"PHQ9_{i}"].measure) == ("sum_item", "phq9") for i in range(1, 10))
    assert p.review == []
    assert any("are the 9 items of phq9 without its total" in n for n in p.notes)
    assert load_files({"s.csv": SHEET}).assessments.equals(load_files({"s.csv": SHEET}, mapping=MAPPING).assessments)


def test_the_seven_gad7_items_without_a_total_are_proposed_summed():
    head = "Patient;Datum;Behandlung;" + ";".join(f"GAD-7 item {i}" for i in range(1, 8)) + "\n"
    rows = ["Z1;1.3.2024;;" + ";".join("3210321"), "Z1;5.3.2024;Ketamin;" + ";" * 6, "Z1;6.3.2024;;" + ";".join("1111111")]
    files = {"s.csv": (head + "\n".join(rows) + "\n").encode()}
    cols = {c.header: c.column for f in inspect(files).files for c in f.columns}
    assert {cols[f"GAD-7 item {i}"].role for i in range(1, 8)} == {"sum_item"}
    assert load_files(files).assessments["value"].tolist() == [12.0, 7.0]     # 3+2+1+0+3+2+1, 7 x 1


def test_numbered_columns_with_values_above_the_item_range_are_a_point_to_review_not_summed():
    # PHQ9_1 ... PHQ9_9 holding totals up to 27 (the scores of visits 1 ... 9?) are not items.
    rows = ["Z1;1.3.2024;;8;" + ";".join(["18", "15", "12", "9", "7", "6", "5", "4", "3"]),
            "Z1;5.3.2024;Ketamin;;" + ";" * 8, "Z2;1.3.2024;;6;" + ";".join(["22", "20", "14", "", "", "", "", "", ""]),
            "Z2;4.3.2024;Ketamin;;" + ";" * 8]
    sheet = (HEAD + "\n".join(rows) + "\n").encode()
    p = inspect({"s.csv": sheet})
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert not any(c.role == "sum_item" for c in cols.values())
    assert any("look like the items of phq9 without its total" in r for r in p.review)


# --------------------------------------------------------------------------------------------------
# The invented cohort: the PHQ-9 from its items equals the canonical files'
# --------------------------------------------------------------------------------------------------

def test_phq9_items_give_the_phq9_results_of_the_canonical_files_and_incomplete_visits_are_listed():
    shape = ces.export_shape("spreadsheet_en", ces.make_cohort(N, seed=SEED))
    from_export, from_canonical = load_files(shape.files), load_files(shape.canonical)
    phq9 = Definitions().replace(measure="phq9")
    assert summarize(from_export, phq9).to_dict() == summarize(from_canonical, phq9).to_dict()
    ex = from_export.report.exclusions
    listed = ex[ex["reason"].str.contains("items of phq9 answered")]
    assert sorted(listed["line"]) == shape.expected["phq9_incomplete"] != []
    assert (listed["file"] == ces.ENGLISH_FILE).all() and listed["column"].str.startswith("PHQ-9 item ").all()


def test_a_redcap_project_without_its_phq9_total_gives_the_scores_of_the_same_project_with_it():
    from test_clinic_exports import _redcap_questionnaire_project

    dictionary, raw = _redcap_questionnaire_project()
    lines = raw.decode().splitlines()
    drop = lines[0].split(",").index("phq9_total")
    without = "".join(",".join(c for j, c in enumerate(line.split(",")) if j != drop) + "\n" for line in lines)
    fields = "".join(line + "\n" for line in dictionary.decode().splitlines() if not line.startswith("phq9_total"))
    files = {"Q_DataDictionary_2024.csv": fields.encode(), "Q_DATA_2024.csv": without.encode()}
    assert inspect(files).review == []
    summed = load_files(files).assessments
    with_total = load_files({"Q_DataDictionary_2024.csv": dictionary, "Q_DATA_2024.csv": raw}).assessments
    assert summed.equals(with_total)
    assert sorted(summed.loc[summed["measure"] == "phq9", "value"]) == [9.0, 18.0, 18.0, 18.0, 27.0, 27.0]


# --- Items written as their answers ----------------------------------------------------------------------

def test_item_answers_are_read_as_their_codes_in_any_case_and_spacing():
    from analysis.io.questionnaires import answer_codes

    cells = np.array(["Not at all", "several  days", "More than half the days", "NEARLY EVERY DAY", ""], dtype=object)
    assert answer_codes("phq9", cells) == {"Not at all": "0", "several  days": "1", "More than half the days": "2",
                                           "NEARLY EVERY DAY": "3"}
    assert answer_codes("gad7", np.array(["Überhaupt nicht", "Beinahe jeden Tag"], dtype=object)) == {
        "Überhaupt nicht": "0", "Beinahe jeden Tag": "3"}


def test_a_column_with_any_other_answer_or_of_another_measure_is_not_coded():
    from analysis.io.questionnaires import answer_codes

    assert answer_codes("phq9", np.array(["Not at all", "sometimes"], dtype=object)) is None
    assert answer_codes("pain_nrs", np.array(["Not at all"], dtype=object)) is None
