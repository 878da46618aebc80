"""Body regions listed in one cell ("left hand, right foot") are counted into ``regions_affected``.

The column role ``"list"`` (analysis/io/lists.py; docs/data-format.md, "Clinic exports"): the
number of distinct items a cell lists, at the visit's time, like a score column. Every cell is
used, not measured (empty) or excluded with its file, line, column, value as written and reason.
"""
from __future__ import annotations

import numpy as np
import pytest

import clinic_export_shapes as ces
from analysis import load_files
from analysis.definitions import Definitions
from analysis.duration import time_to_increase_data, time_to_spread
from analysis.episodes import build_episodes
from analysis.errors import MappingError
from analysis.io import spec as export_spec
from analysis.io.lists import count_listed
from analysis.io.propose import auto_spec, inspect
from analysis.summary import summarize

N, SEED = 30, 7
REGIONS = Definitions().replace(measure="regions_affected")


# --------------------------------------------------------------------------------------------------
# The rule for one cell
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, count", [
    ("left hand", 1),
    ("left hand, right foot", 2),
    ("L hand; R foot; L knee", 3),
    ("hand/wrist", 2),
    ("left hand | right foot", 2),
    ("L+R foot", 2),
    ("hand & foot", 2),
    ("left hand and right foot", 2),
    ("Hand links und Fuß rechts", 2),
    ("main gauche et pied droit", 2),
    ("mano izquierda y pie derecho", 2),
    ("mano sinistra e piede destro", 2),
    ("linkerhand en rechtervoet", 2),
    ("left hand,\nright foot", 2),
    ("  left hand ,  right   foot  ", 2),            # items trimmed, runs of spaces are one space
    ("left hand, right foot.", 2),                    # a full stop at the end is not part of the item
    ("Left hand, left HAND", 1),                      # the same item in another case counts once
    ("left  hand; Left Hand; right foot", 2),
    ("L hand, left hand", 2),                         # items are not interpreted: two ways, two items
    ("Sandhand", 1),                                  # "and" only between spaces separates
    ("2", 2), ("2.0", 2), ("3,0", 3), (" 4 ", 4),     # a bare number is the count
    ("none", 0), ("None", 0), ("NO", 0), ("0", 0), ("-", 0), ("keine", 0), ("aucune", 0), ("ninguna", 0),
])
def test_a_cell_counts_the_distinct_items_it_lists(cell, count):
    lc = count_listed(np.array([cell], dtype=object))
    assert lc.reason[0] == "" and not lc.missing[0]
    assert lc.count[0] == count


@pytest.mark.parametrize("cell", ["", "NA", "n/a", "N/A", "NaN", "null"])
def test_an_empty_cell_or_an_na_token_is_not_measured_and_not_an_exclusion(cell):
    lc = count_listed(np.array([cell], dtype=object))
    assert lc.missing[0] and lc.reason[0] == "" and np.isnan(lc.count[0])


@pytest.mark.parametrize("cell, reason", [
    ("1.5", "'1.5' is not a whole number of items"),
    ("-1", "'-1' is not a whole number of items"),
    ("left hand, 2", "'left hand, 2' mixes listed items with a count or a word for none: write the items, or the "
                     "count alone"),
    ("left hand; none", "'left hand; none' mixes listed items with a count or a word for none: write the items, or "
                        "the count alone"),
    ("2 regions", "'2 regions' starts with a number followed by words: write the count alone, or list the items"),
    (", ;", "', ;' lists no item (only separators)"),
])
def test_a_cell_the_rule_cannot_count_is_excluded_with_its_reason(cell, reason):
    lc = count_listed(np.array([cell], dtype=object))
    assert lc.reason[0] == reason and not lc.missing[0] and np.isnan(lc.count[0])


def test_cells_are_counted_by_their_distinct_texts_and_spread_back_to_every_row():
    cells = np.array(["a, b", "", "none", "a, b", "c", "a, b", "x, 2"], dtype=object)
    lc = count_listed(cells)
    assert lc.count[[0, 2, 3, 4, 5]].tolist() == [2, 0, 2, 1, 2]
    assert lc.missing.tolist() == [False, True, False, False, False, False, False]
    assert [bool(r) for r in lc.reason] == [False] * 6 + [True]


