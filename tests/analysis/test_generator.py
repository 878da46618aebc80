"""Tests of the SYNTHETIC demo-cohort generator (data/generate_demo.py) itself.

These check the generator against its own documented model, using the latent variables it can
return and small independent summaries written here. Nothing from ``analysis/`` is used: the
analysis is checked against TRUTH.json in its own tests.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_demo", ROOT / "data" / "generate_demo.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["generate_demo"] = mod
    spec.loader.exec_module(mod)
    return mod


gen = _load_generator()

RANGES = {"pain_nrs": (0, 10), "phq9": (0, 27), "gad7": (0, 21), "css": (0, 16), "pgic": (1, 7),
          "regions_affected": (1, np.inf)}
Z = 4.0   # tolerance in standard errors for sampling-error comparisons (seeded, so never flaky)


@pytest.fixture(scope="module")
def demo():
    return gen.generate_cohort(gen.DEFAULT_PATIENTS, gen.DEFAULT_SEED, latent=True)


@pytest.fixture(scope="module")
def big():
    t0 = time.perf_counter()
    frames = gen.generate_cohort(20_000, seed=7, latent=True)
    frames["seconds"] = time.perf_counter() - t0
    return frames


@pytest.fixture(scope="module")
def truth():
    return json.loads((DEMO / "TRUTH.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Reproducibility and the committed files
# ---------------------------------------------------------------------------------------------

def test_same_seed_same_cohort_other_seed_other_cohort():
    a = gen.generate_cohort(300, seed=11)
    b = gen.generate_cohort(300, seed=11)
    c = gen.generate_cohort(300, seed=12)
    for name in ("assessments", "treatments", "patients"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not a["assessments"]["pain_nrs"].equals(c["assessments"]["pain_nrs"])


def test_latent_flag_does_not_change_the_observed_tables():
    a = gen.generate_cohort(200, seed=3)
    b = gen.generate_cohort(200, seed=3, latent=True)
    for name in ("assessments", "treatments", "patients"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert len(b["assessments_latent"]) == len(b["assessments"])
    assert (b["assessments_latent"]["day"].to_numpy() == b["assessments"]["day"].to_numpy()).all()


def test_demo_files_equal_a_fresh_generation_with_the_default_seed(tmp_path):
    frames = gen.generate_cohort(gen.DEFAULT_PATIENTS, gen.DEFAULT_SEED)
    gen.write_cohort(frames, tmp_path, "csv")
    for name in ("assessments.csv", "treatments.csv", "patients.csv"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), (
            f"data/demo/{name} differs from a fresh generation: run `python data/generate_demo.py`")


def test_truth_json_equals_a_fresh_monte_carlo(truth):
    fresh = json.loads(json.dumps(gen.true_parameters()))
    committed = {k: v for k, v in truth.items() if k != "generated"}
    assert committed.keys() == fresh.keys()

    def walk(x, y, path="TRUTH"):
        if isinstance(x, dict):
            assert x.keys() == y.keys(), path
            for k in x:
                walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list):
            assert len(x) == len(y), path
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{path}[{i}]")
        elif isinstance(x, float):
            assert x == pytest.approx(y, abs=1e-4), path
        else:
            assert x == y, path

    walk(committed, fresh)
    assert truth["generated"] == {"patients": gen.DEFAULT_PATIENTS, "seed": gen.DEFAULT_SEED,
                                  "command": "python data/generate_demo.py --patients 800 --seed 2026"}


def test_truth_does_not_depend_on_the_monte_carlo_seed_beyond_its_error():
    a = gen.true_parameters(n_mc=60_000, seed=1)["treatments"]
    b = gen.true_parameters(n_mc=60_000, seed=2)["treatments"]
    for t in gen.TREATMENTS:
        assert a[t]["immediate"]["responder_rate_30"] == pytest.approx(b[t]["immediate"]["responder_rate_30"], abs=0.02)
        assert a[t]["by_week"]["4"]["mean_relief_pct"] == pytest.approx(b[t]["by_week"]["4"]["mean_relief_pct"], abs=1.5)


# ---------------------------------------------------------------------------------------------
# Format and values of the demo files (what the loader reads)
# ---------------------------------------------------------------------------------------------

def test_demo_files_have_the_documented_columns_and_shape():
    a = pd.read_csv(DEMO / "assessments.csv")
    t = pd.read_csv(DEMO / "treatments.csv")
    p = pd.read_csv(DEMO / "patients.csv")
    assert list(a.columns) == gen.ASSESSMENT_COLUMNS
    assert list(t.columns) == gen.TREATMENT_COLUMNS
    assert list(p.columns) == gen.PATIENT_COLUMNS
    assert len(p) == 800 and p["patient_id"].is_unique
    assert p["patient_id"].str.fullmatch(r"P\d{6}").all()
    assert set(a["patient_id"]) <= set(p["patient_id"]) and set(t["patient_id"]) <= set(p["patient_id"])
    assert set(t["patient_id"]) == set(p["patient_id"])
    assert 10_000 < len(a) < 30_000
    # no duplicate (patient_id, day): the demo loads with zero exclusions
    assert not a.duplicated(["patient_id", "day"]).any()
    assert not t.duplicated(["patient_id", "day"]).any()


def test_demo_values_are_in_range_and_integer():
    a = pd.read_csv(DEMO / "assessments.csv")
    for col, (lo, hi) in RANGES.items():
        v = a[col].dropna()
        assert len(v) > 0, col
        assert v.between(lo, hi).all(), col
        assert (v == np.round(v)).all(), col
    assert a["pain_nrs"].notna().all()
    assert (np.round(a["day"], 2) == a["day"]).all()
    text = (DEMO / "assessments.csv").read_text()
    assert not re.search(r"\d\.0,", text), "integers must be written without .0"
    assert "\r" not in text and '"' not in text


def test_demo_treatments_structure():
    t = pd.read_csv(DEMO / "treatments.csv")
    first = t.sort_values(["patient_id", "day"]).groupby("patient_id").first()
    assert (first["day"] == 0).all()
    assert set(first["treatment"]) == {"ketamine_iv", "physical_therapy"}
    assert set(t["treatment"]) == set(gen.TREATMENTS)
    arm = first["treatment"]
    assert 0.5 < (arm == "ketamine_iv").mean() < 0.7
    boosted = set(t.loc[t["treatment"] == "ketamine_booster", "patient_id"])
    assert boosted <= set(arm.index[arm == "ketamine_iv"])
    per_patient = t.groupby("patient_id").size()
    assert per_patient.max() <= 5
    assert (t.loc[t["treatment"] != "physical_therapy", "dose_mg_per_kg_h"].notna()).all()
    assert t.loc[t["treatment"] == "physical_therapy", "dose_mg_per_kg_h"].isna().all()
    assert (t["sessions"] >= 1).all()


def test_demo_baselines_immediate_visits_and_dropouts(demo):
    cl, pl = demo["courses_latent"], demo["patients_latent"]
    first = cl[cl["course_index"] == 0]
    boosters = cl[cl["course_index"] > 0]
    n_missing = first["baseline_score"].isna().sum()
    assert 3 <= n_missing <= 40, "a few first courses without baseline (excluded by the analysis)"
    assert boosters["baseline_score"].notna().all()
    assert (cl["baseline_score"].dropna() > 0).all(), "no baseline 0 in the demo"
    # booster baselines: 0-3 days before the start, sometimes on the start day itself
    gap = boosters["start_day"] - boosters["baseline_day"]
    assert gap.between(0, 3).all() and (gap == 0).any()
    assert (first["start_day"] - first["baseline_day"]).dropna().between(0, 14).all()
    assert 0.92 < cl["immediate_day"].notna().mean() < 0.98
    imm = cl["immediate_day"] - cl["start_day"]
    assert imm.dropna().between(0.25, 1.0).all()
    assert 0.12 < pl["dropout"].mean() < 0.28


def test_demo_baseline_is_the_last_score_in_the_window(demo):
    """Independent check: the recorded baseline is the last pain score in [start-14, start]."""
    a, cl = demo["assessments"], demo["courses_latent"]
    m = cl.merge(a[["patient_id", "day", "pain_nrs"]], on="patient_id")
    m = m[(m["day"] >= m["start_day"] - 14) & (m["day"] <= m["start_day"])]
    last = m.sort_values("day").groupby(["patient_id", "course_index"]).last()
    cl2 = cl.set_index(["patient_id", "course_index"])
    has = cl2["baseline_score"].notna()
    assert set(last.index) == set(cl2.index[has])
    assert (last["pain_nrs"] == cl2.loc[last.index, "baseline_score"]).all()
    assert (last["day"] == cl2.loc[last.index, "baseline_day"]).all()


def test_demo_spread_minority(demo):
    a, pl = demo["assessments"], demo["patients_latent"]
    assert 0.08 < pl["spreader"].mean() < 0.16
    r = a.dropna(subset=["regions_affected"]).sort_values(["patient_id", "day"])
    g = r.groupby("patient_id")["regions_affected"]
    increased = (g.max() > g.first())
    assert 0.04 < increased.mean() < 0.16
    assert set(increased.index[increased]) <= set(pl.loc[pl["spreader"], "patient_id"])


def test_demo_covariate_mix():
    p = pd.read_csv(DEMO / "patients.csv")
    assert 0.68 < (p["sex"] == "F").mean() < 0.82
    assert 0.85 < (p["crps_type"] == "I").mean() < 0.95
    assert set(p["limb"]) == {"upper", "lower"}
    assert set(p["inciting_event"]) == {"fracture", "surgery", "sprain", "other"}
    assert set(p["site"]) == {"A", "B", "C"}
    assert set(p["age_band"]) == set(gen.TRUE_PARAMETERS["covariates"]["age_band"])
    assert p["disease_duration_months"].between(3, 240).all()


# ---------------------------------------------------------------------------------------------
# Registry size
# ---------------------------------------------------------------------------------------------

def test_registry_size_generation_is_fast_and_valid(big):
    assert big["seconds"] < 15
    a, t = big["assessments"], big["treatments"]
    assert big["patients"]["patient_id"].is_unique and len(big["patients"]) == 20_000
    assert 15 < len(a) / 20_000 < 30
    assert not a.duplicated(["patient_id", "day"]).any()
    for col, (lo, hi) in RANGES.items():
        assert a[col].dropna().between(lo, hi).all(), col
    assert 1.8 < len(t) / 20_000 < 2.5


def test_registry_shape_has_about_30_assessments_and_3_courses_per_patient():
    # Issue 6's benchmark cohort: "about 30 assessments and 3 treatment courses" per patient, with the
    # response model of the demo (only the visit schedule, arms, boosters and drop-out change).
    P = gen.registry_parameters()
    assert P["courses"] == gen.TRUE_PARAMETERS["courses"] and P["pain"] == gen.TRUE_PARAMETERS["pain"]
    assert P["secondary"] == gen.TRUE_PARAMETERS["secondary"]
    assert gen.TRUE_PARAMETERS["visits"]["followup_gap_days"] == [7, 14]  # the demo model is untouched
    f = gen.generate_cohort(5_000, seed=11, params=P)
    a, t = f["assessments"], f["treatments"]
    assert 28 < len(a) / 5_000 < 32
    assert 2.85 < len(t) / 5_000 < 3.2
    assert not a.duplicated(["patient_id", "day"]).any()
    for col, (lo, hi) in RANGES.items():
        assert a[col].dropna().between(lo, hi).all(), col


def test_cli_shape_option_writes_the_registry_cohort(tmp_path):
    assert gen.main(["--patients", "400", "--seed", "5", "--shape", "registry", "--out", str(tmp_path), "--no-truth"]) == 0
    a = pd.read_csv(tmp_path / "assessments.csv")
    t = pd.read_csv(tmp_path / "treatments.csv")
    demo = gen.generate_cohort(400, seed=5)
    assert len(a) / 400 > 27 and len(a) > 1.25 * len(demo["assessments"])
    assert len(t) / 400 > 2.7 and len(t) > 1.3 * len(demo["treatments"])


def test_cli_writes_csv_and_parquet(tmp_path):
    assert gen.main(["--patients", "50", "--seed", "1", "--out", str(tmp_path / "c"), "--no-truth"]) == 0
    assert gen.main(["--patients", "50", "--seed", "1", "--out", str(tmp_path / "p"), "--no-truth",
                     "--format", "parquet"]) == 0
    for name in ("assessments", "treatments", "patients"):
        c = pd.read_csv(tmp_path / "c" / f"{name}.csv")
        p = pd.read_parquet(tmp_path / "p" / f"{name}.parquet")
        assert list(c.columns) == list(p.columns)
        assert len(c) == len(p)
    assert not (tmp_path / "c" / "TRUTH.json").exists()


# ---------------------------------------------------------------------------------------------
# Empirical model-level parameters vs the truth (latent variables, own simple code)
# ---------------------------------------------------------------------------------------------

def _check_prop(k, n, p, label):
    se = np.sqrt(p * (1 - p) / n)
    assert abs(k / n - p) < Z * se + 1e-9, f"{label}: {k / n:.4f} vs true {p:.4f} (n={n})"


def _cluster_mean_se(y, cluster):
    """Mean and its cluster-robust (patient-level) standard error."""
    y = np.asarray(y, dtype=float)
    dev = pd.Series(y - y.mean()).groupby(np.asarray(cluster)).sum().to_numpy()
    return y.mean(), np.sqrt((dev ** 2).sum()) / len(y)


@pytest.mark.parametrize("which", ["demo", "big"])
def test_latent_model_parameters_match_truth(which, demo, big, truth):
    f = demo if which == "demo" else big
    P = truth["parameters"]
    pl, cl = f["patients_latent"], f["courses_latent"]
    n = len(pl)
    _check_prop((pl["arm"] == "ketamine_iv").sum(), n, truth["cohort"]["p_ketamine_arm"], "ketamine arm share")
    _check_prop(pl["dropout"].sum(), n, P["visits"]["p_dropout"], "drop-out share")
    _check_prop(pl["spreader"].sum(), n, P["secondary"]["regions_affected"]["p_spread"], "spread share")
    first = cl[cl["course_index"] == 0]
    _check_prop(first["baseline_score"].isna().sum(), len(first), 1 - P["visits"]["baseline_present"], "no baseline")
    _check_prop(cl["immediate_day"].notna().sum(), len(cl), P["visits"]["immediate_present"], "immediate visit")
    for arm in ("ketamine_iv", "physical_therapy"):
        x = first[first["treatment"] == arm]
        _check_prop(x["responder_latent"].sum(), len(x), P["courses"]["p_responder"][arm], f"{arm} latent responders")
        key = "ketamine" if arm == "ketamine_iv" else "physical_therapy"
        logtau = np.log(x["tau_days"])
        assert abs(logtau.mean() - np.log(P["courses"]["tau_median_days"][key])) < Z * P["courses"]["tau_sdlog"] / np.sqrt(len(x))
        a_, b_ = P["courses"]["relief_beta_responder"][key]
        rr = x.loc[x["responder_latent"], "relief_fraction_r"]
        sd = np.sqrt(a_ * b_ / ((a_ + b_) ** 2 * (a_ + b_ + 1)))
        assert abs(rr.mean() - a_ / (a_ + b_)) < Z * sd / np.sqrt(len(rr))
    k = pl.loc[pl["arm"] == "ketamine_iv", "boosters_planned"]
    probs = np.array(P["boosters"]["count_probs"])
    mean, var = (np.arange(5) * probs).sum(), (np.arange(5) ** 2 * probs).sum() - (np.arange(5) * probs).sum() ** 2
    assert abs(k.mean() - mean) < Z * np.sqrt(var / len(k))
    assert (pl["boosters_given"] <= pl["boosters_planned"]).all()
    # observed baseline pain of first courses (integer NRS) vs the Monte Carlo truth
    b = first["baseline_score"].dropna()
    t = truth["treatments"]["ketamine_iv"]
    assert abs(b.mean() - t["baseline_pain_mean"]) < Z * t["baseline_pain_sd"] / np.sqrt(len(b))
    assert abs(b.std() - t["baseline_pain_sd"]) < 0.15


@pytest.mark.parametrize("which", ["demo", "big"])
def test_immediate_relief_of_every_course_matches_truth(which, demo, big, truth):
    """Relief % from each course's baseline and its immediate score (latent draw, all courses)."""
    cl = (demo if which == "demo" else big)["courses_latent"]
    cl = cl[cl["baseline_score"].notna() & (cl["baseline_score"] > 0)]
    for treatment in gen.TREATMENTS:
        x = cl[cl["treatment"] == treatment]
        rel = 100 * (x["baseline_score"] - x["immediate_score_latent_draw"]) / x["baseline_score"]
        t = truth["treatments"][treatment]["immediate"]
        m, se = _cluster_mean_se(rel, x["patient_id"])
        assert abs(m - t["mean_relief_pct"]) < Z * se + 0.3, (treatment, m, t["mean_relief_pct"])
        for T in (30, 50):
            m, se = _cluster_mean_se(rel >= T, x["patient_id"])
            assert abs(m - t[f"responder_rate_{T}"]) < Z * se + 0.003, (treatment, T, m)


