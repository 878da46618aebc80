"""Names about pain that are not its intensity (relief, interference, a goal, a change; its quality, duration or
onset unless the name also says score/NRS/intensity) are never read as the 0-10 pain score (analysis/io/column_words.py, NOT_PAIN_INTENSITY). Read so, a
relief rating of 7 became a pain of 7 and a relief of 50% a pain of 0.5: a clinic's best responders its worst."""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.io.column_words import measure_of


@pytest.mark.parametrize("name", [
    "Pain relief 4 wk", "Pain relief 4 wk (%)", "% pain relief", "Pain relief since the infusion (0 = no relief, "
    "10 = complete relief)", "Schmerzlinderung 4 Wochen", "Soulagement douleur 4 semaines", "Alivio del dolor",
    "Pijnverlichting", "Pain interference 4 wk", "bpi_interference", "Pain Goal", "Acceptable pain level",
    "Pain quality", "Pain duration (months)", "Schmerzdauer", "Pain onset", "Change in pain", "Pain reduction (%)",
    "Pain improvement", "NRS change"])
def test_names_about_pain_that_are_not_its_intensity_name_no_measure(name):
    assert measure_of(name) is None


@pytest.mark.parametrize("name", [
    "Pain Score (0-10)", "Pain Intensity", "NRS baseline", "NRS 4 wk", "Schmerz vorher", "Schmerzintensität",
    "EVA avant", "Dolor basal", "Pijnscore", "pain_now", "Worst pain", "Pain Rating at Rest", "pain_avg_week",
    "Pain Score - Left foot", "VAS (mm)", "NRS Schmerz", "Schmerz bei Beginn der Infusion",
    # a location, a flowsheet's group or a recall period beside an intensity word: still the score
    "Pain (0-10) - Location: left hand", "Pain Score - Primary Location", "Pain Management Pain Score",
    "Pain Score (Duration 24h)", "Schmerz Dauer NRS"])
def test_names_of_the_pain_intensity_still_name_it(name):
    assert measure_of(name) in ("pain_nrs",)


def test_a_pain_relief_column_beside_the_visit_scores_is_no_pain_score():
    """One row per patient; the clinic's own relief column at week 4 (50%, 33%, 10% as Excel's CSV writes them,
    and 0.5, 0.33, 0.1 as a percent-formatted cell's value) was read as a week-4 pain of 0.5: 'responders in
    week 4: 100%'. Now no pain score is read from it: pain_nrs holds the NRS columns only (8, 6, 9 at baseline,
    4, 3, 5 at week 1)."""
    for relief in (("50%", "33%", "10%"), ("0.5", "0.33", "0.1")):
        sheet = ("Patient,Infusion date,NRS baseline,NRS 1 wk,Pain relief 4 wk\n"
                 f"P01,2024-03-04,8,4,{relief[0]}\nP02,2024-03-11,6,3,{relief[1]}\nP03,2024-03-18,9,5,{relief[2]}\n")
        ds = load_files({"sheet.csv": sheet.encode()})
        nrs = ds.assessments[ds.assessments["measure"] == "pain_nrs"].sort_values(["day", "patient_id"])
        assert nrs[["day", "value"]].values.tolist() == [[0, 8], [0, 6], [0, 9], [7, 4], [7, 3], [7, 5]]
