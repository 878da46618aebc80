"""Clinic exports of a sixth fresh-eyes probe: small invented exports in shapes the earlier probes
(test_clinic_exports.py, test_clinic_export_shapes.py, test_clinic_export_pitfalls.py,
test_clinic_export_probe4.py, test_clinic_export_probe5.py, test_fill_down.py,
test_proposal_rules_on_ordinary_files.py) do not cover, each with its expected numbers worked out by
hand (fixtures: tests/analysis/clinic_export_probe6.py).

Definitions used for the hand calculations (docs/methods.md): the baseline is the last score with
start - 14 <= day <= start; immediate relief is 100 x (baseline - s) / baseline for the first score
s with start < day <= start + 2 (each course an episode); a responder has relief >= 30%; week k is
start + 7(k-1) < day <= start + 7k. Administrations of one treatment at most 7 days apart are one
course starting at the first (docs/data-format.md, "Rules"). A ``before_start`` score is at the
administration's time, an ``after_start`` score 1 hour after it. Wilson intervals are checked against
statsmodels' ``proportion_confint`` (clinic_checks.check_rate).

Tests marked xfail(strict=True) are defects not fixed yet; the reason names where the fix belongs.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import clinic_export_probe6 as probe
from clinic_checks import columns, group, groups, check_rate, roles, proposal_doc, relief, scores
from analysis import load_files
from analysis.cli import main
from analysis.errors import DatasetError, MappingError
from analysis.io.propose import inspect
from analysis.io.spec import Column


def assert_asked(files: dict, *fragments: str, match: str) -> None:
    """The proposal lists a point to review holding every fragment, and loading without a mapping is refused
    with it (a MappingError matching ``match``)."""
    assert any(all(f in r for f in fragments) for r in inspect(files).review), inspect(files).review
    with pytest.raises(MappingError, match=match):
        load_files(files)


def write(folder, files: dict) -> None:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


# --- 1. A register: one row per patient and infusion, one column per follow-up visit ----------------

def test_a_register_with_a_column_per_visit_and_scores_written_n_of_10_gives_the_hand_computed_relief():
    """Each row is a course at its 'Infusion date' (A1 has two, 133 days apart); 'Pre-' and 'Post-infusion
    pain' are the baseline and the immediate score; 'Pain 1 week' is day 7, '1 month' day 30 (365.25/12
    rounded), '3 months' day 91. Immediate relief per course: A1 8->4 50%, A1 7->3 57.1%, A2 6->6 0%,
    A3 9->5 44.4%, A4 7->2 71.4%: mean 44.60%, 4 of 5 responders."""
    files = probe.visit_register()
    ds = load_files(files)
    assert ds.report.exclusions.empty
    assert sorted(ds.treatments["day"]) == [0.0, 0.0, 0.0, 0.0, 133.0]
    post = round(1 / 24, 6)
    assert scores(ds)["A1"] == [(0.0, 8), (post, 4), (7.0, 5), (30.0, 6), (91.0, 7),
                                (133.0, 7), (133 + post, 3), (140.0, 4), (163.0, 5)]
    assert scores(ds)["A3"] == [(0.0, 9), (post, 5), (7.0, 6)]
    g = group(ds)
    expected = [relief(pre, post) for _, _, pre, post, *_ in probe.REGISTER]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(44.6031746)
    assert_rate(g["immediate_responder_rate"], 4, 5)


def assert_rate(result: dict, k: int, n: int) -> None:
    """A1's two courses make patients clusters: the interval is cluster-robust (docs/methods.md), wider
    than Wilson's, so only n and the estimate are checked here."""
    assert (result["n"], result["estimate"]) == (n, pytest.approx(k / n))
    assert result["ci_low"] < k / n < result["ci_high"]


