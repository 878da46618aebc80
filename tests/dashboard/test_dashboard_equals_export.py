"""For the same state, every page of the dashboard shows the numbers the export writes (issue 12).

One browser session (``AppTest``) is set up as a user would: grouped by treatment and sex, filtered
to the upper limb, a responder threshold of 40% (not the default) and a minimum group size of 50
patients, which hides a group (physical therapy, men: 41 patients) and many late weekly cells. The
same session builds the export on its Export page (no images). Each page is then run, and the
numbers it shows (its tables and text) are compared with the export's CSV tables: the rows the export
marks as not suppressed, formatted with the helpers the pages use, must be exactly what the page
shows, and the groups the export suppresses must not be shown. Every chart the page draws has the
same traces (points, intervals, hover text with n) as the export's chart of the same name.

The export and the pages call the same panel functions (``analysis.present``); this test is what
keeps them from drifting apart again. ``test_the_comparison_fails_for_another_threshold`` shows that
it can fail: the page at the default threshold does not match the export at 40%.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.present.formatting import (
    duration_table, fmt_estimate, fmt_p, format_result, relief_summary_table, weekly_n_table,
)
from analysis.definitions import Definitions
from analysis.export import compute_results
from analysis.load import load_dataset
from analysis.present.labels import row_labels
from analysis.present.secondary import rates_table

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
STATE = {"thr": "40", "by": "treatment,sex", "fcov": "limb", "f.limb": "upper", "min": "50"}
BY = ["treatment", "sex"]
HIDDEN_GROUP = "physical_therapy / M"


def new_app(state: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in state.items():
        at.query_params[k] = v
    return at.run()


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"content/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
        [w.value for w in at.warning]
    return "\n".join(map(str, parts))


def export_tables(at: AppTest) -> tuple[dict[str, pd.DataFrame], dict]:
    """Build the export on the Export page of this session (tables only): its CSV tables and manifest."""
    goto(at, "export")
    at.multiselect(key="exp_formats").set_value([]).run()
    at.button(key="exp_build").click().run()
    assert not at.exception and not at.error
    tables = {}
    with zipfile.ZipFile(io.BytesIO(at.session_state["exp_zip"])) as z:
        manifest = json.loads(z.read("crps_outcomes_export/manifest.json"))
        for name in z.namelist():
            if "/tables/" in name and name.endswith(".csv"):
                t = pd.read_csv(io.BytesIO(z.read(name)), keep_default_na=False, na_values=[""])
                # undo the spreadsheet-formula guard ("-" became "'-"): the page shows the text itself
                for c in t.columns:
                    if t[c].dtype == object:
                        t[c] = t[c].map(lambda v: v[1:] if isinstance(v, str) and v.startswith("'") else v)
                tables[Path(name).stem] = t
    return tables, manifest


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an export table that are not suppressed."""
    return table[~table["suppressed"].astype(bool)].drop(
        columns=["suppressed", "suppression_note", "group_patients"], errors="ignore").reset_index(drop=True)


def hidden_labels(table: pd.DataFrame, by=BY) -> set:
    """Groups whose every row the export suppresses."""
    lab = row_labels(table, by)
    sup = table["suppressed"].astype(bool)
    return {g for g in set(lab) if sup[(lab == g).to_numpy()].all()}


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index(drop=True).astype(object).where(df.reset_index(drop=True).notna(), "").astype(str)
    out.columns = [str(c) for c in out.columns]
    return out