def test_phq9_follows_latent_pain(big, truth):
    a, al, pl = big["assessments"], big["assessments_latent"], big["patients_latent"]
    m = pd.DataFrame({"patient_id": a["patient_id"], "phq9": a["phq9"], "L": al["latent_pain"]}).dropna()
    m = m.merge(pl[["patient_id", "pain_level_mu", "phq9_level"]], on="patient_id")
    x = (m["L"] - m["pain_level_mu"]).to_numpy()
    y = (m["phq9"] - m["phq9_level"]).to_numpy()
    slope = np.polyfit(x, y, 1)[0]
    assert slope == pytest.approx(truth["phq9"]["within_patient_slope_per_nrs_point"], abs=0.1)
    # PHQ-9 level partly follows the pain level across patients
    assert np.corrcoef(pl["pain_level_mu"], pl["phq9_level"])[0, 1] > 0.2


# ---------------------------------------------------------------------------------------------
# The observable truths are what the censored cohort estimates (own simple episode code)
# ---------------------------------------------------------------------------------------------

def _first_course_followup(f):
    """Follow-up scores of first courses: start < day < next start, day - start <= 182."""
    a, al, t, cl = f["assessments"], f["assessments_latent"], f["treatments"], f["courses_latent"]
    t = t.sort_values(["patient_id", "day"])
    second = t[t.groupby("patient_id").cumcount() == 1].set_index("patient_id")["day"]
    first = cl[(cl["course_index"] == 0) & cl["baseline_score"].notna()].copy()
    first["next_start"] = first["patient_id"].map(second).fillna(np.inf)
    v = pd.DataFrame({"patient_id": a["patient_id"], "day": a["day"], "pain": a["pain_nrs"]})
    v = v.merge(first[["patient_id", "treatment", "start_day", "next_start", "baseline_score"]], on="patient_id")
    v["t"] = v["day"] - v["start_day"]
    v = v[(v["t"] > 0) & (v["day"] < v["next_start"]) & (v["t"] <= 182)].copy()
    v["relief"] = 100 * (v["baseline_score"] - v["pain"]) / v["baseline_score"]
    return first, v.sort_values(["patient_id", "t"])