def test_the_register_summarized_on_the_command_line_gives_the_same_numbers(tmp_path, capsys):
    write(tmp_path / "reg", probe.visit_register())
    assert main(["summarize", str(tmp_path / "reg"), "--no-models", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (g,) = doc["groups"]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(44.6031746)
    assert_rate(g["immediate_responder_rate"], 4, 5)


# --- 2. A workbook with scores on one sheet and infusions on another --------------------------------

def test_a_workbook_with_scores_and_infusions_on_two_sheets_and_datetime_cells_gives_the_hand_computed_relief():
    """Date-and-time cells place each score by its minute around the 10:00 infusion: K01 8->4 50%, K02 6->5
    16.7%, K03 9->3 66.7% (mean 44.44%, 2 of 3); week 4 (day 27.96-28.0): K01 37.5%, K02 0%, K03 55.6%: 2 of
    3. The 'Average' row under the scores and the 'Total' row under the doses are left out with their
    sheet rows; the dose is each infusion's 120 mg."""
    ds = load_files(probe.two_sheet_workbook())
    ex = ds.report.exclusions
    assert list(zip(ex["file"], ex["line"])) == [("Ketamine clinic (Pain scores).csv", 12),
                                                 ("Ketamine clinic (Infusions).csv", 5)]
    assert ds.treatments["dose"].tolist() == [120.0, 120.0, 120.0]
    assert scores(ds)["K01"] == [(-0.0625, 8), (round(4 / 24, 6), 4), (28.0, 5)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 5), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 2, 3)


def test_inspect_on_the_command_line_reads_each_sheet_of_the_workbook(tmp_path, capsys):
    path = tmp_path / "Ketamine clinic.xlsx"
    path.write_bytes(probe.two_sheet_workbook()["Ketamine clinic.xlsx"])
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Ketamine clinic (Pain scores).csv" in out and "Ketamine clinic (Infusions).csv" in out
    assert "'Dose (mg)'" in out and "dose" in out


def test_inspect_given_the_workbook_itself_proposes_the_roles_of_its_sheets():
    files = probe.two_sheet_workbook()
    r = roles(files)
    assert r[("Ketamine clinic (Pain scores).csv", "NRS")] == "measure"
    assert r[("Ketamine clinic (Infusions).csv", "Drug")] == "treatment"
    assert any("the sheet 'Infusions' was read as" in n for n in inspect(files).notes)


def test_a_date_column_of_date_cells_and_day_first_texts_reads_both():
    """X1 8->4 50%, X2 6->6 0%, X3 9->3 66.7%: mean 38.89%, 2 of 3; the texts '05/03/2024' are the day after
    each infusion, as the date cells around them say (a day-first column)."""
    ds = load_files(probe.date_cells_and_date_texts())
    assert ds.report.exclusions.empty
    assert scores(ds)["X1"] == [(-1.0, 8), (1.0, 4), (28.0, 6)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(a, b) for a, b, _ in
                                                                           probe.MIXED_CELLS.values()]))
    check_rate(g["immediate_responder_rate"], 2, 3)


# --- 3. EHR exports ----------------------------------------------------------------------------------

def test_a_flowsheet_with_a_date_and_a_separate_taken_time_and_its_mar_give_the_hand_computed_relief():
    """'Taken Time' completes 'Recorded Date'; 'Admin Time' completes 'Admin Date'. F1 8->4 50%, F2 6->5
    16.7%, F3 9->3 66.7%: mean 44.44%, 2 of 3; week 4 (09:00 or 10:00 on day 28): F1 25%, F2 0%, F3 55.6%:
    1 of 3. 'Pain Location' and the 'Rate Change' are left out with their reasons."""
    files = probe.flowsheet_date_and_taken_time()
    r = roles(files)
    assert r[("flowsheet.csv", "Taken Time")] == "time" and r[("mar.csv", "Admin Time")] == "time"
    ds = load_files(files)
    assert ds.report.exclusions["reason"].tolist() == [
        "item 'Pain Location' is not mapped to a measure (ignored)",
        "not the start of an administration (action 'Rate Change')"]
    # The week-4 score at 09:00 on day 28 after a 10:00 start: 28 whole days after it.
    assert scores(ds)["F2"] == [(round(-2 / 24, 6), 6), (round(5 / 24, 6), 5), (28.0, 6)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 5), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


def test_the_flowsheet_mapping_written_by_inspect_and_read_back_loads_the_same(tmp_path, capsys):
    write(tmp_path / "ehr", probe.flowsheet_date_and_taken_time())
    mapping = tmp_path / "m.json"
    assert main(["inspect", str(tmp_path / "ehr"), "--write-mapping", str(mapping)]) == 0
    capsys.readouterr()
    assert main(["summarize", str(tmp_path / "ehr"), "--mapping", str(mapping), "--no-models", "--json"]) == 0
    with_mapping = json.loads(capsys.readouterr().out)
    assert main(["summarize", str(tmp_path / "ehr"), "--no-models", "--json"]) == 0
    assert with_mapping == json.loads(capsys.readouterr().out)
    check_rate(with_mapping["groups"][0]["immediate_responder_rate"], 2, 3)


def test_flowsheet_values_written_as_the_rows_name_a_colon_and_the_score_read_as_the_score():
    files = probe.flowsheet_with_labelled_values()
    p = inspect(files)
    assert p.files[0].items["Pain Score (0-10)"][1] == "pain_nrs"
    ds = load_files(files)
    assert scores(ds)["F1"] == [(-0.0625, 8), (round(4 / 24, 6), 4), (28.0, 6)]
    check_rate(group(ds)["immediate_responder_rate"], 2, 3)


@pytest.mark.parametrize("text, value", [("Pain Score: 8", 8.0), ("NRS = 6", 6.0), ("pain score:7.5", 7.5),
                                         ("Schmerz: 5", 5.0), ("Douleur : 3", 3.0)])
def test_a_score_after_its_scales_name_reads_as_the_score(text, value):
    from analysis.io.values import ValueRules, parse_values
    pv = parse_values(np.array([text], dtype=object), ValueRules(), 10)
    assert (pv.value[0], pv.rule[0], pv.reason[0]) == (value, "scale", "")


@pytest.mark.parametrize("text", ["BP: 120", "Goal 3", "Pain Score: 8/10 at rest", "Pulse: 72"])
def test_a_number_after_other_words_is_not_read_as_the_score(text):
    from analysis.io.values import ValueRules, parse_values
    pv = parse_values(np.array([text], dtype=object), ValueRules(), 10)
    assert np.isnan(pv.value[0]) and pv.reason[0]