def test_a_column_of_numbers_and_lists_of_numbers_lists_codes_and_a_single_number_is_one_code():
    """Rule 5: a form's coded choices exported as their codes ('1,3' = regions 1 and 3). Read as the
    number 1.3 it was excluded, and the bare '2' beside it counted as 2 regions instead of 1."""
    cells = np.array(["1,3", "2", "1,2,3", "2; 4", "1,1,3", "", "none", "3 ; 4"], dtype=object)
    lc = count_listed(cells)
    assert lc.codes
    assert lc.count[[0, 1, 2, 3, 4, 6, 7]].tolist() == [2, 1, 3, 2, 2, 0, 2]
    assert lc.missing.tolist() == [False] * 5 + [True] + [False] * 2
    assert (lc.reason == "").all()


@pytest.mark.parametrize("cells, counts", [
    (["2", "3", "1"], [2, 3, 1]),                    # whole numbers only: counts (rule 3)
    (["2,0", "3,0", "1"], [2, 3, 1]),                # whole numbers with a decimal comma: still counts
])
def test_numbers_that_can_be_counts_stay_counts(cells, counts):
    lc = count_listed(np.array(cells, dtype=object))
    assert not lc.codes and lc.count.tolist() == counts


def test_lists_of_numbers_beside_named_items_are_not_codes_and_stay_excluded_with_the_reason():
    lc = count_listed(np.array(["1,3", "left hand"], dtype=object))
    assert not lc.codes
    assert lc.reason[0] == "'1,3' is not a whole number of items" and lc.count[1] == 1


CODED = ("Patient,Visit date,Infusion,NRS,Regions affected\n"
         "A1,2024-01-02,Yes,8,\"1,3\"\n"
         "A1,2024-01-09,No,5,\"1,3\"\n"
         "A1,2024-02-01,No,6,\"1,2,3\"\n"
         "A2,2024-01-03,Yes,7,2\n"
         "A2,2024-01-10,No,3,2\n"
         "A2,2024-02-02,No,4,\"2,4\"\n").encode()


def test_an_export_of_region_codes_loads_as_the_number_of_regions_with_a_note():
    ds = load_files({"visits.csv": CODED})
    a = ds.assessments
    regions = a[a["measure"] == "regions_affected"].sort_values(["patient_id", "day"])
    assert regions[["patient_id", "day", "value"]].values.tolist() == [
        ["A1", 0.0, 2.0], ["A1", 7.0, 2.0], ["A1", 30.0, 3.0], ["A2", 0.0, 1.0], ["A2", 7.0, 1.0], ["A2", 30.0, 2.0]]
    assert ds.report.exclusions.empty
    assert any("'Regions affected': its cells list codes (e.g. '1,3', '1,2,3', '2')" in n for n in ds.report.notes)
    # Two codes per cell at most, no three-item list: still proposed as a list, without review.
    two = CODED.replace(b'"1,2,3"', b'"1,2"')
    assert _roles({"visits.csv": two})["Regions affected"].role == "list"
    assert not any("Regions affected" in r for r in inspect({"visits.csv": two}).review)


# --------------------------------------------------------------------------------------------------
# Loading: scores at the visit's time, every left-out cell in the report
# --------------------------------------------------------------------------------------------------

SHEET = ("Patient,Date,Treatment,NRS,Affected regions\n"
         "A,2024-03-01,,7,left hand\n"                      # line 2
         "A,2024-03-05,Ketamine,,\n"                        # line 3
         "A,2024-03-12,,4,\"left hand, Right foot\"\n"      # line 4
         "A,2024-03-20,,3,none\n"                           # line 5: 0 regions, out of range
         "B,2024-03-01,,6,L hand; R foot; l HAND\n"         # line 6
         "B,2024-03-04,Ketamine,,\n"                        # line 7
         "B,2024-03-11,,5,2 regions\n"                      # line 8
         "B,2024-03-18,,,\"left hand, 2\"\n"                # line 9: nothing else in the row
         "B,2024-03-25,,4,3\n"                              # line 10
         "B,2024-04-01,,4,n/a\n").encode()                  # line 11: not measured
