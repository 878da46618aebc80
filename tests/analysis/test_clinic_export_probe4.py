"""Clinic exports of a fourth fresh-eyes probe: small invented exports in shapes the earlier probes
(test_clinic_exports.py, test_clinic_export_shapes.py, test_clinic_export_pitfalls.py) do not cover,
each with its expected numbers worked out by hand (fixtures: tests/analysis/clinic_export_probe4.py).

Definitions used for the hand calculations (docs/methods.md): the baseline is the last score with
start - 14 <= day <= start; immediate relief is 100 x (baseline - s) / baseline for the first score
s with start < day <= start + 2; a responder has relief >= 30%; week k is start + 7(k-1) < day <=
start + 7k (an episode's weekly relief is the mean of its scores that week). Administrations of one
treatment at most 7 days apart are one course starting at the first (docs/data-format.md, "Rules").
A ``before_start`` score is at the administration's time, an ``after_start`` score 1 hour after it.
Wilson intervals are checked against statsmodels' ``proportion_confint``.

Tests marked xfail(strict=True) are defects not fixed yet; the reason names where the fix belongs.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import clinic_export_probe4 as probe
from clinic_checks import group, check_rate, columns, proposal_doc, relief, scores
from analysis import load_files
from analysis.errors import MappingError, MissingColumnError
from analysis.io.propose import inspect


# --- 1. A five-day infusion, one sheet row per infusion day -----------------------------------------

def five_day_reviewed():
    files = probe.five_day_infusion_sheet()
    doc = proposal_doc(files)
    doc["files"][0]["columns"]["Infusion"] = "treatment"
    doc["files"][0]["columns"]["Day of course"] = "ignore"
    return files, doc


def test_a_five_day_infusion_charted_day_by_day_is_one_course_measured_from_its_first_day():
    """Five rows 'Ketamine' on consecutive days are one course (administrations <= 7 days apart) of five
    administrations, starting on day 1 at 09:00. Baseline = the day-1 'NRS before' (at the start, the last
    score of the window; the day -7 visit is earlier); immediate = the day-1 'NRS after' (1 h later):
    K1 8->6 25%, K2 7->6 14.3%, K3 9->5 44.4%, K4 6->5 16.7%; mean 25.10%, 1 of 4 responders.
    Week 4 (21, 28]: the day-27 visit: K1 8->5 37.5%, K2 7->7 0%, K3 9->4 55.6%, K4 6->6 0%: 2 of 4."""
    files, doc = five_day_reviewed()
    ds = load_files(files, mapping=doc)
    assert ds.report.exclusions.empty
    assert len(ds.treatments) == 4 and (ds.treatments["day"] == 0).all()
    assert (ds.treatments["administrations"] == 5).all()
    g = group(ds)
    immediate = [relief(days[0][0], days[0][1]) for _, _, days, _ in probe.FIVE_DAY.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(immediate))       # 25.099...
    check_rate(g["immediate_responder_rate"], 1, 4)
    check_rate(g["responder_rate_by_week"]["4"],
               sum(relief(days[0][0], w4) >= 30 for _, _, days, w4 in probe.FIVE_DAY.values()), 4)


def test_an_infusion_column_naming_the_drug_on_the_treatment_days_is_proposed_as_the_treatment():
    files = probe.five_day_infusion_sheet()
    assert columns(files)[("ketamine_5day.csv", "Infusion")].role == "treatment"
    ds = load_files(files)
    assert len(ds.treatments) == 4


def test_a_day_of_course_counter_is_not_an_outcome():
    assert columns(probe.five_day_infusion_sheet())[("ketamine_5day.csv", "Day of course")].role == "ignore"


# --- 2. A Cerner-like MAR of a continuous infusion with rate changes, and a co-medication -------------

def mar_reviewed():
    files = probe.mar_rate_changes()
    doc = proposal_doc(files)
    mar = next(f for f in doc["files"] if f["match"] == "mar.csv")
    mar["columns"] = {"Person ID": "patient_id", "Order Mnemonic": "treatment", "Admin Event": "action",
                      "Admin Date/Time": "date"}
    doc["courses"]["treatments"] = {"ketamin": "Ketamine infusion"}
    return files, doc


# Hand calculation (baseline = the 08:30 score, start 09:00): immediate = the 14:00 score.
MAR_IMMEDIATE = [relief(b, p) for _, b, p, _, _ in probe.MAR_RATES.values()]      # 37.5, 16.7, 33.3, 42.9, 0
MAR_WEEK4 = [relief(b, w) >= 30 for _, b, _, _, w in probe.MAR_RATES.values()]     # day 27: only 103 (9 -> 5)


def test_an_infusion_with_rate_changes_stops_restarts_and_new_bags_is_one_course_from_its_begin_bag():
    """Begin Bag, 2 Rate Changes, Infusion Stopped, Restarted, 2 New Bags (days 1, 2) and Stopped: one
    course per patient at the Begin Bag, 3 administrations (Begin Bag + 2 New Bags); the other 5 rows of each
    infusion are excluded with their action; ondansetron is a co-medication. Immediate relief: mean of 37.5,
    16.7, 33.3, 42.9, 0 = 26.07%, 3 of 5 responders; week 4: 1 of 5."""
    files, doc = mar_reviewed()
    ds = load_files(files, mapping=doc)
    t = ds.treatments
    assert len(t) == 5 and set(t["treatment"]) == {"Ketamine infusion"} and (t["day"] == 0).all()
    assert (t["administrations"] == 3).all()
    reasons = ds.report.exclusions["reason"].astype(str)
    for action, n in [("Rate Change", 10), ("Infusion Stopped", 5), ("Restarted", 5), ("Stopped", 5)]:
        assert (reasons == f"not the start of an administration (action '{action}')").sum() == n
    assert reasons.str.contains("ondansetron").sum() == 3
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(MAR_IMMEDIATE))   # 26.071...
    check_rate(g["immediate_responder_rate"], 3, 5)
    check_rate(g["responder_rate_by_week"]["4"], sum(MAR_WEEK4), 5)


def test_a_cerner_order_mnemonic_is_the_medication_so_a_co_medication_is_not_a_course():
    files = probe.mar_rate_changes()
    assert columns(files)[("mar.csv", "Order Mnemonic")].role == "treatment"
    ds = load_files(files)
    assert len(ds.treatments) == 5 and (ds.treatments["administrations"] == 3).all()
    check_rate(group(ds)["responder_rate_by_week"]["4"], sum(MAR_WEEK4), 5)


def test_pump_volumes_and_rates_of_an_administration_record_are_not_outcomes():
    cols = columns(probe.mar_rate_changes())
    assert cols[("mar.csv", "Infused Volume (mL)")].role != "measure"
    assert cols[("mar.csv", "Rate (mL/hr)")].role != "measure"


# --- 3. Two pain scales in one flowsheet --------------------------------------------------------------

def test_a_flowsheet_with_nrs_and_faces_scores_asks_which_is_the_nrs_and_then_uses_only_it():
    """FACES is 0-10 too, so its values pass the NRS range check: never pooled silently. Kept to the NRS item,
    W2 and W4 (FACES after the infusion) have no immediate score: W1 8->4 50%, W3 6->3 50%, W5 7->6 14.3%;
    mean 38.10%, 2 of 3."""
    files = probe.flowsheet_two_pain_scales()
    proposal = inspect(files)
    assert any("'Pain Score (0-10)'" in r and "'Wong-Baker FACES Pain Rating'" in r for r in proposal.review)
    with pytest.raises(MappingError, match="several items look like the pain score"):
        load_files(files)
    doc = proposal_doc(files)
    doc["items"] = {"Pain Score (0-10)": "pain_nrs"}
    ds = load_files(files, mapping=doc)
    ex = ds.report.exclusions
    assert ex["value"].astype(str).str.contains("Wong-Baker").sum() == 2
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, 50, relief(7, 6)]))
    check_rate(g["immediate_responder_rate"], 2, 3)


# --- 4. Pain values that carry their category or their scale --------------------------------------------

def test_a_number_with_its_category_reads_as_the_number_and_never_as_a_range():
    """'8 - severe' is 8 (not a range), '4 - moderate' 4; '0-10: 7' is never read as the range 0-10 (5)."""
    ds = load_files(probe.flowsheet_annotated_pain())
    got = scores(ds)
    assert [v for _, v in got["A1"]] == [8, 4, 6]
    assert [v for _, v in got["A4"]] == [6, 2, 3]
    # '0-10: 7', '0-10: 3', '0-10: 5' are 7, 3 and 5 (the range 0-10 would be 5 each time).
    assert {pid: [v for _, v in got[pid]] for pid in got} == {p: list(v) for p, v in probe.ANNOTATED_READ.items()}


def test_a_score_written_after_its_scale_reads_as_the_score():
    """A1 8->4 50%, A2 7->3 57.1%, A3 9->6 33.3%, A4 6->2 66.7%: mean 51.79%, 4 of 4 responders."""
    ds = load_files(probe.flowsheet_annotated_pain())
    assert ds.report.exclusions.empty
    g = group(ds)
    expected = [relief(pre, post) for pre, post, _ in probe.ANNOTATED_READ.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    check_rate(g["immediate_responder_rate"], 4, 4)


# --- 5. A units row under the header --------------------------------------------------------------------

def test_a_units_row_under_the_header_is_excluded_with_its_line_and_the_table_loads():
    """Line 2 (',yyyy-mm-dd,,mg,0-10,0-10,0-10') is no patient: excluded with its line, and its '0-10' never a
    score (5). U1 8->4 50%, U2 6->3 50%, U3 9->7 22.2%, U4 7->4 42.9%, U5 5->4 20%: mean 37.02%, 3 of 5;
    week 4 (day 28): U1 37.5%, U2 0%, U3 44.4%, U4 42.9%, U5 0%: 3 of 5."""
    ds = load_files(probe.units_row_sheet())
    ex = ds.report.exclusions
    assert set(ex["line"]) == {2}
    assert (ex["reason"].astype(str) != "").all()
    assert sorted(ds.assessments["patient_id"].unique()) == list(probe.UNITS)
    g = group(ds)
    expected = [relief(a, b) for a, b, _ in probe.UNITS.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    check_rate(g["immediate_responder_rate"], 3, 5)
    check_rate(g["responder_rate_by_week"]["4"], sum(relief(a, w) >= 30 for a, _, w in probe.UNITS.values()), 5)


# --- 6. A notes block under the table --------------------------------------------------------------------

NOTES_IMMEDIATE = [relief(a, b) for a, b, _ in probe.NOTES.values()]       # 50, 14.3, 44.4, 50


def test_the_four_patients_above_a_notes_block_give_the_hand_computed_relief():
    """N1 8->4 50%, N2 7->6 14.3%, N3 9->5 44.4%, N4 6->3 50%: mean 39.68%, 3 of 4; the text lines of the
    notes are excluded with their lines (11, 12, 13), not read."""
    ds = load_files(probe.notes_block_sheet())
    ex = ds.report.exclusions
    assert {11, 12, 13} <= set(ex["line"])
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(NOTES_IMMEDIATE))
    check_rate(g["immediate_responder_rate"], 3, 4)


def test_nothing_below_a_notes_heading_becomes_a_patient():
    """Lines 11 ('Notes:') to 14 ('Export;01.07.2024;;;;10') are excluded with their reason and counted; the empty
    line 10 is no row; every line of the file is accounted for (12 rows read: 8 used, 4 below the table)."""
    ds = load_files(probe.notes_block_sheet())
    assert sorted(ds.assessments["patient_id"].unique()) == list(probe.NOTES)
    ex = ds.report.exclusions
    notes = ex[ex["reason"].astype(str).str.startswith("below the table")]
    assert notes["line"].tolist() == [11, 12, 13, 14]
    assert notes["reason"].iloc[0] == "below the table: the notes after the empty line 10 (heading 'Notes:') are not data"
    counts = ds.report.files["ketamin.csv"]
    assert (counts.rows_read, counts.rows_used, counts.rows_excluded) == (12, 8, 4)


# --- 7./8. Repeated column names: suffixed by pandas, and as Excel saves them --------------------------

REPEATED_IMMEDIATE = [relief(b, v1) for _, b, v1, _, _ in probe.REPEATED.values()]   # 50, 16.7, 55.6, 57.1, 0


def test_visit_columns_suffixed_by_pandas_get_the_date_of_their_own_visit():
    """'NRS.1' is dated by 'Visit date.1' (day 14), 'NRS.2' by 'Visit date.2' (day 28); the baseline is on the
    infusion date. Immediate (day 1): mean 35.87%, 3 of 5; week 4 (day 28): R1 8->6 25%, R2 6->6 0%,
    R3 9->5 44.4%, R4 7->7 0%, R5 5->4 20%: 1 of 5."""
    ds = load_files(probe.repeated_column_names())
    assert ds.report.exclusions.empty
    assert scores(ds)["R1"] == [(0.0, 8), (1.0, 4), (14.0, 5), (28.0, 6)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(REPEATED_IMMEDIATE))
    check_rate(g["immediate_responder_rate"], 3, 5)
    week4 = [relief(b, v3) >= 30 for _, b, _, _, v3 in probe.REPEATED.values()]
    check_rate(g["responder_rate_by_week"]["4"], sum(week4), 5)


def test_repeated_headers_as_excel_saves_them_load_like_the_suffixed_ones():
    """Excel writes 'Visit date, NRS' once per visit: the repeats are numbered as pandas numbers them
    ('Visit date.1', 'NRS.1'), said in a note, and each score takes its own visit's date: 35.87%, 3 of 5."""
    files = probe.duplicate_header_names()
    ds = load_files(files)
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(REPEATED_IMMEDIATE))
    suffixed = group(load_files(probe.repeated_column_names()))
    assert g["immediate_relief_pct"] == suffixed["immediate_relief_pct"]
    assert g["responder_rate_by_week"] == suffixed["responder_rate_by_week"]
    note = [n for n in ds.report.notes if "the header repeats" in n]
    assert len(note) == 1 and "'Visit date.1'" in note[0] and "'NRS.2'" in note[0]
    assert ("followup_wide.csv", "Visit date.2") in columns(files)