def test_without_fractions_a_score_after_its_scales_name_is_excluded_with_its_reason():
    from analysis.io.values import ValueRules, parse_values
    pv = parse_values(np.array(["Pain Score: 8"], dtype=object), ValueRules(fractions=False), 10)
    assert pv.reason[0] == "a score after its scale's name (Pain Score: 8); the value rules exclude fractions"


def test_a_mar_with_given_not_given_and_bolus_from_bag_gives_one_course_per_infusion_with_its_dose():
    """'Given' starts an administration; E3's 'Bolus from Bag' 30 min after its bag is drawn from that bag:
    part of its infusion, no administration of its own, its dose in the bag's (0.5 mg/kg, not 0.6); 'Not
    Given' is no administration; ondansetron is a co-medication; the pre-infusion score charted by two
    encounters counts once. E1 8->4 50%, E2 6->5 16.7%, E3 9->3 66.7%; week 4: E1 (day 28.0) 25%, E2 (day
    28, at 09:00 after a 10:00 start) 0%, E3 (day 28, at 11:00 after a 10:00 start: 28 whole days, week 4; it
    was day 28.04, week 5, before follow-up was counted in whole days) 55.6%: 1 of 3."""
    ds = load_files(probe.mar_given_not_given_bolus())
    ex = ds.report.exclusions
    assert list(zip(ex["file"], ex["line"], ex["reason"])) == [
        ("flowsheet.csv", 3, "exact duplicate of flowsheet.csv line 2"),
        ("mar.csv", 3, "'ONDANSETRON 4 MG IV' is not a chosen treatment (co-medication?)"),
        ("mar.csv", 5, "not the start of an administration (action 'Not Given')"),
        ("mar.csv", 7, "a bolus drawn from the running bag (action 'Bolus from Bag'): part of that bag's infusion, "
                       "not an administration of its own")]
    t = ds.treatments.set_index("patient_id")
    assert t["dose"].to_dict() == pytest.approx({"E1": 0.5, "E2": 0.5, "E3": 0.5})
    assert t["administrations"].to_dict() == {"E1": 1, "E2": 1, "E3": 1}
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 5), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


def test_doses_in_different_units_are_not_summed_into_one_course_dose():
    """0.5 mg/kg/hr + 20 mg is no dose: the treatment's doses (written in two units) are left out of every
    course, since doses are also compared across courses, and a warning names the units. (M1's 20 mg is a
    'Given' here: a 'Bolus from Bag' would be no administration at all.)"""
    files = probe.mar_mixed_dose_units()
    files["mar.csv"] = files["mar.csv"].replace(b"Bolus from Bag", b"Given")
    ds = load_files(files)
    assert "dose" not in ds.treatments.columns
    assert ds.treatments.set_index("patient_id")["administrations"].to_dict() == {"M1": 2, "M2": 1}
    assert any("'Ketamine infusion'" in w and "'mg', 'mg/kg/hr'" in w and "'Dose Unit'" in w
               for w in ds.report.warnings)


def test_rates_are_not_summed_into_a_course_dose():
    """Three bags at 0.5 mg/kg/hr are one course of three administrations, but no dose of 1.5: a rate is no
    amount given. The course has no dose and a warning says why."""
    mar = ["Patient,Medication,MAR Action,Action Date/Time,Dose,Dose Unit"] + [
        f"R{p},KETAMINE 500 MG IN NS 500 ML,New Bag,03/{day:02d}/2024 0900,0.5,mg/kg/hr"
        for p, first in ((1, 4), (2, 11)) for day in range(first, first + 3)]
    flow = ["Patient,Taken Date/Time,Flowsheet Row,Value"] + [
        f"R{p},03/{first:02d}/2024 {tm},Pain Score (0-10),{v}" for p, first in ((1, 4), (2, 11))
        for tm, v in (("0830", 8), ("1400", 4))]
    ds = load_files({"mar.csv": ("\n".join(mar) + "\n").encode(), "flowsheet.csv": ("\n".join(flow) + "\n").encode()})
    t = ds.treatments.set_index("patient_id")
    assert t["administrations"].to_dict() == {"R1": 3, "R2": 3}
    assert "dose" not in t.columns or t["dose"].isna().all()
    assert any("are rates ('mg/kg/hr'" in w for w in ds.report.warnings)


def test_doses_in_one_unit_written_beside_them_are_summed_per_course():
    """The MAR above with every dose in mg/kg, E3's bolus a 'Given' of its own: 0.5 + 0.1 mg/kg."""
    files = probe.mar_given_not_given_bolus()
    files["mar.csv"] = files["mar.csv"].replace(b"Bolus from Bag", b"Given")
    ds = load_files(files)
    assert ds.treatments.set_index("patient_id")["dose"].to_dict() == pytest.approx({"E1": 0.5, "E2": 0.5, "E3": 0.6})
    assert not any("different units" in w for w in ds.report.warnings)


# --- 4. A hand-kept German sheet ---------------------------------------------------------------------

