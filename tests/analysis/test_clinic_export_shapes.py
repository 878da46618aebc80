"""Tests of the invented clinic-export generator (tests/analysis/clinic_export_shapes.py) itself.

The generator promises, for every export shape, files that look like the real product's output and
canonical files equal to a correct reading of them. These tests check both without the generator's
own code paths: the product formats against literal strings and patterns of real exports, and the
canonical files against a short reading of each export written here with plain pandas (the rules of
the module docstring, R1-R6), compared exactly (float days included).
"""
from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

import clinic_export_shapes as ces
from analysis import load_files, summarize

N, SEED = 40, 1
DAY = pd.Timedelta(days=1)

# The header line of a data dictionary downloaded from REDCap (Project Setup > Data Dictionary),
# byte for byte: PHP's fputcsv quotes the names holding a space, so "Identifier?" is bare.
REDCAP_DICTIONARY_HEADER_LINE = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max",Identifier?,"Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
    '"Matrix Ranking?","Field Annotation"')


@pytest.fixture(scope="module")
def cohort():
    return ces.make_cohort(N, SEED)


@pytest.fixture(scope="module")
def shapes(cohort):
    return {kind: ces.export_shape(kind, cohort) for kind in ces.KINDS}


def _canon(files: dict[str, bytes]) -> dict[str, pd.DataFrame]:
    # round_trip: pandas' default float parser can be one ulp off (0.041666666666666664 -> ...666).
    return {name.removesuffix(".csv"): pd.read_csv(io.BytesIO(files[name]), dtype={"patient_id": str},
                                                   float_precision="round_trip")
            for name in ces.CANONICAL_FILES}


# --------------------------------------------------------------------------------------------------
# A reading of each export written for these tests (R1-R6), to compare with the canonical files
# --------------------------------------------------------------------------------------------------

def _courses(adm: pd.DataFrame, booster: dict) -> pd.DataFrame:
    """R2 on rows patient_id, time (Timestamp), treatment, dose -> one row per course."""
    adm = adm.sort_values(["patient_id", "treatment", "time"]).reset_index(drop=True)
    gap = adm.groupby(["patient_id", "treatment"])["time"].diff()
    adm["course"] = (gap.isna() | (gap > pd.Timedelta(days=ces.COURSE_GAP_DAYS))).cumsum()
    c = adm.groupby("course").agg(patient_id=("patient_id", "first"), time=("time", "first"),
                                  treatment=("treatment", "first"), dose=("dose", lambda d: d.sum(min_count=1)),
                                  administrations=("time", "size"))
    later = c.groupby(["patient_id", "treatment"]).cumcount() > 0
    c.loc[later, "treatment"] = c.loc[later, "treatment"].replace(booster)
    return c.reset_index(drop=True)


def _whole_days_after_start(obs: pd.DataFrame, courses: pd.DataFrame, adm: pd.DataFrame) -> pd.Series:
    """R3b: a timed score alone of its measure on its date, on a later date than its course's start and a date
    without an administration, is at the start's time of day on its own date."""
    date = obs["time"].dt.normalize()
    starts = (courses.assign(date=courses["time"].dt.normalize()).sort_values("time")
              .drop_duplicates(["patient_id", "date"]).sort_values("date")[["patient_id", "date", "time"]]
              .rename(columns={"time": "start"}))
    keyed = obs.assign(date=date, i=np.arange(len(obs))).sort_values("date")
    follows = pd.merge_asof(keyed, starts, on="date", by="patient_id", allow_exact_matches=False).sort_values("i")
    start = pd.Series(follows["start"].to_numpy(), index=obs.index)
    # ... exactly 14 calendar days before the next course, at the later of the two times of day (its baseline window).
    ahead = pd.merge_asof(keyed, starts.assign(next_date=starts["date"]), on="date", by="patient_id",
                          allow_exact_matches=False, direction="forward").sort_values("i")
    edge = ((ahead["next_date"] - ahead["date"]) == pd.Timedelta(days=14)).to_numpy()
    own = pd.Series(follows["start"].to_numpy(), index=obs.index)
    own_tod = own - own.dt.normalize()
    nxt = pd.Series(ahead["start"].to_numpy(), index=obs.index)
    next_tod = (nxt - nxt.dt.normalize()).where(edge)
    tod = own_tod.where(~(next_tod > own_tod), next_tod)
    admin_dates = set(zip(adm["patient_id"], adm["time"].dt.normalize()))
    on_admin_date = pd.Series([k in admin_dates for k in zip(obs["patient_id"], date)], index=obs.index)
    alone = obs.groupby([obs["patient_id"], date, obs["measure"]])["value"].transform("size") == 1
    move = (obs["time"] != date) & start.notna() & ~on_admin_date & alone
    return obs["time"].where(~move, date + tod)