MAPPING = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
    "Patient": "patient_id", "Date": "date", "Treatment": "treatment",
    "NRS": {"role": "measure", "measure": "pain_nrs"},
    "Affected regions": {"role": "list", "measure": "regions_affected"}}}]}


def test_lists_load_as_counts_on_the_visit_days_and_every_left_out_cell_is_reported():
    ds = load_files({"s.csv": SHEET}, mapping=MAPPING)
    a = ds.assessments
    regions = a[a["measure"] == "regions_affected"].sort_values(["patient_id", "day"])
    assert regions[["patient_id", "day", "value"]].values.tolist() == [
        ["A", -4.0, 1.0], ["A", 7.0, 2.0], ["B", -3.0, 2.0], ["B", 21.0, 3.0]]
    ex = ds.report.exclusions
    listed = ex[ex["column"] == "Affected regions"]
    assert listed[["file", "line", "value", "reason"]].values.tolist() == [
        ["s.csv", 5, "none", "out of range for regions_affected (valid 1 or more)"],
        ["s.csv", 8, "2 regions", "'2 regions' starts with a number followed by words: write the count alone, or "
                                  "list the items"],
        ["s.csv", 9, "left hand, 2", "'left hand, 2' mixes listed items with a count or a word for none: write the "
                                     "items, or the count alone"]]
    # Line 9 held nothing else: the row is excluded; lines 5 and 8 are used for their pain score.
    counts = ds.report.files["s.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (10, 9, 1)


def test_a_list_column_takes_the_date_of_its_visit_like_a_score_column():
    sheet = (b"Patient,Baseline date,Baseline regions,Infusion date,Week 4 date,Week 4 regions\n"
             b"A,2024-03-01,left hand,2024-03-05,2024-04-02,\"left hand, right hand\"\n")
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "Patient": "patient_id", "Baseline date": "date", "Infusion date": {"role": "date", "treatment": "Ketamine"},
        "Week 4 date": "date",
        "Baseline regions": {"role": "list", "measure": "regions_affected", "time": "Baseline date"},
        "Week 4 regions": {"role": "list", "measure": "regions_affected", "time": "Week 4 date"}}}]}
    ds = load_files({"s.csv": sheet}, mapping=doc)
    assert ds.assessments[["day", "value"]].values.tolist() == [[-4.0, 1.0], [28.0, 2.0]]
    proposed = {c.header: c.column for f in inspect({"s.csv": sheet}).files for c in f.columns}
    assert proposed["Week 4 regions"].role == "list" and proposed["Week 4 regions"].time == "Week 4 date"


def test_a_list_column_needs_the_name_of_its_measure():
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {"Regions": "list"}}]}
    with pytest.raises(MappingError, match="a list column needs \"measure\""):
        export_spec.from_json(doc)
    doc["files"][0]["columns"]["Regions"] = {"role": "list", "measure": "regions_affected"}
    assert export_spec.from_json(doc).to_json()["files"][0]["columns"]["Regions"] == \
        {"role": "list", "measure": "regions_affected"}


# --------------------------------------------------------------------------------------------------
# The proposal
# --------------------------------------------------------------------------------------------------

def _roles(files: dict) -> dict:
    return {c.header: c.column for f in inspect(files).files for c in f.columns}


def test_a_column_named_like_regions_with_lists_is_proposed_as_a_list_without_review():
    p = inspect({"s.csv": SHEET})
    col = {c.header: c.column for f in p.files for c in f.columns}["Affected regions"]
    assert (col.role, col.measure) == ("list", "regions_affected")
    assert not any("Affected regions" in r for r in p.review)
    assert any("'Affected regions' lists body regions in one cell" in n for n in p.notes)
    # ... so the export loads with no mapping at all, as with the reviewed one.
    assert load_files({"s.csv": SHEET}).assessments.equals(load_files({"s.csv": SHEET}, mapping=MAPPING).assessments)


@pytest.mark.parametrize("header", ["Body parts", "Limbs affected", "Betroffene Körperteile", "Regions"])
def test_other_names_of_the_body_regions_are_proposed_as_lists(header):
    sheet = SHEET.replace(b"Affected regions", header.encode())
    assert _roles({"s.csv": sheet})[header].role == "list"


