"""An export of the PHQ-9 (or GAD-7) takes every number from the measure's own response rule, as summarize does.

``summarize --measure phq9`` counts responders at the PHQ-9's response (a reduction of at least 50%);
an export of the same data and command line must not count them at pain's 30% in its relief-duration
tables, figures, report and methods text: one bundle, one threshold
(:func:`analysis.definitions.definitions_for_measure`).

The cohort separates the two thresholds: 20 patients, one ketamine course each, PHQ-9 10 at baseline
(day -1) and the day after

* 10 patients score 4 (60% less: a PHQ-9 response); 6 of them score 6 on day 30 (40% less: response
  lost) and 4 on day 60, the other 4 score 4 on days 30 and 60;
* 6 patients score 6 (40% less: a "responder" at 30%, not a PHQ-9 response), 6 on days 30 and 60;
* 4 patients score 10 (no change).

So at 50%: 10 immediate responders, 6 lose the response on day 30: median duration 30 days, 40% still
responding at week 8 (n = 10).
At 30% there would be 16, none losing relief (median not reached, n = 16).
"""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from analysis.cli import main
from analysis.definitions import Definitions
from analysis.export import build_bundle
from analysis.methods import describe, methods_paragraph
from analysis.summary import summarize


def cohort_files() -> dict[str, str]:
    rows = ["patient_id,day,pain_nrs,phq9"]
    for i in range(20):
        p = f"P{i:02d}"
        day1, day30, day60 = ((4, 6, 4) if i < 6 else (4, 4, 4) if i < 10 else (6, 6, 6) if i < 16
                              else (10, 10, 10))
        rows += [f"{p},-1,8,10", f"{p},1,3,{day1}", f"{p},30,3,{day30}", f"{p},60,3,{day60}"]
    treatments = "patient_id,day,treatment\n" + "".join(f"P{i:02d},0,ketamine_iv\n" for i in range(20))
    return {"assessments.csv": "\n".join(rows) + "\n", "treatments.csv": treatments}


@pytest.fixture(scope="module")
def dataset():
    from analysis import load_files

    return load_files({k: v.encode() for k, v in cohort_files().items()})


@pytest.fixture(scope="module")
def bundle(dataset):
    return build_bundle(dataset, Definitions(measure="phq9"), formats=())


def table(bundle, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(bundle.files[f"tables/{name}.csv"]))