# --- 9. A header over two rows --------------------------------------------------------------------------

def test_a_header_over_two_rows_is_refused_naming_the_column_without_a_name():
    """'Pain (NRS)' merged over 'pre' and 'post': the CSV's first row has no name for column 5. Refused (the
    loader cannot know which row is the header) with the column and what to do, never a traceback."""
    files = probe.two_row_header()
    for call in (inspect, load_files):
        with pytest.raises(MissingColumnError, match="column 5 has values but no header name.*Add a header name"):
            call(files)


# --- 10. German times written with 'Uhr' ------------------------------------------------------------------

def test_german_times_written_with_uhr_place_the_scores_before_and_after_the_infusion():
    files = probe.german_uhr_times()
    assert columns(files)[("station.csv", "Uhrzeit")].role == "time"
    ds = load_files(files)
    assert ds.report.exclusions.empty
    g = group(ds)
    expected = [relief(p, q) for _, p, q in probe.UHR.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    check_rate(g["immediate_responder_rate"], 3, 4)


# --- 11. A REDCap checkbox with a 'None of these' choice ------------------------------------------------

def test_a_longitudinal_redcap_project_with_a_visit_form_per_event_gives_the_hand_computed_relief():
    """Events baseline_arm_1 (day -7), infusion_arm_1 (the infusion date, the post score 1 h after), week_4_arm_1
    (day 27). R1 8->4 50%, R2 6->3 50%, R3 7->6 14.3%, R4 9->5 44.4%: mean 39.68%, 3 of 4."""
    ds = load_files(probe.redcap_regions_with_none())
    # Only the visits with just 'None of these' ticked: 0 regions, out of the range 1+ (test_checkbox_none.py).
    assert ds.report.exclusions[["line", "column"]].values.tolist() == [[7, "region___0"], [8, "region___0"],
                                                                        [10, "region___0"]]
    assert len(ds.treatments) == 4
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, 50, relief(7, 6), relief(9, 5)]))
    check_rate(g["immediate_responder_rate"], 3, 4)


