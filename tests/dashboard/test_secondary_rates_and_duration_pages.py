"""The Secondary outcomes page prints response and remission with their intervals and n; the Relief
duration page gives the interval of a median that is not reached.

A clinic's upload with one follow-up week (a REDCap project with a week-4 visit) is the case that hid
the numbers: response and remission appeared only in charts, n and the interval only on hover, and the
single point's band had no width. The cohort: 20 patients, one ketamine course each, pain 8 at
baseline and 3 the day after (all immediate responders); 7 lose relief on day 14 (pain 8), the others
keep it to day 60, so fewer than half lose relief (median not reached) while the lower limit of the
interval is reached. PHQ-9 12 at baseline (one patient 4) and in week 4: 6 score 4, 4 score 6, 6
score 8, 3 score 12, the patient with baseline 4 scores 4: response (>= 50% reduction) 10/20 = 50%,
remission (< 5) 7/20 = 35%, at baseline 1/20 = 5%.

Expected values come from the analysis API, not from the pages' code path.
"""
from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.duration import relief_duration
from analysis.episodes import build_episodes
from analysis.present.formatting import fmt_estimate
from analysis.secondary import remission_over_time

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
WEEK4_PHQ9 = [4] * 6 + [6] * 4 + [8] * 6 + [12] * 3 + [4]


def cohort_files() -> dict[str, bytes]:
    rows = ["patient_id,day,pain_nrs,phq9"]
    for i, score in enumerate(WEEK4_PHQ9):
        p = f"P{i:02d}"
        rows += [f"{p},-1,8,{4 if i == 19 else 12}", f"{p},1,3,"]
        rows += [f"{p},14,8,", f"{p},25,8,{score}"] if i < 7 else [f"{p},25,3,{score}", f"{p},60,3,"]
    treatments = "patient_id,day,treatment\n" + "".join(f"P{i:02d},0,ketamine_iv\n" for i in range(20))
    return {"assessments.csv": ("\n".join(rows) + "\n").encode(), "treatments.csv": treatments.encode()}


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def arr(v) -> list:
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value([("week4.zip", _zip(cohort_files()), "application/zip")]).run()
    assert not at.exception and not at.error
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"content/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def rates_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "outcome" in d.value.columns]
    assert len(tables) == 1, "one table of response and remission beside the charts"
    return tables[0]


def test_the_secondary_page_prints_response_and_remission_per_week_with_interval_and_n(app):
    at = goto(app, "secondary")
    assert at.selectbox(key="sec_measure").value == "phq9"
    t = rates_table(at)
    rows = {(r.outcome, int(r.week)): r for r in t.itertuples()}
    assert set(rows) == {("Response (\u2265 50% reduction)", 4), ("Remission (score < 5)", 0),
                         ("Remission (score < 5)", 4)}
    ds = load_files(cohort_files())
    remission = remission_over_time(build_episodes(ds, Definitions(measure="phq9")), by=("treatment",))
    for week, count in ((0, "1/20"), (4, "7/20")):
        r = remission[remission["week"] == week].iloc[0]
        shown = rows[("Remission (score < 5)", week)]
        assert shown[4] == fmt_estimate(r.estimate, r.ci_low, r.ci_high)   # "35% (95% CI 18–57%)"
        assert (shown[5], shown[6]) == (count, 20)
    response = rows[("Response (\u2265 50% reduction)", 4)]
    assert response[4].startswith("50% (95% CI ") and (response[5], response[6]) == ("10/20", 20)


def test_a_single_follow_up_week_shows_its_interval_as_an_error_bar_on_whole_week_ticks(app):
    at = goto(app, "secondary")
    charts = {json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
              for c in at.get("plotly_chart")}
    response = next(v for k, v in charts.items() if "response" in k)
    point = next(tr for tr in response["data"] if "markers" in (tr.get("mode") or ""))
    assert arr(point["x"]) == [4]
    up, down = arr(point["error_y"]["array"])[0], arr(point["error_y"]["arrayminus"])[0]
    assert up > 10 and down > 10                                      # percentage points either side of 50%
    assert "bars and bands" in response["layout"]["title"]["subtitle"]["text"]
    weekly = [k for k in charts if "spread" not in k.lower() and "regions" not in k.lower()]
    assert len(weekly) == 4                                           # scores, change, response, remission
    for title in weekly:
        axis = charts[title]["layout"]["xaxis"]
        assert (axis["dtick"], axis["tick0"]) == (1, 0), title           # weeks 0, 1, 2 ... never 0.5


def test_the_duration_page_gives_the_lower_limit_of_a_median_not_reached(app):
    ds = load_files(cohort_files())
    med = relief_duration(build_episodes(ds, Definitions()), ("treatment",)).medians().iloc[0]
    assert np.isnan(med["estimate"]) and np.isfinite(med["ci_low"])
    at = goto(app, "relief_duration")
    cell = at.table[0].value["Median duration (95% CI)"].iloc[0]
    assert cell == f"not reached (95% CI {med['ci_low']:.0f}\u2013not reached)"
