"""One invented cohort written as clinics export it, with the canonical files a correct reading gives.

!!! INVENTED DATA. No real patient is described by anything this module writes. !!!

Issue 13 asks that a clinic's REDCap project, EHR flowsheet and medication-administration exports
and its spreadsheets load *as exported* and give the same numbers as the same data reshaped by hand.
This module is the test-data side of that promise: a seeded generator of one invented cohort
(:func:`make_cohort`), a writer of that cohort in each export shape, and for each shape the
canonical files (``assessments.csv``, ``treatments.csv``, ``patients.csv``, docs/data-format.md)
that a correct reading of the export must give. A reader test loads both and compares, e.g. the
``summarize --json`` documents.

Use::

    import clinic_export_shapes as ces            # from a test in tests/analysis
    files, canonical = ces.shape_and_canonical("redcap_raw", n_patients=40, seed=1)
    shape = ces.export_shape("flowsheet", ces.make_cohort(40, seed=1))
    shape.files, shape.canonical, shape.expected   # export, canonical, what the reader must report
    ces.write_all("/tmp/shapes")                    # every shape and its canonical files, as files

or from a shell: ``python tests/analysis/clinic_export_shapes.py /tmp/shapes --patients 40 --seed 1``.

Every function is pure (no file I/O except :func:`write_all`) and returns ``dict[file name ->
bytes]``; the same ``(n_patients, seed)`` gives byte-identical files.

The cohort (:func:`make_cohort`)
--------------------------------
Each patient has covariates (sex, age band, CRPS type, site), 1-3 ketamine courses (the first a
5-consecutive-day IV infusion, later 0-2 one-day boosters 4-16 weeks after the previous course
start), and 35% a physical-therapy course (6-8 sessions from day 8-14 on, 1-3 days apart).
Pain NRS (0-10, integers, 12% halves) is measured at a baseline visit 1-14 days before the first
start (missing for 5%), at the start of every ketamine infusion ("pre") and one hour after it
("post"), and at irregular follow-up visits (weeks 1, 2, 4, 6, 8, 12, 16, 20 after each course start,
+-2 days, 12% missed, never on an infusion date, at most one visit a day). PHQ-9 at 85% of baseline
and 30% of follow-up visits; body regions affected (checkboxes) at 70% / 20% of them.

True relief: latent pain ``mu ~ N(6.8, 1)`` clipped to [4, 9.5]; each ketamine course c started at
``s_c`` multiplies it by ``1 - r_c exp(-(t - s_c) / tau_c)`` for ``t > s_c``; 55% of patients are
responders (``r_c ~ U(0.35, 0.75)``), the others not (``r_c ~ U(0, 0.15)``); relief fades with
``tau_c ~ U(15, 60)`` days. Observed NRS = latent + N(0, 0.6^2), rounded, clipped to [0, 10].

Reading rules (the reader follows the same rules; the canonical files are built with them)
----------------------------------------------------------------------------------------
R1 dates. A timestamp is a date plus a time of day in minutes; a date without a time is 00:00 of
   that day. ``day`` = (timestamp - the patient's first treatment-course start) in days, a float
   (minutes / 1440, written with ``repr``: 5 h -> ``0.20833333333333334``). Day 0 = the start of
   the patient's first treatment course (of any treatment in that export).
R2 courses. Administrations of the same treatment (same label after mapping) whose starts are at
   most 7 days apart (start to start, consecutive administrations) form one course, starting at
   its first administration; ``dose`` = sum of its administrations' doses (empty when none has a
   dose), ``administrations`` = their count. Rows that are not starts (MAR actions Rate Change,
   Stopped, Held, Paused, Restarted) are not administrations; co-medications (ondansetron,
   midazolam) are not treatments. Where a shape has a booster rule (:data:`READING_RULES`), the
   patient's courses of that treatment after the first get the booster label.
R3 scores on treatment rows. A "pre" score column on an administration row is a score at the
   administration's time (on the first day it is the baseline); a "post" score column is at the
   administration's time + 1 hour (1/24 day).
R3b follow-up in whole days. A score with a time of day on a later date than the start of the course it
   follows (the patient's latest course starting on an earlier date) is at that start's time of day on its
   own date (whole days after the start: a week-4 visit at 14:00 after an 08:45 start is day 28, week 4),
   when it is the patient's only score of its measure that day and no administration is on that day; exactly
   14 calendar days before the patient's next course start, at the later of the two starts' times of day (in
   that course's baseline window).
R4 text values. ``"7/10"`` -> 7 (denominator = the scale maximum); a range ``"6-7"`` -> its
   midpoint 6.5; ``"Denies pain"`` -> 0; ``"Patient asleep"``, ``"Refused"``, ``"Unable to rate"``
   -> excluded with a reason (they are in ``expected["excluded_values"]``, not in canonical); a
   number is a number. Items not mapped to a measure (BP ``120/80``, Pulse, RASS, Temp, SpO2) are
   not measures: absent from canonical, counted in ``expected["ignored_items"]``.
R5 checkboxes. REDCap ``regions___1..5`` -> ``regions_affected`` = number of checked boxes, on rows
   with at least one box checked (REDCap writes 0 for every box of an unanswered question, and form
   status 0 for a form never opened, so zero checked means "not answered", never "no region").
R5b lists. A spreadsheet's "Affected regions" cell lists the regions of a visit (``Left arm, Trunk``;
   ``;`` or `` and `` between them, some in lower case, a few with a region typed twice):
   ``regions_affected`` = the number of distinct regions listed (case-insensitive); an empty cell
   = not asked (no value).
R5c questionnaire items. The English clinic log gives the PHQ-9 as its 9 items (``PHQ-9 item 1`` ...
   ``PHQ-9 item 9``, each 0-3) without the total: ``phq9`` = their sum when all 9 are answered; a
   visit with an item left empty has no ``phq9`` (listed in ``expected["phq9_incomplete"]``, not in
   canonical; never prorated).
R6 REDCap codes. Choice codes are decoded with the data dictionary (sex 1 -> ``Female``), so the
   canonical ``patients.csv`` holds labels; the data access group is covariate ``site`` (raw
   export: the unique group name ``site_a``; labels export: the group label ``Site A``).

What each shape needs from a reader is in :data:`READING_RULES` (and each ``ExportShape.rules``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

NOTICE = "INVENTED DATA: no real patient is described by these files."
KINDS = ("redcap_raw", "redcap_labels", "flowsheet", "spreadsheet_de", "spreadsheet_fr", "spreadsheet_en")
CANONICAL_FILES = ("assessments.csv", "treatments.csv", "patients.csv")
COURSE_GAP_DAYS = 7                 # R2
POST_SCORE_OFFSET_MINUTES = 60      # R3
MINUTES_PER_DAY = 1440
_EPOCH = np.datetime64("2023-01-02T00:00", "m").astype(np.int64)   # first possible start date
_MAX_COURSES = 3

# Labels of the cohort itself (canonical(cohort) and REDCap).
KETAMINE, KETAMINE_BOOSTER, PHYSIO = "Ketamine infusion", "Ketamine booster", "Physical therapy session"
SEXES = ("Female", "Male")
AGE_BANDS = ("18-29", "30-39", "40-49", "50-59", "60-69", "70+")
CRPS_TYPES = ("CRPS type I", "CRPS type II")
SITES = ("Site A", "Site B")
REGIONS = ("Left arm", "Right arm", "Left leg", "Right leg", "Trunk")

REDCAP_DATA = "CRPSKetamine_DATA_2024-06-01_1200.csv"
REDCAP_LABELS = "CRPSKetamine_DATA_LABELS_2024-06-01_1200.csv"
REDCAP_DICTIONARY = "CRPSKetamine_DataDictionary_2024-06-01.csv"
REDCAP_DICTIONARY_HEADERS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
    "Matrix Ranking?", "Field Annotation")
FLOWSHEET_FILE, MAR_FILE, EHR_DEMOGRAPHICS_FILE = "flowsheet_export.csv", "mar_export.csv", "demographics_export.csv"
GERMAN_FILE, FRENCH_FILE, ENGLISH_FILE = "Ketamin_Auswertung.csv", "Suivi_ketamine.csv", "clinic_log.csv"
ENGLISH_PHYSIO = "Physical therapy"

KETAMINE_MED = "KETAMINE 500 MG/5 ML IV SOLUTION"
CO_MEDICATIONS = ("ONDANSETRON 4 MG/2 ML IV", "MIDAZOLAM 2 MG/2 ML IV")
MAR_NON_STARTS = ("Rate Change", "Stopped", "Held", "Paused", "Restarted")
FLOWSHEET_PAIN, FLOWSHEET_PHQ9 = "Pain Score (0-10)", "PHQ-9 Total Score"
FLOWSHEET_UNMAPPED = ("BP", "Pulse", "Temp", "SpO2", "RASS")
NON_SCORE_ANSWERS = ("Patient asleep", "Refused", "Unable to rate")

READING_RULES: dict[str, dict] = {
    "redcap_raw": {
        "files": {"data": REDCAP_DATA, "dictionary": REDCAP_DICTIONARY},
        "encoding": "utf-8-sig", "delimiter": ",",
        "patient_id": "record_id", "site": "redcap_data_access_group (unique group name, as exported)",
        "covariates": {"sex": "sex", "age_band": "age_band", "crps_type": "crps_type"},
        "decode_choices": "codes -> labels from the dictionary's 'Choices, Calculations, OR Slider Labels' (R6)",
        "ignore": ["redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance", "*_complete"],
        "assessment_time": ["visit_date (date_ymd)", "visit_time (time, HH:MM; empty -> 00:00)"],
        "measures": {"nrs_pain": "pain_nrs", "phq9_total": "phq9", "regions___1..5": "regions_affected (R5)"},
        "treatment_rows": "repeating instrument 'infusion' (one row per administration)",
        "treatment_time": "inf_datetime (datetime_ymd, 'YYYY-MM-DD HH:MM')",
        "treatment": "inf_drug decoded: 'Ketamine infusion' | 'Physical therapy session'",
        "dose": "inf_dose (mg), summed per course (R2)",
        "pre_post": {"nrs_pre": "pain_nrs at the administration (R3)",
                     "nrs_post": "pain_nrs at the administration + 1 h (R3)"},
        "course_gap_days": COURSE_GAP_DAYS,
        "booster": {KETAMINE: KETAMINE_BOOSTER},
    },
    "flowsheet": {
        "files": {"observations": FLOWSHEET_FILE, "administrations": MAR_FILE, "patients": EHR_DEMOGRAPHICS_FILE},
        "encoding": "utf-8", "delimiter": ",",
        "patient_id": "PAT_ID",
        "date_format": "MM/DD/YYYY HH:MM (24 h), columns RECORDED_TIME and TAKEN_TIME",
        "item_column": "FLO_MEAS_NAME", "value_column": "MEAS_VALUE (text, R4)",
        "measures": {FLOWSHEET_PAIN: "pain_nrs", FLOWSHEET_PHQ9: "phq9"},
        "unmapped_items": list(FLOWSHEET_UNMAPPED),
        "value_rules": {"n/10": "n", "a-b": "(a + b) / 2", "Denies pain": 0,
                        "excluded": list(NON_SCORE_ANSWERS)},
        "treatment": "MEDICATION_NAME containing 'ketamine' (any case) -> 'Ketamine infusion'; others are co-medications",
        "administration_actions": ["New Bag"], "not_administrations": list(MAR_NON_STARTS) + ["Given (co-medications)"],
        "dose": "DOSE of the New Bag rows (mg), summed per course",
        "course_gap_days": COURSE_GAP_DAYS, "booster": {KETAMINE: KETAMINE_BOOSTER},
        "covariates": {"SEX": "sex", "AGE_GROUP": "age_band", "CRPS_TYPE": "crps_type", "DEPARTMENT_NAME": "site"},
        "physical_therapy": "not in the MAR: absent from this shape's canonical files",
    },
    "spreadsheet_de": {
        "files": {"combined": GERMAN_FILE},
        "encoding": "utf-8-sig", "delimiter": ";", "decimal": ",", "header_line": 3,
        "preamble": "line 1 a title, line 2 empty (';;;...'), header on line 3",
        "patient_id": "Patient", "date": "Datum (DD.MM.YYYY, no time -> 00:00, R1)",
        "treatment": "Behandlung: 'Ketamin i.v.' | 'Physiotherapie'; rows with an empty Behandlung are assessments",
        "dose": "Dosis (mg/kg), summed per course",
        "pre_post": {"Schmerz vor (NRS)": "pain_nrs at the administration = 00:00 of its date (R3)",
                     "Schmerz nach (NRS)": "pain_nrs at 01:00 of its date (R3)"},
        "measures": {"Schmerz (NRS)": "pain_nrs", "PHQ-9": "phq9"},
        "covariates": {"Geschlecht": "sex", "Altersgruppe": "age_band", "CRPS-Typ": "crps_type"},
        "course_gap_days": COURSE_GAP_DAYS, "booster": {"Ketamin i.v.": "Ketamin-Booster"},
    },
    "spreadsheet_fr": {
        "files": {"combined": FRENCH_FILE},
        "encoding": "cp1252", "delimiter": ";", "decimal": ",",
        "patient_id": "N° patient (text: '007' stays '007')",
        "date": "Date (DD/MM/YYYY) + Heure (HH:MM) combined",
        "treatment": "Traitement: 'Kétamine IV' | 'Rappel kétamine' | 'Kinésithérapie'; empty -> assessment row",
        "dose": "Dose (mg), summed per course",
        "measures": {"EVA douleur": "pain_nrs", "Score PHQ-9": "phq9"},
        "covariates": {"Sexe": "sex", "Tranche d'âge": "age_band", "Type de SDRC": "crps_type"},
        "course_gap_days": COURSE_GAP_DAYS, "booster": {},
        "trap": "on infusion days a pain row at 08:30 (before the start) and one at 14:00 (after it): "
                "without Heure both are at 00:00 and the post-infusion score would be the baseline",
    },
}
READING_RULES["spreadsheet_en"] = {
    "files": {"combined": ENGLISH_FILE},
    "encoding": "utf-8", "delimiter": ",",
    "patient_id": "Patient ID", "date": "Visit date (YYYY-MM-DD HH:MM)",
    "treatment": "Treatment: 'Ketamine infusion' | 'Physical therapy'; empty -> assessment row",
    "dose": "Dose (mg), summed per course",
    "pre_post": {"Pain before infusion (NRS)": "pain_nrs at the administration (R3)",
                 "Pain after infusion (NRS)": "pain_nrs at the administration + 1 h (R3)"},
    "measures": {"Pain (NRS)": "pain_nrs", "PHQ-9 item 1..9": "phq9 = the sum of the 9 items, all answered (R5c)",
                 "Affected regions": "regions_affected: the number of distinct regions listed (R5b)"},
    "covariates": {"Sex": "sex", "Age group": "age_band", "CRPS type": "crps_type"},
    "course_gap_days": COURSE_GAP_DAYS, "booster": {},
}
READING_RULES["redcap_labels"] = {
    **READING_RULES["redcap_raw"],
    "files": {"data": REDCAP_LABELS, "dictionary": REDCAP_DICTIONARY},
    "patient_id": "Record ID", "site": "Data Access Group (group label, as exported)",
    "headers": "field labels; 'Complete?' once per instrument (ignored); checkboxes "
               "'Regions affected (choice=Left arm)' with Checked/Unchecked",
    "decode_choices": "values are already labels (event names such as 'Baseline (Arm 1: Arm 1)')",
}


# --------------------------------------------------------------------------------------------------
# The cohort
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cohort:
    """An invented cohort: the truth every export shape is written from.

    Times are integer minutes since 1970-01-01 00:00 (``t``), so every shape's dates and the
    canonical ``day`` are exact.

    Attributes
    ----------
    patients : DataFrame
        ``pid`` (0..n-1), ``patient_id`` (``P001``), ``sex``, ``age_band``, ``crps_type``, ``site``
        (labels), ``weight_kg``, ``responder`` (bool, latent).
    administrations : DataFrame
        One row per treatment administration: ``pid``, ``t``, ``treatment`` (``ketamine`` |
        ``physio``), ``course`` (1..3 for ketamine, 1 for physio), ``session``, ``dose_mg_per_kg``,
        ``dose_mg``, ``nrs_pre`` / ``nrs_post`` (ketamine only, NaN when not measured),
        ``pre_lead_min`` (minutes before the start at which the flowsheet charted the pre score).
    visits : DataFrame
        One row per assessment visit: ``pid``, ``t``, ``kind`` (``baseline`` | ``followup``),
        ``nrs``, ``phq9`` (NaN when not measured), ``regions`` (bit mask of :data:`REGIONS`,
        0 = not asked), ``time_blank`` (REDCap visit_time left empty), ``status`` (REDCap form status).
    """

    n_patients: int
    seed: int
    patients: pd.DataFrame = field(repr=False)
    administrations: pd.DataFrame = field(repr=False)
    visits: pd.DataFrame = field(repr=False)


def _minute_of_day(rng, size, first: int, last: int, step: int = 5) -> np.ndarray:
    return first + step * rng.integers(0, (last - first) // step + 1, size)


def _observed_nrs(rng, latent: np.ndarray) -> np.ndarray:
    x = latent + rng.normal(0.0, 0.6, latent.size)
    halves = rng.random(latent.size) < 0.12
    return np.clip(np.where(halves, np.round(x * 2) / 2, np.round(x)), 0, 10)


def make_cohort(n_patients: int = 40, seed: int = 1) -> Cohort:
    """Draw the invented cohort (see the module docstring for the model).

    Parameters
    ----------
    n_patients : int
        Number of patients (>= 1).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same cohort.

    Returns
    -------
    Cohort
    """
    if int(n_patients) < 1:
        raise ValueError(f"n_patients must be at least 1, got {n_patients}")
    n = int(n_patients)
    rng = np.random.default_rng(seed)
    pid = np.arange(n)

    patients = pd.DataFrame({
        "pid": pid,
        "patient_id": "P" + pd.Series(pid + 1).astype(str).str.zfill(3),
        "sex": np.where(rng.random(n) < 0.72, SEXES[0], SEXES[1]),
        "age_band": rng.choice(AGE_BANDS, n, p=[0.10, 0.18, 0.25, 0.25, 0.15, 0.07]),
        "crps_type": rng.choice(CRPS_TYPES, n, p=[0.85, 0.15]),
        "site": rng.choice(SITES, n),
        "weight_kg": 4 * rng.integers(13, 26, n),          # multiple of 4 kg: mg doses are whole numbers
        "responder": rng.random(n) < 0.55,
    })

    # Ketamine courses: day numbers since _EPOCH of each course start (NaN when absent).
    n_courses = 1 + rng.choice([0, 1, 2], n, p=[0.35, 0.40, 0.25])
    start_day = np.full((n, _MAX_COURSES), np.nan)
    start_day[:, 0] = rng.integers(0, 420, n)
    for c in range(1, _MAX_COURSES):
        gap = rng.integers(28, 113, n)                     # 4-16 weeks after the previous start
        start_day[:, c] = np.where(n_courses > c, start_day[:, c - 1] + gap, np.nan)
    mg_per_kg = rng.choice([0.5, 0.75, 1.0], (n, _MAX_COURSES))
    relief = np.where(patients["responder"].to_numpy()[:, None],
                      rng.uniform(0.35, 0.75, (n, _MAX_COURSES)), rng.uniform(0.0, 0.15, (n, _MAX_COURSES)))
    tau = rng.uniform(15, 60, (n, _MAX_COURSES))
    mu = np.clip(rng.normal(6.8, 1.0, n), 4, 9.5)

    parts = []
    for c in range(_MAX_COURSES):
        for k in range(5 if c == 0 else 1):
            has = n_courses > c
            p = pid[has]
            parts.append(pd.DataFrame({
                "pid": p, "treatment": "ketamine", "course": c + 1, "session": k + 1,
                "day": start_day[has, c] + k,
                "minute": _minute_of_day(rng, p.size, 8 * 60 + 45, 11 * 60),
                "dose_mg_per_kg": mg_per_kg[has, c],
            }))
    has_pt = rng.random(n) < 0.35
    pt_sessions = rng.integers(6, 9, n)
    pt_day = start_day[:, 0] + rng.integers(8, 15, n)
    for k in range(8):
        if k:
            pt_day = pt_day + rng.choice([1, 1, 1, 2, 3], n)
        has = has_pt & (pt_sessions > k)
        p = pid[has]
        parts.append(pd.DataFrame({
            "pid": p, "treatment": "physio", "course": 1, "session": k + 1, "day": pt_day[has],
            "minute": _minute_of_day(rng, p.size, 13 * 60, 16 * 60), "dose_mg_per_kg": np.nan,
        }))
    adm = pd.concat(parts, ignore_index=True)
    adm["t"] = _EPOCH + (adm["day"].astype(np.int64) * MINUTES_PER_DAY + adm["minute"]).astype(np.int64)
    adm["dose_mg"] = adm["dose_mg_per_kg"] * patients["weight_kg"].to_numpy()[adm["pid"]]
    start_t = np.full((n, _MAX_COURSES), np.nan)
    first_sessions = adm[(adm["treatment"] == "ketamine") & (adm["session"] == 1)]
    start_t[first_sessions["pid"].to_numpy(), first_sessions["course"].to_numpy() - 1] = first_sessions["t"].to_numpy()

    def latent(p: np.ndarray, t: np.ndarray) -> np.ndarray:
        level = mu[p].copy()
        for c in range(_MAX_COURSES):
            elapsed = (t - start_t[p, c]) / MINUTES_PER_DAY
            on = np.nan_to_num(elapsed, nan=-1.0) > 0          # relief starts after the start (R3 "pre" is before)
            level *= np.where(on, 1 - relief[p, c] * np.exp(-np.where(on, elapsed, 0) / tau[p, c]), 1.0)
        return level

    ket = (adm["treatment"] == "ketamine").to_numpy()
    p_adm, t_adm = adm["pid"].to_numpy(), adm["t"].to_numpy()
    pre = _observed_nrs(rng, latent(p_adm, t_adm))
    post = _observed_nrs(rng, latent(p_adm, t_adm + POST_SCORE_OFFSET_MINUTES))
    adm["nrs_pre"] = np.where(ket & (rng.random(len(adm)) >= 0.08), pre, np.nan)
    adm["nrs_post"] = np.where(ket & (rng.random(len(adm)) >= 0.10), post, np.nan)
    adm["pre_lead_min"] = np.where(ket, 5 * rng.integers(1, 7, len(adm)), 0)
    adm = adm.drop(columns=["day", "minute"]).sort_values(["pid", "t"], kind="stable").reset_index(drop=True)

    # Visits: baseline, then follow-ups after each ketamine course (before the next one).
    base_day = start_day[:, 0] - rng.integers(1, 15, n)
    has_base = rng.random(n) >= 0.05
    vparts = [pd.DataFrame({"pid": pid[has_base], "kind": "baseline", "day": base_day[has_base]})]
    last_start = np.nanmax(start_day, axis=1)
    end_day = last_start + rng.integers(60, 150, n)
    for c in range(_MAX_COURSES):
        next_start = start_day[:, c + 1] if c + 1 < _MAX_COURSES else np.full(n, np.inf)
        next_start = np.where(np.isnan(next_start), np.inf, next_start)
        for week in (1, 2, 4, 6, 8, 12, 16, 20):
            day = start_day[:, c] + 7 * week + rng.integers(-2, 3, n)
            keep = ~np.isnan(day) & (day < next_start) & (day <= end_day) & (rng.random(n) >= 0.12)
            vparts.append(pd.DataFrame({"pid": pid[keep], "kind": "followup", "day": day[keep]}))
    vis = pd.concat(vparts, ignore_index=True)
    vis["day"] = vis["day"].astype(np.int64)
    # Never on a ketamine date (date-only exports would put the visit on top of the pre score),
    # at most one visit a day.
    is_ket = (adm["treatment"] == "ketamine").to_numpy()
    ket_key = adm["pid"].to_numpy()[is_ket] * 100_000 + (adm["t"].to_numpy()[is_ket] - _EPOCH) // MINUTES_PER_DAY
    on_ket = np.isin(vis["pid"].to_numpy() * 100_000 + vis["day"].to_numpy(), ket_key)
    vis = vis[~on_ket]
    vis = vis.sort_values(["pid", "day"], kind="stable").drop_duplicates(["pid", "day"]).reset_index(drop=True)
    m = len(vis)
    vis["t"] = (_EPOCH + vis["day"] * MINUTES_PER_DAY + _minute_of_day(rng, m, 8 * 60, 17 * 60 + 30)).astype(np.int64)
    p_vis, t_vis = vis["pid"].to_numpy(), vis["t"].to_numpy()
    lat = latent(p_vis, t_vis)
    vis["nrs"] = _observed_nrs(rng, lat)
    is_base = (vis["kind"] == "baseline").to_numpy()
    phq = np.clip(np.round(4 + 1.6 * lat + rng.normal(0, 2.5, m)), 0, 27)
    vis["phq9"] = np.where(rng.random(m) < np.where(is_base, 0.85, 0.30), phq, np.nan)
    n_regions = rng.choice([1, 2, 3], m, p=[0.5, 0.35, 0.15])
    order = np.argsort(rng.random((m, len(REGIONS))), axis=1)        # a random order of the 5 regions
    chosen = np.arange(len(REGIONS))[None, :] < n_regions[:, None]      # the first n_regions of that order
    mask = np.zeros(m, dtype=np.int64)
    for j in range(len(REGIONS)):
        mask |= np.where(chosen[:, j], 1 << order[:, j], 0)
    vis["regions"] = np.where(rng.random(m) < np.where(is_base, 0.70, 0.20), mask, 0)
    vis["time_blank"] = ~is_base & (rng.random(m) < 0.08)
    vis["status"] = rng.choice([2, 1, 0], m, p=[0.85, 0.10, 0.05])
    vis = vis.drop(columns=["day"])[["pid", "t", "kind", "nrs", "phq9", "regions", "time_blank", "status"]]
    return Cohort(n, int(seed), patients, adm, vis)


# --------------------------------------------------------------------------------------------------
# Canonical files from the readings
# --------------------------------------------------------------------------------------------------

def canonical_tables(patients: pd.DataFrame, administrations: pd.DataFrame, observations: pd.DataFrame,
                     booster: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The canonical tables a correct reading gives (rules R1-R3).

    Parameters
    ----------
    patients : DataFrame
        ``patient_id`` plus covariate columns, one row per patient.
    administrations : DataFrame
        ``patient_id``, ``t`` (minutes), ``treatment`` (label), ``dose`` (NaN when none): one row per
        administration (starts only).
    observations : DataFrame
        ``patient_id``, ``t`` (minutes), ``measure``, ``value``.
    booster : dict, optional
        Label of a treatment -> label of the patient's later courses of it.

    Returns
    -------
    dict
        ``assessments`` (patient_id, day, measure, value), ``treatments`` (patient_id, day,
        treatment, dose, administrations), ``patients``.
    """
    booster = booster or {}
    adm = administrations.sort_values(["patient_id", "treatment", "t"], kind="stable").reset_index(drop=True)
    t0 = adm.groupby("patient_id")["t"].min()
    same = ((adm["patient_id"] == adm["patient_id"].shift())
            & (adm["treatment"] == adm["treatment"].shift())
            & (adm["t"] - adm["t"].shift() <= COURSE_GAP_DAYS * MINUTES_PER_DAY))
    adm["course"] = (~same).cumsum()
    courses = (adm.groupby("course")
               .agg(patient_id=("patient_id", "first"), t=("t", "min"), treatment=("treatment", "first"),
                    dose=("dose", lambda d: d.sum(min_count=1)), administrations=("t", "size"))
               .reset_index(drop=True))
    rank = courses.groupby(["patient_id", "treatment"]).cumcount()
    relabel = courses["treatment"].map(booster)
    courses["treatment"] = np.where((rank > 0) & relabel.notna(), relabel, courses["treatment"])
    courses["day"] = (courses["t"] - courses["patient_id"].map(t0)).to_numpy(np.int64) / MINUTES_PER_DAY
    treatments = (courses.sort_values(["patient_id", "day", "treatment"], kind="stable")
                  [["patient_id", "day", "treatment", "dose", "administrations"]].reset_index(drop=True))

    obs = observations[observations["patient_id"].isin(t0.index)].copy()
    obs["t"] = _whole_days_after_start(obs, courses, adm)
    obs["day"] = (obs["t"] - obs["patient_id"].map(t0)).to_numpy(np.int64) / MINUTES_PER_DAY
    assessments = (obs.sort_values(["patient_id", "day", "measure"], kind="stable")
                   [["patient_id", "day", "measure", "value"]].reset_index(drop=True))
    assessments["value"] = assessments["value"].astype(float)
    pats = patients[patients["patient_id"].isin(set(t0.index) | set(obs["patient_id"]))]
    return {"assessments": assessments, "treatments": treatments,
            "patients": pats.sort_values("patient_id", kind="stable").reset_index(drop=True)}