def test_a_hand_kept_sheet_with_two_digit_years_quoted_line_breaks_and_a_total_line_gives_the_hand_computed_relief():
    """'DD.MM.YY' dates; '007' and '7' stay two patients (ids are never merged); 020 has no infusion and is
    counted from its first score; the comments' line breaks keep one spreadsheet row each, so 'Total: 4
    patients' is left out as row 16. 007 8->4 50%, 7 6->6 0%, 012 9->3 66.7%: mean 38.89%, 2 of 3; week 4:
    25%, 0%, 55.6%: 1 of 3."""
    ds = load_files(probe.german_hand_kept_sheet())
    ex = ds.report.exclusions
    assert list(zip(ex["line"], ex["reason"])) == [
        (16, "below the table: a summary row ('Total: 4 patients') under the patients' rows is not a patient")]
    assert sorted(ds.treatments["patient_id"]) == ["007", "012", "7"]
    s = scores(ds)
    assert s["007"] == [(-1.0, 8), (1.0, 4), (28.0, 6)] and s["7"] == [(-1.0, 6), (1.0, 6), (28.0, 6)]
    assert s["020"] == [(0.0, 7), (7.0, 7)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 6), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


def test_excels_sep_line_above_the_header_is_skipped_and_the_sheet_reads_the_same():
    ds = load_files(probe.german_hand_kept_sheet(sep_line=True))
    assert any("sep=" in n for n in ds.report.notes)
    assert ds.report.exclusions["line"].tolist() == [17]
    check_rate(group(ds)["immediate_responder_rate"], 2, 3)


def test_a_header_repeated_under_the_first_export_is_left_out_with_its_line():
    """S1 8->4 50%, S2 6->3 50%: 2 of 2; week 4: 25%, 16.7%: 0 of 2."""
    ds = load_files(probe.two_exports_pasted_together())
    ex = ds.report.exclusions
    assert ex["line"].tolist() == [6] and "repeats the header of line 1" in ex["reason"].iloc[0]
    c = ds.report.files["schmerz.csv"]
    assert (c.rows_read, c.rows_used, c.rows_excluded) == (9, 8, 1)
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(50.0)
    check_rate(g["immediate_responder_rate"], 2, 2)
    check_rate(g["responder_rate_by_week"]["4"], 0, 2)


def test_a_row_that_only_shares_some_words_with_the_header_stays_data():
    files = {"s.csv": b"Patient,Date,Treatment,NRS\nPatient,2024-03-03,,8\nPatient,2024-03-04,Ketamine,\n"
                      b"Patient,2024-03-05,,4\n"}
    ds = load_files(files)
    assert ds.report.exclusions.empty and scores(ds)["Patient"] == [(-1.0, 8), (1.0, 4)]


# --- 5. Which column is the score ------------------------------------------------------------------------

def test_pain_at_rest_and_on_movement_are_asked_about_not_pooled():
    assert_asked(probe.rest_and_movement(), "'NRS at rest'", "'NRS on movement'", match="NRS at rest")


def test_pain_at_rest_chosen_in_the_mapping_keeps_movement_as_its_own_measure():
    """R1 6->3 50%, R2 5->5 0%, R3 7->2 71.4% (2 of 3); on movement 8->5, 7->7, 9->4 under its own name."""
    files = probe.rest_and_movement()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["NRS on movement"] = {"role": "measure", "measure": "pain_movement"}
    ds = load_files(files, mapping=doc)
    assert scores(ds, "pain_movement")["R3"] == [(-1.0, 9), (1.0, 4)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(6, 3), relief(5, 5), relief(7, 2)]))
    check_rate(g["immediate_responder_rate"], 2, 3)


def test_a_pgic_written_in_words_is_the_pgic_measure_not_a_patient_covariate():
    files = probe.pgic_in_words()
    assert roles(files)[("pgic.csv", "PGIC")] == "measure"
    ds = load_files(files)
    assert "pgic" not in ds.patients.columns
    assert {pid: v for pid, [(_, v)] in scores(ds, "pgic").items()} == {"G1": 2, "G2": 4, "G3": 1, "G4": 3}
    assert [d for pid, [(d, _)] in scores(ds, "pgic").items()] == [28.0] * 4


@pytest.mark.parametrize("text, code", [("Very much better", 1), ("a little  better", 3), ("UNCHANGED", 4),
                                        ("Slightly worse", 5), ("Very much worse", 7), ("viel besser", 2),
                                        ("légèrement aggravé", 5), ("sin cambios", 4)])
def test_the_pgics_worded_answers_in_their_usual_versions_read_as_their_codes(text, code):
    from analysis.io.worded_scales import worded_answers
    assert worded_answers("pgic", np.array([text, "", "N/A"], dtype=object)) == {text: str(code)}


def test_a_pgic_column_with_a_word_that_is_no_answer_is_not_read_by_the_words():
    from analysis.io.worded_scales import worded_answers
    assert worded_answers("pgic", np.array(["Much improved", "better I think"], dtype=object)) is None
    assert worded_answers("pain_nrs", np.array(["Much improved"], dtype=object)) is None


# --- 6. Times that are not dates ---------------------------------------------------------------------

def test_hours_since_the_infusion_are_the_time_of_the_scores_not_a_score():
    """Hour 2 is the immediate score, hour 672 day 28: H1 8->4 50%, H2 6->5 16.7%, H3 9->3 66.7% (2 of 3);
    week 4: 25%, 0%, 44.4%: 1 of 3."""
    files = probe.hours_after_infusion()
    assert roles(files)[("hours.csv", "Hours after infusion")] != "measure"
    ds = load_files(files)
    assert scores(ds)["H1"] == [(round(-1 / 24, 6), 8), (round(2 / 24, 6), 4), (7.0, 5), (28.0, 6)]
    g = group(ds)
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


