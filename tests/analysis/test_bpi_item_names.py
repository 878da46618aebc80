"""The Brief Pain Inventory's items by their names, with or without the word pain (analysis/io/column_words.py).

Its four severity items (worst, least, average, now; Cleeland & Ryan 1994) are 0-10 pain ratings: 'BPI Worst',
'BPI_avg' are pain scores as 'BPIWorstPain' and 'BPI average pain' always were. Of several, the pain now is read
and the others left out with a note; without the pain now which one is the outcome is asked. Its interference
items (general activity, mood, walking, work, relations, sleep, enjoyment of life) are never the pain score.

The export: two patients, a BPI before their infusion and the day after it. Worked out by hand on 'BPI Now':
P1 8 -> 4 (50% relief), P2 6 -> 4 (33.3%); mean 41.7%. Read from 'BPI Worst' it would be 33.3% and 12.5%.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.column_words import measure_of
from analysis.io.propose import inspect
from analysis.summary import summarize

PLAIN = ("BPI Worst", "BPI Least", "BPI Average", "BPI Now")
CAMEL = ("BPIWorstPain", "BPILeastPain", "BPIAveragePain", "BPIPainNow")


def _export(names=PLAIN, interference=("BPI General Activity", "BPI Mood")) -> dict[str, bytes]:
    rows = [("P1", "2024-03-01", 9, 5, 8, 8, 7, 6), ("P1", "2024-03-07", 6, 2, 4, 4, 5, 4),
            ("P2", "2024-03-02", 8, 4, 6, 6, 8, 7), ("P2", "2024-03-08", 7, 3, 5, 4, 6, 6)]
    keep = [i for i, n in enumerate(names) if n]
    header = ["Patient ID", "Visit date", *[names[i] for i in keep], *interference]
    lines = [",".join(header)] + [",".join(map(str, [*r[:2], *[r[2 + i] for i in keep], *r[6:6 + len(interference)]]))
                                  for r in rows]
    infusions = "Patient ID,Date,Procedure\nP1,2024-03-06,Ketamine infusion\nP2,2024-03-07,Ketamine infusion\n"
    return {"bpi.csv": ("\n".join(lines) + "\n").encode(), "ketamine.csv": infusions.encode()}


@pytest.mark.parametrize("name", ["BPI Average", "BPI Worst", "BPI Least", "BPI Now", "BPI_avg", "BPIWorst",
                                  "BPI severity", "BPIAveragePain", "BPI average pain", "BPI_worst_pain"])
def test_a_bpi_severity_item_is_the_pain_score_with_or_without_the_word_pain(name):
    assert measure_of(name) == "pain_nrs"


@pytest.mark.parametrize("name", ["BPI General Activity", "BPI Mood", "BPI Sleep", "BPI interference",
                                  "Brief Pain Inventory - Mood", "Brief Pain Inventory Sleep", "BPI Walking Ability",
                                  "BPI Average Interference", "BPI relief", "BPI Enjoyment of Life"])
def test_a_bpi_interference_item_is_never_the_pain_score(name):
    assert measure_of(name) is None


@pytest.mark.parametrize("names", [PLAIN, CAMEL])
def test_of_the_four_severity_items_the_pain_now_is_read_and_relief_is_computed_from_it(names):
    ds = load_files(_export(names), source="export")
    s = summarize(ds, Definitions(), by=(), models=False).to_dict()
    assert s["groups"][0]["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 100 / 3) / 2)
    assert {"bpi_general_activity", "bpi_mood"} <= set(ds.measures)


def test_the_severity_items_without_the_pain_now_are_a_question_not_a_guess():
    proposal = inspect(_export(("BPI Worst", "BPI Least", "BPI Average", None)))
    assert any("all look like pain_nrs" in r and "BPI Worst" in r for r in proposal.review)
