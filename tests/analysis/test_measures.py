"""analysis/measures.py: one registry of measures; the loader's and the secondary rules' tables derive from it."""
from __future__ import annotations

import string

import numpy as np
import pytest

from analysis import definitions, measures, secondary
from analysis.measures import MEASURES, Measure, measure, measure_label, measure_short


def test_the_registry_holds_each_measures_documented_facts():
    # Ranges and labels as documented in docs/data-format.md and docs/methods.md ("Measures").
    expected = {
        "pain_nrs": (0, 10, "Pain NRS (0-10)", "Pain NRS", None, None),
        "phq9": (0, 27, "PHQ-9 depression (0-27)", "PHQ-9 depression", 50.0, 5.0),
        "gad7": (0, 21, "GAD-7 anxiety (0-21)", "GAD-7 anxiety", 50.0, 5.0),
        "css": (0, 16, "CRPS Severity Score (0-16)", "CRPS Severity Score", None, None),
        "pgic": (1, 7, "PGIC (1 = very much improved, 7 = very much worse)", "PGIC", None, None),
        "pcs_total": (0, 52, "Pain Catastrophizing Scale (0-52)", "Pain Catastrophizing Scale", None, None),
        "pseq": (0, 60, "Pain Self-Efficacy Questionnaire (0-60)", "Pain Self-Efficacy Questionnaire", None, None),
        "eq_vas": (0, 100, "EQ VAS (0-100)", "EQ VAS", None, None),
        **{f"sf{v}_{k}": (0, 100, f"SF-{v} {w} Component Summary (T-score)", f"SF-{v} {w} Component Summary", None,
                          None) for v in ("12", "36") for k, w in (("pcs", "Physical"), ("mcs", "Mental"))},
        "regions_affected": (1, None, "Body regions affected (count)", "Body regions affected", None, None),
    }
    assert list(MEASURES) == list(expected)
    higher_is_better = {"pseq", "eq_vas", "sf12_pcs", "sf12_mcs", "sf36_pcs", "sf36_mcs"}
    for name, (lo, hi, label, short, resp, rem) in expected.items():
        m = MEASURES[name]
        assert (m.min, m.max, m.label, m.short_label, m.response_pct, m.remission_below) == (lo, hi, label, short,
                                                                                             resp, rem)
        assert m.name == name and m.known and m.reference and m.unit
        assert m.lower_is_better == (name not in higher_is_better)


def test_references_name_the_source_of_each_rule():
    assert "Kroenke" in MEASURES["phq9"].reference and "2001" in MEASURES["phq9"].reference
    assert "Spitzer" in MEASURES["gad7"].reference and "2006" in MEASURES["gad7"].reference
    assert "Dworkin" in MEASURES["pain_nrs"].reference and "2008" in MEASURES["pain_nrs"].reference
    assert "Harden" in MEASURES["css"].reference