@pytest.mark.parametrize("header, written, day", [("Weeks since infusion", "4", 28.0), ("Follow-up month", "3", 91.0),
                                                  ("Stunden nach Infusion", "48", 2.0), ("Day", "28", 28.0)])
def test_an_elapsed_time_column_is_read_in_the_unit_its_name_says(header, written, day):
    files = {"t.csv": f"Patient,{header},Treatment,NRS\nA,0,Ketamine,\nA,-0.5,,8\nA,{written},,5\n".encode()}
    assert roles(files)[("t.csv", header)] == "day"
    assert [d for d, _ in scores(load_files(files))["A"]][-1] == pytest.approx(day)


def test_an_infusions_duration_in_hours_is_not_the_time_of_the_scores():
    files = {"t.csv": b"Patient,Date,Treatment,Infusion duration (hours),NRS\nA,2024-03-04,Ketamine,4,\n"
                      b"A,2024-03-03,,,8\nA,2024-03-05,,,4\nB,2024-03-11,Ketamine,6,\nB,2024-03-12,,,5\n"}
    assert roles(files)[("t.csv", "Infusion duration (hours)")] != "day"


def test_hours_since_the_infusion_are_never_read_as_days():
    """Whatever the proposal, the load never places hour 168 on day 168: it is refused or read as day 7."""
    try:
        ds = load_files(probe.hours_after_infusion())
    except DatasetError as e:
        assert "Hours after infusion" in str(e) or "date or day" in str(e)
        return
    assert max(d for d, _ in scores(ds)["H1"]) <= 28.0


# --- 7. One row per patient, a block of columns per infusion -----------------------------------------

def test_a_date_column_per_infusion_gives_a_course_per_infusion():
    """W1 day 0 and 42, W2 day 0, W3 day 0 and 42. Per course: W1 8->4 50%, 7->3 57.1%; W2 6->6 0%; W3 9->5
    44.4%, 8->2 75%: mean 45.32%, 4 of 5."""
    ds = load_files(probe.infusion_date_per_column())
    assert sorted(ds.treatments["day"]) == [0.0, 0.0, 0.0, 42.0, 42.0]
    assert ds.treatments["treatment"].nunique() == 1
    g = group(ds)
    expected = [relief(8, 4), relief(7, 3), relief(6, 6), relief(9, 5), relief(8, 2)]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    assert_rate(g["immediate_responder_rate"], 4, 5)


def test_the_infusion_date_columns_are_proposed_as_one_treatment_and_written_in_the_mapping():
    files = probe.infusion_date_per_column()
    cols = proposal_doc(files)["files"][0]["columns"]
    assert cols["Infusion 1 date"] == cols["Infusion 2 date"] == {"role": "date", "treatment": "Infusion"}
    assert any("'Infusion 1 date', 'Infusion 2 date'" in n for n in inspect(files).notes)


def test_a_start_and_an_end_date_of_an_infusion_are_not_two_administrations():
    files = {"log.csv": b"Patient,Infusion start date,Infusion end date,NRS before,NRS after\n"
                        b"A,04/03/2024,08/03/2024,8,4\nB,11/03/2024,15/03/2024,6,5\n"}
    cols = proposal_doc(files)["files"][0]["columns"]
    assert not [c for c in ("Infusion start date", "Infusion end date")
                if isinstance(cols[c], dict) and cols[c].get("treatment")]


def test_each_infusions_scores_are_dated_by_their_own_infusion_date():
    ds = load_files(probe.infusion_date_per_column())
    assert scores(ds)["W1"] == [(0.0, 8), (round(1 / 24, 6), 4), (42.0, 7), (round(42 + 1 / 24, 6), 3)]


# --- 8. Day numbers; a patient scored only before the infusion ----------------------------------------

def test_negative_days_are_before_the_infusion_and_a_patient_without_a_later_score_has_no_relief():
    """N1 -7: 8, day 1: 4 (50%); N3 -2: 9, day 2: 3 (66.7%); N2 has only scores before day 0, so no
    immediate score: mean 58.33% over 2 courses, 2 of 2; week 4: N1 25%, N3 (day 27) 55.6%: 1 of 2. The
    'Total' line is left out with its line."""
    ds = load_files(probe.day_numbers_with_pre_only_patient())
    assert ds.report.exclusions["line"].tolist() == [13]
    assert scores(ds)["N2"] == [(-14.0, 7), (-3.0, 7)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 2)
    check_rate(g["responder_rate_by_week"]["4"], 1, 2)


# --- 9. Ids shown with leading zeros by a number format ------------------------------------------------

def test_ids_shown_with_leading_zeros_by_a_cell_format_are_warned_about_and_never_merged():
    """The workbook is read by its cells' values (7), not their display (007): the ids of the two sheets
    differ, each pair is named in a warning, and only 103 (written alike) has relief: 9->3 66.7%."""
    ds = load_files(probe.ids_shown_with_leading_zeros())
    (w,) = [w for w in ds.report.warnings if "leading zeros" in w]
    assert "'7' and '007'" in w and "'12' and '012'" in w
    assert sorted(ds.treatments["patient_id"]) == ["007", "012", "103"]
    g = group(ds)
    check_rate(g["immediate_responder_rate"], 1, 1)


