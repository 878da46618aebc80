"""REDCap labels exports read as their raw twins: PHQ-9 items written as their answers are timed by their form's
date (not the survey's timestamp) and paired with the form's calc total; a checkbox exported as its choice's
label ("export checkbox labels") is a ticked box; a 0-100 slider named like the NRS is kept apart
(analysis/io/propose.py, analysis/io/redcap.py, analysis/io/score_columns.py). Expected values by hand below."""
from __future__ import annotations

from analysis import load_files
from analysis.io.propose import inspect

DICT_HEADER = ('"Variable / Field Name","Form Name","Section Header","Field Type","Field Label","Choices, Calculations, '
               'OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number","Text Validation Min",'
               '"Text Validation Max",Identifier?,"Branching Logic (Show field only if...)","Required Field?",'
               '"Custom Alignment","Question Number (surveys only)","Matrix Group Name","Matrix Ranking?",'
               '"Field Annotation"')
PHQ_CHOICES = '"0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"'
ANSWERS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
QUESTIONS = ["Little interest or pleasure in doing things", "Feeling down, depressed, or hopeless",
             "Trouble falling or staying asleep", "Feeling tired or having little energy", "Poor appetite or overeating",
             "Feeling bad about yourself", "Trouble concentrating on things", "Moving or speaking so slowly",
             "Thoughts that you would be better off dead"]
#: Labels that name the questionnaire, as many projects write them ('PHQ-9 1. Little interest ...'): such items took
#: another path of the proposal than items labelled by their question alone, one that left their time out.
QUESTIONS = [f"PHQ-9 {i}. {q}" for i, q in enumerate(QUESTIONS, 1)]


def _export(fields: list[str], rows: list[list[str]]) -> dict[str, bytes]:
    def line(cells):
        return ",".join(f'"{c}"' if "," in c else c for c in cells)
    return {"P_DATA_LABELS_2024-06-01_1200.csv": ("\n".join(line(r) for r in rows) + "\n").encode(),
            "P_DataDictionary_2024-06-01.csv": ("\n".join([DICT_HEADER] + fields) + "\n").encode()}


def _diary_fields(calc: bool) -> list[str]:
    fields = ["record_id,infusion,,text,Record ID,,,,,,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,",
              "inf_drug,infusion,,radio,Infusion agent,\"1, Ketamine | 2, Lidocaine\",,,,,,,,,,,,",
              "diary_date,diary,,text,Date of this diary,,,date_ymd,,,,,,,,,,",
              "pain_now,diary,,text,Pain right now (0-10),,,integer,0,10,,,,,,,,"]
    fields += [f"phq9_{i},diary,,radio,\"{q}\",{PHQ_CHOICES},,,,,,,,,,,," for i, q in enumerate(QUESTIONS, 1)]
    if calc:
        fields.append('phq9_total,diary,,calc,PHQ-9 total score,"sum([phq9_1],[phq9_2],[phq9_3],[phq9_4],[phq9_5],'
                      '[phq9_6],[phq9_7],[phq9_8],[phq9_9])",,,,,,,,,,,,')
    return fields


def _diary_rows(calc: bool) -> list[list[str]]:
    """Record 1: infusion 2024-03-04; diaries dated 03-01 (items 2 each: 18) and 04-01 (items 1 each: 9), submitted
    days later (Survey Timestamp 03-03 and 04-10). Record 2: infusion 03-11; its baseline diary (03-08) misses
    item 9: no score, although REDCap's sum() writes 16 in the calc; week 4 (04-08) items 0: 0."""
    header = ["Record ID", "Repeat Instrument", "Repeat Instance", "Infusion date", "Infusion agent", "Complete?",
              "Survey Timestamp", "Date of this diary", "Pain right now (0-10)"] + QUESTIONS + (["PHQ-9 total score"] if calc else []) + \
        ["Complete?"]

    def diary(rec, n, stamp, date, answers, total):
        return [rec, "Diary", str(n), "", "", "", stamp, date, "5"] + answers + ([total] if calc else []) + ["Complete"]
    return [header,
            ["1", "", "", "2024-03-04", "Ketamine", "Complete", "", "", ""] + [""] * (9 + calc) + [""],
            diary("1", 1, "2024-03-03 20:00", "2024-03-01", [ANSWERS[2]] * 9, "18"),
            diary("1", 2, "2024-04-10 09:00", "2024-04-01", [ANSWERS[1]] * 9, "9"),
            ["2", "", "", "2024-03-11", "Ketamine", "Complete", "", "", ""] + [""] * (9 + calc) + [""],
            diary("2", 1, "2024-03-09 08:00", "2024-03-08", [ANSWERS[2]] * 8 + [""], "16"),
            diary("2", 2, "2024-04-12 18:00", "2024-04-08", [ANSWERS[0]] * 9, "0")]


