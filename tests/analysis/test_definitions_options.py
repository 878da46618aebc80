"""analysis/definitions.py: one rule for a user's threshold, one place for the option lists."""
from __future__ import annotations

import argparse

import pytest

from analysis import cli, definitions
from analysis.definitions import CHOICES, IMMPACT_THRESHOLDS, Definitions


@pytest.mark.parametrize("threshold,expected", [
    (30, (30.0, 50.0)), (50, (30.0, 50.0)), (40, (30.0, 40.0, 50.0)), (5, (5.0, 30.0, 50.0)),
    (95, (30.0, 50.0, 95.0)), (32.5, (30.0, 32.5, 50.0)),
])
def test_with_threshold_reports_the_conventional_thresholds_and_the_chosen_one(threshold, expected):
    d = Definitions().with_threshold(threshold)
    assert d.threshold == float(threshold) and d.thresholds == expected
    assert d == Definitions(threshold=threshold, thresholds=expected)


def test_with_threshold_keeps_every_other_definition_and_validates():
    d = Definitions(baseline_window_days=7, min_cell_size=3, thresholds=(20, 60))
    e = d.with_threshold(40)
    assert e.thresholds == (20.0, 40.0, 60.0)
    assert e.replace(threshold=30.0, thresholds=(20, 60)) == d.replace(threshold=30.0)
    with pytest.raises(ValueError, match="responder threshold"):
        Definitions().with_threshold(120)


def test_the_command_line_uses_the_same_rule():
    p = argparse.ArgumentParser()
    cli.add_definition_arguments(p)
    for thr in ("40", "30", "55.5"):
        args = p.parse_args(["--threshold", thr, "--baseline-window", "10"])
        d = cli.definitions_from_args(args)
        assert d == Definitions(baseline_window_days=10.0).with_threshold(float(thr))


def test_defaults_are_the_immpact_thresholds():
    assert Definitions().thresholds == IMMPACT_THRESHOLDS == (30.0, 50.0)


def test_every_default_lies_inside_the_choices_offered():
    d = Definitions()
    for name, c in CHOICES.items():
        assert c.low <= getattr(d, name) <= c.high, name
        assert c.step > 0 and (getattr(d, name) - c.low) % c.step == 0, name


def test_dead_default_object_is_gone():
    assert not hasattr(definitions, "DEFAULT")