def _as_canonical(adm: pd.DataFrame, obs: pd.DataFrame, booster: dict) -> dict[str, pd.DataFrame]:
    """R1: days since each patient's first course start, from Timestamps (R3b: follow-up in whole days)."""
    courses = _courses(adm, booster)
    t0 = courses.groupby("patient_id")["time"].min()
    courses["day"] = (courses["time"] - courses["patient_id"].map(t0)) / DAY
    obs = obs.dropna(subset=["value"]).reset_index(drop=True)
    obs["time"] = _whole_days_after_start(obs, courses, adm)
    obs["day"] = (obs["time"] - obs["patient_id"].map(t0)) / DAY
    key_a, key_t = ["patient_id", "day", "measure"], ["patient_id", "day", "treatment"]
    return {"assessments": obs[key_a + ["value"]].sort_values(key_a).reset_index(drop=True),
            "treatments": courses[key_t + ["dose", "administrations"]].sort_values(key_t).reset_index(drop=True)}


def _assert_same(read: dict[str, pd.DataFrame], canonical: dict[str, bytes]) -> None:
    canon = _canon(canonical)
    for name, key in (("assessments", ["patient_id", "day", "measure"]), ("treatments", ["patient_id", "day", "treatment"])):
        want = canon[name].sort_values(key).reset_index(drop=True)
        got = read[name][list(want.columns)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True, obj=name)


def _choices(dictionary: pd.DataFrame) -> dict[str, dict[str, str]]:
    out = {}
    for name, text in zip(dictionary["Variable / Field Name"], dictionary["Choices, Calculations, OR Slider Labels"]):
        if text:
            out[name] = dict(part.strip().split(", ", 1) for part in text.split("|"))
    return out


def _read_redcap_raw(files: dict[str, bytes]) -> tuple[dict, pd.DataFrame]:
    data = pd.read_csv(io.BytesIO(files[ces.REDCAP_DATA]), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    dictionary = pd.read_csv(io.BytesIO(files[ces.REDCAP_DICTIONARY]), dtype=str, keep_default_na=False,
                             encoding="utf-8-sig")
    choices = _choices(dictionary)
    inf = data[data["redcap_repeat_instrument"] == "infusion"]
    time = pd.to_datetime(inf["inf_datetime"], format="%Y-%m-%d %H:%M")
    adm = pd.DataFrame({"patient_id": inf["record_id"], "time": time,
                        "treatment": inf["inf_drug"].map(choices["inf_drug"]),
                        "dose": pd.to_numeric(inf["inf_dose"])})
    pain = data[data["visit_date"] != ""]
    vtime = pd.to_datetime(pain["visit_date"] + " " + pain["visit_time"].replace("", "00:00"), format="%Y-%m-%d %H:%M")
    boxes = pain[[f"regions___{j}" for j in range(1, 6)]].astype(int).sum(axis=1)
    obs = pd.concat([
        pd.DataFrame({"patient_id": pain["record_id"], "time": vtime, "measure": "pain_nrs",
                      "value": pd.to_numeric(pain["nrs_pain"])}),
        pd.DataFrame({"patient_id": pain["record_id"], "time": vtime, "measure": "phq9",
                      "value": pd.to_numeric(pain["phq9_total"])}),
        pd.DataFrame({"patient_id": pain["record_id"], "time": vtime, "measure": "regions_affected",
                      "value": boxes.where(boxes > 0)}),
        pd.DataFrame({"patient_id": inf["record_id"], "time": time, "measure": "pain_nrs",
                      "value": pd.to_numeric(inf["nrs_pre"])}),
        pd.DataFrame({"patient_id": inf["record_id"], "time": time + pd.Timedelta(hours=1), "measure": "pain_nrs",
                      "value": pd.to_numeric(inf["nrs_post"])}),
    ])
    base = data[data["redcap_event_name"] == "baseline_arm_1"]
    patients = pd.DataFrame({"patient_id": base["record_id"], "sex": base["sex"].map(choices["sex"]),
                             "age_band": base["age_band"].map(choices["age_band"]),
                             "crps_type": base["crps_type"].map(choices["crps_type"]),
                             "site": base["redcap_data_access_group"]})
    return _as_canonical(adm, obs, {ces.KETAMINE: ces.KETAMINE_BOOSTER}), patients


def _flowsheet_value(text: pd.Series) -> pd.Series:
    """R4 on flowsheet text."""
    number = pd.to_numeric(text, errors="coerce")
    over_ten = text.str.extract(r"^(\d+(?:\.\d+)?)/10$")[0].astype(float)
    ends = text.str.extract(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$").astype(float)
    denies = pd.Series(np.where(text == "Denies pain", 0.0, np.nan), index=text.index)
    return number.fillna(over_ten).fillna(ends.mean(axis=1, skipna=False)).fillna(denies)


def _read_flowsheet(files: dict[str, bytes]) -> dict:
    fs = pd.read_csv(io.BytesIO(files[ces.FLOWSHEET_FILE]), dtype=str, keep_default_na=False)
    mar = pd.read_csv(io.BytesIO(files[ces.MAR_FILE]), dtype=str, keep_default_na=False)
    starts = mar[mar["MEDICATION_NAME"].str.contains("ketamine", case=False) & (mar["MAR_ACTION"] == "New Bag")]
    adm = pd.DataFrame({"patient_id": starts["PAT_ID"], "treatment": ces.KETAMINE,
                        "time": pd.to_datetime(starts["TAKEN_TIME"], format="%m/%d/%Y %H:%M"),
                        "dose": pd.to_numeric(starts["DOSE"])})
    measure = fs["FLO_MEAS_NAME"].map({"Pain Score (0-10)": "pain_nrs", "PHQ-9 Total Score": "phq9"})
    scored = fs[measure.notna()]
    obs = pd.DataFrame({"patient_id": scored["PAT_ID"], "measure": measure[measure.notna()],
                        "time": pd.to_datetime(scored["RECORDED_TIME"], format="%m/%d/%Y %H:%M"),
                        "value": _flowsheet_value(scored["MEAS_VALUE"])})
    return _as_canonical(adm, obs, {ces.KETAMINE: ces.KETAMINE_BOOSTER})


def _read_german(files: dict[str, bytes]) -> dict:
    sheet = pd.read_csv(io.BytesIO(files[ces.GERMAN_FILE]), sep=";", decimal=",", skiprows=2, encoding="utf-8-sig",
                        dtype={"Patient": str, "Behandlung": str})
    time = pd.to_datetime(sheet["Datum"], format="%d.%m.%Y")
    tr = sheet["Behandlung"].notna()
    adm = pd.DataFrame({"patient_id": sheet["Patient"][tr], "time": time[tr], "treatment": sheet["Behandlung"][tr],
                        "dose": sheet["Dosis (mg/kg)"][tr]})
    obs = pd.concat([
        pd.DataFrame({"patient_id": sheet["Patient"], "time": time, "measure": "pain_nrs", "value": sheet["Schmerz (NRS)"]}),
        pd.DataFrame({"patient_id": sheet["Patient"], "time": time, "measure": "phq9", "value": sheet["PHQ-9"]}),
        pd.DataFrame({"patient_id": sheet["Patient"], "time": time, "measure": "pain_nrs",
                      "value": sheet["Schmerz vor (NRS)"]}),
        pd.DataFrame({"patient_id": sheet["Patient"], "time": time + pd.Timedelta(hours=1), "measure": "pain_nrs",
                      "value": sheet["Schmerz nach (NRS)"]}),
    ])
    return _as_canonical(adm, obs, {"Ketamin i.v.": "Ketamin-Booster"})


def _read_french(files: dict[str, bytes]) -> dict:
    sheet = pd.read_csv(io.BytesIO(files[ces.FRENCH_FILE]), sep=";", decimal=",", encoding="cp1252",
                        dtype={"N° patient": str, "Traitement": str})
    time = pd.to_datetime(sheet["Date"] + " " + sheet["Heure"], format="%d/%m/%Y %H:%M")
    tr = sheet["Traitement"].notna()
    pid = sheet["N° patient"]
    adm = pd.DataFrame({"patient_id": pid[tr], "time": time[tr], "treatment": sheet["Traitement"][tr],
                        "dose": sheet["Dose (mg)"][tr]})
    obs = pd.concat([
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "pain_nrs", "value": sheet["EVA douleur"]}),
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "phq9", "value": sheet["Score PHQ-9"]}),
    ])
    return _as_canonical(adm, obs, {})