def assert_same_table(page: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    pd.testing.assert_frame_equal(as_text(page), as_text(expected), check_dtype=False, obj=what)


@pytest.fixture(scope="module")
def session():
    at = new_app(STATE)
    return (at, *export_tables(at))


@pytest.fixture(scope="module")
def export_charts(session):
    """The export's charts (screen style, as in its report) for the state its manifest records."""
    _at, _tables, manifest = session
    results = compute_results(load_dataset(ROOT / "data" / "demo"), Definitions.from_dict(manifest["definitions"]),
                              tuple(manifest["by"]), manifest["filters"])
    return {c.name: json.loads(c.build("screen").to_json())["data"] for c in results.charts}


# ---------------------------------------------------------------------------------------------- pages
def check_overview(at, ex):
    goto(at, "overview")
    # "Table 1": the same cells (n (%), median [IQR], "<min" where a cell counts fewer patients)
    t1 = ex["table1_wide"]
    assert len(t1) and (t1 == "<50").any().any()  # a cell too small to show
    assert_same_table(at.dataframe[1].value, t1, "Table 1")
    long = ex["table1"]
    patients = long[(long["group"] == "All") & (long["variable"] == "Patients")]["n"].iloc[0]
    assert at.metric[0].value == f"{int(patients):,}"
    assert_same_table(at.dataframe[2].value, ex["episode_exclusions"], "episodes excluded")


def check_pain_relief(at, ex):
    goto(at, "pain_relief")
    imm, rates = ex["immediate_relief"], ex["responder_rates"]
    expected = relief_summary_table(shown(imm), shown(rates), BY)
    assert_same_table(at.table[0].value, expected, "mean relief and responder rates")
    text = page_text(at)
    main = shown(rates)[shown(rates)["threshold"] == 40.0]
    assert len(main)
    for r in main.itertuples():
        assert f"**{fmt_estimate(r.estimate, r.ci_low, r.ci_high, r.n)}** episodes" in text
    for g in hidden_labels(rates):
        assert f"**{g}**" not in text and g in text  # not shown, but named in the note


def check_relief_over_time(at, ex):
    goto(at, "relief_over_time")
    wk = shown(ex["relief_over_time"])
    assert len(wk)
    for i, (stat, kind) in enumerate((("mean_relief_pct", "percent"), ("responder_rate", "proportion")), start=1):
        expected = format_result(wk[wk["statistic"] == stat], BY, kind=kind, extra=("week",))
        assert_same_table(at.dataframe[i].value, expected, stat)
    n = weekly_n_table(wk, BY, statistic="mean_relief_pct").set_index("week").T
    assert [int(x) for x in at.dataframe[0].value.iloc[:, 1:].fillna(-1).to_numpy().ravel()] == \
        [int(x) for x in n.fillna(-1).to_numpy().ravel()]
    assert HIDDEN_GROUP in page_text(at)


def check_relief_duration(at, ex):
    goto(at, "relief_duration")
    expected = duration_table(shown(ex["relief_duration_medians"]), shown(ex["relief_duration_survival_at"]),
                                    BY, conf_level=0.95)
    assert len(expected)
    assert_same_table(at.table[0].value, expected, "median relief duration")
    lr = ex["logrank"].set_index("analysis").loc["relief duration"]
    assert f"\u03c7\u00b2 = {lr['chi2']:.2f} on {int(lr['df'])} df, {fmt_p(lr['p_value'])}" in page_text(at)
    assert HIDDEN_GROUP not in str(lr["groups"])


def check_secondary(at, ex):
    goto(at, "secondary")
    assert at.selectbox(key="sec_measure").value == "phq9"
    sc = shown(ex["phq9_scores"])
    assert len(sc)
    expected = format_result(sc[sc["statistic"] == "mean_score"], BY, kind="number", extra=("week",))
    assert_same_table(at.dataframe[1].value, expected, "PHQ-9 weekly mean scores")
    # response and remission per week, beside their charts: the export's rows that are not suppressed
    expected = rates_table(shown(ex["phq9_response"]), shown(ex["phq9_remission"]), BY, "phq9")
    assert len(expected) and expected["outcome"].nunique() == 2
    assert_same_table(at.dataframe[0].value, expected, "PHQ-9 response and remission")
    med = shown(ex["time_to_spread_medians"])
    assert len(med)
    expected = duration_table(med, med.iloc[0:0], BY, conf_level=0.95).rename(columns={
        "n (responders)": "n (episodes)", "Median duration (95% CI)": "Median time to spread (95% CI)"})
    assert_same_table(at.table[0].value, expected, "median time to spread")


def _ci(e, lo, hi, scale=1.0, digits=2, unit=""):
    if pd.isna(e):
        return "not estimable"
    return f"{scale * e:.{digits}f}{unit} ({scale * lo:.{digits}f} to {scale * hi:.{digits}f})"


def check_compare(at, ex):
    goto(at, "compare")
    rc = ex["comparison_responders"]
    rc = rc[rc["n"].fillna(0) > 0]  # an outcome no episode has is one sentence under the page's table
    page = at.dataframe[0].value
    expected = [("not estimable (see below)" if pd.isna(r.estimate) else  # the reason is a sentence under the table
                 _ci(r.estimate, r.ci_low, r.ci_high, 100.0, 1, " pts") if r.measure == "RD" else
                 _ci(r.estimate, r.ci_low, r.ci_high)) for r in rc.itertuples()]
    assert page["estimate (95% CI)"].tolist() == expected
    assert page["episodes"].tolist() == rc["n"].tolist()
    cox = ex["comparison_relief_hazard"]
    assert at.dataframe[1].value.iloc[:, 1].tolist() == [
        _ci(r.hazard_ratio, r.ci_low, r.ci_high) for r in cox.itertuples()]
    est = shown(ex["relief_estimands"])
    values = sorted(_ci(r.estimate, r.ci_low, r.ci_high, 100.0, 1, "%") for r in est.itertuples())
    page_est = at.dataframe[2].value.drop(columns=["treatment", "week"])
    assert values and sorted(v for v in page_est.to_numpy().ravel() if isinstance(v, str)) == values
    scale = {"immediate_responder_rate": (100.0, 1, "%"), "mean_immediate_relief_pct": (1.0, 1, "%"),
             "median_relief_duration_days": (1.0, 0, " d")}
    boosters = sorted(_ci(r.estimate, r.ci_low, r.ci_high, *scale[r.statistic])
                      for r in shown(ex["booster_summary"]).itertuples())
    page_boosters = at.dataframe[3].value.drop(columns=["treatment", "course"])
    assert boosters and sorted(v for v in page_boosters.to_numpy().ravel() if isinstance(v, str)) == boosters
    nxt = shown(ex["time_to_next_course"])
    assert len(nxt) and len(rc) and len(cox)
    assert at.dataframe[4].value["median"].tolist() == [
        _ci(r.estimate, r.ci_low, r.ci_high, 1.0, 0, " d") for r in nxt.itertuples()]


def check_published(at, ex):
    goto(at, "published")
    cmp = ex["published_comparison"]
    assert len(cmp)
    own = []
    for r in cmp.itertuples():
        kind = "proportion" if r.unit == "proportion" else "days"
        value = "-" if pd.isna(r.estimate) and pd.isna(r.ci_low) else fmt_estimate(
            r.estimate, r.ci_low, r.ci_high, r.n, kind=kind, conf_level=0.95)
        own.append(f"{r.dataset_label}: {value}")
    assert at.table[0].value["This dataset"].tolist() == own


PAGES = {"overview": check_overview, "pain_relief": check_pain_relief, "relief_over_time": check_relief_over_time,
         "relief_duration": check_relief_duration, "secondary": check_secondary, "compare": check_compare,
         "published": check_published}


@pytest.mark.parametrize("page", list(PAGES))
def test_the_page_shows_the_numbers_of_the_export(session, page):
    at, ex, _manifest = session
    PAGES[page](at, ex)


#: The charts of each page, in the order drawn, by their names in the export (the subgroup forest plot of
#: Compare treatments is the page's own: the export has no subgroup choice).
CHARTS = {"pain_relief": ["relief_distribution", "responder_rates", "cumulative_responders"],
          "relief_over_time": ["mean_relief_over_time", "responders_over_time", "attrition",
                               "sensitivity_missing_as_no_relief"],
          "relief_duration": ["relief_duration_km"],
          "secondary": ["phq9_mean_score", "phq9_mean_change", "phq9_response", "phq9_remission",
                        "regions_affected_mean_score", "time_to_spread_km"],
          "compare": ["comparison_responders_rd", "comparison_hazard_ratios"],
          "published": ["published_comparison"]}


@pytest.mark.parametrize("page", list(CHARTS))
def test_the_page_draws_the_charts_of_the_export(session, export_charts, page):
    """Every trace (points, intervals, n in the hover text) of every chart equals the export's."""
    at = goto(session[0], page)
    drawn = [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")]
    assert len(drawn) >= len(CHARTS[page])
    for name, data in zip(CHARTS[page], drawn):
        assert data == export_charts[name], name


def test_the_state_hides_a_group_and_uses_a_non_default_threshold(session):
    """The state of these tests is one where suppression and the threshold matter."""
    at, ex, _manifest = session
    assert HIDDEN_GROUP in hidden_labels(ex["responder_rates"])
    assert set(ex["responder_rates"]["threshold"]) >= {40.0}
    assert ex["relief_over_time"]["suppressed"].astype(bool).sum() > 0


@pytest.mark.parametrize("page", ["pain_relief", "relief_over_time", "relief_duration"])
def test_the_comparison_fails_for_another_threshold(session, page):
    """A page computed at another threshold (30%, the default) does not pass against the export at 40%."""
    _at, ex, _manifest = session
    other = new_app({**STATE, "thr": "30"})
    goto(other, page)  # the page runs cleanly: what fails below is the comparison of its numbers
    with pytest.raises(AssertionError):
        PAGES[page](other, ex)


def test_the_chart_comparison_fails_for_another_threshold(session, export_charts):
    """The weekly responder chart at 30% is not the export's chart at 40%."""
    other = goto(new_app({**STATE, "thr": "30"}), "relief_over_time")
    drawn = [json.loads(c.proto.spec)["data"] for c in other.get("plotly_chart")]
    assert drawn[1] != export_charts["responders_over_time"]
    assert drawn[2] == export_charts["attrition"]  # attrition does not depend on the threshold
