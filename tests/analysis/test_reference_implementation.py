"""An independent, deliberately slow reference implementation of issue #3's definitions, compared
with the library on seeded random cohorts full of edge cases.

The reference below was written from the text of issue #3 (and docs/methods.md) alone, without
reading ``analysis/episodes.py``, ``relief.py`` or ``duration.py``. It loops over patients,
treatments and scores with plain dicts and lists. Relief %% comparisons with a threshold are done
in exact rational arithmetic (``fractions.Fraction``): every day and score the generator makes is a
multiple of 1/4 or 1/2, so they are exact binary fractions, windows are compared exactly, and
"relief >= T" is decided on the mathematically exact relief.

Definitions (issue #3), as implemented here:

* Episode: each treatment row starts an episode at its day. Follow-up scores: start < day < the
  patient's next treatment start, and day <= start + 182.
* Baseline: the last score with start - 14 <= day <= start; none, or 0 -> excluded.
* Relief % = 100 (baseline - s) / baseline.
* Immediate relief: the first follow-up score with start < day <= start + 2.
* Responder at T: relief >= T.
* Week k: start + 7(k-1) < day <= start + 7k; per episode, the mean relief of its scores that week;
  weekly responder: that weekly mean >= T (docs/methods.md).
* Relief duration, among immediate responders at T: event = first follow-up score with relief < T
  at day - start; otherwise censored at the last follow-up score's time. Option
  ``retreatment_is_event``: the next treatment start within the follow-up window also counts as
  the event (docs/methods.md).
* ``first_episode_only``: keep course 1 of each treatment per patient (the other courses still
  end the previous episode's follow-up: they remain the patient's next treatment start).

"Next treatment start" for two courses starting on the same day is ambiguous in the issue. The
reference implements both readings (``same_day``): ``"next_row"`` (the next row of the patient's
treatments, sorted by day, so a course followed by a same-day course has no follow-up) and
``"later_start"`` (the first start strictly after this one, so same-day courses share their
follow-up). The comparisons use ``"next_row"``, the library's reading; see
``test_same_day_courses_reading`` for what differs.
"""
from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from analysis import (Dataset, Definitions, build_episodes, immediate_relief, load_files, relief_duration,
                      relief_over_time, responder_rate, summarize)

TOL = 1e-9
SEEDS = list(range(20))
MISSING = "(missing)"
TREATMENTS = ["ketamine_iv", "ketamine_booster", "physical_therapy", "scs"]


# --------------------------------------------------------------------------------------------
# Reference implementation (plain Python)
# --------------------------------------------------------------------------------------------

def exact(x) -> Fraction:
    return Fraction(float(x))


def relief_exact(baseline, score) -> Fraction:
    b = exact(baseline)
    return 100 * (b - exact(score)) / b


def week_of(t) -> int:
    """Week k with 7(k-1) < t <= 7k (t > 0), by counting, exactly."""
    t = exact(t)
    k = 1
    while t > 7 * k:
        k += 1
    return k


