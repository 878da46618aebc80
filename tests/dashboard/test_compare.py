"""The "Compare treatments" page (issue 16) through AppTest: it runs on the demo cohort, shows the
numbers of the analysis API, names the estimand, and says why a part cannot be computed."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import build_episodes, load_dataset
from analysis import comparisons as C
from analysis.definitions import Definitions
from analysis.duration import ESTIMAND_CENSORED

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")


def _page():
    at = AppTest.from_file(APP, default_timeout=120).run()
    return at.switch_page("content/compare.py").run()


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
        [w.value for w in at.warning] + [h.value for h in at.header]
    return "\n".join(map(str, parts))


def test_compare_page_on_the_demo_cohort():
    at = _page()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = _text(at)
    for heading in ("Responders", "Hazard of losing relief", "Treatment effect by subgroup",
                    "Re-treatment during relief: three estimands", "Boosters: response and relief by course"):
        assert heading in text
    assert ESTIMAND_CENSORED in text
    assert len(at.get("plotly_chart")) == 3
    # the hazard ratios shown are the API's
    ep = build_episodes(load_dataset(ROOT / "data" / "demo"), Definitions())
    ref = at.selectbox(key="cmp_reference").value
    cox = C.relief_hazard_model(ep, reference=ref).table
    shown = at.dataframe[1].value
    first = cox.iloc[0]
    assert f"{first['hazard_ratio']:.2f} ({first['ci_low']:.2f} to {first['ci_high']:.2f})" in \
        shown.iloc[0, 1]


def test_adjusting_for_the_dose_explains_what_cannot_be_computed():
    at = _page()
    at.multiselect(key="cmp_covariates").set_value(["dose_mg_per_kg_h"]).run()
    assert not at.exception, [e.value for e in at.exception]
    # physical therapy has no dose: the rows left are ketamine only; either a comparison of the two
    # ketamine treatments is shown, or a warning says why a part was not computed
    assert not at.error, [e.value for e in at.error]
    assert "dose_mg_per_kg_h" in " ".join(str(x) for x in at.dataframe[1].value["term"]) or at.warning
