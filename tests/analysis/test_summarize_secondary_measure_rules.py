"""``summarize --measure phq9`` reports the PHQ-9's own response and remission, not pain responders.

The registry of measures (analysis/measures.py) defines PHQ-9 response as a reduction of at least 50%
from baseline and remission as a score below 5 (Löwe et al. 2004; Kroenke et al. 2001). A summary of
the PHQ-9 that counted responders at the pain threshold (30%, IMMPACT) would print a number that looks
right and is not the documented one. The cohort below separates the rules: 20 patients, PHQ-9 12 at
baseline (one patient 4), and in week 4

* 6 patients score 4 (67% less: response and remission),
* 4 score 6 (50% less: response, no remission),
* 6 score 8 (33% less: a "responder" at 30%, not a PHQ-9 response),
* 3 score 12 (no change), and the patient with baseline 4 scores 4 (in remission, no response).

Pain: 8 at baseline, 3 the day after (all immediate responders); 7 patients lose relief on day 14, the
others keep it to day 60, so the median relief duration is not reached while its lower limit is.

So week 4: response 10/20 = 50% (at 30% it would be 16/20 = 80%), remission 7/20 = 35%; remission at
baseline 1/20 = 5%.
"""
from __future__ import annotations

import json

import pytest

from analysis.cli import main
from analysis.definitions import Definitions
from analysis.summary import summarize

WEEK4_PHQ9 = [4] * 6 + [6] * 4 + [8] * 6 + [12] * 3 + [4]


def cohort_files() -> dict[str, str]:
    rows = ["patient_id,day,pain_nrs,phq9"]
    for i, score in enumerate(WEEK4_PHQ9):
        p = f"P{i:02d}"
        baseline = 4 if i == 19 else 12
        rows += [f"{p},-1,8,{baseline}", f"{p},1,3,"]
        rows += [f"{p},14,8,", f"{p},25,8,{score}"] if i < 7 else [f"{p},25,3,{score}", f"{p},60,3,"]
    treatments = "patient_id,day,treatment\n" + "".join(f"P{i:02d},0,ketamine_iv\n" for i in range(20))
    return {"assessments.csv": "\n".join(rows) + "\n", "treatments.csv": treatments}


@pytest.fixture
def dataset(load):
    return load(cohort_files())


@pytest.fixture
def phq9(dataset):
    return summarize(dataset, Definitions(measure="phq9"), models=False)


def test_phq9_response_is_a_reduction_of_at_least_50_percent_whatever_the_pain_threshold(phq9, dataset):
    week4 = phq9.to_dict()["groups"][0]["responder_rate_by_week"]["4"]
    assert (week4["estimate"], week4["n"]) == (pytest.approx(0.5), 20)
    # the pain threshold of the definitions (30%, or another one given) does not change the PHQ-9's rule
    other = summarize(dataset, Definitions(measure="phq9").with_threshold(40.0), models=False)
    assert other.to_dict()["groups"][0]["responder_rate_by_week"]["4"]["estimate"] == pytest.approx(0.5)


def test_phq9_remission_is_reported_at_baseline_and_each_report_week_with_its_interval(phq9):
    remission = phq9.to_dict()["groups"][0]["remission_rate_by_week"]
    assert list(remission) == ["0", "4", "8", "12"]
    assert (remission["0"]["estimate"], remission["0"]["n"]) == (pytest.approx(0.05), 20)
    assert (remission["4"]["estimate"], remission["4"]["n"]) == (pytest.approx(0.35), 20)
    assert remission["4"]["ci_low"] < 0.35 < remission["4"]["ci_high"]   # Wilson, as every proportion
    assert remission["8"] is None                                        # no score in week 8


def test_the_json_names_the_rules_and_their_reference_from_the_registry(phq9):
    rules = phq9.to_dict()["conventional_rules"]
    assert (rules["measure"], rules["response_reduction_pct"], rules["remission_below"]) == ("phq9", 50.0, 5.0)
    assert "Löwe" in rules["reference"] and "Kroenke" in rules["reference"]


def test_the_text_prints_response_and_remission_and_never_the_pain_definition(phq9):
    text = phq9.to_text()
    assert "response in week 4                     50.0%  (95% CI" in text
    assert "remission (< 5) in week 4              35.0%  (95% CI" in text
    assert "remission (< 5) at baseline            5.0%" in text
    assert "responders in week" not in text
    assert "IMMPACT" not in text and "Dworkin" not in text
    assert "Response: a reduction from baseline of at least 50%; remission: a score below 5" in text


def test_a_measure_without_a_conventional_rule_does_not_cite_the_pain_rule(load):
    files = cohort_files()
    files["assessments.csv"] = files["assessments.csv"].replace("phq9", "css")
    text = summarize(load(files), Definitions(measure="css"), models=False).to_text()
    assert "IMMPACT" not in text
    assert "the threshold chosen: CRPS Severity Score has no conventional response rule" in text


def test_pain_keeps_its_responders_and_documents_no_remission(dataset):
    doc = summarize(dataset, Definitions(), models=False).to_dict()
    assert "conventional_rules" not in doc and "remission_rate_by_week" not in doc["groups"][0]
    text = summarize(dataset, Definitions(), models=False).to_text()
    assert "responders in week 4" in text and "IMMPACT, Dworkin et al. 2008" in text


def test_the_command_line_prints_the_same_rates(tmp_path, capsys):
    for name, text in cohort_files().items():
        (tmp_path / name).write_text(text)
    assert main(["summarize", str(tmp_path), "--measure", "phq9", "--json", "--no-models"]) == 0
    doc = json.loads(capsys.readouterr().out)
    group = doc["groups"][0]
    assert group["responder_rate_by_week"]["4"]["estimate"] == pytest.approx(0.5)
    assert group["remission_rate_by_week"]["4"]["estimate"] == pytest.approx(0.35)


def test_a_median_duration_not_reached_prints_the_lower_limit_of_its_interval(dataset):
    s = summarize(dataset, Definitions(), models=False)
    med = s.to_dict()["groups"][0]["median_relief_duration_days"]
    assert med["estimate"] is None and med["ci_low"] is not None
    assert (f"median relief duration (days)          not reached  (95% CI {med['ci_low']:.1f} to not reached; "
            "n = 20)") in s.to_text()