def label(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return MISSING
    return v


def ref_episodes(ds: Dataset, defs: Definitions, same_day: str = "next_row") -> list[dict]:
    """One dict per treatment row (in the order of ``ds.treatments``)."""
    assessments = [(pid, exact(day), measure, float(value)) for pid, day, measure, value in
                   zip(ds.assessments["patient_id"], ds.assessments["day"], ds.assessments["measure"],
                       ds.assessments["value"])]
    treatments = [(pid, exact(day), trt) for pid, day, trt in
                  zip(ds.treatments["patient_id"], ds.treatments["day"], ds.treatments["treatment"])]
    return ref_episodes_from_rows(assessments, treatments, ds.patients.to_dict("records"), defs, same_day)


def ref_episodes_from_rows(assessments, treatments, patients, defs: Definitions, same_day: str = "next_row"):
    """The reference on plain rows: (patient, exact day, measure, value), (patient, exact day,
    treatment) sorted by day within patient, and patient dicts."""
    bw = exact(defs.baseline_window_days)
    iw = exact(defs.immediate_window_days)
    fw = exact(defs.max_followup_days)

    scores = defaultdict(list)  # patient -> [(day, value)] of the measure, sorted by day
    for pid, day, measure, value in assessments:
        if measure == defs.measure:
            scores[pid].append((day, value))
    for pid in scores:
        scores[pid].sort(key=lambda dv: dv[0])

    covs = {}
    for row in patients:
        covs[row["patient_id"]] = {k: label(v) for k, v in row.items() if k != "patient_id"}

    courses = defaultdict(list)  # patient -> [(start, treatment)] in table order
    for pid, day, trt in treatments:
        courses[pid].append((day, trt))

    out = []
    for pid, rows in courses.items():
        seen = defaultdict(int)
        for i, (start, trt) in enumerate(rows):
            for j in range(i):  # the table must be sorted by day within patient
                assert rows[j][0] <= start
            if same_day == "next_row":
                next_start = rows[i + 1][0] if i + 1 < len(rows) else None
            else:
                later = [s for s, _ in rows if s > start]
                next_start = min(later) if later else None
            seen[trt] += 1
            ep = {"patient_id": pid, "treatment": trt, "start": start, "next_start": next_start,
                  "course_number": seen[trt], **covs.get(pid, {})}

            baseline = None
            for day, value in scores.get(pid, []):
                if start - bw <= day <= start:
                    baseline = (day, value)  # sorted by day: the last one wins
            ep["baseline"] = None if baseline is None else baseline[1]
            ep["baseline_day"] = None if baseline is None else baseline[0]
            ep["included"] = baseline is not None and baseline[1] != 0
            ep["reason"] = ("no baseline" if baseline is None else
                            "baseline 0" if baseline[1] == 0 else "")

            followup = []  # (t, value)
            for day, value in scores.get(pid, []):
                if day > start and (next_start is None or day < next_start) and day <= start + fw:
                    followup.append((day - start, value))
            ep["followup"] = followup
            ep["last_t"] = followup[-1][0] if followup else None

            ep["immediate"] = None  # (t, value)
            for t, value in followup:
                if t <= iw:
                    ep["immediate"] = (t, value)
                break  # only the first follow-up score can be the immediate one
            if ep["included"]:
                b = ep["baseline"]
                ep["reliefs"] = [(t, value, relief_exact(b, value)) for t, value in followup]
                ep["immediate_relief"] = (None if ep["immediate"] is None
                                          else relief_exact(b, ep["immediate"][1]))
                weeks = defaultdict(list)
                for t, _, r in ep["reliefs"]:
                    weeks[week_of(t)].append(r)
                ep["weekly"] = {k: sum(rs) / len(rs) for k, rs in weeks.items()}  # exact means
            out.append(ep)
    return out


def ref_duration(ep: dict, defs: Definitions, threshold: float):
    """(time, event) for an immediate responder, else None."""
    if not ep["included"] or ep["immediate_relief"] is None:
        return None
    T = exact(threshold)
    if ep["immediate_relief"] < T:
        return None
    for t, _, r in ep["reliefs"]:
        if r < T:
            return (t, 1)
    if defs.retreatment_is_event and ep["next_start"] is not None:
        nt = ep["next_start"] - ep["start"]
        if nt <= exact(defs.max_followup_days):
            return (nt, 1)
    return (ep["last_t"], 0)


def ref_km(pairs):
    """Product-limit estimate: [(time, at_risk, events, censored, survival)] per distinct time."""
    rows = []
    s = 1.0
    for t in sorted({t for t, _ in pairs}):
        at_risk = sum(1 for u, _ in pairs if u >= t)
        d = sum(1 for u, e in pairs if u == t and e == 1)
        c = sum(1 for u, e in pairs if u == t and e == 0)
        s = s * (1 - d / at_risk)
        rows.append((float(t), at_risk, d, c, s))
    return rows


def ref_survival_at(km_rows, day):
    if not km_rows or day > km_rows[-1][0]:
        return float("nan")
    s = 1.0
    for t, _, _, _, surv in km_rows:
        if t <= day:
            s = surv
    return s


def keep(ep, defs):
    return (not defs.first_episode_only) or ep["course_number"] == 1


def group_key(ep, by):
    return tuple(ep[c] for c in by)


# --------------------------------------------------------------------------------------------
# Seeded generator of nasty cohorts
# --------------------------------------------------------------------------------------------

OFFSETS = [-30, -20, -15, -14.25, -14, -13.75, -7, -1, -0.25, 0, 0.25, 0.5, 1, 1.5, 2, 2.25, 3, 6.75,
           7, 7.25, 13.5, 14, 21, 27.75, 28, 28.25, 35, 42, 55.5, 56, 56.25, 70, 84, 84.25, 90, 120,
           150, 175, 181.75, 182, 182.25, 190, 250]
GAPS = [0, 0, 0.25, 1, 2, 2.25, 3, 7, 13.75, 14, 28, 45.5, 60, 90, 181.75, 182, 182.25, 200, 400]


def make_frames(seed: int):
    rng = np.random.default_rng(seed)
    a_rows, t_rows, p_rows = [], [], []
    n_pat = int(rng.integers(14, 26))
    for i in range(n_pat):
        pid = f"P{i:03d}"
        kind = rng.random()
        p_rows.append((pid, rng.choice(["F", "M", None]), int(rng.integers(20, 80))))
        starts = []
        if kind >= 0.07:  # 7%: scores but no treatment
            day = 0.0
            for j in range(int(rng.integers(1, 5))):
                if j:
                    day += float(rng.choice(GAPS))
                starts.append(day)
                # boosters repeat treatments; occasionally the same treatment twice on a day
                t_rows.append((pid, day, str(rng.choice(TREATMENTS[:3] if rng.random() < .8 else TREATMENTS))))
        if 0.07 <= kind < 0.14:  # 7%: treatments but no scores at all
            continue
        days = set()
        for s in starts or [0.0]:
            p = rng.uniform(0.2, 0.7)
            for off in OFFSETS:
                if rng.random() < p:
                    days.add(s + off)
        for _ in range(int(rng.integers(0, 12))):  # anywhere, incl. before any treatment and long after
            days.add(int(rng.integers(-200, 3200)) / 4)
        base = float(rng.integers(0, 21)) / 2
        for d in sorted(days):
            u = rng.random()
            if u < 0.08:
                v = 0.0
            elif u < 0.5:
                v = float(rng.integers(0, 21)) / 2
            else:  # near the patient's usual level: many exact 30% / 50% boundary cases
                v = float(np.clip(base + float(rng.choice([-5, -3, -2, -1.5, -1, 0, 0.5, 1, 2])), 0, 10))
            a_rows.append((pid, d, "pain_nrs", v))
            if rng.random() < 0.3:
                a_rows.append((pid, d, "phq9", float(rng.integers(0, 28))))
        for _ in range(int(rng.integers(0, 3))):  # another measure on days without pain scores
            d = int(rng.integers(-40, 800)) / 4 + 0.125
            a_rows.append((pid, d, "phq9", float(rng.integers(0, 28))))
    a = pd.DataFrame(a_rows, columns=["patient_id", "day", "measure", "value"])
    t = pd.DataFrame(t_rows, columns=["patient_id", "day", "treatment"])
    p = pd.DataFrame(p_rows, columns=["patient_id", "sex", "age"])
    # shuffle rows: nothing may depend on input order (within a patient's day, treatments keep theirs)
    a = a.sample(frac=1, random_state=seed).reset_index(drop=True)
    return a, t, p


@lru_cache(maxsize=None)
def dataset(seed: int) -> Dataset:
    return Dataset.from_frames(*make_frames(seed))


DEFS = {
    "default": Definitions(),
    "retreat": Definitions(retreatment_is_event=True),
    "first": Definitions(first_episode_only=True),
    "first_retreat": Definitions(first_episode_only=True, retreatment_is_event=True),
}


@lru_cache(maxsize=None)
def lib(seed: int, defs_name: str):
    return build_episodes(dataset(seed), DEFS[defs_name])


@lru_cache(maxsize=None)
def _ref(seed: int):
    return ref_episodes(dataset(seed), Definitions())


def ref(seed: int, defs_name: str):
    """The options only select episodes (``keep``) or change ``ref_duration``: one build per seed."""
    return _ref(seed)


# --------------------------------------------------------------------------------------------
# Helpers for comparing
# --------------------------------------------------------------------------------------------

def close(x, y):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return y is None or (isinstance(y, float) and math.isnan(y))
    if y is None or (isinstance(y, float) and math.isnan(y)):
        return False
    return abs(float(x) - float(y)) <= TOL * max(1.0, abs(float(x)), abs(float(y)))


def match_episodes(table: pd.DataFrame, refs: list[dict], defs: Definitions):
    """Pair library rows with reference episodes by (patient, start, treatment, occurrence).

    With ``first_episode_only`` the library's table holds only each treatment's first course."""
    refs = [ep for ep in refs if keep(ep, defs)]
    lib_keys = defaultdict(list)
    for row in table.sort_values("episode_id").to_dict("records"):
        lib_keys[(row["patient_id"], exact(row["start"]), row["treatment"])].append(row)
    ref_keys = defaultdict(list)
    for ep in refs:
        ref_keys[(ep["patient_id"], ep["start"], ep["treatment"])].append(ep)
    assert set(lib_keys) == set(ref_keys)
    pairs = []
    for k in ref_keys:
        assert len(lib_keys[k]) == len(ref_keys[k]), k
        pairs += list(zip(lib_keys[k], ref_keys[k]))
    return pairs


def lib_group_key(row, by):
    return tuple(label(row[c]) for c in by)


BYS = [("treatment",), ("sex",), ("treatment", "sex")]


# --------------------------------------------------------------------------------------------
# Episode level
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("defs_name", ["default", "first"])
def test_episode_table_matches_reference(seed, defs_name):
    e, refs, defs = lib(seed, defs_name), ref(seed, defs_name), DEFS[defs_name]
    assert len(e.table) == sum(keep(ep, defs) for ep in refs)
    for row, ep in match_episodes(e.table, refs, defs):
        ctx = (seed, ep["patient_id"], float(ep["start"]), ep["treatment"])
        assert close(row["next_start"], None if ep["next_start"] is None else float(ep["next_start"])), ctx
        assert row["course_number"] == ep["course_number"], ctx
        assert close(row["baseline"], ep["baseline"]), ctx
        assert close(row["baseline_day"], None if ep["baseline_day"] is None else float(ep["baseline_day"])), ctx
        assert bool(row["included"]) == ep["included"], ctx
        if ep["included"]:
            assert row["exclusion_reason"] == "", ctx
        else:
            assert ("no baseline" in row["exclusion_reason"]) == (ep["reason"] == "no baseline"), ctx
            assert ("is 0" in row["exclusion_reason"]) == (ep["reason"] == "baseline 0"), ctx
        assert row["n_followup"] == len(ep["followup"]), ctx
        assert close(row["last_followup_t"], None if ep["last_t"] is None else float(ep["last_t"])), ctx
        if ep["included"]:
            imm = ep["immediate"]
            assert close(row["immediate_t"], None if imm is None else float(imm[0])), ctx
            assert close(row["immediate_value"], None if imm is None else imm[1]), ctx
            assert close(row["immediate_relief_pct"],
                         None if imm is None else float(ep["immediate_relief"])), ctx
        else:
            assert np.isnan(row["immediate_relief_pct"]), ctx
        assert label(row["sex"]) == ep["sex"], ctx


@pytest.mark.parametrize("seed", SEEDS)
def test_followup_scores_match_reference(seed):
    e, refs, defs = lib(seed, "default"), ref(seed, "default"), DEFS["default"]
    fu = e.followup
    by_ep = {k: g.sort_values("t") for k, g in fu.groupby("episode_id")}
    for row, ep in match_episodes(e.table, refs, defs):
        g = by_ep.get(row["episode_id"])
        got = [] if g is None else list(zip(g["t"], g["value"], g["relief_pct"]))
        assert len(got) == len(ep["followup"]), (seed, ep["patient_id"], float(ep["start"]))
        for i, (t, v, r) in enumerate(got):
            assert close(t, float(ep["followup"][i][0])) and close(v, ep["followup"][i][1])
            if ep["included"]:
                assert close(r, float(ep["reliefs"][i][2]))
            else:
                assert np.isnan(r)


# --------------------------------------------------------------------------------------------
# Immediate relief and responders per group
# --------------------------------------------------------------------------------------------

def ref_immediate_groups(refs, defs, by, thresholds=(30.0, 50.0)):
    groups = defaultdict(list)
    for ep in refs:
        if keep(ep, defs) and ep["included"] and ep["immediate_relief"] is not None:
            groups[group_key(ep, by)].append(ep["immediate_relief"])
    out = {}
    for k, rs in groups.items():
        out[k] = {"n": len(rs), "mean": float(sum(rs) / len(rs)),
                  **{T: sum(1 for r in rs if r >= exact(T)) for T in thresholds}}
    return out


@pytest.mark.parametrize("defs_name", ["default", "first"])
@pytest.mark.parametrize("seed", SEEDS)
def test_immediate_relief_and_responders_per_group(seed, defs_name):
    e, refs, defs = lib(seed, defs_name), ref(seed, defs_name), DEFS[defs_name]
    for by in BYS:
        want = ref_immediate_groups(refs, defs, by)
        got = immediate_relief(e, by=by)
        got = {lib_group_key(r, by): r for r in got.to_dict("records") if r["n"] > 0}
        assert set(got) == set(want), (seed, by)
        for k, w in want.items():
            assert got[k]["n"] == w["n"], (seed, by, k)
            assert close(got[k]["estimate"], w["mean"]), (seed, by, k)
        for T in (30.0, 50.0):
            rr = responder_rate(e, threshold=T, by=by)
            rr = {lib_group_key(r, by): r for r in rr.to_dict("records") if r["n"] > 0}
            assert set(rr) == set(want), (seed, by, T)
            for k, w in want.items():
                assert rr[k]["n"] == w["n"], (seed, by, k, T)
                assert rr[k]["successes"] == w[T], (seed, by, k, T)
                assert close(rr[k]["estimate"], w[T] / w["n"]), (seed, by, k, T)


# --------------------------------------------------------------------------------------------
# Relief over time (weeks)
# --------------------------------------------------------------------------------------------

def ref_weekly_groups(refs, defs, by, threshold):
    cells = defaultdict(list)
    for ep in refs:
        if keep(ep, defs) and ep["included"]:
            for k, m in ep["weekly"].items():
                cells[(group_key(ep, by), k)].append(m)
    return {key: {"n": len(ms), "mean": float(sum(ms) / len(ms)),
                  "responders": sum(1 for m in ms if m >= exact(threshold))}
            for key, ms in cells.items()}


@pytest.mark.parametrize("defs_name", ["default", "first"])
@pytest.mark.parametrize("seed", SEEDS)
def test_relief_over_time_per_group_and_week(seed, defs_name):
    e, refs, defs = lib(seed, defs_name), ref(seed, defs_name), DEFS[defs_name]
    for by in BYS[:2]:
        want = ref_weekly_groups(refs, defs, by, defs.threshold)
        got = relief_over_time(e, by=by)
        means = {(lib_group_key(r, by), int(r["week"])): r for r in got.to_dict("records")
                 if r["statistic"] == "mean_relief_pct" and r["n"] > 0}
        rates = {(lib_group_key(r, by), int(r["week"])): r for r in got.to_dict("records")
                 if r["statistic"] == "responder_rate" and r["n"] > 0}
        assert set(means) == set(want) and set(rates) == set(want), (seed, by)
        for key, w in want.items():
            assert means[key]["n"] == w["n"] and rates[key]["n"] == w["n"], (seed, by, key)
            assert close(means[key]["estimate"], w["mean"]), (seed, by, key)
            assert close(rates[key]["estimate"], w["responders"] / w["n"]), (seed, by, key)


# --------------------------------------------------------------------------------------------
# Relief duration and Kaplan-Meier
# --------------------------------------------------------------------------------------------

def ref_duration_data(refs, defs, threshold):
    out = {}
    for ep in refs:
        if keep(ep, defs):
            d = ref_duration(ep, defs, threshold)
            if d is not None:
                out[(ep["patient_id"], ep["start"], ep["treatment"], ep["course_number"])] = (ep, d)
    return out


@pytest.mark.parametrize("defs_name, threshold", [(name, 30.0) for name in DEFS] + [("default", 50.0)])
@pytest.mark.parametrize("seed", SEEDS)
def test_relief_duration_and_km(seed, defs_name, threshold):
    e, refs, defs = lib(seed, defs_name), ref(seed, defs_name), DEFS[defs_name]
    want = ref_duration_data(refs, defs, threshold)
    # episode_id -> reference key, via the episode table
    id_to_key = {row["episode_id"]: (ep["patient_id"], ep["start"], ep["treatment"], ep["course_number"])
                 for row, ep in match_episodes(e.table, refs, defs)}
    for by in BYS[:2]:
        s = relief_duration(e, by=by, threshold=threshold)
        got = {id_to_key[r["episode_id"]]: r for r in s.data.to_dict("records")}
        assert set(got) == set(want), (seed, by, sorted(set(got) ^ set(want))[:3])
        groups = defaultdict(list)
        for key, (ep, (t, ev)) in want.items():
            assert close(got[key]["time"], float(t)) and got[key]["event"] == ev, (seed, key, got[key], (t, ev))
            assert lib_group_key(got[key], by) == group_key(ep, by)
            groups[group_key(ep, by)].append((t, ev))
        curves = defaultdict(list)
        for r in s.curves().sort_values("time").to_dict("records"):
            if r["time"] > 0:  # follow-up times are > 0; each curve's leading row at time 0 is skipped
                curves[lib_group_key(r, by)].append(r)
        surv = {(lib_group_key(r, by), r["time"]): r["estimate"]
                for r in s.survival_at([28, 56, 84]).to_dict("records")}
        assert set(curves) == set(groups), (seed, by)
        for k, pairs in groups.items():
            km = ref_km(pairs)
            assert km[0][0] > 0
            assert len(curves[k]) == len(km), (seed, k)
            for (t, n_risk, d, cens, sv), r in zip(km, curves[k]):
                assert close(r["time"], t), (seed, k)
                assert (r["at_risk"], r["events"], r["censored"]) == (n_risk, d, cens), (seed, k, t)
                assert close(r["estimate"], sv), (seed, k, t)
            for day in (28, 56, 84):
                assert close(surv[(k, day)], ref_survival_at(km, day)), (seed, k, day)


# --------------------------------------------------------------------------------------------
# Headline summary (what the CLI prints)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("defs_name", list(DEFS))
@pytest.mark.parametrize("seed", SEEDS[::3])
def test_summary_matches_reference(seed, defs_name):
    defs, refs = DEFS[defs_name], ref(seed, defs_name)
    doc = summarize(lib(seed, defs_name), defs).to_dict()
    by = ("treatment",)
    kept = [ep for ep in refs if keep(ep, defs)]
    imm = ref_immediate_groups(refs, defs, by, thresholds=(defs.threshold,))
    weekly = ref_weekly_groups(refs, defs, by, defs.threshold)
    dur = defaultdict(list)
    for ep, d in ref_duration_data(refs, defs, defs.threshold).values():
        dur[group_key(ep, by)].append(d)
    got = {tuple(g["group"][c] for c in by): g for g in doc["groups"]}
    assert set(got) == {group_key(ep, by) for ep in kept}
    for k, g in got.items():
        eps = [ep for ep in kept if group_key(ep, by) == k]
        assert g["episodes_used"] == sum(ep["included"] for ep in eps), (seed, k)
        assert g["episodes_excluded"] == sum(not ep["included"] for ep in eps), (seed, k)
        assert g["patients"] == len({ep["patient_id"] for ep in eps}), (seed, k)
        if k in imm:
            assert g["immediate_relief_pct"]["n"] == imm[k]["n"]
            assert close(g["immediate_relief_pct"]["estimate"], imm[k]["mean"])
            assert close(g["immediate_responder_rate"]["estimate"], imm[k][defs.threshold] / imm[k]["n"])
        else:
            assert g["immediate_relief_pct"] is None or g["immediate_relief_pct"]["n"] == 0
        for w in defs.report_weeks:
            stat = g["responder_rate_by_week"][str(w)]
            if (k, w) in weekly:
                assert stat["n"] == weekly[(k, w)]["n"], (seed, k, w)
                assert close(stat["estimate"], weekly[(k, w)]["responders"] / weekly[(k, w)]["n"]), (seed, k, w)
            else:
                assert stat is None or not stat["n"], (seed, k, w)
        km = ref_km(dur[k]) if dur.get(k) else []
        for w in defs.report_weeks:
            stat = g["relief_survival_by_week"][str(w)]
            if km:
                assert stat["n"] == len(dur[k]), (seed, k, w)
                assert close(stat["estimate"], ref_survival_at(km, 7 * w)), (seed, k, w)
            else:
                assert stat is None or not stat["n"] or stat["estimate"] is None, (seed, k, w)


# --------------------------------------------------------------------------------------------
# Same-day courses: the two readings of "the patient's next treatment start"
# --------------------------------------------------------------------------------------------

def test_same_day_courses_reading():
    """Documents the ambiguity (see the module docstring): with two courses on one day, the
    library gives all follow-up to the course listed last that day (the first has next start =
    its own start, so no follow-up), i.e. the ``next_row`` reading. Under ``later_start`` both
    courses would share the follow-up. The random cohorts above contain such days; this pins
    down which reading they compare against, on a minimal case."""
    a = pd.DataFrame({"patient_id": "A", "day": [0.0, 1.0, 10.0], "measure": "pain_nrs",
                      "value": [8.0, 4.0, 6.0]})
    t = pd.DataFrame({"patient_id": "A", "day": [0.0, 0.0], "treatment": ["ketamine_iv", "physical_therapy"]})
    ds = Dataset.from_frames(a, t)
    e = build_episodes(ds)
    got = dict(zip(e.table["treatment"], e.table["n_followup"]))
    by_next_row = {ep["treatment"]: len(ep["followup"]) for ep in ref_episodes(ds, Definitions(), "next_row")}
    by_later = {ep["treatment"]: len(ep["followup"]) for ep in ref_episodes(ds, Definitions(), "later_start")}
    assert by_next_row == {"ketamine_iv": 0, "physical_therapy": 2}
    assert by_later == {"ketamine_iv": 2, "physical_therapy": 2}
    assert got == by_next_row


# --------------------------------------------------------------------------------------------
# Known discrepancies (library wrong by the text): exact boundaries lost to floating point
# --------------------------------------------------------------------------------------------

# Decimal scores whose relief is exactly 30% or 50% (7 -> 4.9 is 100 x 2.1 / 7 = 30%).
DECIMAL_BOUNDARY = [(7.0, 4.9, 30.0), (3.0, 2.1, 30.0), (6.0, 4.2, 30.0), (0.7, 0.49, 30.0),
                    (10.0, 7.0, 30.0), (9.8, 4.9, 50.0), (7.0, 3.5, 50.0), (0.6, 0.3, 50.0)]


def decimal_exact(x) -> Fraction:
    """The decimal number as written in the CSV (shortest repr), exactly."""
    return Fraction(repr(float(x)))


def test_decimal_scores_exactly_on_threshold_are_responders():
    """Regression: 7 -> 4.9 is exactly 30% relief, though 100*(7-4.9)/7 = 29.999999999999996 in
    floating point; it must count as a responder (relief >= T) and must not count as loss of relief."""
    rows, trs = [], []
    for i, (b, s, _) in enumerate(DECIMAL_BOUNDARY):
        pid = f"P{i}"
        rows += [(pid, 0.0, "pain_nrs", b), (pid, 1.0, "pain_nrs", s), (pid, 10.0, "pain_nrs", s)]
        trs.append((pid, 0.0, "ketamine_iv"))
    # a covariate naming each patient makes one group per patient (grouping by patient_id itself is refused)
    pts = pd.DataFrame({"patient_id": [t[0] for t in trs], "who": [t[0] for t in trs]})
    ds = Dataset.from_frames(pd.DataFrame(rows, columns=["patient_id", "day", "measure", "value"]),
                             pd.DataFrame(trs, columns=["patient_id", "day", "treatment"]), pts)
    e = build_episodes(ds)
    for i, (b, s, T) in enumerate(DECIMAL_BOUNDARY):
        assert 100 * (decimal_exact(b) - decimal_exact(s)) / decimal_exact(b) == T  # by hand: exactly T
    got = {}
    for T in (30.0, 50.0):
        rr = responder_rate(e, threshold=T, by=("who",))
        got[T] = dict(zip(rr["who"], rr["successes"]))
        # every episode whose relief is exactly >= T responds and stays a responder (censored at day 10)
        want_ids = {f"P{i}" for i, (_, _, t) in enumerate(DECIMAL_BOUNDARY) if t >= T}
        assert {p for p, n in got[T].items() if n == 1} == want_ids, T
        d = relief_duration(e, threshold=T).data
        assert set(d["patient_id"]) == want_ids, T
        assert (d["event"] == 0).all() and (d["time"] == 10.0).all(), T


DAY_NS = 86_400 * 10**9


def clock_time_cohort():
    """Calendar datetimes (the loader's other time input). Every patient: a first course at
    midnight, a booster d days + h hours later, pain scores at exactly booster - 14, + 2, + 7, + 14,
    + 28, + 182 days (same clock time) and a next course at exactly booster + 182 days."""
    t0 = pd.Timestamp("2024-01-01T00:00")
    a_rows, t_rows = [], []
    for d in (30, 45, 100):
        for h in range(1, 24):
            pid = f"D{d}H{h:02d}"
            s = t0 + pd.Timedelta(days=d, hours=h)
            t_rows += [(pid, t0, "scs"), (pid, s, "ketamine_booster"),
                       (pid, s + pd.Timedelta(days=182), "ketamine_iv")]
            for off, v in [(-14, 8.0), (2, 4.0), (7, 4.0), (14, 4.0), (28, 4.0), (182, 4.0)]:
                a_rows.append((pid, s + pd.Timedelta(days=off), v))
    return a_rows, t_rows


@pytest.fixture(scope="module")
def clock_time():
    a_rows, t_rows = clock_time_cohort()
    a_csv = "patient_id,datetime,pain_nrs\n" + "".join(f"{p},{t.isoformat()},{v}\n" for p, t, v in a_rows)
    t_csv = "patient_id,datetime,treatment\n" + "".join(f"{p},{t.isoformat()},{x}\n" for p, t, x in t_rows)
    ds = load_files({"assessments.csv": a_csv.encode(), "treatments.csv": t_csv.encode()})
    # the reference on exact days: (time - first treatment) / 1 day, in integer nanoseconds
    first = {}
    for p, t, _ in t_rows:
        first[p] = min(first.get(p, t), t)
    day = lambda p, t: Fraction((t - first[p]).value, DAY_NS)  # noqa: E731
    defs = Definitions(retreatment_is_event=True)
    refs = ref_episodes_from_rows([(p, day(p, t), "pain_nrs", v) for p, t, v in a_rows],
                                  sorted([(p, day(p, t), x) for p, t, x in t_rows], key=lambda r: (r[0], r[1])),
                                  [{"patient_id": p} for p in first], defs)
    return build_episodes(ds, defs), refs, defs


def test_clock_time_window_boundaries_from_datetimes(clock_time):
    """Regression: days converted from date-times are floats, so a score exactly 2 days after a
    booster at day 30 + 8 h had t = 2.0000000000000036 (no immediate score), a score exactly 14 days
    before fell outside the baseline window, a score exactly 7k days later fell in week k+1, and a
    next course exactly 182 days later was censored. Issue #3 windows are inclusive."""
    e, refs, defs = clock_time
    boosters = [ep for ep in refs if ep["treatment"] == "ketamine_booster"]
    assert all(ep["included"] and ep["immediate"][0] == 2 for ep in boosters)  # the reference, by hand
    table = e.table[e.table["treatment"] == "ketamine_booster"]
    assert table["included"].all(), sorted(table.loc[~table["included"], "patient_id"])[:3]
    assert np.allclose(table["immediate_t"], 2.0), sorted(table.loc[table["immediate_t"].isna(), "patient_id"])[:3]
    w = relief_over_time(e)
    w = w[(w["statistic"] == "mean_relief_pct") & (w["treatment"] == "ketamine_booster")]
    want = ref_weekly_groups(boosters, defs, ("treatment",), defs.threshold)
    assert {int(k): int(n) for k, n in zip(w["week"], w["n"])} == {k: v["n"] for (_, k), v in want.items()}
    d = relief_duration(e).data
    d = d[d["treatment"] == "ketamine_booster"]
    assert len(d) == len(boosters)
    assert (d["event"] == 1).all() and np.allclose(d["time"], 182.0)


def test_clock_time_reference_is_exact(clock_time):
    """The reference itself, on the same cohort: every booster has baseline, immediate score at
    +2, weeks 1, 2 and 4 (scores at +2 and +7 share week 1; the score at +182 is on the next course's
    start day, so it is no follow-up score), and re-treatment at 182 as the event."""
    _, refs, defs = clock_time
    boosters = [ep for ep in refs if ep["treatment"] == "ketamine_booster"]
    assert len(boosters) == 69
    for ep in boosters:
        assert ep["baseline_day"] == ep["start"] - 14 and ep["immediate"][0] == 2
        assert sorted(ep["weekly"]) == [1, 2, 4] and ep["last_t"] == 28
        assert ref_duration(ep, defs, 30.0) == (182, 1)
