"""Missing-value codes (99, 999, -9, -99, -999) in the scores of a measure without a known range are excluded,
each with its reason, never read as scores (analysis/io/missing_codes.py; docs/data-format.md, "Missing-value
codes"). Read as a score, a 99 at baseline made every follow-up score ~95% relief."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.missing_codes import missing_value_codes
from analysis.summary import summarize


def codes(measure, values):
    return list(missing_value_codes(np.array(measure, dtype=object), np.array(values, dtype=float)))


def test_a_99_beyond_every_other_score_of_a_measure_without_a_range_is_a_code():
    assert codes(["bpi"] * 4, [6, 99, 4, 7]) == [False, True, False, False]
    assert codes(["catastrophizing"] * 3, [52, 99, 0]) == [False, True, False]  # 52 <= 0.8 x 99
    assert codes(["x"] * 3, [-9, 3, 0]) == [True, False, False]                  # no other score is negative
    assert codes(["x"] * 3, [999, 700, 12]) == [True, False, False]


def test_a_99_among_scores_of_a_0_100_scale_is_a_score():
    assert codes(["vas_mm"] * 3, [99, 85, 20]) == [False, False, False]
    assert codes(["change"] * 3, [-9, -4, 2]) == [False, False, False]           # negatives are scores here
    assert codes(["only_codes"] * 2, [99, 99]) == [False, False]                  # nothing to compare with


def test_a_99_of_a_measure_named_as_a_0_100_scale_is_a_score_even_above_a_small_cohorts_others():
    # The regression review: one real baseline of 99 on a VAS in mm (others up to 79) was dropped as a code.
    assert codes(["vas_pain_mm"] * 4, [99, 79, 40, 20]) == [False] * 4
    assert codes(["quickdash"] * 3, [99, 70, 30]) == [False] * 3


def test_each_measure_is_judged_by_its_own_scores_and_registry_measures_by_their_range():
    # a 99 of 'bpi' (others <= 9) is a code; of 'vas' (others up to 95) a score; pain_nrs is left to its range
    got = codes(["bpi", "vas", "bpi", "vas", "pain_nrs", "pain_nrs"], [99, 99, 9, 95, 99, 5])
    assert got == [True, False, False, False, False, False]


def _export(average_pain: list[str]) -> dict[str, bytes]:
    """Patients P1-P4, a referral (5 days before the infusion) and a review (14 days after it)."""
    rows = ["PatientID,AssessmentDate,BPIAveragePain"]
    for i in range(4):
        rows += [f"P{i + 1},2024-03-0{i + 1},{average_pain[2 * i]}",
                 f"P{i + 1},2024-03-{i + 20},{average_pain[2 * i + 1]}"]
    inf = ["PatientID,Infusion date,Drug"] + [f"P{i + 1},2024-03-0{i + 6},Ketamine" for i in range(4)]
    return {"extract.csv": ("\n".join(rows) + "\n").encode(), "infusions.csv": ("\n".join(inf) + "\n").encode()}


def test_a_99_at_baseline_in_an_export_is_excluded_with_its_reason_not_counted_as_relief():
    # P1 baseline 99 (missing): no baseline, so no relief; P2 8 -> 4 (50%), P3 6 -> 5 (17%), P4 7 -> 99 (missing)
    ds = load_files(_export(["99", "4", "8", "4", "6", "5", "7", "99"]), source="export")
    ex = ds.report.exclusions
    coded = ex[ex["reason"].str.startswith("a missing-value code")]
    assert list(coded["line"]) == [2, 9] and set(coded["column"]) == {"BPIAveragePain"}
    assert coded["reason"].iloc[0] == "a missing-value code (99; every other bpiaveragepain score is 4 to 8)"
    assert any("2 value(s) of bpiaveragepain were 99" in w for w in ds.report.warnings)
    f = ds.report.files["extract.csv"]
    assert f.rows_read == 8 and f.rows_used + f.rows_excluded == 8 and f.rows_excluded == 2
    d = Definitions(measure="bpiaveragepain", report_weeks=(2,))
    s = summarize(ds, d, by=(), models=False).to_dict()["groups"][0]
    assert s["episodes_used"] == 3                              # P1 has no baseline now
    assert s["responder_rate_by_week"]["2"]["n"] == 2           # P2 and P3 (P4's review is missing)
    assert s["responder_rate_by_week"]["2"]["estimate"] == pytest.approx(0.5)


def test_an_export_without_codes_loads_as_before():
    ds = load_files(_export(["9", "4", "8", "4", "6", "5", "7", "3"]), source="export")
    assert not ds.report.exclusions["reason"].str.startswith("a missing-value code").any()
    assert not any("missing-value code" in w for w in ds.report.warnings)
