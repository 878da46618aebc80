"""A regions file written one row per region (``Patient, Exam date, Affected region, Side``: several rows of one
patient and date) cannot be counted as one list per cell: each row reads as a count of 1 and the visit's other
rows are dropped as duplicates. With ``"one_per_row": true`` (proposed without a mapping) the rows of one
patient and time are one visit, counting the distinct regions of its rows, each joined to its ``"side"``
(analysis/io/region_rows.py); without it the load warns, naming the lines and the option, rather than losing
the visit's number of regions unsaid (analysis/io/lists.py, :func:`rows_of_one_visit`; docs/data-format.md,
"Body regions listed in one cell").

Before: kept as a list, 0 of 30 spreads were seen where there were 20 (review case06); read per row, 20 of 20.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import MappingError
from analysis.io.propose import inspect
from analysis.io.region_rows import side_words
from analysis.io.spec import from_json

MAPPING = {"crps_outcomes_mapping": 1, "source": "spreadsheet", "files": [{
    "match": "crps_regions.csv",
    "columns": {"Patient": "patient_id", "Exam date": "date",
                "Affected region": {"role": "list", "measure": "regions_affected"}, "Side": "ignore"}}]}


def _regions(rows_per_visit: bool) -> bytes:
    rows = ["Patient,Exam date,Affected region,Side", "CR001,04/30/2024,Hand,Left", "CR001,06/02/2024,Hand,Left"]
    rows += ["CR001,06/02/2024,Hand,Right", "CR001,06/02/2024,Foot,Left"] if rows_per_visit else []
    rows += ["CR002,05/01/2024,Foot,Right"]
    return ("\n".join(rows) + "\n").encode()


def test_several_rows_of_one_patient_and_date_in_a_list_column_are_warned_about():
    ds = load_files({"crps_regions.csv": _regions(True)}, mapping=MAPPING)
    warning = [w for w in ds.report.warnings if "several rows" in str(w)]
    assert len(warning) == 1
    text = str(warning[0])
    assert "crps_regions.csv, column 'Affected region': 1 visit(s) of one patient and date have several rows" in text
    assert "(e.g. lines 3, 4, 5)" in text and "write a visit's regions in one cell, one row per visit" in text
    assert "Give the column \"one_per_row\": true in the mapping (and \"side\": the column of the side" in text


def test_one_row_per_visit_gets_no_such_warning():
    ds = load_files({"crps_regions.csv": _regions(False)}, mapping=MAPPING)
    assert not any("several rows" in str(w) for w in ds.report.warnings)


# --------------------------------------------------------------------------------------------------
# "one_per_row": the rows of one visit merged into its number of regions (analysis/io/region_rows.py)
# --------------------------------------------------------------------------------------------------

HEADER = "Patient,Exam date,Affected region,Side"


def _mapping(side: str | None = "Side", per_row: bool = True, extra: dict | None = None, date: str = "Exam date") -> dict:
    column = {"role": "list", "measure": "regions_affected", **({"one_per_row": True} if per_row else {}),
              **({"side": side} if side else {})}
    columns = {"Patient": "patient_id", date: "date", "Affected region": column, "Side": "ignore", **(extra or {})}
    return {"crps_outcomes_mapping": 1, "source": "spreadsheet", "files": [{"match": "regions.csv", "columns": columns}]}


def _load(rows: list[str], mapping: dict | None, header: str = HEADER):
    data = ("\n".join([header] + rows) + "\n").encode()
    return load_files({"regions.csv": data}, **({"mapping": mapping} if mapping else {}))


def _counts(ds) -> list[tuple]:
    a = ds.assessments[ds.assessments["measure"] == "regions_affected"].sort_values(["patient_id", "day"])
    return [(p, float(v)) for p, v in zip(a["patient_id"], a["value"])]


VISITS = ["P01,2024-03-01,hand,left", "P01,2024-03-01,foot,right",
          "P01,2024-04-02,hand,left", "P01,2024-04-02,hand,right", "P01,2024-04-02,foot,right",
          "P02,2024-03-05,Foot,Left"]


def test_the_rows_of_one_patient_and_date_are_one_visit_counting_its_distinct_regions_with_their_side():
    ds = _load(VISITS, _mapping())
    assert _counts(ds) == [("P01", 2.0), ("P01", 3.0), ("P02", 1.0)]
    # Every row used (merged into its visit's count), none excluded, and the note says how many were merged.
    assert ds.report.files["regions.csv"].rows_used == 6 and not len(ds.report.exclusions)
    assert any("regions.csv, column 'Affected region': 5 rows of 2 visit(s) merged, one item per row, with 'Side' "
               "joined to each item" in n for n in ds.report.notes)
    assert not any("several rows" in str(w) for w in ds.report.warnings)


def test_without_the_side_the_items_alone_are_compared_as_in_one_cell():
    ds = _load(VISITS + ["P02,2024-04-09,Left Hand,", "P02,2024-04-09,left  HAND.,"], _mapping(side=None))
    # 'hand' left and right is one item without its side; 'Left Hand' and 'left  HAND.' are one item as in a cell.
    assert _counts(ds) == [("P01", 2.0), ("P01", 2.0), ("P02", 1.0), ("P02", 1.0)]


def test_a_side_meaning_both_counts_the_left_and_the_right_and_side_words_are_one_side():
    rows = ["P01,2024-03-01,hand,both", "P01,2024-03-01,hand,L", "P01,2024-03-01,Hand,links",
            "P01,2024-04-01,foot,bilateral", "P01,2024-04-01,knee,re.",
            "P02,2024-03-01,Fuß,beidseits"]
    assert _counts(_load(rows, _mapping())) == [("P01", 2.0), ("P01", 3.0), ("P02", 2.0)]
    assert list(side_words(np.array(["Left", "R", "gauche", "Bilateral", "both sides", "", "upper"], dtype=object))) \
        == ["left", "right", "left", "both", "both", "", "upper"]


def test_a_row_whose_item_is_excluded_is_listed_and_a_visit_of_only_such_rows_gives_nothing():
    rows = ["P01,2024-03-01,hand,left", "P01,2024-03-01,\"2 regions\",right", "P01,2024-03-01,foot,right",
            "P01,2024-04-01,\"1.5\",left", "P01,2024-04-01,\",\",left"]
    ds = _load(rows, _mapping())
    assert _counts(ds) == [("P01", 2.0)]
    ex = ds.report.exclusions
    assert list(ex["line"]) == [3, 5, 6]
    assert set(ex["file"]) == {"regions.csv"} and set(ex["column"]) == {"Affected region"}
    assert "starts with a number followed by words" in ex["reason"].iloc[0]
    assert "is not a whole number of items" in ex["reason"].iloc[1] and "lists no item" in ex["reason"].iloc[2]
    counts = ds.report.files["regions.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (5, 2, 3)


def test_merged_rows_share_the_fate_of_the_row_carrying_their_visit_and_every_row_is_accounted_for():
    # Line 4 writes a count of 3 for the visit whose two listed rows count 2: a conflict, both values excluded,
    # and the merged row with them.
    rows = ["P01,2024-03-01,hand,left", "P01,2024-03-01,foot,right", "P01,2024-03-01,3,", "P01,2024-04-01,hand,left"]
    ds = _load(rows, _mapping())
    assert _counts(ds) == [("P01", 1.0)]
    ex = ds.report.exclusions.sort_values("line")
    assert list(ex["line"]) == [2, 3, 4]
    assert ex["reason"].iloc[1] == "merged into the regions of line 2, which is excluded"
    assert ex["value"].iloc[0] == "left hand, right foot"  # the visit's items, as counted
    counts = ds.report.files["regions.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (4, 1, 3)


def test_a_score_repeated_on_each_row_of_a_visit_is_read_once_and_different_ones_stay_a_conflict():
    header = HEADER + ",Pain NRS"
    rows = ["P01,2024-03-01,hand,left,7", "P01,2024-03-01,foot,right,7", "P01,2024-03-01,knee,right,7",
            "P01,2024-04-01,hand,left,5", "P01,2024-04-01,foot,left,6"]
    ds = _load(rows, _mapping(extra={"Pain NRS": {"role": "measure", "measure": "pain_nrs"}}), header)
    nrs = ds.assessments[ds.assessments["measure"] == "pain_nrs"]
    assert list(nrs["value"]) == [7.0]
    assert _counts(ds) == [("P01", 3.0), ("P01", 2.0)]
    ex = ds.report.exclusions
    assert list(ex["line"]) == [5, 6] and ex["reason"].str.contains("conflicting values").all()
    assert not ex["reason"].str.contains("duplicate").any()
    assert any("column 'Pain NRS': 2 value(s) repeat the value of their visit" in n for n in ds.report.notes)
    assert ds.report.files["regions.csv"].rows_used == 5


def test_one_row_per_visit_reads_the_same_with_or_without_the_option():
    rows = ["P01,2024-03-01,\"hand, foot\",", "P01,2024-04-01,hand,", "P02,2024-03-01,both knees,"]
    with_option, without = _load(rows, _mapping(side=None)), _load(rows, _mapping(side=None, per_row=False))
    assert _counts(with_option) == _counts(without) == [("P01", 2.0), ("P01", 1.0), ("P02", 2.0)]


def test_two_visits_of_one_day_at_different_times_are_not_merged():
    header = "Patient,Exam time,Affected region,Side"
    rows = ["P01,2024-03-01 09:00,hand,left", "P01,2024-03-01 09:00,foot,left", "P01,2024-03-01 15:00,hand,left"]
    ds = _load(rows, _mapping(date="Exam time"), header)
    assert sorted(v for _, v in _counts(ds)) == [1.0, 2.0]


def test_the_option_is_for_a_list_column_and_the_side_must_be_a_column_of_the_file():
    bad = _mapping()
    bad["files"][0]["columns"]["Patient"] = {"role": "patient_id", "one_per_row": True}
    with pytest.raises(MappingError, match="\"one_per_row\" is true or false, for a list column only"):
        _load(VISITS, bad)
    with pytest.raises(MappingError, match="the \"side\" of column 'Affected region' is 'Laterality', which is not"):
        _load(VISITS, _mapping(side="Laterality"))


# --------------------------------------------------------------------------------------------------
# The proposal: regions written one per row are read so, without a mapping
# --------------------------------------------------------------------------------------------------

def _case06_like() -> list[str]:
    """Five patients, four visits each, one row per region (the region set grows), as case06 of the review."""
    rows = []
    for i in range(5):
        regions = [("Left", "Hand")] + ([("Right", "Foot")] if i % 2 else []) + ([("Right", "Hand")] if i > 2 else [])
        for v, day in enumerate((1, 29, 57, 90)):
            for side, region in regions[:1 + v]:
                rows.append(f"CR{i:03d},2024-{3 + v:02d}-{day % 28 + 1:02d},{region},{side}")
    return rows


def test_regions_written_one_per_row_with_a_side_column_are_proposed_per_row_with_a_note():
    data = ("\n".join([HEADER] + _case06_like()) + "\n").encode()
    p = inspect({"regions.csv": data})
    cols = {c.header: c.column for f in p.files for c in f.columns}
    assert cols["Affected region"].one_per_row and cols["Affected region"].side == "Side"
    assert cols["Side"].role == "ignore"
    assert not p.review
    assert any("regions.csv: column 'Affected region' writes the body regions one per row" in n and
               "'Side' joined to each region" in n for n in p.notes)
    # ... and the export loads with no mapping as with the mapping that says so.
    assert _counts(load_files({"regions.csv": data})) == _counts(_load(_case06_like(), _mapping()))
    assert max(v for _, v in _counts(load_files({"regions.csv": data}))) == 3.0


def test_one_region_per_row_and_visit_is_not_proposed_per_row():
    rows = ["P01,2024-03-01,hand,left", "P01,2024-04-01,foot,right", "P02,2024-03-01,hand,left",
            "P02,2024-04-01,knee,left"]
    p = inspect({"regions.csv": ("\n".join([HEADER] + rows) + "\n").encode()})
    col = {c.header: c.column for f in p.files for c in f.columns}["Affected region"]
    assert col.role == "list" and not col.one_per_row and col.side is None
    assert any("named like the body regions, with one region per cell" in r for r in p.review)


def test_the_options_are_written_into_the_mapping_and_read_back():
    spec = from_json(_mapping())
    col = spec.files[0].columns["Affected region"]
    assert (col.one_per_row, col.side) == (True, "Side")
    assert col.to_json() == {"role": "list", "measure": "regions_affected", "one_per_row": True, "side": "Side"}


def test_two_visits_of_one_day_at_different_times_are_not_proposed_per_row():
    header = "Patient,Exam time,Affected region,Side"
    rows = ["P01,2024-03-01 09:00,hand,left", "P01,2024-03-01 15:00,foot,left", "P02,2024-03-01 09:00,knee,right",
            "P02,2024-03-01 16:30,hand,right", "P02,2024-04-01 10:00,foot,left"]
    p = inspect({"regions.csv": ("\n".join([header] + rows) + "\n").encode()})
    col = {c.header: c.column for f in p.files for c in f.columns}["Affected region"]
    assert col.role == "list" and not col.one_per_row


def test_a_region_column_not_named_for_the_affected_regions_stays_a_point_to_review():
    # A skin-temperature sheet measures each limb (the affected one and the other side): one row per limb is no
    # list of CRPS regions (the regression review: 2 'regions' at every visit, 6 invented spreads).
    rows = [f"T{i},2024-0{m}-1{i},{side} {limb},3{i}.{m}" for i in range(1, 4) for m in (2, 3)
            for side in ("Left", "Right") for limb in (("hand",) if m == 2 else ("hand", "foot"))]
    p = inspect({"temperature.csv": ("\n".join(["Patient,Exam date,Region,Skin temp (C)"] + rows) + "\n").encode()})
    col = {c.header: c.column for f in p.files for c in f.columns}["Region"]
    assert not col.one_per_row
    assert any("'Region': named like the body regions" in r and '"one_per_row": true' in r for r in p.review)


def test_a_one_cell_list_per_visit_beside_a_second_note_of_the_day_is_not_merged():
    # Regression review: the infusion day's clinic review and nursing note name the same region in other words
    # ('left hand' / 'L hand'); merged as one visit, the baseline doubled and every patient seemed to improve.
    rows = ["V1,2024-01-03,Clinic,left hand", "V1,2024-01-10,Infusion,left hand", "V1,2024-01-10,Nursing note,L hand",
            "V1,2024-02-07,Clinic,left hand", 'V1,2024-03-06,Clinic,"left hand, right foot"',
            "V2,2024-01-12,Infusion,right foot", "V2,2024-01-12,Nursing note,R foot", "V2,2024-02-09,Clinic,right foot"]
    p = inspect({"visits.csv": ("\n".join(["Patient,Visit date,Visit type,Affected regions"] + rows) + "\n").encode()})
    col = {c.header: c.column for f in p.files for c in f.columns}["Affected regions"]
    assert not col.one_per_row


def test_a_laterality_coded_l_r_b_is_joined_with_b_for_both_sides():
    # DICOM's laterality codes: B is both sides (hand B = left hand and right hand).
    assert list(side_words(np.asarray(["L", "R", "B", "Bil", "L/R", "b."], dtype=object))) == \
        ["left", "right", "both", "both", "both", "both"]
    rows = ["E1,2024-02-26,Hand,L", "E1,2024-02-26,Hand,R", "E1,2024-03-29,Hand,B", "E1,2024-03-29,Foot,L",
            "E2,2024-02-26,Foot,R", "E2,2024-03-29,Foot,R", "E2,2024-03-29,Knee,B"]
    data = ("\n".join(["Patient,Exam date,Affected region,Laterality"] + rows) + "\n").encode()
    p = inspect({"findings.csv": data})
    col = {c.header: c.column for f in p.files for c in f.columns}["Affected region"]
    assert col.one_per_row and col.side == "Laterality"
    assert [v for _, v in _counts(load_files({"findings.csv": data}))] == [2.0, 3.0, 1.0, 3.0]


def test_a_column_qualifying_each_regions_row_leaves_the_file_a_point_to_review():
    # A tracker's 'Region status' (Active / Resolved: a resolved region still listed at later exams) says what the
    # rows count; merged as one visit's regions, 18 of 24 patients' counts were wrong (second review).
    rows = ["R1,2024-03-03,Hand,Right,Active", "R1,2024-03-03,Foot,Left,Active", "R1,2024-04-04,Hand,Right,Resolved",
            "R1,2024-04-04,Foot,Left,Active", "R2,2024-03-05,Knee,Left,Active", "R2,2024-03-05,Hand,Left,Active",
            "R2,2024-04-06,Knee,Left,Resolved", "R2,2024-04-06,Hand,Left,Resolved"]
    data = ("\n".join(["Patient,Exam date,CRPS region,Side,Region status"] + rows) + "\n").encode()
    p = inspect({"regions.csv": data})
    assert not {c.header: c.column for f in p.files for c in f.columns}["CRPS region"].one_per_row
    assert any("'CRPS region': named like the body regions" in r for r in p.review)


def test_a_visits_own_words_beside_the_region_rows_leave_them_merged():
    # A 'Visit type' (Baseline / Follow-up) is the visit's, the same on its rows: no question (the fourth review).
    rows = ["R1,2024-03-03,Hand,Right,Baseline", "R1,2024-03-03,Foot,Left,Baseline", "R1,2024-04-04,Hand,Right,Follow-up",
            "R2,2024-03-05,Knee,Left,Baseline", "R2,2024-04-06,Knee,Left,Follow-up", "R2,2024-04-06,Hand,Left,Follow-up"]
    data = ("\n".join(["Patient,Exam date,CRPS region,Side,Visit type"] + rows) + "\n").encode()
    assert {c.header: c.column for f in inspect({"regions.csv": data}).files for c in f.columns}["CRPS region"].one_per_row


# --------------------------------------------------------------------------------------------------
# A per-region attribute beside the rows (rule 5) and a patient id filled down (rule 6)
# --------------------------------------------------------------------------------------------------

#: Two patients, two exams each: the truth is 2, 3 regions (R1) and 1, 2 regions (R2).
BLOCKS = [("R1", "2024-03-03", [("Hand", "Right"), ("Foot", "Left")]),
          ("R1", "2024-04-04", [("Hand", "Right"), ("Foot", "Left"), ("Knee", "Left")]),
          ("R2", "2024-03-05", [("Knee", "Left")]),
          ("R2", "2024-04-06", [("Knee", "Left"), ("Hand", "Left")])]
TRUTH = [("R1", 2.0), ("R1", 3.0), ("R2", 1.0), ("R2", 2.0)]


def _with_attribute(words: list[str]) -> list[str]:
    cells = iter(words)
    return [f"{p},{d},{region},{side},{next(cells)}" for p, d, regions in BLOCKS for region, side in regions]


@pytest.mark.parametrize("name,words", [
    ("Severity", ["3", "2", "4", "1", "2", "3", "2", "4"]),
    ("Severity", ["mild", "moderate", "severe", "mild", "moderate", "mild", "severe", "mild"]),
    ("Schweregrad", ["leicht", "mittelgradig", "schwer", "leicht", "mäßig", "leicht", "schwer", "leicht"]),
    ("Sévérité", ["légère", "modérée", "sévère", "légère", "modérée", "légère", "sévère", "légère"]),
    ("Severidad", ["leve", "moderado", "severo", "leve", "moderada", "leve", "grave", "leve"]),
    ("Sign category", ["Sensory", "Vasomotor", "Sensory", "Motor", "Sudomotor", "Sensory", "Vasomotor", "Motor"]),
    ("Sign category", ["Sensory", "Vasomotor", "Sudomotor/edema", "Motor/trophic", "Sensory", "Sensory", "Vasomotor",
                       "Motor/trophic"]),
])
def test_a_per_region_attribute_beside_the_rows_leaves_each_visits_regions_counted(name, words):
    # Before: the file was a point to review, not read ('Region, Side, Severity'). A severity or a sign's category
    # cannot say a region is unaffected, so the regions are counted and the attribute is not read.
    data = ("\n".join([f"Patient,Exam date,CRPS region,Side,{name}"] + _with_attribute(words)) + "\n").encode()
    p = inspect({"regions.csv": data})
    col = {c.header: c.column for f in p.files for c in f.columns}["CRPS region"]
    assert col.one_per_row and col.side == "Side" and not p.review
    assert _counts(load_files({"regions.csv": data})) == TRUTH


@pytest.mark.parametrize("name,words", [
    ("Status", ["Current", "Current", "Current", "Past", "Current", "Current", "Past", "Current"]),
    ("Notes", ["swelling", "colour change", "swelling", "resolved since March", "allodynia", "cold", "cold", "stiff"]),
    ("Severity", ["mild", "moderate", "severe", "none", "moderate", "mild", "severe", "mild"]),
    # The regression review's look-alikes: a resolved region in other words, counted as affected until then.
    ("Zustand", ["aktiv", "aktiv", "aktiv", "abgeheilt", "aktiv", "aktiv", "abgeheilt", "aktiv"]),
    ("Statut", ["actif", "actif", "actif", "guéri", "actif", "actif", "guéri", "actif"]),
    ("Notes", ["swelling", "colour change", "swelling", "recovered", "allodynia", "cold", "settled", "stiff"]),
    ("Notes", ["swelling", "colour change", "swelling", "gone now", "allodynia", "cold", "cleared", "stiff"]),
    # Free notes are asked about even when none says so: no list of words can tell every way of writing it.
    ("Notes", ["swelling", "colour change", "worse at night", "", "allodynia", "sweating", "cold", "stiff"]),
])
def test_words_saying_a_region_is_not_or_no_longer_affected_keep_the_question(name, words):
    # A past or resolved region is listed but not affected: counted, the visit's number would be too high.
    data = ("\n".join([f"Patient,Exam date,CRPS region,Side,{name}"] + _with_attribute(words)) + "\n").encode()
    p = inspect({"regions.csv": data})
    assert not {c.header: c.column for f in p.files for c in f.columns}["CRPS region"].one_per_row
    assert any("'CRPS region': named like the body regions" in r for r in p.review)


def _filled_down() -> list[str]:
    """The patient id on the first row of each patient's block, blank below it."""
    rows, seen = [], set()
    for p, d, regions in BLOCKS:
        for region, side in regions:
            rows.append(f"{p if p not in seen else ''},{d},{region},{side}")
            seen.add(p)
    return rows