# --- 10. A flowsheet report with vitals beside the pain score --------------------------------------------

def test_a_flowsheet_report_of_vitals_reads_the_pain_score_and_leaves_the_blood_pressure_out():
    """'Pain Score' is pain_nrs, 'Pain Goal' is not a second pain score (no pain intensity; the same goal on each
    patient's rows: a covariate), 'BP' (128/82) is no score; pulse,
    SpO2 and RASS are read under their own names with a note each. F1 8->4, F2 6->5, F3 9->3 (2 of 3)."""
    files = probe.vitals_flowsheet_report()
    r = roles(files)
    assert (r[("vitals.csv", "Pain Score")], r[("vitals.csv", "Pain Goal")], r[("vitals.csv", "BP")],
            r[("vitals.csv", "MAR Medication")]) == ("measure", "covariate", "ignore", "treatment")
    ds = load_files(files)
    assert set(ds.assessments["measure"]) == {"pain_nrs", "pulse", "spo2", "rass"}
    assert sum("give it the role \"ignore\" if it is not an outcome" in n for n in inspect(files).notes) == 3
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 5), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)


# --- 11. A REDCap raw export without its dictionary ------------------------------------------------------

def test_a_redcap_raw_export_without_its_dictionary_loads_and_says_codes_stay_codes():
    files = probe.redcap_raw_without_dictionary()
    p = inspect(files)
    assert any("without its data dictionary" in n for n in p.notes)
    assert roles(files)[("PainStudy_DATA_2024-05-01_1200.csv", "redcap_data_access_group")] == "covariate"


def test_a_redcap_drug_code_beside_the_infusion_date_is_asked_about_without_the_dictionary():
    assert_asked(probe.redcap_raw_without_dictionary(), "'infusion_drug'", "dictionary", match="infusion_drug")