def _whole_days_after_start(obs: pd.DataFrame, courses: pd.DataFrame, adm: pd.DataFrame) -> np.ndarray:
    """R3b: the observations' times (minutes), follow-up scores moved to whole days after their course's start."""
    t = obs["t"].to_numpy(np.int64).copy()
    date = t // MINUTES_PER_DAY
    timed = t % MINUTES_PER_DAY != 0
    admin_dates = set(zip(adm["patient_id"], adm["t"] // MINUTES_PER_DAY))
    counts = pd.Series(list(zip(obs["patient_id"], date, obs["measure"]))).value_counts()
    starts = {}
    for pid, st in zip(courses["patient_id"], courses["t"]):  # a loop over a test cohort's courses
        starts.setdefault(pid, []).append(int(st))
    for i, (pid, m) in enumerate(zip(obs["patient_id"], obs["measure"])):  # a loop over a test cohort's scores
        earlier = [st for st in starts.get(pid, []) if st // MINUTES_PER_DAY < date[i]]
        if not timed[i] or not earlier or (pid, date[i]) in admin_dates or counts[(pid, date[i], m)] != 1:
            continue
        latest = max(st // MINUTES_PER_DAY for st in earlier)
        tod = min(st for st in earlier if st // MINUTES_PER_DAY == latest) % MINUTES_PER_DAY
        later = [st for st in starts[pid] if st // MINUTES_PER_DAY > date[i]]
        if later:
            nearest = min(st // MINUTES_PER_DAY for st in later)
            if nearest - date[i] == 14:
                tod = max(tod, min(st for st in later if st // MINUTES_PER_DAY == nearest) % MINUTES_PER_DAY)
        t[i] = date[i] * MINUTES_PER_DAY + tod
    return t


def _to_csv_bytes(df: pd.DataFrame) -> bytes:
    # pandas writes floats with repr (0.20833333333333334), NaN as an empty cell.
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def canonical_files(tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """``assessments.csv``, ``treatments.csv``, ``patients.csv`` from :func:`canonical_tables`."""
    return {f"{name}.csv": _to_csv_bytes(tables[name]) for name in ("assessments", "treatments", "patients")}


def _cohort_observations(cohort: Cohort) -> pd.DataFrame:
    """Every measured score of the cohort in the canonical measure names; the pre-infusion score at
    the start and the post-infusion score one hour after it (R3)."""
    v, a = cohort.visits, cohort.administrations
    count = np.zeros(len(v), dtype=np.int64)
    for j in range(len(REGIONS)):
        count += (v["regions"].to_numpy() >> j) & 1
    parts = [
        pd.DataFrame({"pid": v["pid"], "t": v["t"], "measure": "pain_nrs", "value": v["nrs"]}),
        pd.DataFrame({"pid": v["pid"], "t": v["t"], "measure": "phq9", "value": v["phq9"]}),
        pd.DataFrame({"pid": v["pid"], "t": v["t"], "measure": "regions_affected",
                      "value": np.where(count > 0, count, np.nan)}),
        pd.DataFrame({"pid": a["pid"], "t": a["t"],
                      "measure": "pain_nrs", "value": a["nrs_pre"]}),
        pd.DataFrame({"pid": a["pid"], "t": a["t"] + POST_SCORE_OFFSET_MINUTES, "measure": "pain_nrs",
                      "value": a["nrs_post"]}),
    ]
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"]).reset_index(drop=True)


def _cohort_labels(a: pd.DataFrame) -> pd.Series:
    return pd.Series(np.where(a["treatment"] == "ketamine", KETAMINE, PHYSIO), index=a.index)


def canonical(cohort: Cohort) -> dict[str, bytes]:
    """The cohort itself in the canonical format (patient ids ``P001``; labels as in REDCap).

    Pre scores are at the start of the infusion, post scores one hour after it (R3), so these files
    equal the REDCap readings apart from the patient ids and the site labels.
    """
    a = cohort.administrations
    ids = cohort.patients["patient_id"].to_numpy()
    adm = pd.DataFrame({"patient_id": ids[a["pid"]], "t": a["t"], "treatment": _cohort_labels(a),
                        "dose": a["dose_mg"]})
    obs = _cohort_observations(cohort)
    obs["patient_id"] = ids[obs["pid"]]
    pats = cohort.patients[["patient_id", "sex", "age_band", "crps_type", "site"]]
    return canonical_files(canonical_tables(pats, adm, obs, {KETAMINE: KETAMINE_BOOSTER}))


# --------------------------------------------------------------------------------------------------
# Writing CSV the way each product does
# --------------------------------------------------------------------------------------------------

def _quote(col: pd.Series, triggers: str) -> pd.Series:
    s = col.fillna("").astype(str)
    need = s.str.contains("[" + "".join("\\" + c if c in "\\]^-[" else c for c in triggers) + "]", regex=True)
    return s.where(~need, '"' + s.str.replace('"', '""', regex=False) + '"')


def _csv_text(df: pd.DataFrame, sep: str, triggers: str, eol: str, header: list[str] | None = None) -> str:
    """Rows of text cells joined like a product writes them: quoted only where ``triggers`` occur."""
    names = list(df.columns) if header is None else header
    head = sep.join(_quote(pd.Series(names, dtype=object), triggers))
    if df.empty:
        return head + eol
    cols = [_quote(df[c], triggers) for c in df.columns]
    body = cols[0].str.cat(cols[1:], sep=sep)
    return head + eol + eol.join(body) + eol


# REDCap writes CSV with PHP's fputcsv: a field is quoted when it holds the delimiter, a quote, a
# backslash, a line break, a tab or a space ("Record ID", "2024-03-01 09:30"), not otherwise.
_PHP_TRIGGERS = ',"\\\n\r\t '
_EXCEL_TRIGGERS = ';"\n\r'


def _num_text(x, decimal: str = ".") -> pd.Series:
    """Numbers as a person or a product writes them: 7, 6.5 (or 6,5); NaN -> empty."""
    x = pd.Series(np.asarray(x, dtype=float))
    whole = x.notna() & (x == np.floor(x))
    frac = x.notna() & ~whole
    out = pd.Series("", index=x.index, dtype=object)
    out[whole] = x[whole].astype(np.int64).astype(str)
    out[frac] = x[frac].astype(str).str.replace(".", decimal, regex=False)
    return out


def _fmt_time(t: pd.Series | np.ndarray, fmt: str) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(t, dtype=np.int64), unit="m").strftime(fmt))


def _text(x) -> pd.Series:
    return pd.Series(np.asarray(x, dtype=object)).fillna("").astype(str)


# --------------------------------------------------------------------------------------------------
# Export shapes
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportShape:
    """One export shape of a cohort.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    files : dict of str -> bytes
        The export, file name -> content, as the product writes it.
    canonical : dict of str -> bytes
        ``assessments.csv``, ``treatments.csv``, ``patients.csv`` that a correct reading gives.
    expected : dict
        What else a correct reading reports (rows excluded with their file, line, column, value and
        why; ignored items; rows that are not administrations; ...), JSON-serialisable.
    rules : dict
        :data:`READING_RULES` of this kind.
    """

    kind: str
    files: dict = field(repr=False)
    canonical: dict = field(repr=False)
    expected: dict = field(repr=False)
    rules: dict = field(repr=False)


def _redcap_dictionary() -> bytes:
    age_choices = " | ".join(f"{i}, {b}" for i, b in enumerate(AGE_BANDS, 1))
    rows = [
        # name, form, section, type, label, choices, note, validation, min, max, identifier, branching, required
        ["record_id", "demographics", "", "text", "Record ID", "", "", "", "", "", "", "", ""],
        ["sex", "demographics", "", "radio", "Sex", "1, Female | 2, Male", "", "", "", "", "", "", "y"],
        ["age_band", "demographics", "", "dropdown", "Age band", age_choices, "Age at the first infusion",
         "", "", "", "", "", "y"],
        ["crps_type", "demographics", "", "radio", "CRPS type", "1, CRPS type I | 2, CRPS type II",
         "", "", "", "", "", "", ""],
        ["visit_date", "pain_assessment", "Visit", "text", "Visit date", "", "", "date_ymd", "", "", "", "", "y"],
        ["visit_time", "pain_assessment", "", "text", "Time of assessment", "", "24 h, e.g. 14:30", "time",
         "", "", "", "", ""],
        ["nrs_pain", "pain_assessment", "Scores", "text", "Pain now (NRS 0-10)", "",
         "0 = no pain, 10 = worst pain imaginable", "number", "0", "10", "", "", ""],
        ["phq9_total", "pain_assessment", "", "text", "PHQ-9 total score", "", "", "integer", "0", "27",
         "", "", ""],
        ["regions", "pain_assessment", "", "checkbox", "Regions affected",
         " | ".join(f"{i}, {r}" for i, r in enumerate(REGIONS, 1)), "", "", "", "", "", "", ""],
        ["inf_datetime", "infusion", "", "text", "Start of infusion or session", "", "", "datetime_ymd",
         "", "", "", "", "y"],
        ["inf_drug", "infusion", "", "radio", "Treatment", f"1, {KETAMINE} | 2, {PHYSIO}", "", "", "", "",
         "", "", "y"],
        ["inf_dose", "infusion", "", "text", "Dose (mg)", "", "Total dose of the day", "number", "0", "1000",
         "", "[inf_drug] = '1'", ""],
        ["nrs_pre", "infusion", "", "text", "Pain before start (NRS 0-10)", "", "", "number", "0", "10",
         "", "[inf_drug] = '1'", ""],
        ["nrs_post", "infusion", "", "text", "Pain 1 hour after start (NRS 0-10)", "", "", "number", "0", "10",
         "", "[inf_drug] = '1'", ""],
    ]
    df = pd.DataFrame([r + [""] * 5 for r in rows], columns=list(REDCAP_DICTIONARY_HEADERS))
    return ("\ufeff" + _csv_text(df, ",", _PHP_TRIGGERS, "\n")).encode("utf-8")


_REDCAP_FIELDS = (["sex", "age_band", "crps_type", "demographics_complete", "visit_date", "visit_time",
                   "nrs_pain", "phq9_total"] + [f"regions___{j}" for j in range(1, len(REGIONS) + 1)]
                  + ["pain_assessment_complete", "inf_datetime", "inf_drug", "inf_dose", "nrs_pre", "nrs_post",
                     "infusion_complete"])
_REDCAP_COLUMNS = (["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
                    "redcap_data_access_group"] + _REDCAP_FIELDS)


def _redcap_rows(cohort: Cohort) -> pd.DataFrame:
    """The raw export's rows (all cells text) plus helper columns ``_pid``, ``_order``."""
    pats, vis, adm = cohort.patients, cohort.visits, cohort.administrations
    record = (101 + pats["pid"]).astype(str).to_numpy()
    dag = pats["site"].str.lower().str.replace(" ", "_", regex=False).to_numpy()

    def pain_cells(v: pd.DataFrame) -> dict:
        cells = {
            "visit_date": _fmt_time(v["t"], "%Y-%m-%d"),
            "visit_time": _fmt_time(v["t"], "%H:%M").where(~v["time_blank"].to_numpy(), ""),
            "nrs_pain": _num_text(v["nrs"]), "phq9_total": _num_text(v["phq9"]),
            "pain_assessment_complete": _text(v["status"].astype(str)),
        }
        for j in range(len(REGIONS)):
            cells[f"regions___{j + 1}"] = _text(((v["regions"].to_numpy() >> j) & 1).astype(str))
        return cells

    # Baseline event: demographics (every record) and the baseline pain assessment (when done).
    base = vis[vis["kind"] == "baseline"].set_index("pid").reindex(pats["pid"])
    done = base["t"].notna().to_numpy()
    b = pd.DataFrame({"_pid": pats["pid"], "_order": 0, "redcap_event_name": "baseline_arm_1",
                      "redcap_repeat_instrument": "", "redcap_repeat_instance": "",
                      "sex": (pats["sex"].map({s: i for i, s in enumerate(SEXES, 1)})).astype(str),
                      "age_band": pats["age_band"].map({s: i for i, s in enumerate(AGE_BANDS, 1)}).astype(str),
                      "crps_type": pats["crps_type"].map({s: i for i, s in enumerate(CRPS_TYPES, 1)}).astype(str),
                      "demographics_complete": "2"})
    bv = base[done].reset_index()
    bv["t"] = bv["t"].astype(np.int64)
    bv = bv.astype({"regions": np.int64, "status": np.int64, "time_blank": bool})
    cells = pain_cells(bv)
    for name in cells:
        b[name] = ""
        b.loc[done, name] = cells[name].to_numpy()
    # A form never opened (gray status) still exports its status as 0 and its checkboxes as 0s.
    b.loc[~done, "pain_assessment_complete"] = "0"
    for j in range(len(REGIONS)):
        b.loc[~done, f"regions___{j + 1}"] = "0"

    # Treatment event: the repeating "infusion" instrument, one instance per administration.
    a = adm.sort_values(["pid", "t"], kind="stable").reset_index(drop=True)
    ket = (a["treatment"] == "ketamine").to_numpy()
    inf = pd.DataFrame({"_pid": a["pid"], "_order": 1, "redcap_event_name": "treatment_arm_1",
                        "redcap_repeat_instrument": "infusion",
                        "redcap_repeat_instance": (a.groupby("pid").cumcount() + 1).astype(str),
                        "inf_datetime": _fmt_time(a["t"], "%Y-%m-%d %H:%M"),
                        "inf_drug": np.where(ket, "1", "2"),
                        "inf_dose": _num_text(a["dose_mg"]),
                        "nrs_pre": _num_text(a["nrs_pre"]), "nrs_post": _num_text(a["nrs_post"]),
                        "infusion_complete": "2"})

    # Follow-up events: the k-th follow-up visit of a record is event followup_k_arm_1.
    f = vis[vis["kind"] == "followup"].sort_values(["pid", "t"], kind="stable").reset_index(drop=True)
    k = f.groupby("pid").cumcount() + 1
    fu = pd.DataFrame({"_pid": f["pid"], "_order": 1 + k, "redcap_event_name": "followup_" + k.astype(str) + "_arm_1",
                       "redcap_repeat_instrument": "", "redcap_repeat_instance": ""})
    for name, col in pain_cells(f).items():
        fu[name] = col.to_numpy()

    rows = pd.concat([b, inf, fu], ignore_index=True)
    rows["_instance"] = pd.to_numeric(rows["redcap_repeat_instance"], errors="coerce").fillna(0)
    rows = rows.sort_values(["_pid", "_order", "_instance"], kind="stable").reset_index(drop=True)
    rows["record_id"] = record[rows["_pid"]]
    rows["redcap_data_access_group"] = dag[rows["_pid"]]
    for c in _REDCAP_COLUMNS:
        if c not in rows:
            rows[c] = ""
        rows[c] = rows[c].fillna("").astype(str)
    return rows


def _redcap_canonical(cohort: Cohort, site: pd.Series, ids: np.ndarray) -> dict[str, bytes]:
    a, v = cohort.administrations, cohort.visits
    adm = pd.DataFrame({"patient_id": ids[a["pid"]], "t": a["t"], "treatment": _cohort_labels(a),
                        "dose": a["dose_mg"]})
    # A visit without a time is at 00:00 of its date (R1).
    vt = v["t"] - np.where(v["time_blank"], v["t"] % MINUTES_PER_DAY, 0)
    shifted = Cohort(cohort.n_patients, cohort.seed, cohort.patients, a, v.assign(t=vt))
    obs = _cohort_observations(shifted)
    obs["patient_id"] = ids[obs["pid"]]
    pats = cohort.patients[["sex", "age_band", "crps_type"]].assign(site=site.to_numpy())
    pats.insert(0, "patient_id", ids)
    return canonical_files(canonical_tables(pats, adm, obs, {KETAMINE: KETAMINE_BOOSTER}))


def _redcap_expected(rows: pd.DataFrame, data_file: str) -> dict:
    return {
        "data_file": data_file, "dictionary_file": REDCAP_DICTIONARY,
        "rows": int(len(rows)),
        "events": sorted(set(rows["redcap_event_name"])),
        "administration_rows": int((rows["redcap_repeat_instrument"] != "").sum()),
        "excluded_values": [],
    }


def redcap_raw(cohort: Cohort) -> ExportShape:
    """REDCap longitudinal project, "CSV (raw data)" export with its data dictionary.

    Files: :data:`REDCAP_DATA` and :data:`REDCAP_DICTIONARY` (UTF-8 with BOM, comma, PHP fputcsv
    quoting, LF). Events ``baseline_arm_1`` (demographics + pain_assessment), ``treatment_arm_1``
    (repeating instrument ``infusion``: one instance per ketamine infusion or physical-therapy
    session) and ``followup_k_arm_1`` (the k-th follow-up pain_assessment). One row per record x event
    x repeat instance; cells of instruments not on a row are empty; checkbox columns are 0/1 on every
    pain_assessment row. The canonical ``patient_id`` is the record_id and ``site`` the data access
    group's unique name.
    """
    rows = _redcap_rows(cohort)
    data = "\ufeff" + _csv_text(rows[_REDCAP_COLUMNS], ",", _PHP_TRIGGERS, "\n")
    files = {REDCAP_DATA: data.encode("utf-8"), REDCAP_DICTIONARY: _redcap_dictionary()}
    ids = (101 + cohort.patients["pid"]).astype(str).to_numpy()
    site = cohort.patients["site"].str.lower().str.replace(" ", "_", regex=False)
    return ExportShape("redcap_raw", files, _redcap_canonical(cohort, site, ids),
                       _redcap_expected(rows, REDCAP_DATA), READING_RULES["redcap_raw"])


_REDCAP_LABEL_HEADERS = {
    "record_id": "Record ID", "redcap_event_name": "Event Name", "redcap_repeat_instrument": "Repeat Instrument",
    "redcap_repeat_instance": "Repeat Instance", "redcap_data_access_group": "Data Access Group",
    "sex": "Sex", "age_band": "Age band", "crps_type": "CRPS type", "demographics_complete": "Complete?",
    "visit_date": "Visit date", "visit_time": "Time of assessment", "nrs_pain": "Pain now (NRS 0-10)",
    "phq9_total": "PHQ-9 total score", "pain_assessment_complete": "Complete?",
    "inf_datetime": "Start of infusion or session", "inf_drug": "Treatment", "inf_dose": "Dose (mg)",
    "nrs_pre": "Pain before start (NRS 0-10)", "nrs_post": "Pain 1 hour after start (NRS 0-10)",
    "infusion_complete": "Complete?",
    **{f"regions___{j}": f"Regions affected (choice={r})" for j, r in enumerate(REGIONS, 1)},
}
_FORM_STATUS = {"0": "Incomplete", "1": "Unverified", "2": "Complete"}


def redcap_labels(cohort: Cohort) -> ExportShape:
    """The same REDCap project exported as "CSV (labels)", with the data dictionary.

    Headers are field labels ("Record ID", "Event Name", ..., ``Complete?`` once per instrument,
    checkboxes as "Regions affected (choice=Left arm)"); values are labels: event names such as
    "Baseline (Arm 1: Arm 1)", the repeating instrument "Infusion", the data access group label
    ("Site A"), choice labels, Checked/Unchecked, Incomplete/Unverified/Complete. The canonical
    ``site`` is the group label.
    """
    rows = _redcap_rows(cohort)
    out = rows[_REDCAP_COLUMNS].copy()
    k = out["redcap_event_name"].str.extract(r"followup_(\d+)_arm_1")[0]
    out["redcap_event_name"] = np.where(
        k.notna(), "Follow-up " + k.fillna("") + " (Arm 1: Arm 1)",
        out["redcap_event_name"].map({"baseline_arm_1": "Baseline (Arm 1: Arm 1)",
                                      "treatment_arm_1": "Treatment (Arm 1: Arm 1)"}))
    out["redcap_repeat_instrument"] = out["redcap_repeat_instrument"].replace({"infusion": "Infusion"})
    out["redcap_data_access_group"] = cohort.patients["site"].to_numpy()[rows["_pid"]]
    for name, labels in (("sex", SEXES), ("age_band", AGE_BANDS), ("crps_type", CRPS_TYPES),
                         ("inf_drug", (KETAMINE, PHYSIO))):
        out[name] = out[name].replace({str(i): lab for i, lab in enumerate(labels, 1)})
    for j in range(1, len(REGIONS) + 1):
        out[f"regions___{j}"] = out[f"regions___{j}"].replace({"1": "Checked", "0": "Unchecked"})
    for name in ("demographics_complete", "pain_assessment_complete", "infusion_complete"):
        out[name] = out[name].replace(_FORM_STATUS)
    header = [_REDCAP_LABEL_HEADERS[c] for c in _REDCAP_COLUMNS]
    data = "\ufeff" + _csv_text(out, ",", _PHP_TRIGGERS, "\n", header=header)
    files = {REDCAP_LABELS: data.encode("utf-8"), REDCAP_DICTIONARY: _redcap_dictionary()}
    ids = (101 + cohort.patients["pid"]).astype(str).to_numpy()
    return ExportShape("redcap_labels", files, _redcap_canonical(cohort, cohort.patients["site"], ids),
                       _redcap_expected(rows, REDCAP_LABELS), READING_RULES["redcap_labels"])


def _pain_text(rng, value: np.ndarray, is_post: np.ndarray) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Flowsheet text of pain scores (R4): (text, canonical value or NaN, rule used)."""
    m = value.size
    u = rng.random(m)
    rule = np.full(m, "number", dtype=object)
    rule[(value <= 1) & (u < 0.5)] = "Denies pain"
    free = rule == "number"
    w = rng.random(m)
    rule[free & (value == np.floor(value)) & (w < 0.07)] = "n/10"
    rule[free & (w >= 0.07) & (w < 0.11)] = "range"
    rule[free & is_post & (w >= 0.11) & (w < 0.21)] = "Patient asleep"    # sedated after ketamine: not at random
    rule[free & (w >= 0.985) & (w < 0.992)] = "Refused"
    rule[free & (w >= 0.992)] = "Unable to rate"
    low = np.minimum(np.floor(value), 9)
    text = _num_text(value).to_numpy(dtype=object)
    text = np.where(rule == "n/10", _num_text(value).to_numpy(dtype=object) + "/10", text)
    rng_text = _num_text(low).to_numpy(dtype=object) + "-" + _num_text(low + 1).to_numpy(dtype=object)
    text = np.where(rule == "range", rng_text, text)
    for answer in ("Denies pain",) + NON_SCORE_ANSWERS:
        text = np.where(rule == answer, answer, text)
    canon = np.where(rule == "range", low + 0.5, value)
    canon = np.where(rule == "Denies pain", 0.0, canon)
    canon = np.where(np.isin(rule, NON_SCORE_ANSWERS), np.nan, canon)
    return pd.Series(text), canon, rule


def flowsheet(cohort: Cohort) -> ExportShape:
    """EHR flowsheet (one row per observation) and medication-administration record exports.

    Files: :data:`FLOWSHEET_FILE` (PAT_ID, RECORDED_TIME ``MM/DD/YYYY HH:MM``, FLO_MEAS_ID,
    FLO_MEAS_NAME, MEAS_VALUE text, UNITS), :data:`MAR_FILE` (PAT_ID, TAKEN_TIME, MEDICATION_NAME,
    MAR_ACTION, DOSE, DOSE_UNIT, ROUTE) and :data:`EHR_DEMOGRAPHICS_FILE`; UTF-8 without BOM,
    comma, minimal quoting, CRLF. The flowsheet charts the pre-infusion pain score 5-30 minutes
    before the bag is hung (its own time, not R3) and the post score one hour after; vitals (BP,
    Pulse, Temp, SpO2) and the RASS sedation scale are charted too. Physical therapy is not in the
    MAR, so this shape's canonical files have ketamine only.
    """
    rng = np.random.default_rng([cohort.seed, 3])
    pats, vis, adm = cohort.patients, cohort.visits, cohort.administrations
    ids = ("Z" + pd.Series(10001 + rng.choice(89999, len(pats), replace=False)).astype(str)).to_numpy()
    a = adm[adm["treatment"] == "ketamine"].reset_index(drop=True)
    t_pre = (a["t"] - a["pre_lead_min"]).to_numpy()
    t_post = (a["t"] + POST_SCORE_OFFSET_MINUTES).to_numpy()

    # Pain and PHQ-9 observations.
    pain = pd.concat([
        pd.DataFrame({"pid": vis["pid"], "t": vis["t"], "value": vis["nrs"], "post": False}),
        pd.DataFrame({"pid": a["pid"], "t": t_pre, "value": a["nrs_pre"], "post": False}),
        pd.DataFrame({"pid": a["pid"], "t": t_post, "value": a["nrs_post"], "post": True}),
    ], ignore_index=True).dropna(subset=["value"]).reset_index(drop=True)
    text, canon, rule = _pain_text(rng, pain["value"].to_numpy(), pain["post"].to_numpy())
    pain = pain.assign(item=FLOWSHEET_PAIN, text=text.to_numpy(), canon=canon, rule=rule, units="")
    phq = vis.dropna(subset=["phq9"])
    phq = pd.DataFrame({"pid": phq["pid"], "t": phq["t"], "item": FLOWSHEET_PHQ9, "text": _num_text(phq["phq9"]).to_numpy(),
                        "canon": phq["phq9"].to_numpy(), "rule": "number", "units": ""})

    # Vitals and sedation: not measures.
    nv, na_ = len(vis), len(a)
    vt = np.concatenate([vis["t"].to_numpy(), t_pre, t_post])
    vp = np.concatenate([vis["pid"].to_numpy(), a["pid"].to_numpy(), a["pid"].to_numpy()])
    m = vt.size
    bp = _text(rng.integers(105, 150, m).astype(str)) + "/" + _text(rng.integers(62, 95, m).astype(str))
    vit = [
        pd.DataFrame({"pid": vp, "t": vt, "item": "BP", "text": bp.to_numpy(), "units": "mmHg"}),
        pd.DataFrame({"pid": vp, "t": vt, "item": "Pulse", "text": rng.integers(58, 100, m).astype(str), "units": "bpm"}),
        pd.DataFrame({"pid": vp[nv:nv + na_], "t": t_pre, "item": "Temp",
                      "text": _num_text(np.round(rng.uniform(97.5, 99.2, na_), 1)).to_numpy(), "units": "°F"}),
        pd.DataFrame({"pid": vp[nv:], "t": vt[nv:], "item": "SpO2", "text": rng.integers(94, 100, 2 * na_).astype(str),
                      "units": "%"}),
        pd.DataFrame({"pid": a["pid"], "t": a["t"] + 30, "item": "RASS",
                      "text": rng.choice(["0", "0", "-1", "-2", "1"], na_), "units": ""}),
    ]
    obs = pd.concat([pain, phq] + vit, ignore_index=True)
    obs = obs.sort_values(["pid", "t", "item"], kind="stable").reset_index(drop=True)
    flo_id = {FLOWSHEET_PAIN: "3040100960", FLOWSHEET_PHQ9: "3040103001", "BP": "5", "Temp": "6", "Pulse": "8",
              "SpO2": "10", "RASS": "3040101234"}
    fs = pd.DataFrame({"PAT_ID": ids[obs["pid"]], "RECORDED_TIME": _fmt_time(obs["t"], "%m/%d/%Y %H:%M"),
                       "FLO_MEAS_ID": obs["item"].map(flo_id), "FLO_MEAS_NAME": obs["item"],
                       "MEAS_VALUE": obs["text"], "UNITS": obs["units"].fillna("")})

    # Medication administration record: New Bag starts an administration; the rest does not.
    mar = [pd.DataFrame({"pid": a["pid"], "t": a["t"], "med": KETAMINE_MED, "action": "New Bag",
                         "dose": _num_text(a["dose_mg"]).to_numpy(), "unit": "mg"})]
    rc = rng.random(na_) < 0.5
    mar.append(pd.DataFrame({"pid": a["pid"][rc], "t": a["t"][rc] + 60, "med": KETAMINE_MED, "action": "Rate Change",
                             "dose": rng.choice(["0.3", "0.4", "0.5"], rc.sum()), "unit": "mg/kg/hr"}))
    pz = rng.random(na_) < 0.15
    mar.append(pd.DataFrame({"pid": a["pid"][pz], "t": a["t"][pz] + 90, "med": KETAMINE_MED, "action": "Paused",
                             "dose": "", "unit": ""}))
    mar.append(pd.DataFrame({"pid": a["pid"][pz], "t": a["t"][pz] + 105, "med": KETAMINE_MED,
                             "action": "Restarted", "dose": "", "unit": ""}))
    mar.append(pd.DataFrame({"pid": a["pid"], "t": a["t"] + 240, "med": KETAMINE_MED, "action": "Stopped",
                             "dose": "", "unit": ""}))
    # A sixth infusion day that was scheduled and held (day 5 of the first course).
    first = a[(a["course"] == 1) & (a["session"] == 5)]
    held = first[rng.random(len(first)) < 0.25]
    mar.append(pd.DataFrame({"pid": held["pid"], "t": held["t"] + MINUTES_PER_DAY, "med": KETAMINE_MED,
                             "action": "Held", "dose": "", "unit": ""}))
    on = rng.random(na_) < 0.6
    mar.append(pd.DataFrame({"pid": a["pid"][on], "t": a["t"][on] - 10, "med": CO_MEDICATIONS[0], "action": "Given",
                             "dose": "4", "unit": "mg"}))
    mz = rng.random(na_) < 0.3
    mar.append(pd.DataFrame({"pid": a["pid"][mz], "t": a["t"][mz] + 5, "med": CO_MEDICATIONS[1], "action": "Given",
                             "dose": rng.choice(["1", "2"], mz.sum()), "unit": "mg"}))
    mar = pd.concat(mar, ignore_index=True).sort_values(["pid", "t", "action"], kind="stable").reset_index(drop=True)
    mar_df = pd.DataFrame({"PAT_ID": ids[mar["pid"]], "TAKEN_TIME": _fmt_time(mar["t"], "%m/%d/%Y %H:%M"),
                           "MEDICATION_NAME": mar["med"], "MAR_ACTION": mar["action"], "DOSE": mar["dose"],
                           "DOSE_UNIT": mar["unit"], "ROUTE": "Intravenous"})
    demo = pd.DataFrame({"PAT_ID": ids, "SEX": pats["sex"], "AGE_GROUP": pats["age_band"],
                         "CRPS_TYPE": pats["crps_type"],
                         "DEPARTMENT_NAME": "PAIN CLINIC " + pats["site"].str.upper()})
    files = {FLOWSHEET_FILE: _csv_text(fs, ",", ',"\n\r', "\r\n").encode("utf-8"),
             MAR_FILE: _csv_text(mar_df, ",", ',"\n\r', "\r\n").encode("utf-8"),
             EHR_DEMOGRAPHICS_FILE: _csv_text(demo, ",", ',"\n\r', "\r\n").encode("utf-8")}

    # Canonical: New Bag rows are the administrations; pain and PHQ-9 at their charted times.
    adm_c = pd.DataFrame({"patient_id": ids[a["pid"]], "t": a["t"], "treatment": KETAMINE, "dose": a["dose_mg"]})
    scored = obs[obs["item"].isin([FLOWSHEET_PAIN, FLOWSHEET_PHQ9])].dropna(subset=["canon"])
    obs_c = pd.DataFrame({"patient_id": ids[scored["pid"]], "t": scored["t"],
                          "measure": scored["item"].map({FLOWSHEET_PAIN: "pain_nrs", FLOWSHEET_PHQ9: "phq9"}),
                          "value": scored["canon"]})
    pats_c = pd.DataFrame({"patient_id": ids, "sex": demo["SEX"], "age_band": demo["AGE_GROUP"],
                           "crps_type": demo["CRPS_TYPE"], "site": demo["DEPARTMENT_NAME"]})
    canon_files = canonical_files(canonical_tables(pats_c, adm_c, obs_c, {KETAMINE: KETAMINE_BOOSTER}))

    bad = obs.index[obs["rule"].isin(NON_SCORE_ANSWERS)]
    pain_rows = obs["item"] == FLOWSHEET_PAIN
    expected = {
        "excluded_values": [{"file": FLOWSHEET_FILE, "line": int(i) + 2, "column": "MEAS_VALUE",
                             "value": str(obs.at[i, "text"]), "why": "text answer without a score"} for i in bad],
        "ignored_items": {k: int(v) for k, v in obs.loc[obs["item"].isin(FLOWSHEET_UNMAPPED), "item"]
                          .value_counts().sort_index().items()},
        "pain_value_rules": {k: int(v) for k, v in obs.loc[pain_rows, "rule"].value_counts().sort_index().items()},
        "pain_rows": int(pain_rows.sum()),
        "mar_actions": {k: int(v) for k, v in mar_df["MAR_ACTION"].value_counts().sort_index().items()},
        "administrations": int(len(a)),
        "co_medication_rows": {k: int(v) for k, v in mar_df.loc[mar_df["MEDICATION_NAME"] != KETAMINE_MED,
                                                                 "MEDICATION_NAME"].value_counts().sort_index().items()},
        "date_format": "%m/%d/%Y %H:%M",
    }
    return ExportShape("flowsheet", files, canon_files, expected, READING_RULES["flowsheet"])


def _excel_csv(df: pd.DataFrame, preamble: list[str], encoding: str, bom: bool) -> bytes:
    """A sheet saved by Excel as CSV: ';', CRLF, every row padded to the sheet's width."""
    width = len(df.columns)
    pad = [line + ";" * (width - 1) for line in preamble]
    body = _csv_text(df, ";", _EXCEL_TRIGGERS, "\r\n")
    text = "".join(p + "\r\n" for p in pad) + body
    return (("\ufeff" if bom else "") + text).encode(encoding)


def _sheet_rows(cohort: Cohort) -> pd.DataFrame:
    """Visits and administrations of the cohort in time order (one spreadsheet row each)."""
    v, a = cohort.visits, cohort.administrations
    rows = pd.concat([
        pd.DataFrame({"pid": v["pid"], "t": v["t"], "kind": "visit", "nrs": v["nrs"], "phq9": v["phq9"]}),
        pd.DataFrame({"pid": a["pid"], "t": a["t"], "kind": a["treatment"], "course": a["course"],
                      "dose_mg_per_kg": a["dose_mg_per_kg"], "dose_mg": a["dose_mg"],
                      "nrs_pre": a["nrs_pre"], "nrs_post": a["nrs_post"]}),
    ], ignore_index=True)
    return rows.sort_values(["pid", "t"], kind="stable").reset_index(drop=True)


def spreadsheet_de(cohort: Cohort) -> ExportShape:
    """German clinic spreadsheet saved by Excel as "CSV UTF-8 (Trennzeichen-getrennt)".

    :data:`GERMAN_FILE`: UTF-8 with BOM, ';', decimal comma, CRLF; line 1 a title, line 2 empty,
    header on line 3; dates ``DD.MM.YYYY`` without times; one row per treatment day (Behandlung
    "Ketamin i.v." with Dosis (mg/kg) and Schmerz vor / nach, or "Physiotherapie") and one row per
    assessment (Behandlung empty, Schmerz (NRS), PHQ-9); covariates repeated on every row.
    Canonical: every time at 00:00 of its date (R1), the "nach" score at 01:00 (R3); later ketamine
    courses labelled "Ketamin-Booster".
    """
    rows = _sheet_rows(cohort)
    pats = cohort.patients
    ids = ("K" + pd.Series(pats["pid"] + 1).astype(str).str.zfill(3)).to_numpy()
    date = rows["t"] - rows["t"] % MINUTES_PER_DAY
    ket, pt = (rows["kind"] == "ketamine").to_numpy(), (rows["kind"] == "physio").to_numpy()
    sex = pats["sex"].map({"Female": "w", "Male": "m"}).to_numpy()
    typ = pats["crps_type"].map({CRPS_TYPES[0]: "I", CRPS_TYPES[1]: "II"}).to_numpy()
    p = rows["pid"].to_numpy()
    sheet = pd.DataFrame({
        "Patient": ids[p], "Datum": _fmt_time(date, "%d.%m.%Y"),
        "Behandlung": np.where(ket, "Ketamin i.v.", np.where(pt, "Physiotherapie", "")),
        "Dosis (mg/kg)": _num_text(rows["dose_mg_per_kg"], ","),
        "Schmerz vor (NRS)": _num_text(rows["nrs_pre"], ","), "Schmerz nach (NRS)": _num_text(rows["nrs_post"], ","),
        "Schmerz (NRS)": _num_text(rows["nrs"], ","), "PHQ-9": _num_text(rows["phq9"], ","),
        "Geschlecht": sex[p], "Altersgruppe": pats["age_band"].to_numpy()[p], "CRPS-Typ": typ[p],
    })
    files = {GERMAN_FILE: _excel_csv(sheet, ["Ketamin-Ambulanz: Auswertung Schmerzverlauf (Stand 01.06.2024)", ""],
                                     "utf-8", bom=True)}

    tr = rows[ket | pt]
    adm_c = pd.DataFrame({"patient_id": ids[tr["pid"]], "t": date[tr.index],
                          "treatment": np.where(ket[tr.index], "Ketamin i.v.", "Physiotherapie"),
                          "dose": tr["dose_mg_per_kg"]})
    vis = rows[~(ket | pt)]
    obs_c = pd.concat([
        pd.DataFrame({"patient_id": ids[vis["pid"]], "t": date[vis.index], "measure": "pain_nrs", "value": vis["nrs"]}),
        pd.DataFrame({"patient_id": ids[vis["pid"]], "t": date[vis.index], "measure": "phq9", "value": vis["phq9"]}),
        pd.DataFrame({"patient_id": ids[tr["pid"]], "t": date[tr.index], "measure": "pain_nrs", "value": tr["nrs_pre"]}),
        pd.DataFrame({"patient_id": ids[tr["pid"]], "t": date[tr.index] + POST_SCORE_OFFSET_MINUTES,
                      "measure": "pain_nrs", "value": tr["nrs_post"]}),
    ], ignore_index=True).dropna(subset=["value"])
    pats_c = pd.DataFrame({"patient_id": ids, "sex": sex, "age_band": pats["age_band"], "crps_type": typ})
    canon_files = canonical_files(canonical_tables(pats_c, adm_c, obs_c, {"Ketamin i.v.": "Ketamin-Booster"}))
    expected = {"header_line": 3, "rows": int(len(sheet)), "treatment_rows": int(len(tr)),
                "date_format": "%d.%m.%Y", "excluded_values": []}
    return ExportShape("spreadsheet_de", files, canon_files, expected, READING_RULES["spreadsheet_de"])


FRENCH_PRE_MINUTE, FRENCH_POST_MINUTE = 8 * 60 + 30, 14 * 60


def spreadsheet_fr(cohort: Cohort) -> ExportShape:
    """French clinic spreadsheet saved by Excel as "CSV (séparateur : point-virgule)".

    :data:`FRENCH_FILE`: Windows-1252, ';', decimal comma, CRLF; dates ``DD/MM/YYYY`` and a separate
    ``Heure`` (HH:MM); one row per treatment day (Traitement "Kétamine IV" for the first course,
    "Rappel kétamine" for boosters, "Kinésithérapie" sessions; Dose (mg)) and separate score rows
    (Traitement empty): on every ketamine day a pain row at 08:30 (before the start, 08:45-11:00) and
    one at 14:00 (after it), and the visits at their times. Covariates repeated on every row.
    """
    rows = _sheet_rows(cohort)
    pats = cohort.patients
    ids = pd.Series(pats["pid"] + 1).astype(str).str.zfill(3).to_numpy()
    ket, pt = (rows["kind"] == "ketamine").to_numpy(), (rows["kind"] == "physio").to_numpy()
    label = np.where(ket, np.where(rows["course"] == 1, "Kétamine IV", "Rappel kétamine"),
                     np.where(pt, "Kinésithérapie", ""))
    tr = rows[ket | pt].assign(label=label[ket | pt])
    date = rows["t"] - rows["t"] % MINUTES_PER_DAY
    k = rows[ket]
    scores = pd.concat([
        pd.DataFrame({"pid": k["pid"], "t": date[k.index] + FRENCH_PRE_MINUTE, "nrs": k["nrs_pre"]}),
        pd.DataFrame({"pid": k["pid"], "t": date[k.index] + FRENCH_POST_MINUTE, "nrs": k["nrs_post"]}),
    ]).dropna(subset=["nrs"])
    vis = rows[rows["kind"] == "visit"]
    score_rows = pd.concat([scores, vis[["pid", "t", "nrs", "phq9"]]], ignore_index=True)
    allrows = pd.concat([tr[["pid", "t", "label", "dose_mg"]], score_rows], ignore_index=True)
    allrows = allrows.sort_values(["pid", "t"], kind="stable").reset_index(drop=True)
    p = allrows["pid"].to_numpy()
    sex = pats["sex"].map({"Female": "F", "Male": "H"}).to_numpy()
    typ = pats["crps_type"].map({CRPS_TYPES[0]: "Type 1", CRPS_TYPES[1]: "Type 2"}).to_numpy()
    age = np.where(pats["age_band"] == "70+", "70 ans et plus", pats["age_band"] + " ans")
    sheet = pd.DataFrame({
        "N° patient": ids[p], "Date": _fmt_time(allrows["t"], "%d/%m/%Y"), "Heure": _fmt_time(allrows["t"], "%H:%M"),
        "Traitement": allrows["label"].fillna(""), "Dose (mg)": _num_text(allrows["dose_mg"], ","),
        "EVA douleur": _num_text(allrows["nrs"], ","), "Score PHQ-9": _num_text(allrows["phq9"], ","),
        "Sexe": sex[p], "Tranche d'âge": age[p], "Type de SDRC": typ[p],
    })
    files = {FRENCH_FILE: _excel_csv(sheet, [], "cp1252", bom=False)}

    adm_c = pd.DataFrame({"patient_id": ids[tr["pid"]], "t": tr["t"], "treatment": tr["label"], "dose": tr["dose_mg"]})
    sr = allrows[allrows["label"].isna()]
    obs_c = pd.concat([
        pd.DataFrame({"patient_id": ids[sr["pid"]], "t": sr["t"], "measure": "pain_nrs", "value": sr["nrs"]}),
        pd.DataFrame({"patient_id": ids[sr["pid"]], "t": sr["t"], "measure": "phq9", "value": sr["phq9"]}),
    ], ignore_index=True).dropna(subset=["value"])
    pats_c = pd.DataFrame({"patient_id": ids, "sex": sex, "age_band": age, "crps_type": typ})
    canon_files = canonical_files(canonical_tables(pats_c, adm_c, obs_c))
    expected = {"rows": int(len(sheet)), "treatment_rows": int(len(tr)), "date_format": "%d/%m/%Y %H:%M",
                "excluded_values": []}
    return ExportShape("spreadsheet_fr", files, canon_files, expected, READING_RULES["spreadsheet_fr"])


def _region_lists(regions: np.ndarray, rng) -> np.ndarray:
    """The regions of each visit (bit masks of :data:`REGIONS`) as a clinician types them in one cell:
    in any order, joined by ``, `` (60%), ``; `` (25%) or `` and `` (15%); 10% of cells in lower case;
    5% with the first region typed again at the end (``Left arm, Trunk, left arm``). 0 -> empty."""
    m = len(regions)
    order = np.argsort(rng.random((m, len(REGIONS))), axis=1)
    sep = rng.choice([", ", "; ", " and "], m, p=[0.6, 0.25, 0.15]).astype(object)
    lower = rng.random(m) < 0.10
    repeat = rng.random(m) < 0.05
    names = np.asarray(REGIONS, dtype=object)
    cells = np.full(m, "", dtype=object)
    first = np.full(m, "", dtype=object)
    for j in range(len(REGIONS)):
        name = names[order[:, j]]
        name = np.where(lower, pd.Series(name).str.lower().to_numpy(dtype=object), name)
        on = ((regions >> order[:, j]) & 1) == 1
        first = np.where(on & (first == ""), name, first)
        cells = np.where(on, np.where(cells == "", name, cells + sep + name), cells)
    again = repeat & (cells != "")
    cells[again] = cells[again] + sep[again] + pd.Series(first[again]).str.lower().to_numpy(dtype=object)
    return cells


def _phq9_items(total: np.ndarray, rng) -> np.ndarray:
    """Nine item answers (0-3) whose sum is each visit's PHQ-9 total (0-27; NaN -> NaN): the total
    spread as evenly as it goes, in a random order of the items."""
    m = len(total)
    t = np.nan_to_num(total, nan=0).astype(np.int64)
    even = (t // 9)[:, None] + (np.arange(9)[None, :] < (t % 9)[:, None])
    order = np.argsort(rng.random((m, 9)), axis=1)
    items = np.take_along_axis(even, order, axis=1).astype(float)
    items[np.isnan(total)] = np.nan
    return items


def spreadsheet_en(cohort: Cohort) -> ExportShape:
    """English clinic log kept in a spreadsheet, saved as CSV (UTF-8, ',', LF).

    :data:`ENGLISH_FILE`: one row per treatment day (Treatment "Ketamine infusion" with Dose (mg) and
    Pain before / after infusion, or "Physical therapy") and one row per visit (Treatment empty;
    Pain (NRS), PHQ-9, and "Affected regions": the regions with CRPS signs listed in one cell, R5b);
    ``Visit date`` is ``YYYY-MM-DD HH:MM``; covariates repeated on every row. The PHQ-9 is written as
    its 9 items without the total (R5c); 4% of the visits with a PHQ-9 leave one item empty.
    Canonical: the regions as their count ``regions_affected``, the PHQ-9 as the items' sum (none for
    a visit with an item missing); no booster label.
    """
    rows = _sheet_rows(cohort)
    v = cohort.visits
    pats = cohort.patients
    ids = ("C-" + pd.Series(pats["pid"] + 1).astype(str).str.zfill(3)).to_numpy()
    ket, pt = (rows["kind"] == "ketamine").to_numpy(), (rows["kind"] == "physio").to_numpy()
    is_visit = ~(ket | pt)
    # _sheet_rows keeps the visits' order (pid, t): the regions of each visit row, in that order.
    vis_sorted = v.sort_values(["pid", "t"], kind="stable")
    regions = np.zeros(len(rows), dtype=np.int64)
    key = rows.loc[is_visit, ["pid", "t"]]
    regions[is_visit] = pd.MultiIndex.from_frame(key).map(
        pd.Series(vis_sorted["regions"].to_numpy(), index=pd.MultiIndex.from_frame(vis_sorted[["pid", "t"]]))).to_numpy()
    rng = np.random.default_rng([cohort.seed, 5])
    p = rows["pid"].to_numpy()
    items = _phq9_items(rows["phq9"].to_numpy(dtype=float), rng)
    asked = ~np.isnan(rows["phq9"].to_numpy(dtype=float))
    incomplete = asked & (rng.random(len(rows)) < 0.04)
    items[incomplete, rng.integers(0, 9, len(rows))[incomplete]] = np.nan
    sheet = pd.DataFrame({
        "Patient ID": ids[p], "Visit date": _fmt_time(rows["t"], "%Y-%m-%d %H:%M"),
        "Treatment": np.where(ket, KETAMINE, np.where(pt, ENGLISH_PHYSIO, "")),
        "Dose (mg)": _num_text(rows["dose_mg"]),
        "Pain before infusion (NRS)": _num_text(rows["nrs_pre"]), "Pain after infusion (NRS)": _num_text(rows["nrs_post"]),
        "Pain (NRS)": _num_text(rows["nrs"]),
        **{f"PHQ-9 item {j + 1}": _num_text(items[:, j]) for j in range(9)},
        "Affected regions": _region_lists(regions, rng),
        "Sex": pats["sex"].to_numpy()[p], "Age group": pats["age_band"].to_numpy()[p],
        "CRPS type": pats["crps_type"].to_numpy()[p],
    })
    files = {ENGLISH_FILE: _csv_text(sheet, ",", ',"\n\r', "\n").encode("utf-8")}

    tr = rows[ket | pt]
    adm_c = pd.DataFrame({"patient_id": ids[tr["pid"]], "t": tr["t"],
                          "treatment": np.where(ket[tr.index], KETAMINE, ENGLISH_PHYSIO), "dose": tr["dose_mg"]})
    vis = rows[is_visit]
    count = np.zeros(len(rows), dtype=np.int64)
    for j in range(len(REGIONS)):
        count += (regions >> j) & 1
    obs_c = pd.concat([
        pd.DataFrame({"patient_id": ids[vis["pid"]], "t": vis["t"], "measure": "pain_nrs", "value": vis["nrs"]}),
        pd.DataFrame({"patient_id": ids[vis["pid"]], "t": vis["t"], "measure": "phq9",
                      "value": np.where(incomplete[is_visit], np.nan, vis["phq9"])}),
        pd.DataFrame({"patient_id": ids[vis["pid"]], "t": vis["t"], "measure": "regions_affected",
                      "value": np.where(count[is_visit] > 0, count[is_visit], np.nan)}),
        pd.DataFrame({"patient_id": ids[tr["pid"]], "t": tr["t"], "measure": "pain_nrs", "value": tr["nrs_pre"]}),
        pd.DataFrame({"patient_id": ids[tr["pid"]], "t": tr["t"] + POST_SCORE_OFFSET_MINUTES,
                      "measure": "pain_nrs", "value": tr["nrs_post"]}),
    ], ignore_index=True).dropna(subset=["value"])
    pats_c = pd.DataFrame({"patient_id": ids, "sex": pats["sex"], "age_band": pats["age_band"],
                           "crps_type": pats["crps_type"]})
    canon_files = canonical_files(canonical_tables(pats_c, adm_c, obs_c))
    listed = sheet["Affected regions"]
    expected = {"rows": int(len(sheet)), "treatment_rows": int(len(tr)), "date_format": "%Y-%m-%d %H:%M",
                "excluded_values": [], "region_lists": int((listed != "").sum()),
                "phq9_incomplete": [int(i) + 2 for i in np.flatnonzero(incomplete)],   # lines (header = 1)
                "region_counts": {int(k): int(n) for k, n in pd.Series(count[count > 0]).value_counts().sort_index().items()}}
    return ExportShape("spreadsheet_en", files, canon_files, expected, READING_RULES["spreadsheet_en"])


_SHAPES = {"redcap_raw": redcap_raw, "redcap_labels": redcap_labels, "flowsheet": flowsheet,
           "spreadsheet_de": spreadsheet_de, "spreadsheet_fr": spreadsheet_fr, "spreadsheet_en": spreadsheet_en}


def export_shape(kind: str, cohort: Cohort) -> ExportShape:
    """The cohort in export shape ``kind`` (one of :data:`KINDS`), with its canonical files."""
    if kind not in _SHAPES:
        raise ValueError(f"unknown export shape {kind!r}; choose one of {', '.join(KINDS)}")
    return _SHAPES[kind](cohort)


def shape_and_canonical(kind: str, n_patients: int = 40, seed: int = 1) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """``(export files, canonical files)`` of shape ``kind`` for a cohort of ``n_patients``."""
    shape = export_shape(kind, make_cohort(n_patients, seed))
    return shape.files, shape.canonical


def write_all(folder, n_patients: int = 40, seed: int = 1) -> dict[str, Path]:
    """Write the cohort's canonical files and every export shape to ``folder``.

    Layout: ``folder/canonical/*.csv`` (:func:`canonical`) and, per kind,
    ``folder/<kind>/export/...`` (the export as exported), ``folder/<kind>/canonical/*.csv`` (what a
    correct reading gives) and ``folder/<kind>/expected.json`` (expectations and reading rules).

    Returns
    -------
    dict
        ``"canonical"`` and each kind -> the folder written.
    """
    root = Path(folder)
    cohort = make_cohort(n_patients, seed)
    written = {"canonical": root / "canonical"}
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.txt").write_text(
        f"{NOTICE}\n\nWritten by tests/analysis/clinic_export_shapes.py (n_patients={int(n_patients)}, "
        f"seed={int(seed)}).\ncanonical/: the cohort in the canonical format. <kind>/export/: the cohort as "
        "that product exports it; <kind>/canonical/: what a correct reading of it gives; "
        "<kind>/expected.json: what the reader must report and the reading rules.\n", encoding="utf-8")
    _write_files(root / "canonical", canonical(cohort))
    for kind in KINDS:
        shape = export_shape(kind, cohort)
        _write_files(root / kind / "export", shape.files)
        _write_files(root / kind / "canonical", shape.canonical)
        (root / kind / "expected.json").write_text(
            json.dumps({"kind": kind, "n_patients": int(n_patients), "seed": int(seed),
                        "expected": shape.expected, "rules": shape.rules}, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8")
        written[kind] = root / kind
    return written


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write an invented cohort in every clinic export shape.")
    parser.add_argument("folder")
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name, path in write_all(args.folder, args.patients, args.seed).items():
        print(f"{name}: {path}")