def _read_english(files: dict[str, bytes]) -> dict:
    sheet = pd.read_csv(io.BytesIO(files[ces.ENGLISH_FILE]), dtype={"Patient ID": str, "Treatment": str,
                                                                 "Affected regions": str})
    time = pd.to_datetime(sheet["Visit date"], format="%Y-%m-%d %H:%M")
    tr = sheet["Treatment"].notna()
    pid = sheet["Patient ID"]
    adm = pd.DataFrame({"patient_id": pid[tr], "time": time[tr], "treatment": sheet["Treatment"][tr],
                        "dose": sheet["Dose (mg)"][tr]})
    # R5b: the distinct regions of each cell, whatever separates them and however they are written.
    items = sheet["Affected regions"].str.lower().str.split(r", |; | and ").explode().dropna()
    regions = items.groupby(level=0).nunique().reindex(sheet.index)
    # R5c: the PHQ-9 is the sum of its 9 items when every one is answered.
    phq9 = sheet[[f"PHQ-9 item {j}" for j in range(1, 10)]].sum(axis=1, min_count=9)
    obs = pd.concat([
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "pain_nrs", "value": sheet["Pain (NRS)"]}),
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "phq9", "value": phq9}),
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "regions_affected", "value": regions}),
        pd.DataFrame({"patient_id": pid, "time": time, "measure": "pain_nrs",
                      "value": sheet["Pain before infusion (NRS)"]}),
        pd.DataFrame({"patient_id": pid, "time": time + pd.Timedelta(hours=1), "measure": "pain_nrs",
                      "value": sheet["Pain after infusion (NRS)"]}),
    ])
    return _as_canonical(adm, obs, {})


# --------------------------------------------------------------------------------------------------
# The canonical files load cleanly and say what the exports say
# --------------------------------------------------------------------------------------------------

def test_the_cohorts_canonical_files_load_with_nothing_excluded(cohort):
    ds = load_files(ces.canonical(cohort))
    assert ds.report.exclusions.empty
    assert ds.patients["patient_id"].nunique() == N
    assert set(ds.treatments["treatment"]) == {ces.KETAMINE, ces.KETAMINE_BOOSTER, ces.PHYSIO}
    assert set(ds.assessments["measure"]) == {"pain_nrs", "phq9", "regions_affected"}