def test_the_redcap_drug_code_given_the_role_treatment_with_its_codes_gives_each_drugs_relief():
    """Ketamine: record 1 8->4 50%, record 3 9->3 66.7% (2 of 2); lidocaine: record 2 6->6 0% (0 of 1)."""
    files = probe.redcap_raw_without_dictionary()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["infusion_drug"] = {"role": "treatment", "time": "infusion_date",
                                                   "codes": {"1": "Ketamine", "2": "Lidocaine"}}
    ds = load_files(files, mapping=doc)
    assert ds.treatments.set_index("patient_id")["treatment"].to_dict() == {"1": "Ketamine", "2": "Lidocaine",
                                                                            "3": "Ketamine"}
    by = {g["group"]["treatment"]: g for g in groups(ds)}
    assert by["Ketamine"]["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(9, 3)]))
    check_rate(by["Ketamine"]["immediate_responder_rate"], 2, 2)
    check_rate(by["Lidocaine"]["immediate_responder_rate"], 0, 1)


# --- 12. The infusion date on every visit row ------------------------------------------------------------

def check_visits_with_infusion_date(ds) -> None:
    """R1 8->4 50%, R2 6->6 0%, R3 9->3 66.7%: mean 38.89%, 2 of 3; week 4: 25%, 0%, 55.6%: 1 of 3."""
    assert len(ds.treatments) == 3 and (ds.treatments["day"] == 0).all()
    assert scores(ds)["R1"] == [(-1.0, 8), (1.0, 4), (28.0, 6)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 6), relief(9, 3)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


def test_scores_beside_an_infusion_date_repeated_on_every_row_are_dated_by_their_visit_date():
    check_visits_with_infusion_date(load_files(probe.infusion_date_on_every_visit_row()))


def test_with_the_visit_date_first_the_scores_are_dated_by_it():
    ds = load_files(probe.infusion_date_on_every_visit_row(visit_first=True))
    check_visits_with_infusion_date(ds)


# --- 13. Time points in words beside the infusion date ----------------------------------------------------

def test_time_points_in_words_beside_the_infusion_date_give_each_score_its_day():
    """Baseline before the start at day 0, Week 1 day 7, Week 4 day 28, Month 3 day 91: week 4: T1 8->5
    37.5%, T2 0%, T3 9->4 55.6%: 2 of 3."""
    ds = load_files(probe.timepoints_beside_infusion_date())
    assert [d for d, _ in scores(ds)["T1"]] == [0.0, 7.0, 28.0, 91.0]
    check_rate(group(ds)["responder_rate_by_week"]["4"], 2, 3)
    # The infusion date on every visit row is one infusion per patient: no visit is listed as excluded.
    assert ds.report.exclusions.empty
    assert any(n.startswith("9 visit row(s) repeat the treatment") for n in ds.report.notes)


def test_time_points_beside_one_date_per_patient_are_counted_from_it_and_inspect_says_so():
    """The proposal reads 'Timepoint' as days counted from 'Infusion date' (the date is the same on each
    patient's rows, every time point reads), says so, and the sheet loads without a mapping. The baseline is
    the baseline: taken before the infusion (no warning about date-only scores on a start day), each episode
    has it, and week 1 (day 7) is no immediate score (none within 2 days of the start). Week 4: 2 of 3."""
    files = probe.timepoints_beside_infusion_date()
    p = inspect(files)
    assert not p.review
    assert columns(files)[("timepoints.csv", "Timepoint")] == Column("day", counted_from="Infusion date")
    text = p.to_text()
    assert "'Timepoint' counted from 'Infusion date'" in text
    assert proposal_doc(files)["files"][0]["columns"]["Timepoint"] == {"role": "day", "counted_from": "Infusion date"}
    ds = load_files(files)
    assert {pid: [v for _, v in s] for pid, s in scores(ds).items()} == {
        pid: list(vals) for pid, (_, *vals) in probe.TIMEPOINTS.items()}
    assert not [w for w in ds.report.warnings if "start day" in w]
    g = group(ds)
    assert (g["episodes_used"], g["episodes_excluded"]) == (3, 0)   # each with its baseline
    assert g["immediate_responder_rate"] is None
    check_rate(g["responder_rate_by_week"]["4"], 2, 3)


def test_time_points_beside_each_visits_own_date_are_not_counted_from_it():
    """'Visit date' holds each visit's own date (infusion date + 0, 7, 28, 91): the dates place the scores,
    the time points only name the visits. Counted from the dates as well, week 4 would be day 56."""
    files = probe.timepoints_beside_infusion_date(own_dates=True)
    assert roles(files)[("timepoints.csv", "Timepoint")] == "ignore"
    assert not inspect(files).review
    assert [d for d, _ in scores(load_files(files))["T1"]] == [0.0, 7.0, 28.0, 91.0]


def test_a_date_differing_on_one_row_of_a_patient_is_a_point_to_review_not_counted_from():
    """T3's week-4 row carries another infusion date: not one date per patient (nor per course, whose rows
    would start with a baseline), nor each visit's own date (Baseline to Month 3 on 18/03): asked."""
    assert_asked(probe.timepoints_beside_infusion_date(typo=True), "'Timepoint'", "'Infusion date'",
                 "differs (or is empty) on some of their rows", match="Timepoint")


def test_a_time_point_that_does_not_read_is_a_point_to_review_and_with_the_mapping_one_excluded_row():
    """'Week ?' on line 7: the proposal is not certain, so it asks, naming the cell and the mapping entry;
    with that entry the row is excluded with its file, line, column and reason, and the rest is read (week 4
    still 2 of 3)."""
    files = probe.timepoints_beside_infusion_date(unread="Week ?")
    assert_asked(files, "'Week ?'", "\"counted_from\": \"Infusion date\"", match="Week \\?")
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Timepoint"] = {"role": "day", "counted_from": "Infusion date"}
    ds = load_files(files, mapping=doc)
    ex = ds.report.exclusions
    ex = ex[ex["column"] != "Infusion date"]   # the infusion written on each visit row: exact duplicates after the first
    assert ex[["file", "line", "column", "value"]].values.tolist() == [["timepoints.csv", 7, "Timepoint", "Week ?"]]
    assert ex["reason"].tolist() == ["Timepoint is not a time point (Baseline, Day 7, Week 4, Month 3) or a number of days"]
    assert [d for d, _ in scores(ds)["T2"]] == [0.0, 28.0, 91.0]
    check_rate(group(ds)["responder_rate_by_week"]["4"], 2, 3)


def test_visit_labels_beside_each_visits_own_date_are_no_point_to_review():
    """'Visit' = Baseline / Week 1 / Week 4 with the visit's date on its row: the dates place the scores."""
    files = {"v.csv": b"Patient,Visit,Visit date,Treatment,NRS\nA,Baseline,2024-03-03,,8\nA,,2024-03-04,Ketamine,\n"
                      b"A,Week 1,2024-03-11,,5\nA,Week 4,2024-04-01,,6\nB,Baseline,2024-03-10,,6\n"
                      b"B,,2024-03-11,Ketamine,\nB,Week 1,2024-03-18,,6\nB,Week 4,2024-04-08,,6\n"}
    assert not inspect(files).review
    assert scores(load_files(files))["A"] == [(-1.0, 8), (7.0, 5), (28.0, 6)]


# --- 14. Two tables side by side on one sheet ------------------------------------------------------------

def test_a_second_table_beside_the_first_is_a_point_to_review_not_read_into_the_first_tables_rows():
    assert_asked(probe.two_tables_side_by_side(), "'Patient.1'", "second table", match="second table")


def test_a_patient_column_repeated_with_the_same_ids_on_each_row_is_not_a_second_table():
    """Blocks of columns per visit that each repeat the patient id (as a sheet laid out for printing)."""
    files = {"v.csv": b"Patient,Visit date,NRS,Patient,Visit date,NRS\nB1,2024-03-03,8,B1,2024-03-05,4\n"
                      b"B2,2024-03-10,6,B2,2024-03-12,6\n"}
    assert not any("second table" in r for r in inspect(files).review)


# --- 15. The drugs studied in other forms than an infusion ----------------------------------------------

def test_a_lidocaine_patch_and_oral_ketamine_in_the_mar_are_not_infusion_courses():
    """Only the bags are courses: L1 8->4 50%, L2 6->5 16.7% (1 of 2); week 4 (day 28 and 27.96) belongs to
    the infusion, not to an oral 'course' on day 14: L1 25%, L2 0%: 0 of 2. The patch and oral rows are left
    out as not chosen treatments, with a note naming them."""
    files = probe.mar_with_patch_and_oral_ketamine()
    p = inspect(files)
    assert p.spec.courses.treatments == {"ketamine 200 mg in ns 250 ml iv infusion": "Ketamine infusion"}
    assert sum("in another form than an infusion" in n for n in p.notes) == 2
    ds = load_files(files)
    assert ds.treatments[["patient_id", "day", "treatment"]].values.tolist() == [
        ["L1", 0.0, "Ketamine infusion"], ["L2", 0.0, "Ketamine infusion"]]
    ex = ds.report.exclusions
    assert ex["line"].tolist() == [3, 4, 6, 7] and ex["reason"].str.endswith("is not a chosen treatment (co-medication?)").all()
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 4), relief(6, 5)]))
    check_rate(g["immediate_responder_rate"], 1, 2)
    check_rate(g["responder_rate_by_week"]["4"], 0, 2)