def test_a_none_of_these_box_is_not_counted_as_a_region():
    """The 'None of these' box names no region: a visit with only it ticked counts 0 regions (not 1), which the
    range 1+ excludes (listed in the report, test_checkbox_none.py), and the proposal says why (means_none). R3
    ticked only it at both visits, R2 at week 4."""
    files = probe.redcap_regions_with_none()
    regions = scores(load_files(files), "regions_affected")
    assert regions == {"R1": [(-7.0, 2), (27.0, 3)], "R2": [(-7.0, 1)], "R4": [(-7.0, 3), (27.0, 3)]}
    proposed = {c.header: c for f in inspect(files).files for c in f.columns}
    assert (proposed["region___0"].column.role, proposed["region___0"].column.means_none) == ("checkbox", True)
    assert "the choice 'None of these' names no item" in proposed["region___0"].why
    assert proposed["region___1"].column.role == "checkbox"


def test_a_none_of_these_box_in_a_labels_export_is_not_counted_either():
    files = probe.redcap_regions_with_none()
    data = next(k for k in files if "DATA" in k)
    lines = files[data].decode().splitlines()
    labels = ["Study ID", "Event Name", "Visit date", "Pain now (0-10)"] + [
        f"Affected body regions (choice={c})" for c in ("Left arm", "Right arm", "Left leg", "Right leg", "None of these")
    ] + ["Complete?", "Infusion date", "Pain after infusion (0-10)", "Complete?"]
    body = []
    for line in lines[1:]:
        cells = line.split(",")
        cells[4:9] = [{"1": "Checked", "0": "Unchecked"}.get(c, c) for c in cells[4:9]]
        cells = [{"2": "Complete"}.get(c, c) if i in (9, 12) else c for i, c in enumerate(cells)]
        body.append(",".join(cells))
    files[data] = "\n".join([",".join(f'"{h}"' for h in labels)] + body).encode()
    regions = scores(load_files(files), "regions_affected")
    assert regions == {"R1": [(-7.0, 2), (27.0, 3)], "R2": [(-7.0, 1)], "R4": [(-7.0, 3), (27.0, 3)]}