@pytest.mark.parametrize("kind", ces.KINDS)
def test_each_shapes_canonical_files_load_with_nothing_excluded(shapes, kind):
    ds = load_files(shapes[kind].canonical)
    assert ds.report.exclusions.empty
    assert ds.patients["patient_id"].nunique() == N
    # Only the flowsheet has values a reader must exclude (R4); the other exports read completely.
    assert bool(shapes[kind].expected["excluded_values"]) == (kind == "flowsheet")


@pytest.mark.parametrize("kind", ("canonical",) + ces.KINDS)
def test_day_zero_is_each_patients_first_course_and_days_are_exact_minute_fractions(cohort, shapes, kind):
    files = ces.canonical(cohort) if kind == "canonical" else shapes[kind].canonical
    tr = _canon(files)["treatments"]
    assert (tr.groupby("patient_id")["day"].min() == 0.0).all()
    for name in ("assessments", "treatments"):
        text = pd.read_csv(io.BytesIO(files[f"{name}.csv"]), dtype=str)["day"]
        # Written with repr: the text is the shortest string that reads back as the same float.
        assert (text == text.astype(float).map(repr)).all()
        minutes = text.astype(float) * 1440
        assert np.allclose(minutes, np.round(minutes), atol=1e-6)


def test_redcap_raw_canonical_is_what_a_reading_of_the_export_gives(shapes):
    read, patients = _read_redcap_raw(shapes["redcap_raw"].files)
    _assert_same(read, shapes["redcap_raw"].canonical)
    want = _canon(shapes["redcap_raw"].canonical)["patients"]
    pd.testing.assert_frame_equal(patients.sort_values("patient_id").reset_index(drop=True), want, check_dtype=False)


def test_redcap_labels_canonical_differs_from_raw_only_by_the_group_label(shapes):
    raw, lab = _canon(shapes["redcap_raw"].canonical), _canon(shapes["redcap_labels"].canonical)
    for name in ("assessments", "treatments"):
        pd.testing.assert_frame_equal(raw[name], lab[name])
    assert (lab["patients"]["site"].str.lower().str.replace(" ", "_") == raw["patients"]["site"]).all()
    labels = pd.read_csv(io.BytesIO(shapes["redcap_labels"].files[ces.REDCAP_LABELS]), dtype=str,
                         keep_default_na=False, encoding="utf-8-sig")
    site = labels.groupby("Record ID")["Data Access Group"].first()
    assert (lab["patients"].set_index("patient_id")["site"] == site).all()


def test_flowsheet_canonical_is_what_a_reading_of_the_export_gives(shapes):
    _assert_same(_read_flowsheet(shapes["flowsheet"].files), shapes["flowsheet"].canonical)


def test_german_canonical_is_what_a_reading_of_the_export_gives(shapes):
    _assert_same(_read_german(shapes["spreadsheet_de"].files), shapes["spreadsheet_de"].canonical)


def test_french_canonical_is_what_a_reading_of_the_export_gives(shapes):
    _assert_same(_read_french(shapes["spreadsheet_fr"].files), shapes["spreadsheet_fr"].canonical)


def test_english_canonical_is_what_a_reading_of_the_export_gives(shapes):
    _assert_same(_read_english(shapes["spreadsheet_en"].files), shapes["spreadsheet_en"].canonical)


def test_english_phq9_items_sum_to_the_cohorts_totals_and_some_visits_leave_one_item_empty(cohort, shapes):
    sh = shapes["spreadsheet_en"]
    sheet = pd.read_csv(io.BytesIO(sh.files[ces.ENGLISH_FILE]), dtype={"Patient ID": str})
    items = sheet[[f"PHQ-9 item {j}" for j in range(1, 10)]]
    assert items.stack().between(0, 3).all()
    asked = items.notna().any(axis=1)
    assert asked.sum() == cohort.visits["phq9"].notna().sum()
    incomplete = asked & items.isna().any(axis=1)
    assert (incomplete & (items.isna().sum(axis=1) == 1)).sum() == incomplete.sum() > 0
    assert list(np.flatnonzero(incomplete) + 2) == sh.expected["phq9_incomplete"]
    phq9 = _canon(sh.canonical)["assessments"].query("measure == 'phq9'")
    assert len(phq9) == asked.sum() - incomplete.sum()


def test_english_region_lists_use_every_separator_case_and_a_repeated_region(shapes):
    sh = shapes["spreadsheet_en"]
    sheet = pd.read_csv(io.BytesIO(sh.files[ces.ENGLISH_FILE]), dtype=str, keep_default_na=False)
    cells = sheet["Affected regions"][sheet["Affected regions"] != ""]
    assert len(cells) == sh.expected["region_lists"]
    for pattern in (", ", "; ", " and "):
        assert cells.str.contains(pattern, regex=False).any(), pattern
    assert cells.str.fullmatch(r"[a-z ,;]+").any() and cells.str.contains("[A-Z]").any()
    items = cells.str.lower().str.split(r", |; | and ")
    assert (items.map(len) > items.map(lambda x: len(set(x)))).any()     # a region typed twice in a cell
    counts = _canon(sh.canonical)["assessments"].query("measure == 'regions_affected'")["value"]
    assert counts.value_counts().sort_index().to_dict() == {float(k): n for k, n in sh.expected["region_counts"].items()}


