"""Scales that are not the PHQ-9 or GAD-7 are never read as them, and a questionnaire's single questions
charted one per row (a flowsheet) are never read as its score (analysis/io/observation_items.py,
analysis/io/column_words.py). The expected values are the files' own cells, read by hand."""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.column_words import measure_of
from analysis.io.observation_items import questionnaire_item_rows
from analysis.io.propose import inspect

MAR = ("Patient,Medication,Action,Admin Date/Time\n"
       "H1,Ketamine infusion,New Bag,2024-03-04T09:00\nH2,Ketamine infusion,New Bag,2024-03-11T09:00\n")


@pytest.mark.parametrize("name, measure", [
    ("PHQ-9", "phq9"), ("PHQ9", "phq9"), ("PHQ", "phq9"), ("PHQ score", "phq9"), ("PHQ-9 Total Score", "phq9"),
    ("phq9_total", "phq9"), ("GAD-7", "gad7"), ("GAD", "gad7"), ("GAD7 total", "gad7"),
    ("PHQ-2 Total Score", None), ("PHQ-8", None), ("PHQ-15", None), ("phq15", None), ("GAD-2", None),
    ("PHQ-4", None), ("PHQ2 total", None), ("phq2_total", None), ("gad2 score", None),
    # an item, visit or range number is no other scale
    ("phq_2", "phq9"), ("PHQ 8", "phq9"), ("PHQ (0-27)", "phq9"), ("GAD (0-21)", "gad7"), ("PHQ_3", "phq9"),
    ("PHQ9_12", "phq9"), ("phq9_10", "phq9"), ("gad_2", "gad7")])
def test_other_scales_of_the_same_family_are_not_the_phq9_or_gad7(name, measure):
    """PHQ-2 (0-6), PHQ-4, PHQ-8 (0-24), PHQ-15 (somatic symptoms, 0-30) and GAD-2 (0-6) are other scales, named
    with a hyphen or as a total; 'phq_2' alone is item 2 of the PHQ-9 and 'PHQ (0-27)' its range."""
    assert measure_of(name) == measure


def test_phq15_and_gad2_columns_keep_their_own_names():
    files = {"sheet.csv": (b"Patient,Date,Treatment,NRS,PHQ-15,GAD-2\nS1,2024-03-03,,8,18,3\nS1,2024-03-04,Ketamine,,,\n"
                           b"S1,2024-04-01,,5,12,2\nS2,2024-03-10,,7,9,1\nS2,2024-03-11,Ketamine,,,\nS2,2024-04-08,,4,7,0\n")}
    a = load_files(files).assessments
    assert set(a["measure"].astype(str)) == {"pain_nrs", "phq_15", "gad_2"}
    assert sorted(a.loc[a["measure"] == "phq_15", "value"]) == [7.0, 9.0, 12.0, 18.0]


def test_a_phq2_row_beside_the_phq9_total_is_not_a_phq9_value():
    """H1 has only PHQ-2 totals (1, 0): no PHQ-9. H2's PHQ-9 of 20 is kept, not a conflict with its PHQ-2 of 5."""
    files = {"flowsheet.csv": (b"Patient,Taken Date/Time,Flowsheet Row,Value\n"
                               b"H1,2024-03-04T08:30,Pain Score (0-10),8\nH1,2024-03-04T08:30,PHQ-2 Total Score,1\n"
                               b"H1,2024-04-01T08:30,Pain Score (0-10),5\nH1,2024-04-01T08:30,PHQ-2 Total Score,0\n"
                               b"H2,2024-03-11T08:30,PHQ-2 Total Score,5\nH2,2024-03-11T08:30,PHQ-9 Total Score,20\n"),
             "mar.csv": MAR.encode()}
    p = inspect(files)
    assert dict(p.spec.items) == {"Pain Score (0-10)": "pain_nrs", "PHQ-9 Total Score": "phq9"}
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    assert phq[["patient_id", "value"]].values.tolist() == [["H2", 20.0]]
    ex = ds.report.exclusions
    assert set(ex["value"]) == {"PHQ-2 Total Score"} and len(ex) == 3


