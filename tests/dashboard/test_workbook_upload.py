"""Uploading a workbook on the Data page: its sheets are read as CSV files, and the page says which; an SPSS, Stata
or SAS file likewise (its CSV)."""
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


def test_a_stata_file_upload_is_read_as_its_csv_and_the_page_says_how():
    """A study's .dta, uploaded alone: read as study.csv with its value labels, then loaded as an export."""
    import datetime as dt

    rows = [(f"K{i:02d}", 1 if i % 3 else 2, pd.Timestamp(dt.date(2024, 1, 8) + dt.timedelta(days=7 * i)),
             8.0, 4.0 if i % 3 else 7.0) for i in range(1, 7)]
    df = pd.DataFrame(rows, columns=["pid", "treatment", "infusion_date", "nrs_pre", "nrs_post"])
    buf = io.BytesIO()
    df.to_stata(buf, write_index=False, convert_dates={"infusion_date": "td"},
                value_labels={"treatment": {1: "Ketamine", 2: "Physical therapy"}})
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([("study.dta", buf.getvalue(), "application/octet-stream")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.caption)
    assert "study.dta (a Stata data file) was read as study.csv (6 rows, 5 variables)." in captions
    assert "In memory: study.csv (229 bytes)" in captions
    assert any("Loaded" in s.value for s in at.success)
    at.switch_page("content/overview.py").run()
    assert not at.exception
    assert at.metric[0].value == "6"