def _km_survival(times, events, at):
    times, events = np.asarray(times, float), np.asarray(events, bool)
    ut = np.unique(times[events])
    n_risk = np.array([(times >= u).sum() for u in ut])
    d = np.array([((times == u) & events).sum() for u in ut])
    s = np.cumprod(1 - d / n_risk)
    return [float(s[ut <= x][-1]) if (ut <= x).any() else 1.0 for x in at]


def test_censored_first_course_estimates_recover_the_observable_truth(big, truth):
    first, v = _first_course_followup(big)
    for treatment in ("ketamine_iv", "physical_therapy"):
        tt = truth["treatments"][treatment]
        x = v[v["treatment"] == treatment]
        # immediate relief: first follow-up score within 2 days
        imm = x[x["t"] <= 2].groupby("patient_id")["relief"].first()
        assert abs(imm.mean() - tt["immediate"]["mean_relief_pct"]) < Z * imm.std() / np.sqrt(len(imm)) + 0.3
        _check_prop((imm >= 30).sum(), len(imm), tt["immediate"]["responder_rate_30"], f"{treatment} immediate")
        # weekly mean relief and responder rate (one value per episode and week)
        x = x.assign(week=np.ceil(x["t"] / 7).astype(int))
        wk = x.groupby(["patient_id", "week"])["relief"].mean()
        for k in (4, 8, 12):
            w = wk.xs(k, level="week")
            assert abs(w.mean() - tt["by_week"][str(k)]["mean_relief_pct"]) < Z * w.std() / np.sqrt(len(w)) + 0.3, (treatment, k)
            _check_prop((w >= 30).sum(), len(w), tt["by_week"][str(k)]["responder_rate_30"], f"{treatment} week {k}")
        # relief duration among immediate responders: KM of the first score with relief < 30%
        resp = imm.index[imm >= 30]
        y = x[x["patient_id"].isin(resp)]
        ev = y[y["relief"] < 30].groupby("patient_id")["t"].min()
        last = y.groupby("patient_id")["t"].max()
        times = np.where(last.index.isin(ev.index), ev.reindex(last.index).to_numpy(), last.to_numpy())
        events = last.index.isin(ev.index)
        s = _km_survival(times, events, (28, 56, 84))
        truth_s = tt["relief_duration"]["threshold_30"]["kaplan_meier_at_visits"]["survival"]
        for day, est in zip(("28", "56", "84"), s):
            p = truth_s[day]
            se = np.sqrt(max(p * (1 - p), 0.01) / (events.size * 0.6))   # generous: censoring shrinks n
            assert abs(est - p) < Z * se, (treatment, day, est, p)


# ---------------------------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------------------------

def test_readme_documents_the_demo_and_every_truth_block(truth):
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    for word in ("python data/generate_demo.py", "--patients 100000", "TRUTH.json", "kaplan_meier_at_visits", "uncensored_at_visits",
                 "latent_continuous", "by_week", "relief_duration", *gen.TREATMENTS, *gen.ASSESSMENT_COLUMNS,
                 *gen.PATIENT_COLUMNS, "dose_mg_per_kg_h", "sessions"):
        assert word in text, word
    for key in truth["parameters"]:
        if key not in ("synthetic", "model_version"):
            assert key in text, key
    assert truth["synthetic"] is True