def test_a_patient_id_written_on_each_blocks_first_row_only_still_counts_each_visits_regions():
    # Before: with the id on the first row only, each patient had one row before the fill and the regions read as a
    # covariate, then as none once filled: no region was counted (the file had no score).
    data = ("\n".join([HEADER.replace("Affected", "CRPS")] + _filled_down()) + "\n").encode()
    p = inspect({"regions.csv": data})
    f = p.files[0]
    col = {c.header: c.column for c in f.columns}["CRPS region"]
    assert f.spec.fill_down == ("Patient",) and col.one_per_row and col.side == "Side"
    ds = load_files({"regions.csv": data})
    assert _counts(ds) == TRUTH
    counts = ds.report.files["regions.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (8, 8, 0)  # the merged rows used with their visit
    assert any("filled down from the row above in 6 row(s)" in n for n in ds.report.notes)


def test_a_filled_down_id_with_a_mapping_that_says_so_reads_the_same():
    mapping = _mapping()
    mapping["files"][0]["fill_down"] = ["Patient"]
    ds = _load(_filled_down(), mapping)
    assert _counts(ds) == TRUTH


def test_a_resolved_region_in_german_beside_a_filled_down_patient_id_is_not_counted_as_affected():
    # The regression review's D11: 'Zustand' aktiv / abgeheilt with the id on each patient's first row only was read
    # as 3 regions at R1's second exam (one of them healed). Nothing is counted (as before the fill-down rule).
    states = iter(["aktiv", "aktiv", "aktiv", "abgeheilt", "aktiv", "aktiv", "abgeheilt", "aktiv"])
    data = ("\n".join(["Patient,Exam date,CRPS region,Side,Zustand"] +
                       [f"{r},{next(states)}" for r in _filled_down()]) + "\n").encode()
    col = {c.header: c.column for f in inspect({"regions.csv": data}).files for c in f.columns}["CRPS region"]
    assert not col.one_per_row


def test_a_severity_beside_a_filled_down_patient_id_still_counts_each_visits_regions():
    severity = iter(["mild", "moderate", "severe", "mild", "moderate", "mild", "severe", "mild"])
    data = ("\n".join(["Patient,Exam date,CRPS region,Side,Severity"] +
                       [f"{r},{next(severity)}" for r in _filled_down()]) + "\n").encode()
    assert _counts(load_files({"regions.csv": data})) == TRUTH
