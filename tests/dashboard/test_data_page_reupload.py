"""Uploading a corrected export again keeps the clinician's edits of its mapping (session 13 review, finding 1).

An edit is where the mapping differs from the proposal it started from. A new upload of the same export
proposes its mapping again; the edits whose file and column still exist are applied to it, the others are
listed as dropped, and a button starts again from the proposal.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402


def _upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()
    return at


def _role(at: AppTest, header: str):
    col = next(fd["columns"][header] for fd in at.session_state["mapping"]["files"] if header in fd.get("columns", {}))
    return col if isinstance(col, str) else col["role"]


def _redcap_upload():
    """A REDCap export uploaded on the Data page."""
    shape = ces.export_shape("redcap_raw", ces.make_cohort(12, seed=3))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    _upload(at, shape.files)
    return at, shape


def _edited_redcap_upload():
    """A REDCap export uploaded, then on the Data page: PHQ-9 ignored, a region box ignored, 3 days a course."""
    at, shape = _redcap_upload()
    next(sb for sb in at.selectbox if sb.label == "Role of phq9_total").set_value("ignore").run()
    next(sb for sb in at.selectbox if sb.label == "Role of regions___2").set_value("ignore").run()
    at.number_input(key="_w_gap_days").set_value(3.0).run()
    assert not at.exception, [e.value for e in at.exception]
    return at, shape


def _corrected(files: dict[str, bytes], drop_column: str | None = None) -> dict[str, bytes]:
    """The same export with its last data row removed (a corrected file), and optionally a column less."""
    data = next(n for n in files if "DATA" in n)
    frame = pd.read_csv(io.BytesIO(files[data]), dtype=str, keep_default_na=False).iloc[:-1]
    if drop_column:
        frame = frame.drop(columns=drop_column)
    return {**files, data: frame.to_csv(index=False).encode()}


def test_a_corrected_upload_keeps_the_roles_and_options_the_clinician_changed_and_says_so():
    at, shape = _edited_redcap_upload()
    _upload(at, _corrected(shape.files))
    assert not at.exception, [e.value for e in at.exception]
    assert _role(at, "phq9_total") == "ignore"
    assert _role(at, "regions___2") == "ignore"
    assert at.session_state["mapping"]["courses"]["gap_days"] == 3.0
    assert "phq9" not in at.session_state["ctx"].dataset.measures
    said = " ".join(i.value for i in at.info)
    assert "Your changes to 2 columns were kept: 'phq9_total', 'regions___2'" in said
    assert "days between courses" in said


def test_changes_to_a_column_no_longer_in_the_files_are_listed_as_dropped():
    at, shape = _edited_redcap_upload()
    _upload(at, _corrected(shape.files, drop_column="regions___2"))
    assert _role(at, "phq9_total") == "ignore"
    said = " ".join(i.value for i in at.info)
    assert "Your changes to 1 column were kept: 'phq9_total'" in said
    assert "changes to columns no longer in the files were dropped: 'regions___2'" in said


def test_the_clinician_can_start_again_from_the_proposal_after_a_reupload():
    at, shape = _edited_redcap_upload()
    _upload(at, _corrected(shape.files))
    at.button(key="assist_start_again").click().run()
    assert _role(at, "phq9_total") == "measure"
    assert at.session_state["mapping"]["courses"]["gap_days"] == 7.0
    assert "phq9" in at.session_state["ctx"].dataset.measures
    assert not any("were kept" in i.value for i in at.info)


def test_a_first_upload_and_an_unedited_reupload_say_nothing_about_kept_changes():
    at, shape = _redcap_upload()
    _upload(at, _corrected(shape.files))
    assert _role(at, "phq9_total") == "measure"
    assert not any("were kept" in i.value for i in at.info)


def test_edits_survive_removing_the_old_data_file_and_adding_the_corrected_one():
    # In the browser a clinic removes the old file (its x) and then adds the corrected one: for a moment
    # the upload is the data dictionary alone, which has none of the data file's columns.
    at, shape = _edited_redcap_upload()
    dictionary = {n: b for n, b in shape.files.items() if "Dictionary" in n}
    _upload(at, dictionary)
    assert not at.exception, [e.value for e in at.exception]
    assert "are kept for when that file is uploaded again" in " ".join(i.value for i in at.info)
    _upload(at, _corrected(shape.files))
    assert _role(at, "phq9_total") == "ignore"
    assert _role(at, "regions___2") == "ignore"
    assert at.session_state["mapping"]["courses"]["gap_days"] == 3.0
    assert "Your changes to 2 columns were kept" in " ".join(i.value for i in at.info)
