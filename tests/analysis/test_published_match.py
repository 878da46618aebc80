"""Which of a clinic's treatments the published figures are compared with (analysis/published_match.py).

The reference file names its treatment ``ketamine_iv`` (the demo's label); a review found every comparison
"not available" for clinics whose treatment reads ``Ketamine`` or ``Ketamine infusion``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.present import published_panel, published_results
from analysis.episodes import build_episodes
from analysis.published import compare_with_published, load_published
from analysis.published_match import NOT_COMPARED, drugs_named, match_treatments

# The summary rows the reference file's ketamine figures read, for one treatment label.
TABLE = pd.DataFrame({
    "statistic": ["immediate_responder_rate", "responder_rate", "responder_rate", "responder_rate",
                  "median_relief_duration_days", "relief_survival"],
    "week": [np.nan, 4, 8, 12, np.nan, 12],
    "estimate": [0.65, 0.60, 0.30, 0.10, 30.0, 0.04],
    "ci_low": [0.60, 0.50, 0.25, 0.05, 27.0, 0.02],
    "ci_high": [0.70, 0.70, 0.36, 0.15, 33.0, 0.08],
    "n": [400, 200, 150, 100, 250, 250],
})


def table_of(*treatments: str) -> pd.DataFrame:
    return pd.concat([TABLE.assign(treatment=t) for t in treatments], ignore_index=True)


def ketamine(out: pd.DataFrame) -> pd.DataFrame:
    return out[out["treatment"] == "ketamine_iv"]


def test_a_dataset_whose_treatment_is_ketamine_infusion_gets_its_comparisons():
    out = compare_with_published(table_of("Ketamine infusion", "Lidocaine infusion"), load_published(), threshold=30)
    k = ketamine(out)
    assert (k["dataset_treatment"] == "Ketamine infusion").all()
    assert k["estimate"].notna().all() and "not available" not in set(k["verdict"])
    imm = k[k["id"] == "zhao2018_immediate"].iloc[0]
    assert imm["verdict"] == "includes" and imm["dataset_label"].startswith("Ketamine infusion: immediate")


@pytest.mark.parametrize("label", ["Ketamine", "ketamine infusion", "IV ketamine", "Ketamin", "KETAMINE I.V.",
                                   "Kétamine", "Ketalar", "Ketamine (IV)"])
def test_the_drug_is_recognised_in_any_case_spelling_language_or_with_route_words(label):
    m = match_treatments(["ketamine_iv"], [label, "Lidocaine"]).iloc[0]
    assert (m.dataset_treatment, m.how) == (label, "by drug name")
    assert f"compared with your treatment '{label}'" in m.text


@pytest.mark.parametrize("label", ["Ketamine lozenge", "oral ketamine", "Ketamine + lidocaine", "Lidocaine", "PT"])
def test_another_route_another_drug_or_a_combination_is_no_candidate(label):
    m = match_treatments(["ketamine_iv"], [label]).iloc[0]
    assert m.dataset_treatment is None and m.how == "none" and m.candidates == ()


def test_the_drug_words_are_the_readers():
    assert drugs_named("ketamine_iv") == drugs_named("Ketanest S") == {"ketamine"}
    assert drugs_named("Lidokain") == drugs_named("Lignocaine infusion") == {"lidocaine"}
    assert drugs_named("Physiotherapy") == frozenset()


def test_two_candidates_ask_which_one_and_nothing_is_compared_until_the_user_says():
    t = table_of("Ketamine 0.5 mg/kg", "Ketamine 1 mg/kg")
    out = ketamine(compare_with_published(t, load_published(), threshold=30))
    assert set(out["verdict"]) == {"not available"} and out["estimate"].isna().all()
    text = out["verdict_text"].iloc[0]
    assert text.startswith("Which of your treatments do the figures for 'ketamine_iv' describe?")
    assert "'Ketamine 0.5 mg/kg', 'Ketamine 1 mg/kg' all name ketamine: choose one" in text
    chosen = ketamine(compare_with_published(t, load_published(), threshold=30,
                                             matches={"ketamine_iv": "Ketamine 1 mg/kg"}))
    assert (chosen["dataset_treatment"] == "Ketamine 1 mg/kg").all() and chosen["estimate"].notna().all()


def test_no_candidate_is_said_in_words_with_the_datasets_treatments():
    out = ketamine(compare_with_published(table_of("Lidocaine", "Physiotherapy"), load_published(), threshold=30))
    assert set(out["verdict"]) == {"not available"}
    assert out["verdict_text"].iloc[0] == (
        "None of your treatments names ketamine (your treatments: 'Lidocaine', 'Physiotherapy'): the figures for "
        "'ketamine_iv' are not compared. If one of them is that treatment under another name, choose it.")


def test_the_users_choice_wins_and_can_leave_a_figure_uncompared():
    t = table_of("Ketamine", "Special protocol")
    chosen = ketamine(compare_with_published(t, load_published(), matches={"ketamine_iv": "Special protocol"}))
    assert (chosen["dataset_treatment"] == "Special protocol").all()
    off = ketamine(compare_with_published(t, load_published(), matches={"ketamine_iv": NOT_COMPARED}))
    assert set(off["verdict"]) == {"not available"} and off["estimate"].isna().all()
    assert "not compared (your choice)" in off["verdict_text"].iloc[0]


def test_a_choice_of_a_treatment_not_in_the_selection_falls_back_to_the_rule():
    out = ketamine(compare_with_published(table_of("Ketamine"), load_published(), matches={"ketamine_iv": "Gone"}))
    assert (out["dataset_treatment"] == "Ketamine").all()


def test_the_same_name_wins_over_a_drug_name():
    m = match_treatments(["ketamine_iv"], ["Ketamine", "ketamine_iv"]).iloc[0]
    assert (m.dataset_treatment, m.how) == ("ketamine_iv", "same name")


def test_a_small_matched_group_is_hidden_under_its_own_name():
    out = ketamine(compare_with_published(table_of("Ketamine"), load_published(), threshold=30, min_cell_size=5,
                                          group_patients={"Ketamine": 3}))
    assert set(out["verdict"]) == {"group too small"} and out["estimate"].isna().all()
    assert out["verdict_text"].iloc[0].startswith("'Ketamine' has fewer than 5 patients")


def _clinic(labels: list[str], n: int = 6) -> Dataset:
    rows, tx = [], []
    for i in range(n):
        for j, label in enumerate(labels):
            p = f"P{j}{i:02d}"
            rows += [(p, -1.0, 8.0), (p, 1.0, 3.0), (p, 30.0, 4.0)]
            tx.append((p, 0.0, label))
    a = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")
    return Dataset.from_frames(a, pd.DataFrame(tx, columns=["patient_id", "day", "treatment"]))


def test_the_panel_says_which_treatment_was_matched_and_the_export_warns_of_a_question():
    d = Definitions(min_cell_size=1)
    res = published_results(build_episodes(_clinic(["Ketamine infusion"]), d), None)
    P = published_panel(res, d)
    m = P.shown["matches"].iloc[0]
    assert m.text == ("The figures for 'ketamine_iv' are compared with your treatment 'Ketamine infusion': the "
                      "one that names ketamine.")
    assert P.tables["published_comparison"]["estimate"].notna().any() and not P.warnings
    two = published_results(build_episodes(_clinic(["Ketamine", "Ketamine 2-day protocol"]), d), None)
    P2 = published_panel(two, d)
    assert P2.shown["treatments"] == ["Ketamine", "Ketamine 2-day protocol"]
    assert len(P2.warnings) == 1 and "Which of your treatments" in P2.warnings[0]
    P3 = published_panel(two, d, matches={"ketamine_iv": "Ketamine 2-day protocol"})
    assert not P3.warnings and (P3.tables["published_comparison"]["dataset_treatment"] ==
                                "Ketamine 2-day protocol").all()


def test_the_export_compares_the_treatment_chosen_on_the_page():
    from analysis.present.report import compute_results
    ds = _clinic(["Ketamine", "Ketamine 2-day protocol"])
    d = Definitions(min_cell_size=1)
    asked = compute_results(ds, d)
    assert any("Which of your treatments do the figures for 'ketamine_iv' describe?" in w for w in asked.warnings)
    chosen = compute_results(ds, d, published_matches={"ketamine_iv": "Ketamine"})
    table = chosen.panels["published"].tables["published_comparison"]
    assert (table["dataset_treatment"] == "Ketamine").all() and table["estimate"].notna().any()
    assert not any("Which of your treatments" in w for w in chosen.warnings)


def test_esketamine_and_norketamine_are_other_drugs_than_the_published_ketamine():
    # the third regression review: the drug word matched inside 'Esketamine', and an esketamine clinic was compared
    assert drugs_named("Esketamine infusion") == {"esketamine"} and drugs_named("S-Ketamin i.v.") == {"esketamine"}
    assert drugs_named("Norketamine") == {"norketamine"} and drugs_named("Ketamin i.v.") == {"ketamine"}
    m = match_treatments(["ketamine_iv"], ["Esketamine infusion"]).iloc[0]
    assert m.how == "none" and m.dataset_treatment is None


def test_a_treatment_of_the_drug_by_another_route_is_named_as_such_when_nothing_is_compared():
    m = match_treatments(["ketamine_iv"], ["Ketamine IN", "Lidocaine patch"]).iloc[0]
    assert m.how == "none" and "'Ketamine IN' names another route or form" in m.text
    assert "None of your treatments names ketamine" not in m.text
