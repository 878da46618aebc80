"""The Secondary outcomes and Pain relief pages say why they have nothing to show, and call it small-cell
suppression only when groups were hidden for their size (review R2, items 3 and 4).

Two clinics: a ketamine clinic that charts the PHQ-9 only at weeks 4 and 12 (no baseline; 30 patients), and
a physical therapy clinic that scores pain once a week (no score within 2 days after a session; 25 patients).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def _ketamine_with_follow_up_phq9(n: int = 30) -> dict:
    a, t = ["patient_id,day,pain_nrs,phq9"], ["patient_id,day,treatment"]
    for i in range(n):
        a += [f"K{i},-1,8,", f"K{i},1,{3 + i % 4},", f"K{i},28,{5 + i % 3},{8 + i % 5}", f"K{i},84,6,{7 + i % 6}"]
        t.append(f"K{i},0,Ketamine")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def _weekly_physical_therapy(n: int = 25) -> dict:
    a, t = ["patient_id,day,pain_nrs"], ["patient_id,day,treatment"]
    for i in range(n):
        a += [f"C{i},0,7"] + [f"C{i},{7 * w},{max(7 - w, 2)}" for w in range(1, 8)]
        t.append(f"C{i},0,Physical Therapy Session")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def _zip(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def _page(files: dict, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([("clinic.zip", _zip(files), "application/zip")]).run()
    at.switch_page(f"content/{page}.py").run()
    assert not at.exception and not at.error
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning] + \
        [i.value for i in at.info]
    return "\n".join(str(p) for p in parts).replace("\\<", "<")


@pytest.fixture(scope="module")
def secondary_page() -> AppTest:
    return _page(_ketamine_with_follow_up_phq9(), "secondary")


@pytest.fixture(scope="module")
def pain_relief_page() -> AppTest:
    return _page(_weekly_physical_therapy(), "pain_relief")


def test_a_phq9_without_baseline_gives_the_reason_and_what_to_do_instead_of_four_empty_charts(secondary_page):
    assert secondary_page.selectbox(key="sec_measure").value == "phq9"
    warnings = [w.value for w in secondary_page.warning]
    assert len(warnings) == 1
    assert warnings[0].startswith("No episode has a baseline PHQ-9 depression score within the baseline window "
                                  "(14 days before the start)")
    assert "widen the Baseline window" in warnings[0]
    assert not secondary_page.get("plotly_chart")
    text = _text(secondary_page)
    assert "Not drawn: PHQ-9 depression over time, change from baseline, response, remission, and their tables." in text
    assert "large enough" not in text and "nan" not in text


def test_a_weekly_therapy_log_says_no_score_was_taken_in_the_immediate_window_not_that_it_is_hidden(pain_relief_page):
    warnings = [w.value for w in pain_relief_page.warning]
    assert len(warnings) == 1
    assert warnings[0].startswith("No episode has a Pain NRS score in the immediate window")
    assert "see Relief over time, or widen the Immediate window" in warnings[0]
    text = _text(pain_relief_page)
    assert "identify individuals" not in text and "Not shown" not in text and "large enough" not in text
    assert not pain_relief_page.get("plotly_chart")    # no empty chart with a download button under it


def test_a_weekly_therapy_log_draws_the_cumulative_curve_in_a_week_with_scores(pain_relief_page):
    pain_relief_page.selectbox(key="cum_when").set_value("Week 4").run()
    assert not pain_relief_page.exception
    assert len(pain_relief_page.get("plotly_chart")) == 1