@pytest.mark.parametrize(("n_patients", "seed"), [(1, 0), (3, 7), (120, 4)])
def test_canonical_files_match_the_exports_for_other_sizes_and_seeds(n_patients, seed):
    cohort = ces.make_cohort(n_patients, seed)
    readers = {"redcap_raw": lambda f: _read_redcap_raw(f)[0], "flowsheet": _read_flowsheet,
               "spreadsheet_de": _read_german, "spreadsheet_fr": _read_french, "spreadsheet_en": _read_english}
    for kind, read in readers.items():
        shape = ces.export_shape(kind, cohort)
        assert load_files(shape.canonical).report.exclusions.empty
        _assert_same(read(shape.files), shape.canonical)


# --------------------------------------------------------------------------------------------------
# The files are what the products write
# --------------------------------------------------------------------------------------------------

def test_redcap_dictionary_is_a_redcap_download(shapes):
    raw = shapes["redcap_raw"].files[ces.REDCAP_DICTIONARY]
    assert raw.startswith(b"\xef\xbb\xbf")                      # REDCap's downloads carry a UTF-8 BOM
    text = raw.decode("utf-8-sig")
    assert text.split("\n", 1)[0] == REDCAP_DICTIONARY_HEADER_LINE
    assert "\r" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == ces.REDCAP_DICTIONARY_HEADERS and all(len(r) == 18 for r in rows[1:] if r)
    assert "record_id,demographics,,text,\"Record ID\",,,,,,,,,,,,," in text.splitlines()
    d = pd.DataFrame(rows[1:], columns=rows[0])
    types = dict(zip(d["Variable / Field Name"], d["Text Validation Type OR Show Slider Number"]))
    assert (types["visit_date"], types["visit_time"], types["inf_datetime"]) == ("date_ymd", "time", "datetime_ymd")
    assert _choices(d)["sex"] == {"1": "Female", "2": "Male"}
    assert _choices(d)["regions"] == {"1": "Left arm", "2": "Right arm", "3": "Left leg", "4": "Right leg", "5": "Trunk"}
    # REDCap adds the form-status fields itself: they are never in the dictionary.
    assert not d["Variable / Field Name"].str.endswith("_complete").any()