def test_one_region_per_cell_that_changes_within_patients_is_a_point_to_review():
    sheet = (b"Patient,Date,Treatment,NRS,Region\nA,2024-03-01,,7,left hand\nA,2024-03-05,Ketamine,,\n"
             b"A,2024-03-12,,4,right foot\nB,2024-03-01,,6,left knee\nB,2024-03-04,Ketamine,,\nB,2024-03-11,,5,left hand\n")
    p = inspect({"s.csv": sheet})
    assert _roles({"s.csv": sheet})["Region"].role == "list"
    assert any("'Region': named like the body regions, with one region per cell" in r for r in p.review)
    with pytest.raises(MappingError, match="named like the body regions"):
        auto_spec({"s.csv": sheet})


def test_one_region_per_patient_stays_a_covariate_and_a_list_not_named_like_regions_is_not_counted():
    sheet = (b"Patient,Date,Treatment,NRS,Region,Medications\nA,2024-03-01,,7,upper limb,\"gabapentin, naproxen\"\n"
             b"A,2024-03-05,Ketamine,,upper limb,\nA,2024-03-12,,4,upper limb,gabapentin\n"
             b"B,2024-03-01,,6,lower limb,\"amitriptyline, tramadol\"\nB,2024-03-04,Ketamine,,lower limb,\n"
             b"B,2024-03-11,,5,lower limb,tramadol\n")
    roles = _roles({"s.csv": sheet})
    assert roles["Region"].role == "covariate"
    assert roles["Medications"].role != "list"


def test_a_column_of_region_counts_stays_a_score_column():
    sheet = SHEET.replace(b"\"left hand, Right foot\"", b"2").replace(b"L hand; R foot; l HAND", b"3") \
        .replace(b"left hand\n", b"1\n").replace(b"none", b"1").replace(b"2 regions", b"2") \
        .replace(b"\"left hand, 2\"", b"1").replace(b"n/a", b"2")
    col = _roles({"s.csv": sheet})["Affected regions"]
    assert (col.role, col.measure) == ("measure", "regions_affected")


# --------------------------------------------------------------------------------------------------
# The invented cohort: the spread analysis from the list column equals the canonical files'
# --------------------------------------------------------------------------------------------------

def test_region_lists_give_the_regions_and_spread_numbers_of_the_canonical_files():
    shape = ces.export_shape("spreadsheet_en", ces.make_cohort(N, seed=SEED))
    from_export, from_canonical = load_files(shape.files), load_files(shape.canonical)
    for ds in (from_export, from_canonical):
        a = ds.assessments
        assert (a["measure"] == "regions_affected").sum() == shape.expected["region_lists"]
    assert summarize(from_export, REGIONS).to_dict() == summarize(from_canonical, REGIONS).to_dict()
    ep_export, ep_canonical = build_episodes(from_export, REGIONS), build_episodes(from_canonical, REGIONS)
    spread = time_to_increase_data(ep_export)
    assert spread.equals(time_to_increase_data(ep_canonical))
    assert spread["event"].sum() > 0 and (spread["event"] == 0).any()      # some spread, some not
    assert time_to_spread(ep_export).medians().equals(time_to_spread(ep_canonical).medians())


def test_a_flowsheet_item_listing_the_regions_is_counted_like_a_list_column():
    # The value of an item mapped to regions_affected was excluded as 'not a number'.
    flowsheet = (b"Study ID,Flowsheet Row,Value,Taken Time\n"
                 b"F1,Pain Score (0-10),8,2024-03-04 08:00\nF1,Pain Score (0-10),4,2024-03-04 13:00\n"
                 b'F1,Affected regions,"L hand, R foot",2024-03-04 08:00\n'
                 b'F1,Affected regions,"L hand; R foot; l HAND; L knee",2024-04-04 08:00\n'
                 b"F1,Affected regions,2,2024-05-04 08:00\nF1,Affected regions,none,2024-06-04 08:00\n"
                 b"F1,Affected regions,2 regions,2024-07-04 08:00\n")
    mar = b"Study ID,Medication,Action,Admin Time\nF1,KETAMINE INFUSION,New Bag,2024-03-04 09:00\n"
    ds = load_files({"flowsheet.csv": flowsheet, "mar.csv": mar})
    regions = ds.assessments[ds.assessments["measure"] == "regions_affected"]
    assert regions["value"].tolist() == [2.0, 3.0, 2.0]
    ex = ds.report.exclusions
    assert ex[["line", "value"]].values.tolist() == [[7, "none"], [8, "2 regions"]]
    assert ex["reason"].tolist() == ["out of range for regions_affected (valid 1 or more)",
                                     "'2 regions' starts with a number followed by words: write the count alone, "
                                     "or list the items"]


