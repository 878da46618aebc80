"""The Data page as an import assistant, for every clinic export shape (issue 14, item 1).

For each shape: upload -> the detected kind and the proposed roles are shown -> change one role ->
the preview and the load report change -> take the mapping the page would download -> a fresh
session uploads the files and that mapping -> identical load report and numbers.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import load_files
from analysis.io import spec as export_spec
from analysis.summary import summarize

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402

N, SEED = 12, 3


def fresh_upload(files: dict[str, bytes]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()
    return at


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error] + \
        [w.value for w in at.warning] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def frame_with(at: AppTest, column: str):
    """The first table shown that has ``column`` (dataframes carry no key in the test tree)."""
    return next(d.value for d in at.dataframe if column in getattr(d.value, "columns", []))


def load_counts(at: AppTest) -> dict:
    return frame_with(at, "rows used").set_index("file")["rows used"].to_dict()


def role_boxes(at: AppTest) -> dict:
    return {sb.label: sb for sb in at.selectbox if str(sb.key or "").endswith("_role")}


@pytest.mark.parametrize("kind", ces.KINDS)
def test_upload_review_change_download_and_reuse(kind):
    shape = ces.export_shape(kind, ces.make_cohort(N, seed=SEED))
    at = fresh_upload(shape.files)
    assert not at.exception, [e.value for e in at.exception]
    shown = text(at)
    assert "Import assistant" in shown
    detected = frame_with(at, "what it is")
    assert set(detected["file"]) == set(shape.files)
    boxes = role_boxes(at)
    assert any(b.value == "patient_id" for b in boxes.values())
    ds_before = load_files(shape.files, mapping=at.session_state["mapping"])
    report_before = ds_before.report.to_dict()

    # Change one role: a score column becomes "ignore" (in an observation export: an item stops being
    # a measure): fewer scores are read.
    target = next((b for b in boxes.values() if b.value == "measure"), None)
    if target is not None:
        target.set_value("ignore").run()
    else:
        item = next(sb for sb in at.selectbox if str(sb.key or "").startswith("_w_item_") and sb.value == "phq9")
        item.set_value("(not a measure: ignore)").run()
    assert not at.exception, [e.value for e in at.exception]
    doc = at.session_state["mapping"]
    ds_after = load_files(shape.files, mapping=doc)
    assert ds_after.n_scores < ds_before.n_scores
    assert ds_after.report.to_dict() != report_before
    # The page shows the new reading: the load report's counts are the loader's.
    counts = load_counts(at)
    assert counts == {n: c.rows_used for n, c in ds_after.report.files.items()}

    # "Download this mapping" gives the file of the session's mapping; a fresh session uses it again.
    saved = export_spec.from_json(doc).dumps().encode("utf-8")
    again = fresh_upload(shape.files)
    again.file_uploader(key="_w_saved_mapping").set_value(("crps_outcomes_mapping.json", saved,
                                                           "application/json")).run()
    assert not again.exception, [e.value for e in again.exception]
    reused = load_files(shape.files, mapping=again.session_state["mapping"])
    assert reused.report.to_dict() == ds_after.report.to_dict()
    assert summarize(reused).to_dict() == summarize(ds_after).to_dict()
    counts = load_counts(again)
    assert counts == {n: c.rows_used for n, c in ds_after.report.files.items()}


def test_every_role_of_the_mapping_has_a_label_in_the_assistant():
    """A role without a label broke the assistant's role selectbox on every export (new roles 'status', 'route')."""
    from dashboard.assistant import ROLE_LABELS
    assert set(export_spec.ROLES) <= set(ROLE_LABELS)


def test_a_canonical_upload_after_an_export_drops_the_export_mapping():
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(N, seed=SEED))
    at = fresh_upload(shape.files)
    assert export_spec.is_spec_document(at.session_state["mapping"])
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in shape.canonical.items()]).run()
    assert not at.exception
    assert not export_spec.is_spec_document(at.session_state["mapping"])
    assert "Import assistant" not in text(at)


def test_dates_that_read_two_ways_are_decided_with_the_date_format_widget():
    files = {"visits.csv": b"patient,date,treatment,pain\nA,01/02/2024,,7\nA,02/02/2024,ketamine,\nA,03/02/2024,,3\n"
                           b"B,05/06/2024,,6\nB,05/06/2024,ketamine,\nB,07/06/2024,,2\n"}
    at = fresh_upload(files)
    assert not at.exception
    shown = text(at)
    assert "To decide before loading" in shown and "DMY" in shown
    assert "Loaded:" not in "\n".join(s.value for s in at.success)
    at.selectbox(key="_w_date_format").set_value("DMY").run()
    assert not at.exception
    assert at.session_state["mapping"]["date_format"] == "DMY"
    assert "Loaded:" in "\n".join(s.value for s in at.success)
    ds = load_files(files, mapping=at.session_state["mapping"])
    assert sorted(ds.assessments.loc[ds.assessments["patient_id"] == "A", "day"]) == [-1.0, 1.0]