def test_redcap_raw_export_rows_are_record_event_instance_like_redcap_writes_them(shapes):
    raw = shapes["redcap_raw"].files[ces.REDCAP_DATA]
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.split("\n")
    assert lines[0].startswith("record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,"
                               "redcap_data_access_group,sex,age_band,crps_type,demographics_complete,")
    assert lines[0].split(",")[-1] == "infusion_complete" and '"' not in lines[0]
    # fputcsv quoting: the datetime holds a space and is quoted, nothing else is.
    quoted = re.findall(r'"[^"]*"', text)
    assert quoted and all(re.fullmatch(r'"\d{4}-\d\d-\d\d \d\d:\d\d"', q) for q in quoted)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    demo = ["sex", "age_band", "crps_type", "demographics_complete"]
    base = df["redcap_event_name"] == "baseline_arm_1"
    assert base.sum() == N and (df.loc[base, demo] != "").all().all() and (df.loc[~base, demo] == "").all().all()
    assert (df["redcap_data_access_group"].isin(["site_a", "site_b"])).all()
    inf = df["redcap_repeat_instrument"] == "infusion"
    assert (df.loc[inf, "redcap_event_name"] == "treatment_arm_1").all()
    instance = df.loc[inf, "redcap_repeat_instance"].astype(int)
    assert (instance.groupby(df.loc[inf, "record_id"]).apply(lambda s: list(s) == list(range(1, len(s) + 1)))).all()
    assert (df.loc[~inf, "redcap_repeat_instance"] == "").all()
    boxes = [f"regions___{j}" for j in range(1, 6)]
    assert (df.loc[inf, boxes] == "").all().all()
    assert df.loc[~inf, boxes].isin(["0", "1"]).all().all()
    fu = df.loc[~inf & ~base, "redcap_event_name"]
    assert fu.str.fullmatch(r"followup_\d+_arm_1").all()
    pain = df["visit_date"] != ""
    assert df.loc[pain, "visit_date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert df.loc[pain, "visit_time"].str.fullmatch(r"(\d\d:\d\d)?").all()
    assert (df.loc[pain, "visit_time"] == "").any()              # R1: some visits without a time
    # A baseline form never opened: status 0 and unchecked boxes, yet no visit (R5 counts nothing there).
    gray = base & (df["visit_date"] == "")
    assert gray.any() and (df.loc[gray, ["pain_assessment_complete"] + boxes] == "0").all().all()
    assert set(df.loc[inf, "inf_drug"]) == {"1", "2"}
    assert (df.loc[inf & (df["inf_drug"] == "2"), ["inf_dose", "nrs_pre", "nrs_post"]] == "").all().all()


def test_redcap_labels_export_has_labels_everywhere(shapes):
    raw = shapes["redcap_labels"].files[ces.REDCAP_LABELS]
    assert raw.startswith(b"\xef\xbb\xbf")
    head = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert head[:5] == ["Record ID", "Event Name", "Repeat Instrument", "Repeat Instance", "Data Access Group"]
    assert head.count("Complete?") == 3
    assert [h for h in head if h.startswith("Regions affected")] == [
        f"Regions affected (choice={r})" for r in ces.REGIONS]
    df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig", header=None, skiprows=1)
    df.columns = range(len(head))
    col = {h: i for i, h in enumerate(head)}                      # the last "Complete?" wins: infusion
    assert df[col["Event Name"]].str.fullmatch(r"(Baseline|Treatment|Follow-up \d+) \(Arm 1: Arm 1\)").all()
    assert set(df[col["Repeat Instrument"]]) == {"", "Infusion"}
    assert set(df[col["Data Access Group"]]) <= set(ces.SITES)
    assert set(df[col["Sex"]]) == {"", "Female", "Male"}
    assert set(df[col["Treatment"]]) == {"", ces.KETAMINE, ces.PHYSIO}
    for r in ces.REGIONS:
        assert set(df[col[f"Regions affected (choice={r})"]]) <= {"", "Checked", "Unchecked"}
    statuses = df[[i for i, h in enumerate(head) if h == "Complete?"]]
    assert set(np.unique(statuses.to_numpy())) <= {"", "Incomplete", "Unverified", "Complete"}
    raw_rows = pd.read_csv(io.BytesIO(shapes["redcap_raw"].files[ces.REDCAP_DATA]), dtype=str, encoding="utf-8-sig")
    assert len(df) == len(raw_rows)


def test_flowsheet_and_mar_are_month_first_observation_and_administration_records(shapes):
    files = shapes["flowsheet"].files
    fs = pd.read_csv(io.BytesIO(files[ces.FLOWSHEET_FILE]), dtype=str, keep_default_na=False)
    mar = pd.read_csv(io.BytesIO(files[ces.MAR_FILE]), dtype=str, keep_default_na=False)
    assert list(fs.columns) == ["PAT_ID", "RECORDED_TIME", "FLO_MEAS_ID", "FLO_MEAS_NAME", "MEAS_VALUE", "UNITS"]
    assert list(mar.columns) == ["PAT_ID", "TAKEN_TIME", "MEDICATION_NAME", "MAR_ACTION", "DOSE", "DOSE_UNIT", "ROUTE"]
    assert files[ces.FLOWSHEET_FILE].count(b"\r\n") == len(fs) + 1
    for times in (fs["RECORDED_TIME"], mar["TAKEN_TIME"]):
        assert times.str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d").all()
        assert pd.to_datetime(times, format="%m/%d/%Y %H:%M").notna().all()
        # Some days of the month are above 12, so reading them day-first fails: the order is not ambiguous.
        assert pd.to_datetime(times, format="%d/%m/%Y %H:%M", errors="coerce").isna().any()
    assert fs["PAT_ID"].str.fullmatch(r"Z\d{5}").all()
    assert set(fs["FLO_MEAS_NAME"]) == {ces.FLOWSHEET_PAIN, ces.FLOWSHEET_PHQ9, *ces.FLOWSHEET_UNMAPPED}
    assert fs.loc[fs["FLO_MEAS_NAME"] == "BP", "MEAS_VALUE"].str.fullmatch(r"\d{2,3}/\d{2,3}").all()
    assert set(mar["MAR_ACTION"]) == {"New Bag", "Given", *ces.MAR_NON_STARTS}
    assert set(mar["MEDICATION_NAME"]) == {ces.KETAMINE_MED, *ces.CO_MEDICATIONS}
    assert (mar.loc[mar["MAR_ACTION"] == "Given", "MEDICATION_NAME"] != ces.KETAMINE_MED).all()


def test_about_fifteen_percent_of_flowsheet_pain_values_are_not_plain_numbers(shapes):
    fs = pd.read_csv(io.BytesIO(shapes["flowsheet"].files[ces.FLOWSHEET_FILE]), dtype=str, keep_default_na=False)
    pain = fs.loc[fs["FLO_MEAS_NAME"] == ces.FLOWSHEET_PAIN, "MEAS_VALUE"]
    plain = pd.to_numeric(pain, errors="coerce").notna()
    assert 0.10 <= 1 - plain.mean() <= 0.20
    for pattern in (r"\d+/10", r"\d+-\d+", "Denies pain", *ces.NON_SCORE_ANSWERS):
        assert pain.str.fullmatch(pattern).any(), pattern


def test_flowsheet_expectations_name_the_rows_a_reader_excludes_and_ignores(shapes):
    sh = shapes["flowsheet"]
    fs = pd.read_csv(io.BytesIO(sh.files[ces.FLOWSHEET_FILE]), dtype=str, keep_default_na=False)
    excluded = sh.expected["excluded_values"]
    assert excluded and {e["value"] for e in excluded} == set(ces.NON_SCORE_ANSWERS)
    for e in excluded:                                              # line 1 is the header
        assert fs.at[e["line"] - 2, "MEAS_VALUE"] == e["value"] and e["column"] == "MEAS_VALUE"
    ignored = fs["FLO_MEAS_NAME"].value_counts()[list(ces.FLOWSHEET_UNMAPPED)]
    assert sh.expected["ignored_items"] == ignored.sort_index().to_dict()
    pain_rows = (fs["FLO_MEAS_NAME"] == ces.FLOWSHEET_PAIN).sum()
    assert pain_rows == sh.expected["pain_rows"]
    assert len(_canon(sh.canonical)["assessments"].query("measure == 'pain_nrs'")) == pain_rows - len(excluded)
    assert "regions_affected" not in set(_canon(sh.canonical)["assessments"]["measure"])
    # Physical therapy is not in the MAR: ketamine only.
    assert set(_canon(sh.canonical)["treatments"]["treatment"]) == {ces.KETAMINE, ces.KETAMINE_BOOSTER}


def test_german_file_is_an_excel_csv_with_a_title_row(shapes):
    raw = shapes["spreadsheet_de"].files[ces.GERMAN_FILE]
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == "" and all("\n" not in line for line in lines)
    assert lines[0].startswith("Ketamin-Ambulanz") and lines[0].endswith(";" * 10)
    assert lines[1] == ";" * 10
    assert lines[2] == ("Patient;Datum;Behandlung;Dosis (mg/kg);Schmerz vor (NRS);Schmerz nach (NRS);Schmerz (NRS);"
                        "PHQ-9;Geschlecht;Altersgruppe;CRPS-Typ")
    rows = [line.split(";") for line in lines[3:-1]]
    assert all(len(r) == 11 for r in rows)
    df = pd.DataFrame(rows, columns=lines[2].split(";"))
    assert df["Datum"].str.fullmatch(r"\d\d\.\d\d\.\d{4}").all()
    assert (df["Datum"].str[:2].astype(int) > 12).any()
    numbers = df[["Dosis (mg/kg)", "Schmerz vor (NRS)", "Schmerz nach (NRS)", "Schmerz (NRS)", "PHQ-9"]]
    assert numbers.apply(lambda c: c.str.fullmatch(r"(\d+(,\d+)?)?").all()).all()
    assert numbers.apply(lambda c: c.str.contains(",").any()).any()          # decimal commas
    assert set(df["Behandlung"]) == {"", "Ketamin i.v.", "Physiotherapie"}
    assert (df.groupby("Patient")[["Geschlecht", "Altersgruppe", "CRPS-Typ"]].nunique() == 1).all().all()
    fu = df["Behandlung"] == ""
    assert (df.loc[fu, ["Schmerz vor (NRS)", "Schmerz nach (NRS)"]] == "").all().all()
    assert (df.loc[~fu, "Schmerz (NRS)"] == "").all()


def test_french_file_is_cp1252_with_a_separate_time_column(shapes):
    raw = shapes["spreadsheet_fr"].files[ces.FRENCH_FILE]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[0] == ("N° patient;Date;Heure;Traitement;Dose (mg);EVA douleur;Score PHQ-9;Sexe;Tranche d'âge;"
                        "Type de SDRC")
    df = pd.DataFrame([line.split(";") for line in lines[1:-1]], columns=lines[0].split(";"))
    assert df["Date"].str.fullmatch(r"\d\d/\d\d/\d{4}").all() and df["Heure"].str.fullmatch(r"\d\d:\d\d").all()
    assert (df["Date"].str[:2].astype(int) > 12).any()
    assert df["N° patient"].str.fullmatch(r"\d{3}").all() and (df["N° patient"] == "007").any()
    assert set(df["Traitement"]) == {"", "Kétamine IV", "Rappel kétamine", "Kinésithérapie"}
    assert df["EVA douleur"].str.contains(",").any()


def test_french_post_infusion_score_shares_the_start_date_so_only_the_time_makes_it_immediate(shapes):
    sheet = pd.read_csv(io.BytesIO(shapes["spreadsheet_fr"].files[ces.FRENCH_FILE]), sep=";", decimal=",",
                        encoding="cp1252", dtype=str, keep_default_na=False)
    first = sheet[sheet["Traitement"] == "Kétamine IV"].groupby("N° patient")[["Date", "Heure"]].first()
    scores = sheet[(sheet["Traitement"] == "") & (sheet["EVA douleur"] != "")]
    on_first_day = scores.merge(first, left_on="N° patient", right_index=True, suffixes=("", "_start"))
    on_first_day = on_first_day[on_first_day["Date"] == on_first_day["Date_start"]]
    assert set(on_first_day["Heure"]) == {"08:30", "14:00"}
    assert (on_first_day["Heure_start"] > "08:30").all() and (on_first_day["Heure_start"] < "14:00").all()
    assert (on_first_day["Heure"] == "14:00").sum() >= N // 2


# --------------------------------------------------------------------------------------------------
# The cohort: seeded, varied, with relief built in
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ces.KINDS)
def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(kind):
    assert ces.shape_and_canonical(kind, 12, seed=5) == ces.shape_and_canonical(kind, 12, seed=5)
    assert ces.shape_and_canonical(kind, 12, seed=5)[0] != ces.shape_and_canonical(kind, 12, seed=6)[0]


