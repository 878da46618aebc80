"""Uploading a workbook on the Data page: its sheets are read as CSV files, and the page says which."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def _demo_workbook() -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        for n in ("assessments", "treatments", "patients"):
            pd.read_csv(ROOT / "data" / "demo" / f"{n}.csv", dtype={"patient_id": str}).to_excel(
                w, sheet_name=n, index=False)
    return buf.getvalue()


def test_a_workbook_upload_loads_its_sheets_and_says_how_they_were_read():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([("clinic.xlsx", _demo_workbook(), "application/octet-stream")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.caption)
    assert "clinic.xlsx: the sheet 'assessments' was read as assessments.csv (16,750 rows)." in captions
    assert any("Loaded" in s.value for s in at.success)
    at.switch_page("content/overview.py").run()
    assert not at.exception
    assert at.metric[0].value == "800"  # the demo's patients
