"""The Secondary outcomes page's definitions for the PHQ-9 state one threshold: the PHQ-9's response.

The foot of the page listed "Response: a reduction from baseline of at least 50%" next to "Relief
duration: ... relief < 30%" (pain's responder threshold): two thresholds for one measure. The page now
prints the definitions of :func:`analysis.definitions.definitions_for_measure`, as summarize and the
export do. The cohort: 12 patients, one ketamine course each, pain 8 then 3, PHQ-9 12 then 4.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def cohort_zip() -> bytes:
    rows = ["patient_id,day,pain_nrs,phq9"]
    for i in range(12):
        rows += [f"P{i:02d},-1,8,12", f"P{i:02d},1,3,4", f"P{i:02d},30,4,6"]
    treatments = "patient_id,day,treatment\n" + "".join(f"P{i:02d},0,ketamine_iv\n" for i in range(12))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("assessments.csv", "\n".join(rows) + "\n")
        z.writestr("treatments.csv", treatments)
    return buf.getvalue()


@pytest.fixture(scope="module")
def secondary_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([("phq9.zip", cohort_zip(), "application/zip")]).run()
    at.switch_page("content/secondary.py").run()
    assert not at.exception and not at.error
    return at


def test_the_phq9_definitions_give_the_relief_duration_at_the_phq9_response_not_at_pains_30_percent(secondary_page):
    assert secondary_page.selectbox(key="sec_measure").value == "phq9"
    definitions = [c.value for c in secondary_page.caption if "Relief duration:" in c.value]
    assert len(definitions) == 1
    text = definitions[0].replace("\\<", "<")  # the page escapes "<" for Markdown
    assert "Response: a reduction from baseline of at least 50%" in text
    assert "relief < 50%" in text and "< 30%" not in text
