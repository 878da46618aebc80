"""Wide visit columns of the registry's measures named by their whole name (analysis/io/column_words.py,
``_VISIT_WORDS``): 'PSEQ baseline', 'PSEQ week 4', 'PSEQ 3 months' are the PSEQ at its visits, as 'NRS baseline',
'NRS week 4' are the pain score at its (analysis/io/score_columns.py, ``visit_columns``). Before, each was an
unknown measure of its own ('pseq_week_4', taken as lower-is-better) and the PSEQ had no follow-up at all.

The sheet: one row per patient, the infusion's date, the PSEQ (higher is better) at baseline, week 4 and 3 months
(day 91, week 13). Worked out by hand:

    patient  baseline  week 4       3 months
    P1       20        30 (+50%)    26 (+30%)
    P2       40        44 (+10%)    30 (-25%)
    P3       30        45 (+50%)    36 (+20%)

Responders at 30%: week 4 P1, P3 (2 of 3); week 13 P1 (1 of 3).
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.column_words import measure_of
from analysis.io.propose import inspect
from analysis.summary import summarize

ROWS = [("P1", "2024-03-06", 20, 30, 26), ("P2", "2024-03-07", 40, 44, 30), ("P3", "2024-03-08", 30, 45, 36)]


def _sheet(stem="PSEQ", visits=("baseline", "week 4", "3 months")) -> dict[str, bytes]:
    header = ["Patient ID", "Infusion date", "Drug", "NRS baseline", "NRS week 4", *[f"{stem} {v}" for v in visits]]
    lines = [",".join(header)] + [",".join(map(str, [p, d, "Ketamine", 7, 5, *s])) for p, d, *s in ROWS]
    return {"wide.csv": ("\n".join(lines) + "\n").encode()}


@pytest.mark.parametrize("name, expected", [
    ("PSEQ baseline", "pseq"), ("PSEQ week 4", "pseq"), ("PSEQ 3 months", "pseq"), ("PSEQ_wk4", "pseq"),
    ("PSEQ month 3", "pseq"), ("Baseline PSEQ", "pseq"), ("Pain Self-Efficacy Questionnaire week 4", "pseq"),
    ("PCS total baseline", "pcs_total"), ("PCS total week 4", "pcs_total"),
    # still no visit: items, a bare PCS, an ambiguous '3m', a number after a letter (PSEQ_W1: an item as often)
    ("PSEQ 7", None), ("PCS_3", None), ("pseq_01", None), ("PSEQ item 3", None), ("PCS baseline", None),
    ("PSEQ 3m", None), ("PSEQ M3", None), ("PSEQ_W1", None),
])
def test_a_whole_name_measure_with_a_visit_is_that_measure(name, expected):
    assert measure_of(name) == expected


def test_pseq_visit_columns_are_placed_at_their_visits():
    proposal = inspect(_sheet())
    cols = {c.header: c.column for f in proposal.files for c in f.columns}
    assert [(cols[h].measure, cols[h].timing, cols[h].offset_days) for h in
            ("PSEQ baseline", "PSEQ week 4", "PSEQ 3 months")] == \
        [("pseq", "before_start", None), ("pseq", "at", 28.0), ("pseq", "at", 91.0)]
    assert proposal.review == []


def test_pseq_visit_columns_give_upward_responders_at_each_visit():
    ds = load_files(_sheet(), source="export")
    s = summarize(ds, Definitions(measure="pseq", report_weeks=(4, 13)), by=(), models=False).to_dict()
    rates = s["groups"][0]["responder_rate_by_week"]
    assert rates["4"]["estimate"] == pytest.approx(2 / 3) and rates["13"]["estimate"] == pytest.approx(1 / 3)
    assert s["measure_direction"]["lower_is_better"] is False


def test_sf12_pcs_visit_columns_are_one_higher_is_better_measure_at_its_visits():
    ds = load_files(_sheet("SF-12 PCS"), source="export")
    s = summarize(ds, Definitions(measure="sf12_pcs", report_weeks=(4,)), by=(), models=False).to_dict()
    assert s["groups"][0]["responder_rate_by_week"]["4"]["estimate"] == pytest.approx(2 / 3)