def test_bad_arguments_are_refused_with_a_clear_message(cohort):
    with pytest.raises(ValueError, match="n_patients must be at least 1"):
        ces.make_cohort(0)
    with pytest.raises(ValueError, match="unknown export shape 'excel'"):
        ces.export_shape("excel", cohort)


def test_courses_are_a_five_day_infusion_then_one_day_boosters_4_to_16_weeks_apart(cohort):
    tr = _canon(ces.canonical(cohort))["treatments"]
    first = tr[tr["treatment"] == ces.KETAMINE]
    boosters = tr[tr["treatment"] == ces.KETAMINE_BOOSTER]
    assert len(first) == N and (first["day"] == 0).all() and (first["administrations"] == 5).all()
    assert (boosters["administrations"] == 1).all() and len(boosters) > 0
    ket = tr[tr["treatment"].isin([ces.KETAMINE, ces.KETAMINE_BOOSTER])].sort_values(["patient_id", "day"])
    gaps = ket.groupby("patient_id")["day"].diff().dropna()
    assert gaps.between(28 - 1, 112 + 1).all()
    per_patient = ket.groupby("patient_id").size()
    assert set(per_patient) == {1, 2, 3}
    pt = tr[tr["treatment"] == ces.PHYSIO]
    assert 0 < len(pt) < N and pt["dose"].isna().all() and pt["administrations"].between(6, 8).all()