def _phq9(ds) -> list:
    a = ds.assessments
    a = a[a["measure"] == "phq9"].sort_values(["patient_id", "day"])
    return a[["patient_id", "day", "value"]].values.tolist()


def test_labels_export_items_are_timed_by_their_forms_date_not_the_survey_timestamp():
    """Read by the Survey Timestamp, record 1's week-4 diary fell on day 37 (and, with the raw export's dates too,
    each PHQ-9 was loaded twice). Days count from each record's infusion."""
    ds = load_files(_export(_diary_fields(calc=False), _diary_rows(calc=False)))
    assert _phq9(ds) == [["1", -3.0, 18.0], ["1", 28.0, 9.0], ["2", 28.0, 0.0]]


def test_labels_export_calc_total_over_an_incomplete_questionnaire_is_no_score():
    """The calc's 16 for record 2's baseline (item 9 blank) was read as the PHQ-9 beside the items' sums: the
    calc and the items of a labels export were never paired. As in the raw export, the items are summed and a
    visit with an item missing has no score."""
    files = _export(_diary_fields(calc=True), _diary_rows(calc=True))
    ds = load_files(files)
    assert _phq9(ds) == [["1", -3.0, 18.0], ["1", 28.0, 9.0], ["2", 28.0, 0.0]]
    ex = ds.report.exclusions
    assert ex.loc[ex["reason"].str.contains("item"), "line"].tolist() == [6]


def test_checkbox_labels_export_counts_the_ticked_boxes():
    """With "export checkbox labels" a ticked box holds its choice's label and an unticked one is empty: no box
    was read as ticked, and the regions were lost without a word. Record 1: Left arm + Right arm at baseline (2),
    Left arm at week 4 (1)."""
    fields = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,",
              "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,",
              "nrs,visit,,text,Pain score (0-10),,,integer,0,10,,,,,,,,",
              'regions,visit,,checkbox,Body regions affected by CRPS,"1, Left arm | 2, Right arm | 3, Left leg",,,,,,,,,,,,',
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,"]
    box = "Body regions affected by CRPS (choice={})"
    rows = [["Record ID", "Event Name", "Visit date", "Pain score (0-10)", box.format("Left arm"),
             box.format("Right arm"), box.format("Left leg"), "Complete?", "Infusion date", "Complete?"],
            ["1", "Baseline", "2024-03-01", "8", "Left arm", "Right arm", "", "Complete", "", ""],
            ["1", "Infusion", "", "", "", "", "", "", "2024-03-04", "Complete"],
            ["1", "Week 4", "2024-04-01", "4", "Left arm", "", "", "Complete", "", ""]]
    files = _export(fields, rows)
    a = load_files(files).assessments
    regions = a[a["measure"] == "regions_affected"].sort_values("day")
    assert regions[["day", "value"]].values.tolist() == [[-3.0, 2.0], [28.0, 1.0]]


def test_a_slider_named_like_the_nrs_is_kept_apart_as_a_0_100_scale():
    """A REDCap slider records 0-100. Named 'pain_nrs', it was read as the NRS: its values above 10 excluded as out
    of range, those of 10 or less kept as NRS scores. It is read under its own name, beside a real NRS."""
    fields = ["record_id,visit,,text,Record ID,,,,,,,,,,,,,",
              "visit_date,visit,,text,Visit date,,,date_ymd,,,,,,,,,,",
              "pain_nrs,visit,,slider,Pain now,No pain | | Worst pain imaginable,,,,,,,,,,,,",
              "inf_date,infusion,,text,Infusion date,,,date_ymd,,,,,,,,,,"]
    rows = [["record_id", "redcap_event_name", "visit_date", "pain_nrs", "visit_complete", "inf_date",
             "infusion_complete"],
            ["1", "baseline_arm_1", "2024-03-01", "80", "2", "", ""],
            ["1", "infusion_arm_1", "", "", "", "2024-03-04", "2"],
            ["1", "week_4_arm_1", "2024-04-01", "8", "2", "", ""]]
    files = _export(fields, rows)
    col = next(c for f in inspect(files).files for c in f.columns if c.header == "pain_nrs")
    assert col.column.measure == "pain_nrs_0_100"
    a = load_files(files).assessments
    assert set(a["measure"]) == {"pain_nrs_0_100"}
    assert sorted(a["value"]) == [8.0, 80.0]