def test_start_actions_and_the_post_start_offset_are_widgets():
    shape = ces.export_shape("flowsheet", ces.make_cohort(N, seed=SEED))
    at = fresh_upload(shape.files)
    before = load_files(shape.files, mapping=at.session_state["mapping"]).n_scores
    starts = at.multiselect(key="_w_starts")
    assert "Rate Change" in starts.options          # an action found in the record, offered to choose
    at.multiselect(key="_w_starts").set_value(["New Bag", "Rate Change"]).run()
    assert not at.exception
    assert at.session_state["mapping"]["courses"]["start_actions"] == ["New Bag", "Rate Change"]
    at.number_input(key="_w_post_offset").set_value(2.0).run()
    assert not at.exception
    assert at.session_state["mapping"]["courses"]["post_offset_hours"] == 2.0
    assert load_files(shape.files, mapping=at.session_state["mapping"]).n_scores == before


def test_body_regions_listed_in_one_cell_have_a_role_that_counts_them():
    shape = ces.export_shape("spreadsheet_en", ces.make_cohort(N, seed=SEED))
    at = fresh_upload(shape.files)
    assert not at.exception, [e.value for e in at.exception]
    box = role_boxes(at)["Role of Affected regions"]
    assert box.value == "list"
    assert "list in one cell (items counted)" in box.options
    name = next(t for t in at.text_input if t.label == "Name of Affected regions")
    assert name.value == "regions_affected"
    counted = load_files(shape.files, mapping=at.session_state["mapping"])
    n_regions = int((counted.assessments["measure"] == "regions_affected").sum())
    assert n_regions == shape.expected["region_lists"]

    # Ignored: no regions are read; chosen again and named: the same counts as proposed.
    box.set_value("ignore").run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert doc["files"][0]["columns"]["Affected regions"] == "ignore"
    assert "regions_affected" not in set(load_files(shape.files, mapping=doc).assessments["measure"])
    role_boxes(at)["Role of Affected regions"].set_value("list").run()
    next(t for t in at.text_input if t.label == "Name of Affected regions").set_value("regions_affected").run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert doc["files"][0]["columns"]["Affected regions"] == {"role": "list", "measure": "regions_affected"}
    assert load_files(shape.files, mapping=doc).assessments.equals(counted.assessments)


def test_questionnaire_items_without_their_total_have_a_role_that_sums_them():
    head = "Patient;Datum;Behandlung;NRS;" + ";".join(f"PHQ9_{i}" for i in range(1, 10)) + "\n"
    rows = ["Z1;1.3.2024;;8;" + ";".join("222222222"), "Z1;5.3.2024;Ketamin;;" + ";" * 8,
            "Z1;6.3.2024;;4;" + ";".join("123012301")]
    files = {"s.csv": (head + "\n".join(rows) + "\n").encode()}
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    boxes = role_boxes(at)
    assert {boxes[f"Role of PHQ9_{i}"].value for i in range(1, 10)} == {"sum_item"}
    assert "questionnaire item (items summed)" in boxes["Role of PHQ9_1"].options
    doc = at.session_state["mapping"]
    phq9 = load_files(files, mapping=doc).assessments.query("measure == 'phq9'")["value"].tolist()
    assert phq9 == [18.0, 13.0]                                  # 9 x 2; 1+2+3+0+1+2+3+0+1

    # One item left out: the questionnaire cannot be summed, and the page says what to do.
    boxes["Role of PHQ9_9"].set_value("ignore").run()
    assert not at.exception
    assert "phq9 is the sum of its 9 items, but 8 column(s) are mapped" in text(at)
    # Chosen again: named phq9 by itself (the only questionnaire the name says), summed again.
    role_boxes(at)["Role of PHQ9_9"].set_value("sum_item").run()
    assert not at.exception
    col = at.session_state["mapping"]["files"][0]["columns"]["PHQ9_9"]
    assert col == {"role": "sum_item", "measure": "phq9"}
    assert load_files(files, mapping=at.session_state["mapping"]).assessments.query(
        "measure == 'phq9'")["value"].tolist() == phq9


def test_a_visit_column_keeps_its_visit_when_its_role_is_changed_and_back():
    import clinic_export_pitfalls as pitfalls
    at = fresh_upload(pitfalls.wide_visit_columns())
    assert not at.exception, [e.value for e in at.exception]
    week4 = {"role": "measure", "measure": "pain_nrs", "offset_days": 28.0}
    assert at.session_state["mapping"]["files"][0]["columns"]["NRS week 4"] == week4
    role_boxes(at)["Role of NRS week 4"].set_value("list").run()     # another score role: still that visit
    assert not at.exception
    assert at.session_state["mapping"]["files"][0]["columns"]["NRS week 4"]["offset_days"] == 28.0
    role_boxes(at)["Role of NRS week 4"].set_value("measure").run()
    assert at.session_state["mapping"]["files"][0]["columns"]["NRS week 4"] == week4