def test_scores_cover_baseline_immediate_and_follow_up_with_some_halves(cohort):
    a = _canon(ces.canonical(cohort))["assessments"]
    pain = a[a["measure"] == "pain_nrs"]
    assert pain["value"].between(0, 10).all() and ((pain["value"] * 2) % 1 == 0).all()
    assert 0.05 < (pain["value"] % 1 == 0.5).mean() < 0.25
    # A baseline for nearly everyone (5% miss the visit, 8% the pre-infusion score).
    assert (pain.groupby("patient_id")["day"].min() <= 0).mean() >= 0.9
    assert (pain["day"] == 1 / 24).sum() > N // 2                      # right after the first infusion
    assert pain["day"].max() > 100
    assert a.loc[a["measure"] == "phq9", "value"].between(0, 27).all()
    assert a.loc[a["measure"] == "regions_affected", "value"].between(1, 5).all()


def test_relief_is_built_in_some_respond_some_do_not_and_relief_fades(cohort):
    a = _canon(ces.canonical(cohort))["assessments"].query("measure == 'pain_nrs'")
    baseline = a[a["day"] <= 0].sort_values("day").groupby("patient_id")["value"].last()
    immediate = a[a["day"] == 1 / 24].set_index("patient_id")["value"]
    relief = (1 - immediate / baseline.reindex(immediate.index)).dropna()
    responders = (relief >= 0.30).mean()
    assert 0.3 < responders < 0.8
    late = a[a["day"].between(42, 84)].groupby("patient_id")["value"].mean()
    both = immediate.index.intersection(late.index)
    assert (late[both] > immediate[both]).mean() > 0.6                  # relief fades


def test_write_all_writes_every_shape_and_its_canonical_files(tmp_path, cohort):
    written = ces.write_all(tmp_path, n_patients=N, seed=SEED)
    assert set(written) == {"canonical", *ces.KINDS}
    assert "INVENTED DATA" in (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert {p.name for p in (tmp_path / "canonical").iterdir()} == set(ces.CANONICAL_FILES)
    for kind in ces.KINDS:
        shape = ces.export_shape(kind, cohort)
        for name, data in shape.files.items():
            assert (tmp_path / kind / "export" / name).read_bytes() == data
        for name, data in shape.canonical.items():
            assert (tmp_path / kind / "canonical" / name).read_bytes() == data
        doc = json.loads((tmp_path / kind / "expected.json").read_text(encoding="utf-8"))
        assert doc["kind"] == kind and doc["rules"] == json.loads(json.dumps(ces.READING_RULES[kind]))


FIRST_COURSE = {"redcap_raw": ces.KETAMINE, "redcap_labels": ces.KETAMINE, "flowsheet": ces.KETAMINE,
                "spreadsheet_de": "Ketamin i.v.", "spreadsheet_fr": "Kétamine IV", "spreadsheet_en": ces.KETAMINE}


@pytest.mark.parametrize("kind", ces.KINDS)
def test_every_shape_gives_non_trivial_relief_numbers(shapes, kind):
    doc = summarize(load_files(shapes[kind].canonical)).to_dict()
    group = next(g for g in doc["groups"] if g["group"] == {"treatment": FIRST_COURSE[kind]})
    relief, responders = group["immediate_relief_pct"], group["immediate_responder_rate"]
    assert relief["n"] >= 30 and relief["ci_low"] > 0
    assert 0.3 < responders["estimate"] < 0.85