# --- 12. PHQ-9 written with its severity band -------------------------------------------------------------

def test_a_phq9_total_written_with_its_severity_band_reads_as_the_total():
    """'12 (moderate)' is 12 and '16 (moderately severe)' 16: the band is Kroenke's name for the total."""
    ds = load_files(probe.phq9_with_severity())
    assert ds.report.exclusions.empty
    phq = scores(ds, "phq9")
    assert {pid: [v for _, v in s] for pid, s in phq.items()} == {
        "Q1": [12, 6], "Q2": [20, 9], "Q3": [16, 14], "Q4": [4, 3]}
    assert {pid: [d for d, _ in s] for pid, s in phq.items()} == {pid: [-7.0, 27.0] for pid in probe.PHQ}


# --- 13. A REDCap repeating event ------------------------------------------------------------------------

def test_each_instance_of_a_repeating_redcap_event_is_a_course():
    """Rows of the repeating event infusion_arm_1 (instances 1 and 2, 42 days apart, empty
    redcap_repeat_instrument): 6 courses. Immediate relief per course: 50, 16.7, 44.4 (first), 57.1, 33.3, 25
    (booster): mean 37.76%, 4 of 6 (interval widened for two episodes per patient: 0.112 to 0.969)."""
    ds = load_files(probe.redcap_repeating_event())
    assert ds.report.exclusions.empty
    assert sorted(ds.treatments["day"]) == [0, 0, 0, 42, 42, 42]
    g = group(ds)
    expected = [50, relief(6, 5), relief(9, 5), relief(7, 3), relief(6, 4), relief(8, 6)]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    # Two episodes per patient: the Wilson interval with the design-effect n_eff (docs/methods.md, "Several
    # episodes per patient"). Responders per record: 1: yes, yes; 2: no, yes; 3: yes, no; p = 4/6, G = 3.
    p, n, n_patients = 4 / 6, 6, 3
    residuals = [2 - 2 * p, 1 - 2 * p, 1 - 2 * p]
    var_cr = n_patients / (n_patients - 1) * sum(r * r for r in residuals) / n ** 2           # 1/36
    n_eff = min(p * (1 - p) / var_cr, n) * (stats.norm.ppf(0.975) / stats.t.ppf(0.975, n_patients - 1)) ** 2
    rate = g["immediate_responder_rate"]
    assert rate["n"] == n and rate["estimate"] == pytest.approx(p)
    assert (rate["ci_low"], rate["ci_high"]) == pytest.approx(proportion_confint(p * n_eff, n_eff, method="wilson"))