def _items_sheet(with_total: bool) -> bytes:
    rows = ["Patient,Taken Date/Time,Flowsheet Row,Value"]
    answers = {"H1": [2, 1, 3, 1, 2, 0, 1, 3, 2], "H2": [3] * 9}
    for p, day in (("H1", "2024-03-04"), ("H2", "2024-03-11")):
        rows.append(f"{p},{day}T08:30,Pain Score (0-10),7")
        rows += [f"{p},{day}T08:30,PHQ-9 Item {i},{a}" for i, a in enumerate(answers[p], start=1)]
        rows.append(f"{p},{day}T08:30,PHQ-9 Item 10,Somewhat difficult")
        if with_total:
            rows.append(f"{p},{day}T08:30,PHQ-9 Total Score,{sum(answers[p])}")
    return ("\n".join(rows) + "\n").encode()


def test_single_questions_charted_one_per_row_are_not_the_score_and_the_total_row_is():
    files = {"flowsheet.csv": _items_sheet(with_total=True), "mar.csv": MAR.encode()}
    p = inspect(files)
    assert not p.review
    assert dict(p.spec.items) == {"Pain Score (0-10)": "pain_nrs", "PHQ-9 Total Score": "phq9"}
    assert any("single questions of phq9" in n and "'PHQ-9 Total Score'" in n for n in p.notes)
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    assert phq[["patient_id", "value"]].values.tolist() == [["H1", 15.0], ["H2", 27.0]]
    assert len(ds.report.exclusions) == 20  # 10 question rows per patient, each listed