def test_the_loaders_table_is_derived_and_unchanged():
    # The values the loader, the import assistant and the timeline read (definitions.KNOWN_MEASURES),
    # written out as they were before the registry, types included (ints stay ints in messages).
    before = {
        "pain_nrs": {"min": 0, "max": 10, "lower_is_better": True, "label": "Pain NRS (0-10)"},
        "phq9": {"min": 0, "max": 27, "lower_is_better": True, "label": "PHQ-9 depression (0-27)"},
        "gad7": {"min": 0, "max": 21, "lower_is_better": True, "label": "GAD-7 anxiety (0-21)"},
        "css": {"min": 0, "max": 16, "lower_is_better": True, "label": "CRPS Severity Score (0-16)"},
        "pgic": {"min": 1, "max": 7, "lower_is_better": True,
                 "label": "PGIC (1 = very much improved, 7 = very much worse)"},
        # added with their directions: the Pain Catastrophizing Scale, the PSEQ and the EQ VAS
        "pcs_total": {"min": 0, "max": 52, "lower_is_better": True, "label": "Pain Catastrophizing Scale (0-52)"},
        "pseq": {"min": 0, "max": 60, "lower_is_better": False, "label": "Pain Self-Efficacy Questionnaire (0-60)"},
        "eq_vas": {"min": 0, "max": 100, "lower_is_better": False, "label": "EQ VAS (0-100)"},
        # added with their direction: the SF-12's and SF-36's component summaries (T-scores, higher is better)
        **{f"sf{v}_{k}": {"min": 0, "max": 100, "lower_is_better": False,
                          "label": f"SF-{v} {w} Component Summary (T-score)"}
           for v in ("12", "36") for k, w in (("pcs", "Physical"), ("mcs", "Mental"))},
        "regions_affected": {"min": 1, "max": None, "lower_is_better": True,
                             "label": "Body regions affected (count)"},
    }
    assert definitions.KNOWN_MEASURES == before
    assert list(definitions.KNOWN_MEASURES) == list(before)
    for name, spec in before.items():
        for k, v in spec.items():
            assert type(definitions.KNOWN_MEASURES[name][k]) is type(v), (name, k)


def test_secondary_rules_are_derived_from_the_registry():
    assert secondary.RESPONSE_PCT == {"phq9": 50.0, "gad7": 50.0}
    assert secondary.REMISSION_BELOW == {"phq9": 5.0, "gad7": 5.0}
    assert secondary.RESPONSE_PCT == measures.response_rules()
    assert secondary.REMISSION_BELOW == measures.remission_rules()


def test_an_unknown_measure_gets_an_entry_built_from_its_name():
    m = measure("my_clinic_scale")
    assert m == Measure("my_clinic_scale", "my_clinic_scale", "my_clinic_scale", None, None, True, known=False)
    assert m.range_text() == "any value" and m.response_pct is None and m.remission_below is None
    assert measure("pain_nrs") is MEASURES["pain_nrs"]


def test_range_text():
    assert MEASURES["pain_nrs"].range_text() == "0-10"
    assert MEASURES["regions_affected"].range_text() == "1 or more"
    assert Measure("x", "x", "x", max=5).range_text() == "up to 5"


def _names():
    rng = np.random.default_rng(12)
    alphabet = string.ascii_letters + string.digits + " ()-_/.,"
    made = ["".join(rng.choice(list(alphabet), size=int(rng.integers(0, 20)))) for _ in range(300)]
    return [*MEASURES, "", " (", "a (b) c", "x (y", "(0-10)", "Pain NRS (0-10)", "phq9 ", "PHQ9", "pain (nrs) (0-10)",
            *made]


def _label_before(name):
    """analysis.measures.measure_label as it was written before the registry (the specification)."""
    return definitions.KNOWN_MEASURES.get(name, {}).get("label", name)


def test_labels_equal_the_earlier_labels_for_every_name():
    # The labels of every table and figure must not change: same output as the earlier
    # views.measure_label / measure_short for every input, known or not.
    for name in _names():
        assert measure_label(name) == _label_before(name), name
        assert measure_short(name) == _label_before(name).split(" (")[0], name



@pytest.mark.parametrize("name,short", [("phq9", "PHQ-9 depression"), ("pgic", "PGIC"), ("a (b) c", "a"),
                                        ("own scale", "own scale")])
def test_short_label(name, short):
    assert measure_short(name) == short


def test_docs_list_every_measure_with_its_range_and_rules():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "methods.md").read_text()
    rows = {line.split("|")[1].strip().strip("`"): line for line in doc.splitlines()
            if line.startswith("| `")}
    assert set(rows) == set(MEASURES)
    for name, m in MEASURES.items():
        row = rows[name]
        assert m.range_text().replace("-", "\u2013") in row, name
        if m.response_pct is not None:
            assert f"\u2265 {m.response_pct:g}% reduction" in row, name
        if m.remission_below is not None:
            assert f"score < {m.remission_below:g}" in row, name
