"""A REDCap checkbox group's "None of these" box: ticked alone, the visit counts 0 items.

The mapping option ``"means_none": true`` on a box of a checkbox group (analysis/io/spec.py;
docs/data-format.md, "REDCap"): a visit with only that box ticked has the count 0, which the measure's
range rule then treats like any other 0 (``regions_affected`` counts regions with signs, 1 or more
(analysis/measures.py): the 0 is excluded as out of range, with the file, line and that box's
column); ticked beside other boxes, the record contradicts itself: no count, listed with the reason.
Without the option (mapping files written before it) a box is counted as one item like the others.
The proposal sets it on a box whose choice the dictionary labels "None ..." (visible in the mapping).

Fixture: tests/analysis/clinic_export_probe4.py, ``redcap_regions_with_none``: region counts by hand
(baseline, week 4): R1 (2, 3), R2 (1, only None), R3 (only None, only None), R4 (3, 3); lines: R2's week 4
is line 7, R3's visits lines 8 and 10.
"""
from __future__ import annotations

import json

import pytest

import clinic_export_probe4 as probe
from clinic_checks import columns, scores
from analysis import load_files
from analysis.errors import MappingError
from analysis.io import spec as export_spec
from analysis.io.propose import inspect

RANGE = "out of range for regions_affected (valid 1 or more)"
BOXES = [f"region___{c}" for c in (1, 2, 3, 4)]


def _doc(none_box) -> dict:
    cols = {"study_id": "patient_id", "visit_date": "date", "inf_date": {"role": "date", "treatment": "Ketamine"},
            "nrs": {"role": "measure", "measure": "pain_nrs", "time": "visit_date"},
            **{b: {"role": "checkbox", "measure": "regions_affected", "time": "visit_date"} for b in BOXES}}
    if none_box is not None:
        cols["region___0"] = none_box
    return {"crps_outcomes_mapping": 1, "source": "redcap",
            "files": [{"match": "*_DataDictionary_*.csv", "kind": "redcap_dictionary"},
                      {"match": "*_DATA_*.csv", "redcap": "raw", "columns": cols}]}


NONE_BOX = {"role": "checkbox", "measure": "regions_affected", "time": "visit_date", "means_none": True}


# --- The option in the mapping file -----------------------------------------------------------------------

def test_means_none_is_read_and_written_back_and_absent_by_default():
    spec = export_spec.from_json(_doc(NONE_BOX))
    cols = spec.file_for("CRPS_DATA_x.csv").columns
    assert cols["region___0"].means_none and not cols["region___1"].means_none
    written = json.loads(spec.dumps())["files"][1]["columns"]
    assert written["region___0"]["means_none"] is True
    assert "means_none" not in written["region___1"]


@pytest.mark.parametrize("column", [
    {"role": "checkbox", "measure": "regions_affected", "means_none": "yes"},
    {"role": "measure", "measure": "regions_affected", "means_none": True},
    {"role": "list", "measure": "regions_affected", "means_none": True},
])
def test_means_none_is_true_or_false_on_a_checkbox_box_only(column):
    with pytest.raises(MappingError, match="\"means_none\" is true or false, for a box of a checkbox group only"):
        export_spec.from_json(_doc(column))


def test_a_mapping_written_before_the_option_means_the_same():
    """The 'None of these' box ignored, as proposals wrote it: a visit with only it ticked has no count, no entry."""
    ds = load_files(probe.redcap_regions_with_none(), mapping=_doc("ignore"))
    assert scores(ds, "regions_affected") == {"R1": [(-7.0, 2), (27.0, 3)], "R2": [(-7.0, 1)],
                                              "R4": [(-7.0, 3), (27.0, 3)]}
    assert ds.report.exclusions.empty


def test_a_box_without_the_option_is_counted_as_one_item_like_the_others():
    box = {"role": "checkbox", "measure": "regions_affected", "time": "visit_date"}
    ds = load_files(probe.redcap_regions_with_none(), mapping=_doc(box))
    assert scores(ds, "regions_affected")["R3"] == [(-7.0, 1), (27.0, 1)]


# --- Loading ----------------------------------------------------------------------------------------------

def test_a_visit_with_only_the_none_box_ticked_counts_0_and_the_range_rule_excludes_it_with_its_line():
    ds = load_files(probe.redcap_regions_with_none(), mapping=_doc(NONE_BOX))
    assert scores(ds, "regions_affected") == {"R1": [(-7.0, 2), (27.0, 3)], "R2": [(-7.0, 1)],
                                              "R4": [(-7.0, 3), (27.0, 3)]}
    ex = ds.report.exclusions
    assert ex[["line", "column", "value", "reason"]].values.tolist() == [
        [7, "region___0", "0", RANGE], [8, "region___0", "0", RANGE], [10, "region___0", "0", RANGE]]