def test_single_questions_without_a_total_are_summed_per_patient_and_time():
    """Without a total row, the nine questions charted for a patient at one time are one PHQ-9: H1's answers
    2+1+3+1+2+0+1+3+2 = 15, H2's 9 x 3 = 27 (the sums by hand); the 'Item 10' question is not among them."""
    files = {"flowsheet.csv": _items_sheet(with_total=False), "mar.csv": MAR.encode()}
    p = inspect(files)
    assert not p.review
    assert p.spec.items["PHQ-9 Item 3"] == "phq9 item 3" and "PHQ-9 Item 10" not in p.spec.items
    note = next(n for n in p.notes if "single questions of phq9" in n)
    assert "summed" in note and "never prorated" in note
    assert not any("Add them under" in n and "PHQ-9 Item" in n for n in p.notes)
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    assert phq[["patient_id", "value"]].values.tolist() == [["H1", 15.0], ["H2", 27.0]]
    # Only the 'how difficult' question is left out (one per patient); the nine questions are used in the sum.
    ex = ds.report.exclusions
    assert sorted(ex["value"]) == ["PHQ-9 Item 10", "PHQ-9 Item 10"]
    counts = ds.report.files["flowsheet.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (22, 20, 2)


def _questions(answers_by_time: dict[tuple[str, str], dict[int, str]]) -> bytes:
    rows = ["Patient,Taken Date/Time,Flowsheet Row,Value"]
    for (p, when), answers in answers_by_time.items():
        rows.append(f"{p},{when},Pain Score (0-10),6")
        rows += [f"{p},{when},PHQ-9 Item {i},{a}" for i, a in answers.items()]
    return ("\n".join(rows) + "\n").encode()


ALL_ONES = {i: "1" for i in range(1, 10)}


def test_each_time_is_its_own_questionnaire_and_an_incomplete_one_has_no_score_with_its_reason():
    """H1 at baseline (9 x 1 = 9) and at week 4 (written as answers: 9 x 'Several days' = 9, minus one
    'Not at all' = 8); H2's week-4 questionnaire lacks item 9: no score, never prorated, its 8 rows listed."""
    week4 = {i: "Several days" for i in range(1, 9)} | {9: "Not at all"}
    files = {"flowsheet.csv": _questions({("H1", "2024-03-04T08:30"): ALL_ONES, ("H1", "2024-04-01T10:00"): week4,
                                          ("H2", "2024-03-11T08:30"): ALL_ONES,
                                          ("H2", "2024-04-08T08:30"): {i: "2" for i in range(1, 9)}}),
             "mar.csv": MAR.encode()}
    ds = load_files(files)
    phq = ds.assessments[ds.assessments["measure"] == "phq9"]
    # Days from the infusion at 09:00: 08:30 is half an hour before it; the week-4 questionnaire at 10:00, 28
    # days later, is 28 whole days after it (follow-up counted in whole days: untimed_starts.whole_days_after).
    assert phq[["patient_id", "value"]].values.tolist() == [["H1", 9.0], ["H1", 8.0], ["H2", 9.0]]
    assert (phq["day"] * 48).round().tolist() == [-1, 28 * 48, -1]
    ex = ds.report.exclusions
    assert len(ex) == 8 and set(ex["line"]) == set(range(33, 41))
    assert ex["reason"].iloc[0] == ("8 of 9 questions of phq9 charted for this patient at this time ('PHQ-9 Item 9' is "
                                    "not): no score without every item (a score is never prorated)")


def test_a_question_charted_twice_at_one_time_gives_no_score_and_an_answer_out_of_range_is_named():
    twice = _questions({("H1", "2024-03-04T08:30"): ALL_ONES, ("H2", "2024-03-11T08:30"): ALL_ONES}).decode()
    twice += "H1,2024-03-04T08:30,PHQ-9 Item 4,3\n"  # a correction charted as a second row
    twice = twice.replace("H2,2024-03-11T08:30,PHQ-9 Item 2,1", "H2,2024-03-11T08:30,PHQ-9 Item 2,5")
    ds = load_files({"flowsheet.csv": twice.encode(), "mar.csv": MAR.encode()})
    assert "phq9" not in set(ds.assessments["measure"].astype(str))
    reasons = ds.report.exclusions.groupby("reason").size()
    assert reasons["'PHQ-9 Item 4' is charted twice for this patient at this time ('1' and '3'): no phq9 score from "
                   "these questions (which answer counts is not known)"] == 10
    assert reasons["'PHQ-9 Item 2' is '5', not a whole number from 0 to 3: no phq9 score for this row"] == 9


def test_questions_mapped_by_hand_are_summed_and_a_total_row_keeps_them_left_out():
    """The mapping entry "phq9 item k" sums; with a total row charted the proposal reads the total instead."""
    from analysis.io.spec import from_json
    files = {"flowsheet.csv": _questions({("H1", "2024-03-04T08:30"): ALL_ONES}), "mar.csv": MAR.encode()}
    spec = inspect(files).spec
    assert sum(v.startswith("phq9 item") for v in spec.items.values()) == 9
    ds = load_files(files, mapping=from_json(spec.to_json()))
    assert ds.assessments.loc[ds.assessments["measure"] == "phq9", "value"].tolist() == [9.0]
    with_total = {"flowsheet.csv": _items_sheet(with_total=True), "mar.csv": MAR.encode()}
    assert not any(v.startswith("phq9 item") for v in inspect(with_total).spec.items.values())


def test_rows_named_by_visit_or_with_totals_above_the_item_range_are_no_questions():
    """'PHQ-9 Week 0' 15 and 'PHQ-9 Week 4' 9 are the score at two visits (values above 3, names of visits);
    a lone 'PHQ-9 Q10' (0-3) beside the total row is the "how difficult" question, not a second PHQ-9."""
    week = ("Patient,Taken Date/Time,Flowsheet Row,Value\nH1,2024-03-04T08:30,Pain Score (0-10),8\n"
            "H1,2024-03-04T08:30,PHQ-9 Week 0,15\nH1,2024-04-01T08:30,Pain Score (0-10),4\n"
            "H1,2024-04-01T08:30,PHQ-9 Week 4,9\n")
    ds = load_files({"flowsheet.csv": week.encode(), "mar.csv": MAR.encode()})
    assert ds.assessments.loc[ds.assessments["measure"] == "phq9", "value"].tolist() == [15.0, 9.0]
    q10 = ("Patient,Taken Date/Time,Flowsheet Row,Value\nH1,2024-03-04T08:30,Pain Score (0-10),8\n"
           "H1,2024-03-04T08:30,PHQ-9 Total Score,16\nH1,2024-03-04T08:30,PHQ-9 Q10,2\n"
           "H1,2024-04-01T08:30,Pain Score (0-10),4\nH1,2024-04-01T08:30,PHQ-9 Total Score,9\n"
           "H1,2024-04-01T08:30,PHQ-9 Q10,1\n")
    ds = load_files({"flowsheet.csv": q10.encode(), "mar.csv": MAR.encode()})
    assert ds.assessments.loc[ds.assessments["measure"] == "phq9", "value"].tolist() == [16.0, 9.0]


def test_question_rows_are_found_by_their_numbers_not_by_a_scale_number_in_the_name():
    named = {"PHQ-9": "phq9", "PHQ-9 Total": "phq9", "PHQ9 Q1": "phq9", "PHQ9 Q2": "phq9", "GAD-7": "gad7",
             "Pain Score (0-10)": "pain_nrs", "Pain 1": "pain_nrs", "Pain 2": "pain_nrs"}
    # 'PHQ-9' alone ends with a number but has no sibling; the pain score has no items.
    assert questionnaire_item_rows(named) == {"PHQ9 Q1": "phq9", "PHQ9 Q2": "phq9"}


@pytest.mark.parametrize("name", ["PHQ 4wk total", "phq_2wk_score", "PHQ 8 weeks total score", "gad_2wk_score",
                                  "PHQ_15"])
def test_a_number_with_a_unit_after_phq_is_a_visit_not_another_scale(name):
    assert measure_of(name) in ("phq9", "gad7")


def test_questions_summed_into_a_score_that_is_excluded_are_listed_with_it():
    """Mapped by hand beside a total row that disagrees (12 against the questions' 9), H1's PHQ-9 at that time is a
    conflict: the row carrying the sum is excluded, and the eight questions summed into it are listed too, so
    every row is used or excluded (rows_read == rows_used + rows_excluded, each excluded row in the table)."""
    from analysis.io.spec import from_json
    flowsheet = _questions({("H1", "2024-03-04T08:30"): ALL_ONES, ("H2", "2024-03-11T08:30"): ALL_ONES})
    files = {"flowsheet.csv": flowsheet + b"H1,2024-03-04T08:30,PHQ Total,12\n", "mar.csv": MAR.encode()}
    mapping = inspect(files).spec.to_json()
    mapping["items"].update({f"PHQ-9 Item {k}": f"phq9 item {k}" for k in range(1, 10)})
    ds = load_files(files, mapping=from_json(mapping))
    assert ds.assessments.loc[ds.assessments["measure"] == "phq9", ["patient_id", "value"]].values.tolist() == [
        ["H2", 9.0]]
    ex = ds.report.exclusions
    assert ex.loc[ex["line"].between(4, 11), "reason"].unique().tolist() == [
        "summed into the score of line 3, which is excluded"]
    assert ex.loc[ex["line"] == 3, "reason"].str.startswith("conflicting values").all()
    counts = ds.report.files["flowsheet.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (21, 11, 10) and len(ex) == 10


EPIC_PHQ = ["Little interest or pleasure in doing things", "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much", "Feeling tired or having little energy",
            "Poor appetite or overeating", "Feeling bad about yourself", "Trouble concentrating on things",
            "Moving or speaking so slowly that other people could have noticed",
            "Thoughts that you would be better off dead"]


@pytest.mark.parametrize("style", ["PHQ-9: {n}. {text}", "PHQ-9 Q{n} {short}", "PHQ9 {text}", "PHQ-9 ({n})"])
def test_questions_named_the_way_ehr_templates_name_them_are_questions(style):
    """Epic's 'PHQ-9: 1. Little interest ...' rows were each read as the PHQ-9: P1's answer 2 a PHQ-9 of 2, and
    the real total of 14 lost as a conflict. With the total charted, the total is read (14 and 5); without
    it, the nine questions are summed (P1 2+3+1+2+1+2+1+1+1 = 14, P2 9 x 1 = 9 minus... all ones = 9)."""
    answers = {"P1": [2, 3, 1, 2, 1, 2, 1, 1, 1], "P2": [1] * 9}
    def sheet(total: bool) -> bytes:
        rows = ["PAT_ID,RECORDED_TIME,FLOWSHEET_ROW_NAME,MEAS_VALUE"]
        for p, day in (("P1", "2024-03-04"), ("P2", "2024-03-11")):
            rows.append(f"{p},{day}T08:30:00,Pain Score (0-10),7")
            for n, (text, a) in enumerate(zip(EPIC_PHQ, answers[p]), start=1):
                name = style.format(n=n, text=text, short=text.split()[0])
                rows.append(f'{p},{day}T08:30:00,"{name}",{a}')
            if total:
                rows.append(f"{p},{day}T08:30:00,PHQ-9 Total Score,{sum(answers[p])}")
        return ("\n".join(rows) + "\n").encode()
    mar = MAR.replace("H1", "P1").replace("H2", "P2").encode()
    for total in (True, False):
        if style == "PHQ-9 Q{n} {short}" and not total:
            continue  # 'Feeling' opens two questions' texts: numbered by Q{n}, still one group
        ds = load_files({"flowsheet.csv": sheet(total), "mar.csv": mar})
        phq = ds.assessments[ds.assessments["measure"] == "phq9"]
        assert phq[["patient_id", "value"]].values.tolist() == [["P1", 14.0], ["P2", 9.0]], (style, total)


def test_one_pain_item_written_in_several_cases_is_one_item_not_a_point_to_review():
    sheet = ("Patient,Taken Date/Time,Flowsheet Row,Value\nH1,2024-03-04T08:30,Pain Score (0-10),8\n"
             "H1,2024-04-01T08:30,PAIN SCORE (0-10),4\nH2,2024-03-11T08:30,Pain score (0-10) ,6\n"
             "H2,2024-04-08T08:30,Pain Score (0-10),3\n")
    files = {"flowsheet.csv": sheet.encode(), "mar.csv": MAR.encode()}
    assert not inspect(files).review
    nrs = load_files(files).assessments
    assert nrs.loc[nrs["measure"] == "pain_nrs", "value"].tolist() == [8.0, 4.0, 6.0, 3.0]


@pytest.mark.parametrize("item", ["Pain Score (VAS)", "VAS Pain (mm)", "Pain VAS 0-100"])
def test_a_0_100_pain_scale_charted_as_an_item_is_kept_apart_from_the_nrs(item):
    """A flowsheet's VAS in mm under a pain name was read as the 0-10 NRS: its values above 10 excluded as out of
    range, and a 6 mm kept as an NRS of 6. As a spreadsheet's score column, it is read under its own name (relief
    % is scale-free): H1 80 -> 40 mm is 50% relief, H2 60 -> 6 mm 90%; no value is excluded."""
    flow = ("Patient,Taken Time,Flowsheet Row,Value\n"
            f"H1,2024-03-01T10:00,{item},80\nH1,2024-03-04T15:00,{item},40\n"
            f"H2,2024-03-08T10:00,{item},60\nH2,2024-03-11T15:00,{item},6\n")
    files = {"flowsheet.csv": flow.encode(), "mar.csv": MAR.encode()}
    p = inspect(files)
    measure = next(m for f in p.files for name, (_, m) in (f.items or {}).items() if name == item)
    assert measure in ("pain_score_vas", "vas_pain_mm", "pain_vas_0_100")
    assert any(f"item {item!r} looks like pain_nrs" in n for n in p.notes)
    ds = load_files(files)
    a = ds.assessments
    assert set(a["measure"].astype(str)) == {measure}
    assert sorted(a["value"]) == [6.0, 40.0, 60.0, 80.0]
    assert len(ds.report.exclusions) == 0