# --- 14. The patient's pain goal beside the pain score ----------------------------------------------------

def test_a_pain_goal_item_is_never_read_as_a_pain_score_without_asking():
    """The goal (charted 08:00, after the 07:30 pre score) would be the baseline. A goal is no pain intensity
    (column_words.NOT_PAIN_INTENSITY): not proposed, nothing to ask; the pain score is 'Pain Score (0-10)':
    P1 8->4 50%, P2 7->6 14.3%, P3 9->5 44.4%, P4 6->3 50%, P5 10->7 30%: mean 37.75%, 4 of 5."""
    files = probe.flowsheet_pain_goal()
    p = inspect(files)
    assert not any("Pain Goal" in r for r in p.review)
    assert [it for it, m in p.spec.items.items() if m == "pain_nrs"] == ["Pain Score (0-10)"]
    ds = load_files(files)
    g = group(ds)
    expected = [relief(b, p) for _, b, _, p, _ in probe.GOAL.values()]
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(expected))
    check_rate(g["immediate_responder_rate"], 4, 5)


def test_a_text_item_is_not_listed_as_a_candidate_pain_score():
    review = " ".join(inspect(probe.flowsheet_pain_goal()).review)
    assert "Pain Location" not in review


# --- 15. Scores 2 h, 24 h and 1 week after the infusion, on its row ---------------------------------------