def test_a_patient_id_written_once_per_patient_is_filled_down_with_a_checkbox():
    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    from test_clinic_export_pitfalls import FILLED_ONCE
    files = {"sheet.csv": FILLED_ONCE.encode()}
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    box = at.checkbox(key="_w_fill_0")
    assert box.label == "Patient id written only on each patient's first row: fill it down"
    assert box.value                                            # proposed: the id column has the mark
    assert at.session_state["mapping"]["files"][0]["fill_down"] == ["Patient"]
    filled = load_files(files, mapping=at.session_state["mapping"])
    assert sorted(filled.treatments["patient_id"]) == ["K01", "K02", "K03"] and filled.n_scores == 6

    # Unticked: the rows below each first row are excluded, and the load warns; the saved mapping has no fill_down.
    box.set_value(False).run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert "fill_down" not in doc["files"][0]
    plain = load_files(files, mapping=doc)
    assert plain.n_scores == 3 and len(plain.treatments) == 0
    assert any("written once per patient" in w for w in plain.report.warnings)

    # Ticked again: what the page downloads carries it, and a fresh session reads the same with that file.
    at.checkbox(key="_w_fill_0").set_value(True).run()
    assert not at.exception
    saved = export_spec.from_json(at.session_state["mapping"]).dumps()
    assert '"fill_down": [\n        "Patient"\n      ]' in saved
    again = load_files(files, mapping=export_spec.parse_bytes(saved.encode(), "m.json"))
    assert again.assessments.equals(filled.assessments) and again.treatments.equals(filled.treatments)

    # The id column given another role: it is no longer filled down (only the patient id is).
    role_boxes(at)["Role of Patient"].set_value("ignore").run()
    assert not at.exception
    assert "fill_down" not in at.session_state["mapping"]["files"][0]


def test_a_score_columns_visit_day_is_a_number_input_saved_in_the_mapping():
    import clinic_export_pitfalls as pitfalls
    files = pitfalls.wide_visit_columns()
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    offsets = {n.label: n for n in at.number_input if str(n.key or "").startswith("_w_col_")}
    # Shown for the score columns only (not for the id, sex or date columns); proposed from the headers.
    assert set(offsets) == {f"Days after the date of NRS {v}" for v in ("baseline", "day 1", "week 4", "week 12")}
    assert offsets["Days after the date of NRS week 4"].value == 28.0
    assert offsets["Days after the date of NRS baseline"].value is None

    def days(doc, pid="W01") -> list:
        a = load_files(files, mapping=doc).assessments
        return a.loc[a["patient_id"] == pid, "day"].tolist()
    assert days(at.session_state["mapping"]) == [0.0, 1.0, 28.0, 84.0]

    # Week 4 seen on day 21 instead: that score moves to day 21, in the mapping the page would download.
    offsets["Days after the date of NRS week 4"].set_value(21.0).run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert doc["files"][0]["columns"]["NRS week 4"] == {"role": "measure", "measure": "pain_nrs", "offset_days": 21.0}
    assert days(export_spec.parse_bytes(export_spec.from_json(doc).dumps().encode(), "m.json").to_json()) == \
        [0.0, 1.0, 21.0, 84.0]

    # Emptied: no visit offset, the score is at the row's date (day 0, beside the baseline).
    next(n for n in at.number_input if n.label == "Days after the date of NRS week 4").set_value(None).run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert "offset_days" not in doc["files"][0]["columns"]["NRS week 4"]
    assert not [w.value for w in at.warning if "Session State" in str(w.value)]


def test_a_none_of_these_checkbox_box_has_a_checkbox_saying_it_means_none():
    import clinic_export_probe4 as probe4
    files = probe4.redcap_regions_with_none()
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    # One per box of the checkbox group (4 limbs and 'None of these'), ticked for the box the dictionary labels None.
    boxes = [b for b in at.checkbox if str(b.key or "").endswith("_none")]
    assert [b.label for b in boxes] == ["means none (0)"] * 5
    assert [b.value for b in boxes] == [False, False, False, False, True]
    data = next(i for i, f in enumerate(at.session_state["mapping"]["files"]) if f.get("kind", "data") == "data")

    def regions(doc) -> dict:
        a = load_files(files, mapping=doc).assessments
        return a[a["measure"] == "regions_affected"].groupby("patient_id", observed=True)["value"].apply(list).to_dict()
    assert "R3" not in regions(at.session_state["mapping"])        # only None ticked: 0, out of the range 1+

    boxes[-1].set_value(False).run()                                # unticked: the box is counted as a region
    assert not at.exception
    doc = at.session_state["mapping"]
    assert "means_none" not in doc["files"][data]["columns"]["region___0"]
    assert regions(doc)["R3"] == [1.0, 1.0]

    at.checkbox(key=boxes[-1].key).set_value(True).run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert doc["files"][data]["columns"]["region___0"]["means_none"] is True
    assert '"means_none": true' in export_spec.from_json(doc).dumps()