def test_an_infusion_text_contained_in_an_oral_one_is_a_point_to_review():
    assert_asked(probe.mar_with_patch_and_oral_ketamine(plain_text=True), "'KETAMINE 10 MG ORAL SOLUTION'",
                 "courses.treatments", match="another form than an infusion")


def test_a_mar_of_infusions_only_keeps_the_drugs_pattern():
    p = inspect(probe.mar_given_not_given_bolus())
    assert p.spec.courses.treatments == {"ketamin": "Ketamine infusion"}


# --- 16. The treatment group written on every row -------------------------------------------------------

def test_a_treatment_group_on_every_visit_row_is_a_point_to_review_not_an_administration_per_visit():
    """Read as administrations, the baseline visit started each course and day 28 a second course (week-4
    relief lost); the proposal asks instead."""
    assert_asked(probe.treatment_arm_on_every_row(), "'Treatment' names the same treatment on every row",
                 "treatment group", match="treatment group")


def test_the_group_mapped_as_a_covariate_loads_the_scores_without_courses():
    files = probe.treatment_arm_on_every_row()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Treatment"] = {"role": "covariate", "name": "group"}
    ds = load_files(files, mapping=doc)
    assert ds.treatments.empty
    assert ds.patients.set_index("patient_id")["group"].to_dict() == {"G1": "Ketamine", "G2": "Ketamine",
                                                                      "G3": "Lidocaine", "G4": "Lidocaine"}


def test_an_infusion_log_with_scores_before_and_after_on_every_row_is_not_asked_about():
    """Every row an infusion (the same drug for each patient, months apart) with its pre and post scores."""
    assert not inspect(probe.visit_register()).review
    files = {"log.csv": b"Patient,Date,Treatment,NRS before,NRS after\nA,2024-03-04,Ketamine,8,4\n"
                        b"A,2024-06-03,Ketamine,7,3\nB,2024-03-11,Ketamine,6,6\nB,2024-06-10,Ketamine,6,5\n"}
    assert not inspect(files).review


# --- 17. Dates written without separators ----------------------------------------------------------------

def test_dates_written_as_yyyymmdd_are_the_visit_dates():
    """C1 8->4 50%, C2 6->6 0%: 1 of 2; week 4: C1 25%, C2 0%: 0 of 2."""
    files = probe.compact_dates()
    assert roles(files)[("extract.csv", "VisitDate")] == "date"
    g = group(load_files(files))
    check_rate(g["immediate_responder_rate"], 1, 2)
    check_rate(g["responder_rate_by_week"]["4"], 0, 2)


def test_dates_written_as_yyyymmdd_and_mapped_as_dates_give_the_same_relief():
    files = probe.compact_dates()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["VisitDate"] = "date"
    g = group(load_files(files, mapping=doc))
    check_rate(g["immediate_responder_rate"], 1, 2)
    check_rate(g["responder_rate_by_week"]["4"], 0, 2)


def test_eight_digit_numbers_that_are_no_yyyymmdd_dates_are_refused_saying_how_dates_without_separators_read():
    files = {"extract.csv": b"PatientID,VisitDate,Treatment,NRS\nC1,20241399,,8\nC1,20241400,Ketamine,\n"
                            b"C1,20241401,,4\n"}
    doc = proposal_doc(probe.compact_dates())
    doc["files"][0]["columns"]["VisitDate"] = "date"
    with pytest.raises(MappingError, match=r"e\.g\. '20241399'.*read as YYYYMMDD.*YYYY-MM-DD"):
        load_files(files, mapping=doc)


@pytest.mark.parametrize("header", ["PatientID", "NRS", "Code"])
def test_eight_digit_numbers_are_dates_only_in_a_column_named_as_a_date(header):
    """Ids, scores and codes of eight digits that happen to read as YYYYMMDD stay what their name says."""
    rows = ["20240303", "20240304", "20240305", "20240306"]
    text = f"{header},Visit date,Treatment,Pain\n" + "".join(
        f"{v},2024-03-0{i + 1},{'Ketamine' if i == 1 else ''},{5 + i}\n" for i, v in enumerate(rows))
    assert roles({"x.csv": text.encode()})[("x.csv", header)] != "date"
