"""End-to-end: a French clinic's workbook (.xlsx) uploaded as it is, in a real Chromium.

The workbook holds the typed cells Excel would (date cells, time cells, numbers) of the French
spreadsheet of tests/analysis/clinic_export_shapes.py. The import assistant reads its sheet; the
Pain relief page then shows the immediate responder rate that the analysis API computes from the
cohort's canonical files. Screenshots go to artifacts/screenshots/.
"""
from __future__ import annotations

import sys
from pathlib import Path

from test_browser import SHOTS, _no_errors, _open_in_app, _wait_for_text, _wait_idle, browser, server  # noqa: F401  (fixtures)

from analysis import Definitions, build_episodes, load_files, responder_rate
from analysis.present import formatting

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402
from test_workbooks import SPREADSHEETS, _typed_rows, _xlsx  # noqa: E402


def test_a_french_workbook_uploaded_as_it_is(server, browser, tmp_path):  # noqa: F811
    shape = ces.export_shape("spreadsheet_fr", ces.make_cohort(30, seed=5))
    (csv_name, csv_bytes), = shape.files.items()
    encoding, titles, date_col, fmt, time_col, text_cols, _ = SPREADSHEETS["spreadsheet_fr"]
    book = tmp_path / "Suivi_ketamine.xlsx"
    book.write_bytes(_xlsx({"Suivi": _typed_rows(csv_bytes, encoding, titles, date_col, fmt, time_col, text_cols)}))
    r = responder_rate(build_episodes(load_files(shape.canonical), Definitions()), by=["treatment"])
    row = r[r["treatment"] == "Kétamine IV"].iloc[0]
    expected = formatting.fmt_estimate(row.estimate, row.ci_low, row.ci_high)

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/data")
    page.get_by_role("heading", name="Data").first.wait_for(timeout=30_000)
    page.get_by_text("Upload your own data").click()
    page.locator("[data-testid=stFileUploader] input[type=file]").first.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(str(book))
    page.get_by_role("heading", name="Import assistant").wait_for(timeout=60_000)
    page.get_by_text("Loaded: Uploaded: Suivi_ketamine.xlsx").wait_for(timeout=60_000)
    _wait_idle(page)
    _no_errors(page)
    page.get_by_text("the sheet 'Suivi' was read as Suivi_ketamine.csv", exact=False).first.wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / "import_assistant_workbook.png"))
    _open_in_app(page, "Pain relief", "pain_relief")
    _no_errors(page)
    _wait_for_text(page, expected.split(")")[0], "Pain relief", "pain_relief")
    page.screenshot(path=str(SHOTS / "pain_relief_workbook.png"))
    page.close()
