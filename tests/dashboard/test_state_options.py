"""dashboard/state.py takes its widget ranges from analysis.definitions.CHOICES (one place)."""
from __future__ import annotations

from analysis.definitions import CHOICES
from dashboard import state


def test_the_address_accepts_exactly_the_widgets_ranges():
    assert state._URL_RANGES == {"thr": (5.0, 95.0), "bw": (0.0, 90.0), "iw": (0.5, 30.0), "fu": (7.0, 730.0),
                                 "min": (1, 100)}
    assert state._url_problem("thr", 96.0) == "must be a number from 5 to 95"
    assert state._url_problem("thr", CHOICES["threshold"].high) is None