def hours_reviewed():
    files = probe.hours_after_columns()
    doc = proposal_doc(files)
    c = doc["files"][0]["columns"]
    c["Infusion start"] = {"role": "time", "date": "Infusion date"}
    for name, offset in [("NRS 2h", 2 / 24), ("NRS 24h", 1), ("NRS 1 week", 7)]:
        c[name] = {"role": "measure", "measure": "pain_nrs", "offset_days": offset, "time": "Infusion date"}
    return files, doc


HOURS_IMMEDIATE = [relief(pre, h2) for _, pre, h2, _, _ in probe.HOURS.values()]     # 25, 0, 44.4, 16.7, 20


def test_scores_hours_after_the_infusion_placed_by_offsets_give_the_hand_computed_relief():
    """With offsets 2/24, 1 and 7 days: immediate = the 2-hour score: mean 21.22%, 1 of 5 (H3 44.4%)."""
    files, doc = hours_reviewed()
    ds = load_files(files, mapping=doc)
    assert ds.report.exclusions.empty
    assert scores(ds)["H1"] == [(0.0, 8), (round(2 / 24, 6), 6), (1.0, 4), (7.0, 5)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(HOURS_IMMEDIATE))
    check_rate(g["immediate_responder_rate"], 1, 5)


def test_scores_named_by_hours_after_the_infusion_are_proposed_at_their_offsets():
    files = probe.hours_after_columns()
    cols = columns(files)
    assert cols[("infusion_register.csv", "Infusion start")].role == "time"
    assert cols[("infusion_register.csv", "NRS 24h")].offset_days == 1
    assert cols[("infusion_register.csv", "NRS 2h")].offset_days == pytest.approx(2 / 24)
    assert cols[("infusion_register.csv", "NRS 1 week")].offset_days == 7
    ds = load_files(files)
    assert ds.report.exclusions.empty
    assert scores(ds)["H1"] == [(0.0, 8), (round(2 / 24, 6), 6), (1.0, 4), (7.0, 5)]
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean(HOURS_IMMEDIATE))
    check_rate(g["immediate_responder_rate"], 1, 5)