def test_time_points_counted_from_the_infusion_date_show_that_date_in_a_selectbox():
    """The proposal counts 'Timepoint' from 'Infusion date' (counted_from): the day column's selectbox shows it;
    chosen empty, the mapping has plain day numbers (refused beside a date: said on the page, mapping kept);
    chosen again, the mapping the page downloads carries it and reads T1's days 0, 7, 28, 91."""
    import clinic_export_probe6 as probe6
    files = probe6.timepoints_beside_infusion_date()
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    box = next(sb for sb in at.selectbox if str(sb.key or "").endswith("_from"))
    assert box.label == "Counted from (date) of Timepoint" and box.value == "Infusion date"
    assert box.options == ["days since the first course", "after Infusion date"]

    box.set_value("").run()
    assert not at.exception
    assert at.session_state["mapping"]["files"][0]["columns"]["Timepoint"] == "day"

    at.selectbox(key=box.key).set_value("Infusion date").run()
    assert not at.exception
    doc = at.session_state["mapping"]
    assert doc["files"][0]["columns"]["Timepoint"] == {"role": "day", "counted_from": "Infusion date"}
    saved = export_spec.parse_bytes(export_spec.from_json(doc).dumps().encode(), "m.json")
    a = load_files(files, mapping=saved).assessments
    assert a.loc[a["patient_id"] == "T1", "day"].tolist() == [0.0, 7.0, 28.0, 91.0]


def test_an_unknown_answer_of_a_questionnaire_item_is_offered_in_the_text_answers_table():
    import test_questionnaire_answers as answers
    at = fresh_upload(answers.survey())
    assert not at.exception, [e.value for e in at.exception]
    offered = at.session_state["_w_text_frame"]
    assert {"Several dyas", "?", "refused"} <= set(offered["text answer"])


def test_a_redcap_export_whose_events_name_time_points_loads_in_the_assistant_with_its_note():
    """A longitudinal REDCap project without a date field: the event column is the day column (its events
    name time points), the page says so in the proposal's notes, and the mapping it would download loads the
    scores at days 0, 7 and 28."""
    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    from test_time_points_without_dates import _redcap
    files = _redcap(["baseline_arm_1", "week_1_arm_1", "week_4_arm_1"])
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    assert role_boxes(at)["Role of redcap_event_name"].value == "day"
    assert "its events name time points" in text(at)
    a = load_files(files, mapping=at.session_state["mapping"]).assessments
    assert sorted(a["day"].unique().tolist()) == [0.0, 7.0, 28.0]


def test_dates_saved_as_excel_serial_numbers_are_a_date_column_in_the_assistant():
    files = {"visits.csv": b"Patient,Visit date,Treatment,NRS\nA,45366,Ketamine,8\nA,45373,,5\nB,45370,Ketamine,7\n"
                           b"B,45377,,3\n"}
    at = fresh_upload(files)
    assert not at.exception, [e.value for e in at.exception]
    assert role_boxes(at)["Role of Visit date"].value == "date"
    assert "Excel serial numbers" in text(at)
    doc = at.session_state["mapping"]
    assert doc["files"][0]["columns"]["Visit date"] == {"role": "date", "format": "excel"}
    assert load_files(files, mapping=doc).assessments["day"].tolist() == [0.0, 7.0, 0.0, 7.0]


def test_a_multi_arm_redcap_project_shows_its_arm_as_the_treatment_and_loads():
    """A REDCap project whose arms are its treatment groups, with no treatment field: the assistant lists the
    column the proposal adds, 'redcap_arm', as the treatment; the data loads with one course per record and the
    page reports it (test_redcap_arms.py has the numbers)."""
    import test_redcap_arms as arms
    at = fresh_upload(arms._labels())
    assert not at.exception, [e.value for e in at.exception]
    boxes = role_boxes(at)
    assert boxes["Role of redcap_arm"].value == "treatment"
    assert "each record's arm is read as its treatment" in text(at)
    columns = next(f["columns"] for f in at.session_state["mapping"]["files"] if "columns" in f)
    assert columns["redcap_arm"] == "treatment"
    assert sum(load_counts(at).values()) == 9  # every row of the export used