@pytest.mark.parametrize("cells, verdict, counts", [
    (["1,3", "2", "2,4"], "codes", [2, 1, 2]),                # two different a,b: a count is never 1.3 twice over
    (["1,2,3", "2; 4", "2"], "codes", [3, 2, 1]),
    (["1", "1,3,4", "1,3,4"], "codes", [1, 3, 3]),            # one list beside 1s: codes and counts agree on the 1s
    (["1,3", "1", "1"], "codes", [2, 1, 1]),
    (["4", "3", "2", "1,5", "3"], "counts", [4, 3, 2, None, 3]),  # one list beside other numbers: counts, excluded
    (["1,3", "1,3", "2", "4"], "counts", [None, None, 2, 4]),
    (["3", "2", "2/4", "4"], "counts", [3, 2, None, 4]),      # '2/4' (two of four limbs?) is no list of codes
    (["1 and 3", "2 & 4", "2"], "counts", [None, None, 2]),
    (["2,0", "3,0", "1"], "counts", [2, 3, 1]),               # whole numbers with a decimal comma: counts
    (["2", "3", "1"], "counts", [2, 3, 1]),
])
def test_a_list_of_numbers_proves_codes_only_when_no_count_could_be_written_so(cells, verdict, counts):
    from analysis.io.lists import column_codes_verdict
    assert column_codes_verdict(np.array(cells, dtype=object)) == verdict
    lc = count_listed(np.array(cells, dtype=object))
    assert [None if np.isnan(c) else c for c in lc.count] == counts
    assert lc.codes == (verdict == "codes")


def test_one_list_of_numbers_beside_other_numbers_is_read_as_counts_with_a_note():
    """'1,3' twice (one patient) beside '2' and '4': region codes, or counts with one stray cell? One list
    does not prove codes: counts, as before, the list excluded with its reason (a score column here: a
    decimal comma; in a list column, a note says what the list would mean)."""
    sheet = (b"Patient,Date,Treatment,NRS,Affected regions\nA,2024-03-01,Ketamine,8,\"1,3\"\nA,2024-03-08,,5,\"1,3\"\n"
             b"B,2024-03-02,Ketamine,7,2\nB,2024-03-09,,4,2\nC,2024-03-02,Ketamine,7,4\nC,2024-03-09,,4,4\n")
    assert not inspect({"s.csv": sheet}).review
    ds = load_files({"s.csv": sheet})
    a = ds.assessments
    assert sorted(a.loc[a["measure"] == "regions_affected", "value"].tolist()) == [2.0, 2.0, 4.0, 4.0]
    ex = ds.report.exclusions
    assert (ex["value"] == "1,3").sum() == 2 and ex.loc[ex["value"] == "1,3", "reason"].str.contains("decimal comma").all()
    mapping = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "Patient": "patient_id", "Date": "date", "Treatment": "treatment", "NRS": {"role": "measure", "measure": "pain_nrs"},
        "Affected regions": {"role": "list", "measure": "regions_affected"}}}]}
    listed = load_files({"s.csv": sheet}, mapping=mapping)
    assert any("one cell lists numbers ('1,3') among single numbers" in n for n in listed.report.notes)


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_region_codes_in_a_tab_or_semicolon_file_are_codes_not_decimals(sep):
    """A tab- or semicolon-separated export reads decimals with a comma, but a count is never 1.3 regions:
    two different lists '1,3' and '2,4' are codes (they were read as the counts 1.3 and 2.4)."""
    rows = ["Patient,Date,Treatment,Affected regions,NRS", "A,2024-03-01,Ketamine,1,3,8", "A,2024-03-08,,1,3,5",
            "B,2024-03-02,Ketamine,2,4,7", "B,2024-03-09,,2,4", "C,2024-03-02,Ketamine,3,7", "C,2024-03-09,,3,4"]
    # Written with the separator between fields; the codes keep their comma.
    text = "\n".join(r.replace(",", sep) for r in rows[:1]) + "\n" + "\n".join(
        sep.join([f for f in _fields(r)]) for r in rows[1:]) + "\n"
    files = {"s.csv": text.encode()}
    assert _roles(files)["Affected regions"].role == "list"
    a = load_files(files).assessments
    regions = a[a["measure"] == "regions_affected"].sort_values(["patient_id", "day"])
    assert regions["value"].tolist() == [2.0, 2.0, 2.0, 1.0, 1.0, 1.0]


