"""Review R2 (items 11, 12, 13, 14) through AppTest: Compare treatments names the course variables in
words, the Patient timeline lists patients in natural order and shows its episode table whole, and a
``?by=`` address says which grouping the page really uses."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_compare_treatments_shows_the_course_variables_in_words():
    at = _app()
    at.switch_page("content/compare.py").run()
    _clean(at)
    assert "course (1st, 2nd, 3rd+)" in at.multiselect(key="cmp_subgroups").options
    assert "course number" in at.multiselect(key="cmp_covariates").options
    at.multiselect(key="cmp_covariates").set_value(["course_number"]).run()
    _clean(at)
    shown = " ".join(str(v) for t in at.dataframe for v in [*t.value.columns, *t.value.to_numpy().ravel()])
    captions = " ".join(c.value for c in at.caption)
    assert "course_number" not in shown + captions and "course_band" not in shown + captions
    assert "course number (per additional course)" in shown and "adjusted for course number" in shown


def test_the_timeline_lists_patients_in_natural_order_and_shows_the_episode_table_whole():
    from tests.dashboard.test_app import upload
    rows = "".join(f"P{i},-1,8\nP{i},1,4\nP{i},20,6\n" for i in (1, 10, 2, 11))
    files = {"assessments.csv": ("patient_id,day,pain_nrs\n" + rows).encode(),
             "treatments.csv": b"patient_id,day,treatment\n" + b"".join(
                 f"P{i},0,ketamine_iv\n".encode() for i in (1, 10, 2, 11))}
    at = _app()
    upload(at, files)
    at.switch_page("content/timeline.py").run()
    _clean(at)
    assert at.selectbox(key="tl_patient").options == ["P1", "P2", "P10", "P11"]
    # a static table (its text wraps), not a scrolling grid that cuts the outcome sentences
    episodes = at.table[0].value
    assert len(episodes) == 1 and episodes["Outcome"].iloc[0] == "relief lost on day 20 (20 days after the start)"
    assert "Immediate (day: score, relief)" in episodes.columns
    assert not [d for d in at.dataframe if "Outcome" in d.value.columns]


@pytest.mark.parametrize("by, says, used", [
    ("a,b,c", "'a', 'b', 'c' are not groupings of this data", []),
    ("a,sex", "'a' is not a grouping of this data", ["sex"]),
    ("sex,site,age_band", "at most 2 groupings at once", ["sex", "site"]),
])
def test_a_grouping_in_the_address_says_what_the_page_uses(by, says, used):
    at = _app(by=by)
    _clean(at)
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert says in warning, warning
    result = f"grouped by {' and '.join(used)}" if used else "no grouping is used: all episodes together"
    assert result in warning, warning
    assert at.sidebar.multiselect(key="grp_by").value == used
    at.switch_page("content/pain_relief.py").run()
    _clean(at)
    assert at.sidebar.multiselect(key="grp_by").value == used


def test_a_valid_grouping_in_the_address_gives_no_message():
    at = _app(by="treatment,sex")
    _clean(at)
    assert not any("grouping" in w.value for w in at.warning)
    assert at.sidebar.multiselect(key="grp_by").value == ["treatment", "sex"]
