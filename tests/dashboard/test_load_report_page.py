"""The Data page's load report and import preview as a clinician reads them: counts that add up, the workbook and
sheet the user gave, choice codes decoded, days with their hours, patients in the order of their numbers."""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
from test_load_report_counts import infusion_book  # noqa: E402
from test_redcap_float_codes import AS_REDCAP, _export  # noqa: E402


def uploaded(files: list) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value(files).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in getattr(d.value, "columns", []))


def test_the_file_table_and_the_list_of_exclusions_add_up_and_name_the_workbook_and_its_sheet():
    at = uploaded([("log.xlsx", infusion_book(), "application/octet-stream")])
    files = frame(at, "rows used with a value excluded")
    assert files["file"].tolist() == ["log.xlsx, sheet 'Infusions'"]
    assert files[["rows excluded", "rows used with a value excluded"]].iloc[0].tolist() == [1, 1]
    shown = "\n".join(m.value for m in at.markdown)
    assert "**Excluded rows and values** (2 rows: 1 excluded, 1 used with a value excluded;" in shown
    assert set(frame(at, "reason")["file"]) == {"log.xlsx, sheet 'Infusions'"}
    assert [s.value for s in at.success] == ["Loaded: log.xlsx (uploaded)."]


def test_the_preview_shows_decoded_choices_hours_after_the_infusion_and_patients_by_number():
    codes = [(f"{s}.0", f"{d}.0") for s, d in AS_REDCAP * 2]   # 12 patients, codes written 1.0 by a spreadsheet
    at = uploaded([(n, b, "text/csv") for n, b in _export(codes).items()])
    patients = [m.value for m in at.markdown if m.value.startswith("Patient `")]
    assert [p.split("`")[1] for p in patients] == ["1", "2", "3"]
    courses = frame(at, "administrations")  # the first patient's courses (dataframes carry no key in the test tree)
    assert courses["treatment"].tolist() == ["Ketamine"]
    assert frame(at, "measure")["day"].tolist() == ["0", "0 + 1 h"]
    assert "choice codes of 'sex' (1.0 as 1, 'Female'" in "\n".join(c.value for c in at.caption)
    assert at.number_input(key="_w_gap_days").proto.format == "%g"  # 7, not 7.00