# --- 16. Ids with and without a hyphen in two files -----------------------------------------------------------

def test_ids_written_the_same_way_give_the_hand_computed_relief():
    """KP-007 8->4 50%, KP-012 6->3 50%, KP-015 9->7 22.2% (scores the day after): mean 40.74%, 2 of 3."""
    files = probe.hyphenated_ids()
    files["infusions.csv"] = files["infusions.csv"].replace(b"KP0", b"KP-0")
    g = group(load_files(files))
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, 50, relief(9, 7)]))
    check_rate(g["immediate_responder_rate"], 2, 3)


def test_ids_that_differ_only_by_a_hyphen_across_files_are_warned_about():
    ds = load_files(probe.hyphenated_ids())
    warning = " ".join(ds.report.warnings)
    assert "'KP-007' and 'KP007'" in warning and "'KP-012' and 'KP012'" in warning


# --- 17. Times with UTC offsets ---------------------------------------------------------------------------------

def test_times_with_utc_offsets_are_placed_in_utc_across_the_change_to_summer_time():
    """Z1: start 08:00Z; 08:30+01:00 = 07:30Z is day -0.5/24 (the baseline, 8), 09:30+01:00 = 08:30Z day
    +0.5/24 (immediate, 4); 31 Mar 10:00+02:00 = 08:00Z is day 27 exactly. Z2: start 07:00Z, scores at
    06:45Z, 08:30Z and day 27. Z3: start 09:15Z, scores at 09:00Z, 10:00Z and 27 days later at 10:00Z: day 27
    (a follow-up score alone on its date is counted in whole days after the start).
    Immediate: 50%, 14.3%, 44.4%: mean 36.24%, 2 of 3; week 4: 25%, 28.6%, 44.4%: 1 of 3."""
    ds = load_files(probe.utc_offsets())
    assert ds.report.exclusions.empty and not ds.report.warnings
    h = 1 / 24
    assert scores(ds) == {"Z1": [(round(-0.5 * h, 6), 8), (round(0.5 * h, 6), 4), (27.0, 6)],
                          "Z2": [(round(-0.25 * h, 6), 7), (round(1.5 * h, 6), 6), (27.0, 5)],
                          "Z3": [(round(-0.25 * h, 6), 9), (round(0.75 * h, 6), 5), (27.0, 5)]}
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([50, relief(7, 6), relief(9, 5)]))
    check_rate(g["immediate_responder_rate"], 2, 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


# --- 18. A pain dropdown whose anchors carry their words -------------------------------------------------------

def test_dropdown_anchors_with_words_read_as_their_numbers_even_when_few():
    """'0 = No pain' is 0 and '10 = Worst pain imaginable' 10 although only 3 of 21 values carry words (the
    proposal turns annotated_numbers on and says so); excluding them would drop the two best responders.
    E1 10->0 100%, E2 7->5 28.6%, E3 8->0 100%, E4 6->5 16.7%, E5 9->7 22.2%, E6 5->4 20%, E7 8->6 25%:
    mean 44.64%, 2 of 7 responders (28.6% is not 30%); week 4: E1 60%, E3 62.5%, the others below 30%: 2 of 7."""
    files = probe.flowsheet_anchor_words()
    assert any("annotated_numbers" in n for n in inspect(files).notes)
    ds = load_files(files)
    assert ds.report.exclusions.empty
    assert {pid: [v for _, v in s] for pid, s in scores(ds).items()} == {
        pid: list(v) for pid, v in probe.ANCHORS_READ.items()}
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(
        np.mean([relief(a, b) for a, b, _ in probe.ANCHORS_READ.values()]))          # 44.637...
    check_rate(g["immediate_responder_rate"], 2, 7)
    check_rate(g["responder_rate_by_week"]["4"], sum(relief(a, w) >= 30 for a, _, w in probe.ANCHORS_READ.values()), 7)
