"""A chart with nothing to draw says why: "hidden: too few patients" (small-cell suppression) only when
groups or cells were hidden for their size; otherwise what is missing from the data and what to do.

Review R2, items 3 and 4: a PHQ-9 charted only at follow-up (no baseline) gave four charts saying "No
group large enough to show" for a group of 30 and a title "remission (score < nan)"; a weekly PT log (no
score within 2 days of a session) said its group was hidden because it "could identify individuals".
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import figures
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.present import suppression
from analysis.present.pain_relief import pain_relief_panel, pain_relief_results
from analysis.present.report import compute_results
from analysis.present.secondary import secondary_panel, secondary_results

BY = ("treatment",)


def _ketamine_with_follow_up_phq9(n: int = 30) -> dict:
    """Pain before and after each infusion; PHQ-9 only at weeks 4 and 12 (no baseline)."""
    a = ["patient_id,day,pain_nrs,phq9"]
    t = ["patient_id,day,treatment"]
    for i in range(n):
        a += [f"K{i},-1,8,", f"K{i},1,{3 + i % 4},", f"K{i},28,{5 + i % 3},{8 + i % 5}", f"K{i},84,6,{7 + i % 6}"]
        t.append(f"K{i},0,Ketamine")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def _weekly_physical_therapy(n: int = 25) -> dict:
    """A pain score at the first visit, then one a week: none within 2 days after the start."""
    a = ["patient_id,day,pain_nrs"]
    t = ["patient_id,day,treatment"]
    for i in range(n):
        a += [f"C{i},0,7"] + [f"C{i},{7 * w},{max(7 - w, 2)}" for w in range(1, 8)]
        t.append(f"C{i},0,Physical Therapy Session")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def _annotations(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations or ()).replace("<br>", " ")


@pytest.fixture
def phq9_panel(load):
    ds = load(_ketamine_with_follow_up_phq9())
    d = Definitions()
    ep = build_episodes(ds, d.replace(measure="phq9"))
    return secondary_panel(secondary_results(ep, BY, None), d, BY, "phq9")


def test_a_measure_without_baseline_says_so_not_that_its_group_of_30_is_too_small(phq9_panel):
    why = phq9_panel.shown["empty"]
    assert why.startswith("No episode has a baseline PHQ-9 depression score within the baseline window "
                          "(14 days before the start)")
    assert "widen the Baseline window" in why
    assert phq9_panel.warnings == [why]          # the export leaves the measure out with this reason
    assert phq9_panel.note == ""                  # nothing was suppressed
    for spec in phq9_panel.figures:
        text = _annotations(spec.build())
        assert "No episode has a baseline PHQ-9" in text, spec.name
        assert "large enough" not in text, spec.name


def test_the_remission_title_takes_the_cut_off_of_the_measure_rule_when_the_table_is_empty(phq9_panel):
    # (titles are HTML-escaped: Plotly renders markup)
    title = phq9_panel.figure("phq9_remission").build().layout.title.text
    assert title == "PHQ-9 depression: remission (score &lt; 5) over time"
    empty = pd.DataFrame(columns=["treatment", "week", "estimate", "ci_low", "ci_high", "n"])
    assert figures.remission_figure(empty, BY, measure="phq9").layout.title.text == title
    assert figures.remission_figure(empty, BY, measure="gad7").layout.title.text.endswith("(score &lt; 5) over time")


def test_a_measure_with_a_baseline_has_no_empty_reason(load):
    files = _ketamine_with_follow_up_phq9()
    files["assessments.csv"] = files["assessments.csv"].replace(",-1,8,\n", ",-1,8,12\n")
    ds = load(files)
    ep = build_episodes(ds, Definitions(measure="phq9"))
    P = secondary_panel(secondary_results(ep, BY, None), Definitions(), BY, "phq9")
    assert P.shown["empty"] == "" and P.warnings == []
    assert len(P.shown["scores"])


@pytest.fixture
def pt_panel(load):
    ds = load(_weekly_physical_therapy())
    d = Definitions()
    return pain_relief_panel(pain_relief_results(build_episodes(ds, d), BY, None), d, BY)


def test_a_weekly_therapy_has_no_immediate_score_and_is_not_said_to_be_hidden(pt_panel):
    why = pt_panel.shown["empty"]
    assert why.startswith("No episode has a Pain NRS score in the immediate window (start < day \u2264 start + 2 days)")
    assert "see Relief over time, or widen the Immediate window" in why
    assert "identify" not in pt_panel.note and "Not shown" not in pt_panel.note
    assert pt_panel.warnings == [why]
    for spec in pt_panel.figures:
        text = _annotations(spec.build())
        assert "No episode has a Pain NRS score in the immediate window" in text, spec.name
        assert "identify" not in spec.note


def test_a_weekly_therapy_has_a_cumulative_curve_in_a_week_with_scores(load):
    ds = load(_weekly_physical_therapy())
    d = Definitions()
    P = pain_relief_panel(pain_relief_results(build_episodes(ds, d), BY, None, week=4), d, BY, week=4)
    assert P.shown["empty_cumulative"] == "" and len(P.shown["cumulative"])


def test_the_export_states_the_reason_among_its_warnings(load):
    R = compute_results(load(_weekly_physical_therapy()), Definitions(), BY)
    assert any(w.startswith("No episode has a Pain NRS score in the immediate window") for w in R.warnings)
    assert not any("identify individuals" in w for w in R.warnings)


def test_a_group_without_any_immediate_score_is_named_as_empty_and_a_small_one_as_hidden():
    rows = pd.DataFrame({"patient_id": ["A1", "A2", "B1", "B2", "C1"],
                         "treatment": ["A", "A", "B", "B", "C"],
                         "immediate_relief_pct": [50.0, 40.0, None, None, 30.0]})
    sizes = pd.DataFrame({"treatment": ["A", "B", "C"], "patients": [2, 2, 1], "episodes": [2, 2, 1],
                          "label": ["A", "B", "C"]})
    s = suppression.suppress_rows(rows, BY, sizes, 2, "immediate_relief_pct", counted="with an immediate score")
    assert s.hidden_groups == ["B", "C"] and s.empty_groups == ["B"] and s.suppressed
    assert s.note.startswith("Nothing to show for B: no patient with an immediate score. Not shown: C (1 patient")
    only_empty = suppression.suppress_rows(rows[rows["treatment"] != "C"], BY, sizes[sizes["label"] != "C"], 2,
                                           "immediate_relief_pct", counted="with an immediate score")
    assert not only_empty.suppressed
    assert "identify" not in only_empty.note and "Not shown" not in only_empty.note


def test_a_cell_of_no_patient_is_dropped_without_being_counted_as_suppressed():
    res = pd.DataFrame({"treatment": ["A", "A", "A"], "week": [1, 2, 3], "estimate": [1.0, None, 2.0],
                        "n_patients": [6, 0, 3]})
    sizes = pd.DataFrame({"treatment": ["A"], "patients": [6], "episodes": [6], "label": ["A"]})
    s = suppression.suppress(res, BY, sizes, 5)
    assert s.shown["week"].tolist() == [1]
    assert s.hidden_cells == 1 and s.note.startswith("1 estimate(s) from fewer than 5 patients")
    t = suppression.suppress_small_cells(res, 5)
    assert t["suppression_note"].tolist() == ["", "no patient: nothing to estimate", "fewer than 5 patients: not shown"]
