"""Body regions: a regions column is known by its name in any of the product's languages, with or without its
accents, and an item naming both sides (``both hands``) is two regions (analysis/io/column_words.py,
analysis/io/lists.py; docs/data-format.md, "Body regions listed in one cell").

Before: a French site's ``Régions atteintes`` (its export in Windows-1252) was ignored without a word, so its
patients fell out of the spread analysis; ``both hands`` counted one region, so ``left hand`` then ``both
hands`` (the CRPS spreading to the other hand) read as no spread.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.column_words import fold, measure_of
from analysis.io.lists import count_listed


@pytest.mark.parametrize("header", [
    "Régions atteintes", "Regions atteintes", "RÉGIONS ATTEINTES", "Zonas afectadas", "Áreas afectadas",
    "Affected areas", "Body areas", "Aree colpite", "Regioni", "Aangedane gebieden", "Betroffene Regionen",
    "Betroffene Körperregionen", "Betroffene Korperregionen", "Gliedmaßen", "Gliedmassen",
])
def test_a_regions_header_names_the_regions_in_any_language_with_or_without_accents(header):
    assert measure_of(header) == "regions_affected"


@pytest.mark.parametrize("header, measure", [
    ("Douleur", "pain_nrs"), ("Échelle douleur", "pain_nrs"), ("Echelle douleur", "pain_nrs"),
    ("Schmerzintensität", "pain_nrs"), ("Schmerzintensitat", "pain_nrs"),
    ("Schmerzlinderung", None), ("Amélioration douleur", None), ("Amelioration douleur", None),
    ("Area", None), ("PHQ-9", "phq9"),
])
def test_other_names_are_matched_as_before_whether_or_not_accents_are_kept(header, measure):
    assert measure_of(header) == measure


def test_a_name_is_folded_once_lower_case_without_accents():
    assert fold("Régions Atteintes") == "regions atteintes"
    assert fold("Gliedmaßen") == "gliedmassen"


@pytest.mark.parametrize("cell, count", [
    ("both hands", 2),
    ("bilateral hands", 2),
    ("bilateral lower limbs", 2),
    ("Both hands; bilateral hands", 2),           # the same two sides, written two ways
    ("left hand, both feet", 3),
    ("bilateral lower limbs, RUE, L hand", 4),
    ("beide Hände", 2),
    ("Hand bds.", 2),
    ("Fuß beidseits", 2),
    ("linker Arm und beide Füße", 3),
    ("deux mains", 2),
    ("les deux pieds", 2),
    ("mains bilatérales", 2),
    ("main G + deux pieds", 3),
    ("ambas manos", 2),
    ("entrambe le mani", 2),
    ("beide handen", 2),
    ("hands (bilateral)", 2),
])
def test_an_item_naming_both_sides_counts_as_two_regions(cell, count):
    lc = count_listed(np.array([cell], dtype=object))
    assert lc.reason[0] == "" and lc.count[0] == count and lc.both_sides[0]


@pytest.mark.parametrize("cell, count", [
    ("left hand", 1), ("L hand, left hand", 2), ("Bothwell clinic hand", 1), ("Sandhand", 1), ("2", 2),
])
def test_items_without_a_both_sides_word_count_as_before(cell, count):
    lc = count_listed(np.array([cell], dtype=object))
    assert lc.count[0] == count and not lc.both_sides[0]


def _site_log(header: str, first: str, later: str, encoding: str) -> bytes:
    """Two patients, a baseline before a ketamine infusion and a follow-up at day 28, semicolon-separated."""
    rows = [f"Patient;Date;Traitement;EVA;{header}"]
    for i, pid in enumerate(("L001", "L002")):
        day = 5 + 10 * i
        rows += [f"{pid};{day - 3:02d}/02/2024;;8;{first}", f"{pid};{day:02d}/02/2024;Kétamine;;",
                 f"{pid};{day:02d}/03/2024;;6;{later}"]
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


def test_an_accented_regions_header_in_a_windows_1252_export_is_read():
    ds = load_files({"Lyon_suivi.csv": _site_log("Régions atteintes", "main gauche", "main droite, main gauche",
                                                 "cp1252")})
    regions = ds.assessments[ds.assessments["measure"] == "regions_affected"]
    assert sorted(regions["value"].tolist()) == [1.0, 1.0, 2.0, 2.0]


def test_one_hand_then_both_hands_is_a_spread_from_one_region_to_two_with_a_note():
    ds = load_files({"Lyon_suivi.csv": _site_log("Régions atteintes", "main gauche", "deux mains", "cp1252")})
    regions = ds.assessments[ds.assessments["measure"] == "regions_affected"].sort_values(["patient_id", "day"])
    assert regions.groupby("patient_id", observed=True)["value"].apply(list).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    note = [n for n in ds.report.notes if "both sides" in n]
    assert len(note) == 1 and "'Régions atteintes': 2 cell(s) name a region on both sides ('deux mains')" in note[0]
    assert "counts as two regions, the left and the right" in note[0]


def test_a_column_without_both_sides_items_gets_no_note():
    ds = load_files({"Lyon_suivi.csv": _site_log("Régions atteintes", "main gauche", "main droite, main gauche",
                                                 "cp1252")})
    assert not any("both sides" in n for n in ds.report.notes)
