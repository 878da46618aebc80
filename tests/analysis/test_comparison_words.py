"""Compare treatments in words (review R2, item 11): a comparison without an estimate says why, an
outcome no episode has is one sentence rather than rows of "not estimable", and the course variables
are named in words wherever a reader sees them (the export's tables keep the column names)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import build_episodes
from analysis import comparisons as C
from analysis.comparison_words import adjustment_labels, covariate_label, not_estimable_reason, term_labels
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.present.compare import compare_panel, compare_results


def _cohort(week4_responders: dict, n: int = 6):
    """``n`` patients per treatment k and l; baseline 10, immediate score 5 (every episode responds),
    a week-4 score of 2 (a responder) for the first ``week4_responders[t]`` patients of t, else 10;
    no score after day 28, so no episode has a week-8 or week-12 score. Patients of k have a second
    course on day 40 (a 2nd course, for the course variables)."""
    a, t = [], []
    for trt in ("k", "l"):
        for i in range(n):
            pid = f"{trt}{i}"
            a += [(pid, -1, 10), (pid, 1, 5), (pid, 26, 2 if i < week4_responders[trt] else 10)]
            t.append((pid, 0, trt))
            if trt == "k":
                a += [(pid, 39, 10), (pid, 41, 5)]
                t.append((pid, 40, trt))
    ds = Dataset.from_frames(pd.DataFrame(a, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs"),
                             pd.DataFrame(t, columns=["patient_id", "day", "treatment"]))
    return ds, build_episodes(ds, Definitions(report_weeks=(4, 12)))


def test_a_week_without_any_score_says_no_episode_has_a_score_that_week():
    _, ep = _cohort({"k": 3, "l": 1})
    rc = C.responder_comparison(ep, outcomes=[12], reference="k")
    assert (rc["n"] == 0).all()
    assert set(rc["note"]) == {"not estimable: no episode has a score in week 12"}


def test_a_treatment_without_responders_has_a_difference_but_no_ratio_and_says_why():
    _, ep = _cohort({"k": 3, "l": 0})
    rc = C.responder_comparison(ep, outcomes=[4], reference="k").set_index("measure")
    assert pd.notna(rc.loc["RD", "estimate"]) and rc.loc["RD", "note"] == ""
    assert pd.isna(rc.loc["RR", "estimate"])
    assert rc.loc["RR", "note"] == "not estimable: no responder with l in week 4, so no ratio can be formed"


@pytest.mark.parametrize("rows, measure, treatments, reason", [
    (pd.DataFrame(columns=["treatment", "responder", "patient_id"]), "RD", None,
     "not estimable: no episode has an immediate score"),
    (pd.DataFrame({"treatment": ["a", "a"], "responder": [1, 0], "patient_id": [1, 2]}), "RD", ["b", "a"],
     "not estimable: no b episode has an immediate score"),
    (pd.DataFrame({"treatment": ["a", "b"], "responder": [0, 0], "patient_id": [1, 2]}), "RD", None,
     "not estimable: no episode responded immediately (a or b)"),
    (pd.DataFrame({"treatment": ["a", "b"], "responder": [1, 1], "patient_id": [1, 2]}), "RR", None,
     "not estimable: every episode responded immediately (a or b)"),
    (pd.DataFrame({"treatment": ["a", "a", "b", "b"], "responder": [1, 0, 1, 1], "patient_id": [1, 2, 3, 4]}),
     "OR", None, "not estimable: every b episode responded immediately, so no odds ratio can be formed"),
])
def test_the_reason_names_what_is_missing_in_the_data(rows, measure, treatments, reason):
    assert not_estimable_reason(rows, "immediate response", measure, treatments) == reason


def test_without_a_reason_in_the_data_the_reason_says_too_little_variation():
    rows = pd.DataFrame({"treatment": ["a", "a", "b", "b"], "responder": [1, 0, 1, 0], "patient_id": [1, 2, 3, 4]})
    assert not_estimable_reason(rows, "response in week 4", "RD").startswith(
        "not estimable: too little variation among the 4 episodes used")


def test_course_variables_are_named_in_words():
    assert covariate_label("course_band") == "course (1st, 2nd, 3rd+)"
    assert covariate_label("sex") == "sex"
    assert term_labels(pd.Series(["course_number", "course_band: 2nd vs 1st", "treatment: l vs k"])).tolist() == [
        "course number (per additional course)", "course: 2nd vs 1st", "treatment: l vs k"]
    assert adjustment_labels(pd.Series(["unadjusted", "adjusted for course_number, sex",
                                        "adjusted for sex, course_band"])).tolist() == [
        "unadjusted", "adjusted for course number, sex", "adjusted for sex, course (1st, 2nd, 3rd+)"]


def test_the_page_leaves_out_an_outcome_no_episode_has_and_says_why_in_one_sentence():
    ds, ep = _cohort({"k": 3, "l": 0})
    d = ep.definitions
    res = compare_results(ep, d, None, ("course_number",), "k", ("l", "k", ("course_band",), "RD"),
                          treatments=ds.treatments)
    P = compare_panel(res, d)
    shown = P.shown["responders"]
    assert "response in week 12" not in set(shown["outcome"]) and (shown["episodes"] > 0).all()
    assert P.shown["responders_note"] == "Not shown: response in week 12 (no episode has a score in week 12)."
    ratio = shown[(shown["outcome"] == "response in week 4") & (shown["measure"] == "RR")]
    assert (ratio["estimate (95% CI)"] == "not estimable (see below)").all()
    assert "response in week 4 (risk ratio): no responder with l in week 4, so no ratio can be formed." in \
        P.shown["responders_reasons"]
    # the export keeps every row, with its reason
    export = P.tables["comparison_responders"]
    assert set(export.loc[export["n"] == 0, "note"]) == {"not estimable: no episode has a score in week 12"}


def test_the_page_names_the_course_variables_in_words_and_the_export_keeps_the_column_names():
    ds, ep = _cohort({"k": 3, "l": 1})
    d = ep.definitions
    res = compare_results(ep, d, None, ("course_number",), "k", ("l", "k", ("course_band",), "RD"),
                          treatments=ds.treatments)
    P = compare_panel(res, d)
    page = " ".join(str(v) for key in ("responders", "cox", "subgroups", "boosters")
                    if key in P.shown for v in [*P.shown[key].columns, *P.shown[key].to_numpy().ravel()])
    assert "course_number" not in page and "course_band" not in page
    assert "adjusted for course number" in page and "course (1st, 2nd, 3rd+)" in page
    for spec in P.figures:  # the charts (the page's and the export's) read the same words
        frame = spec.args[0]
        text = " ".join(str(v) for c in ("term", "adjustment", "covariate") if c in frame for v in frame[c])
        assert "course_number" not in text and "course_band" not in text, spec.name
    assert "course_number" in set(P.tables["comparison_relief_hazard"]["term"])
    assert P.tables["comparison_responders"]["adjustment"].str.contains("course_number").any()


def test_a_median_whose_upper_limit_is_not_reached_says_so_in_words_not_nan():
    import pandas as pd
    from analysis.present.compare import _ci
    assert _ci(pd.Series({"estimate": 14.0, "ci_low": 14.0, "ci_high": float("nan")}), 1.0, 0, " d") == \
        "14 d (14 to not reached)"
    assert _ci(pd.Series({"estimate": float("nan"), "ci_low": 30.0, "ci_high": float("nan")}), 1.0, 0, " d") == \
        "not reached"
    assert "nan" not in _ci(pd.Series({"estimate": 0.5, "ci_low": 0.2, "ci_high": float("nan")}))