def _fields(row: str) -> list:
    """The fields of a row written above: patient, date, treatment, regions (a code list '1,3' or a number), NRS."""
    p, d, t, *rest = row.split(",")
    regions = ",".join(rest[:-1]) if len(rest) > 2 else rest[0]
    return [p, d, t, regions, rest[-1]]


def test_a_flowsheet_item_listing_region_codes_says_so_in_a_note():
    files = {"flow.csv": ("Patient,Date,Item,Value\nA,2024-03-01,Ketamine infusion,given\n"
                          "A,2024-03-01,Affected regions,\"1,3\"\nA,2024-03-08,Affected regions,2\n"
                          "B,2024-03-02,Ketamine infusion,given\nB,2024-03-02,Affected regions,\"2;4\"\n"
                          "B,2024-03-09,Affected regions,4\n").encode()}
    mapping = {"crps_outcomes_mapping": 1, "items": {"Affected regions": "regions_affected"}, "files": [
        {"match": "*.csv", "columns": {"Patient": "patient_id", "Date": "date", "Item": "item", "Value": "value"}}]}
    ds = load_files(files, mapping=mapping)
    a = ds.assessments.sort_values(["patient_id", "day"])
    assert a["value"].tolist() == [2.0, 1.0, 2.0, 1.0]
    assert any("its cells list codes" in n for n in ds.report.notes)


def test_the_mapping_says_codes_or_counts_and_the_proposal_writes_what_it_decided():
    """'listed': 'codes' on a list column reads a column of numbers as codes even where the file alone
    would not prove it (one list, or none: next month's file); 'counts' never reads codes. The proposal
    writes 'codes' when it decided so, so the saved mapping reads every later file the same way."""
    from analysis.io import spec as export_spec
    jan = (b"Patient,Date,Treatment,NRS,Affected regions\nA,2024-03-01,Ketamine,8,\"1,3\"\nA,2024-03-08,,5,\"2,4\"\n"
           b"B,2024-03-02,Ketamine,7,2\nB,2024-03-09,,4,2\n")
    feb = (b"Patient,Date,Treatment,NRS,Affected regions\nA,2024-04-01,Ketamine,8,3\nA,2024-04-08,,5,4\n"
           b"B,2024-04-02,Ketamine,7,2\nB,2024-04-09,,4,2\n")
    col = _roles({"s.csv": jan})["Affected regions"]
    assert (col.role, col.listed) == ("list", "codes")
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "*.csv", "columns": {
        "Patient": "patient_id", "Date": "date", "Treatment": "treatment", "NRS": {"role": "measure", "measure": "pain_nrs"},
        "Affected regions": {"role": "list", "measure": "regions_affected", "listed": "codes"}}}]}
    # The option is written back as read.
    assert export_spec.from_json(doc).files[0].columns["Affected regions"].listed == "codes"
    a = load_files({"s.csv": feb}, mapping=doc).assessments
    assert a.loc[a["measure"] == "regions_affected", "value"].tolist() == [1.0] * 4
    doc["files"][0]["columns"]["Affected regions"]["listed"] = "counts"
    a = load_files({"s.csv": feb}, mapping=doc).assessments
    assert sorted(a.loc[a["measure"] == "regions_affected", "value"].tolist()) == [2.0, 2.0, 3.0, 4.0]
    with pytest.raises(MappingError, match="listed"):
        doc["files"][0]["columns"]["NRS"]["listed"] = "codes"
        export_spec.from_json(doc)