def test_a_measure_whose_range_allows_0_keeps_the_0():
    doc = _doc(dict(NONE_BOX, measure="limbs_ticked"))
    for b in BOXES:
        doc["files"][1]["columns"][b]["measure"] = "limbs_ticked"
    ds = load_files(probe.redcap_regions_with_none(), mapping=doc)
    assert scores(ds, "limbs_ticked") == {"R1": [(-7.0, 2), (27.0, 3)], "R2": [(-7.0, 1), (27.0, 0)],
                                          "R3": [(-7.0, 0), (27.0, 0)], "R4": [(-7.0, 3), (27.0, 3)]}


def test_the_none_box_ticked_beside_other_boxes_is_no_count_and_is_listed():
    files = probe.redcap_regions_with_none()
    data = next(k for k in files if "DATA" in k)
    # R1's baseline (line 2): Left arm, Right arm and None of these ticked.
    files[data] = files[data].replace(b"R1,baseline_arm_1,2024-02-26,8,1,1,0,0,0,", b"R1,baseline_arm_1,2024-02-26,8,1,1,0,0,1,")
    ds = load_files(files, mapping=_doc(NONE_BOX))
    assert scores(ds, "regions_affected")["R1"] == [(27.0, 3)]
    ex = ds.report.exclusions
    assert ex.loc[ex["line"] == 2, ["column", "value", "reason"]].values.tolist() == [
        ["region___0", "1", "'region___0' (none of the items) is ticked beside other boxes of regions_affected: no "
                            "regions_affected for this row; correct the record"]]
    assert scores(ds)["R1"][0] == (-7.0, 8)   # the row's pain score is still read


# --- The proposal -----------------------------------------------------------------------------------------

def test_the_proposal_sets_means_none_on_a_choice_labelled_none_of_these_visibly():
    files = probe.redcap_regions_with_none()
    p = inspect(files)
    box = {c.header: c for f in p.files for c in f.columns}["region___0"]
    assert (box.column.role, box.column.measure, box.column.means_none) == ("checkbox", "regions_affected", True)
    assert "counts 0 (means_none; then out of regions_affected's range (1 or more)" in box.why
    written = p.spec.to_json()["files"][1]["columns"]
    assert written["region___0"]["means_none"] is True
    assert not any(c.means_none for (_, h), c in columns(files).items() if h in BOXES)
    line = next(x for x in p.to_text().splitlines() if x.strip().startswith("'region___0'"))
    assert "checkbox regions_affected (means none: 0)" in line


def test_an_export_without_a_mapping_reads_the_none_box_as_0_regions_and_reports_them():
    ds = load_files(probe.redcap_regions_with_none())
    assert ds.report.exclusions[["line", "column", "reason"]].values.tolist() == [
        [7, "region___0", RANGE], [8, "region___0", RANGE], [10, "region___0", RANGE]]


def test_the_warning_about_visits_with_none_says_what_they_are_not_that_the_scale_is_wrong():
    """A 0 from 'None of these' is excluded because regions_affected counts from 1: the load's warning says so,
    and does not send the clinic looking for a wrong scale (as for a 0-100 VAS read as the NRS)."""
    ds = load_files(probe.redcap_regions_with_none(), mapping=_doc(NONE_BOX))
    about = [w for w in ds.report.warnings if "regions_affected" in w]
    assert len(about) == 1
    assert about[0].startswith("3 visit(s) recorded no regions_affected") and "counts from 1" in about[0]
    assert "VAS" not in about[0]


def test_a_value_out_of_range_that_is_not_none_keeps_the_advice_to_check_the_scale():
    """An NRS of 70 (a 0-100 VAS read as the NRS) is still the wrong-scale warning."""
    doc = _doc(NONE_BOX)
    files = dict(probe.redcap_regions_with_none())
    name = next(n for n in files if "_DATA_" in n)
    text = files[name].decode("utf-8")
    header, first, *rest = text.split("\n")
    cells = first.split(",")
    cells[header.split(",").index("nrs")] = "70"
    files[name] = "\n".join([header, ",".join(cells), *rest]).encode("utf-8")
    ds = load_files(files, mapping=doc)
    assert any(w.startswith("1 value(s) were out of range for pain_nrs") and "VAS" in w for w in ds.report.warnings)