def summary_row(bundle, statistic: str, week=None) -> pd.Series:
    s = table(bundle, "summary")
    rows = s[(s["statistic"] == statistic) & (s["week"].isna() if week is None else s["week"] == week)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_phq9_bundles_relief_duration_tables_agree_with_its_summary_and_with_summarize(bundle, dataset):
    median = table(bundle, "relief_duration_medians").iloc[0]
    assert (median["estimate"], median["n"]) == (30.0, 10)
    assert (summary_row(bundle, "median_relief_duration_days")[["estimate", "n"]].tolist()) == [30.0, 10]
    surv = table(bundle, "relief_duration_survival_at")
    week8 = surv[surv["time"] == 56.0].iloc[0]
    assert (week8["estimate"], week8["n"]) == (pytest.approx(0.4), 10)
    assert summary_row(bundle, "relief_survival", 8.0)["estimate"] == pytest.approx(0.4)
    # the same numbers as summarize of the same definitions
    doc = summarize(dataset, Definitions(measure="phq9"), models=False).to_dict()["groups"][0]
    assert (doc["median_relief_duration_days"]["estimate"], doc["median_relief_duration_days"]["n"]) == (30.0, 10)
    curves = table(bundle, "relief_duration_curves")
    assert curves["n"].max() == 10 if "n" in curves.columns else curves["at_risk"].max() == 10


def test_the_phq9_bundles_responder_tables_count_only_the_50_percent_response(bundle):
    rates = table(bundle, "responder_rates")
    assert set(rates["threshold"]) == {50.0}
    immediate = rates[rates["week"].isna()].iloc[0]
    assert (immediate["successes"], immediate["n"]) == (10, 20)
    assert summary_row(bundle, "immediate_responder_rate")["estimate"] == pytest.approx(0.5)


def test_the_phq9_report_and_methods_state_one_threshold_the_measures_response(bundle):
    report = bundle.files["report.html"].decode()
    methods = bundle.files["methods.md"].decode()
    assert "responder threshold 50%" in report and "responder threshold 30%;" not in report
    assert "Responders \u2265 30%" not in report and "Responders \u2265 50%" in report
    assert "relief \\< 30%" not in methods and "relief \\< 50%" in methods
    assert "at least 30% (IMMPACT" not in methods
    assert "a responder had a reduction of at least 50%, the conventional response of the PHQ-9" in methods
    manifest = json.loads(bundle.files["manifest.json"])
    assert (manifest["definitions"]["threshold"], manifest["definitions"]["thresholds"]) == (50.0, [50.0])


def test_the_phq9_bundle_says_that_the_pain_threshold_asked_for_was_replaced(bundle):
    assert any(w.startswith("The responder threshold 30% (pain relief, IMMPACT) does not apply to PHQ-9")
               for w in bundle.warnings)
    assert "Note: the responder threshold 30% (pain relief, IMMPACT) does not apply" in \
        bundle.files["methods.md"].decode()


def test_the_phq9_bundle_leaves_out_the_comparison_with_pain_relief_publications_and_says_so(bundle):
    assert "tables/published_comparison.csv" not in bundle.files
    assert "Comparison with published figures left out: the publications report pain relief (pain scores), " \
           "not phq9." in bundle.warnings


def test_a_pain_export_keeps_its_thresholds_and_the_published_comparison(dataset):
    from analysis.definitions import definitions_for_measure

    d = Definitions()
    assert definitions_for_measure(d) == (d, None)
    b = build_bundle(dataset, d, formats=())
    assert set(pd.read_csv(io.BytesIO(b.files["tables/responder_rates.csv"]))["threshold"]) == {30.0, 50.0}
    assert "tables/published_comparison.csv" in b.files


def test_summarize_phq9_with_the_pain_threshold_prints_a_note_on_stderr_and_in_the_json(tmp_path, capsys):
    for name, text in cohort_files().items():
        (tmp_path / name).write_text(text)
    assert main(["summarize", str(tmp_path), "--measure", "phq9", "--threshold", "30", "--json",
                 "--no-models"]) == 0
    out, err = capsys.readouterr()
    note = json.loads(out)["conventional_rules"]["note"]
    assert note.startswith("the responder threshold 30% (pain relief, IMMPACT) does not apply to PHQ-9")
    assert f"note: {note}" in err
    # asked for at the measure's own 50%: nothing to say
    assert main(["summarize", str(tmp_path), "--measure", "phq9", "--threshold", "50", "--json",
                 "--no-models"]) == 0
    out, err = capsys.readouterr()
    assert "note" not in json.loads(out)["conventional_rules"] and "does not apply" not in err


def test_a_clinics_own_score_says_it_has_no_conventional_rule_instead_of_citing_immpact():
    d = Definitions(measure="bpi_interference")
    lines = describe(d)
    assert "Responder: relief >= 30% (the threshold chosen: bpi_interference has no conventional response rule)." \
        in lines
    assert not any("IMMPACT" in line for line in lines)
    assert "IMMPACT" not in methods_paragraph(d, ("treatment",), None, "")


def test_the_definitions_of_a_phq9_page_give_the_relief_duration_at_the_measures_response():
    # the dashboard's Secondary outcomes page prints these (dashboard/state.show_definitions)
    from analysis.definitions import definitions_for_measure

    d, _ = definitions_for_measure(Definitions().replace(measure="phq9"))
    lines = describe(d)
    assert any(line.startswith("Response: a reduction from baseline of at least 50%") for line in lines)
    assert any("time to the first follow-up score with relief < 50%" in line for line in lines)
    assert not any("< 30%" in line for line in lines)
