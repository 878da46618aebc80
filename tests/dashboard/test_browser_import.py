"""End-to-end: a REDCap export uploaded through the import assistant in a real Chromium (issue 14).

The server and browser fixtures are those of test_browser.py. The REDCap raw export and its data
dictionary (tests/analysis/clinic_export_shapes.py) are uploaded as one zip; the assistant shows
what it detected; the Pain relief page then shows the immediate responder rate that the analysis
API computes from the same files. Screenshots go to artifacts/screenshots/.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from test_browser import CHART, SHOTS, _no_errors, _open_in_app, _wait_for_text, _wait_idle, browser, server  # noqa: F401  (fixtures)

from analysis import Definitions, build_episodes, load_files, responder_rate
from analysis.present import formatting

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "analysis"))
import clinic_export_shapes as ces  # noqa: E402


def test_redcap_export_through_the_import_assistant(server, browser, tmp_path):  # noqa: F811
    shape = ces.export_shape("redcap_raw", ces.make_cohort(30, seed=5))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in shape.files.items():
            z.writestr(name, data)
    zpath = tmp_path / "redcap_export.zip"
    zpath.write_bytes(buf.getvalue())
    # What the page must show: the proposal's reading, as the API gives it.
    ds = load_files(shape.files)
    r = responder_rate(build_episodes(ds, Definitions()), by=["treatment"])
    row = r[r["treatment"] == ces.KETAMINE].iloc[0]
    expected = formatting.fmt_estimate(row.estimate, row.ci_low, row.ci_high)

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 3000})
    page.goto(f"{server}/data")
    page.get_by_role("heading", name="Data").first.wait_for(timeout=30_000)
    page.get_by_text("Upload your own data").click()
    page.locator("[data-testid=stFileUploader] input[type=file]").first.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(str(zpath))
    page.get_by_role("heading", name="Import assistant").wait_for(timeout=60_000)
    page.get_by_text("Loaded: Uploaded: redcap_export.zip").wait_for(timeout=60_000)
    _wait_idle(page)
    _no_errors(page)
    page.get_by_text("redcap export", exact=False).first.wait_for(timeout=10_000)
    page.screenshot(path=str(SHOTS / "import_assistant_redcap.png"))
    page.screenshot(path=str(SHOTS / "import_assistant_top.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 1500})
    _open_in_app(page, "Pain relief", "pain_relief")
    _no_errors(page)
    _wait_for_text(page, expected.split(")")[0], "Pain relief", "pain_relief")
    page.screenshot(path=str(SHOTS / "pain_relief_redcap.png"))
    page.close()
