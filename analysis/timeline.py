"""One patient's story as the analysis read it: scores, treatment courses, episodes and loss of relief.

:func:`patient_timeline` takes the dataset, the definitions and a (pseudonymous) patient identifier and
returns tidy tables: every score of every measure, the treatment courses (with their extra columns such
as a dose), and the episodes of the outcome measure with their marked points (baseline, immediate and
follow-up scores) and the day relief was lost. It is the way to check an import against a chart the
clinician knows, and to look at one patient's course.

The episodes and the loss of relief are *the same derivation* as every other page: the patient's rows
go through :func:`analysis.episodes.build_episodes` and :func:`analysis.duration.relief_duration_data`
(the Relief duration page's event rule) under the same :class:`~analysis.definitions.Definitions`.
Episodes depend only on the patient's own rows, so deriving them from those rows alone gives the rows
the whole-dataset derivation gives that patient (tested).

Nothing here draws (see :func:`analysis.figures.patient_timeline_figure`) or writes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dataset import Dataset
from .definitions import KNOWN_MEASURES, Definitions
from .duration import relief_duration_data
from .episodes import build_episodes, falls_below, reaches
from .errors import AnalysisError
from .present.formatting import natural_order
from .relief import select

#: Columns of the treatments table that are not a course's "details" (dose, sessions, ...).
_COURSE_KEYS = ("patient_id", "day", "treatment")

#: Kinds of marked points, in drawing order.
POINT_KINDS = ("baseline", "immediate", "follow-up")


@dataclass(frozen=True)
class PatientTimeline:
    """One patient's scores, courses and episodes (see :func:`patient_timeline`).

    Attributes
    ----------
    patient_id : str
    measures : DataFrame
        One row per measure with a score: ``measure``, ``label`` (e.g. "Pain NRS (0-10)"), ``min``,
        ``max`` (the known range; NaN when unknown), ``n_scores``, ``outcome`` (True for the measure
        the episodes are derived from). The outcome measure first, then the known measures, then others.
    scores : DataFrame
        Every score: ``measure``, ``day``, ``value``; sorted by measure then day.
    courses : DataFrame
        One row per treatment course: ``course`` (1, 2, ...), ``treatment``, ``start``, ``end`` (the end
        of its follow-up: the next course's start or start + maximum follow-up, whichever is first),
        ``details`` (the extra columns, e.g. "dose_mg_per_kg_h 0.35 · sessions 5"; '' when none),
        then the extra columns as read.
    episodes : DataFrame
        One row per episode analysed: ``episode`` (= ``course``; with ``first_episode_only`` the
        later courses of a treatment have none), ``treatment``, ``details``, ``start``, ``end``,
        ``baseline_day``, ``baseline``, ``included``, ``exclusion_reason``, ``immediate_day``,
        ``immediate_value``, ``immediate_relief_pct``, ``responder`` (immediate relief >= the
        threshold), ``threshold_score`` (the score above which relief is below the threshold:
        baseline x (1 - threshold / 100); below which, baseline x (1 + threshold / 100), for a
        higher-is-better measure), ``n_followup``, ``last_followup_day``, ``loss_day`` (the day
        relief was lost; NaN when not lost or not a responder), ``loss_by`` ("score" or "re-treatment"),
        ``censored_day`` (responders whose relief was not lost: their last follow-up score), ``outcome``
        (a sentence).
    points : DataFrame
        The outcome measure's scores that belong to an episode: ``episode``, ``kind`` (baseline /
        immediate / follow-up), ``day``, ``value``, ``relief_pct`` (NaN for baselines and excluded
        episodes), ``below_threshold`` (relief < threshold).
    definitions : Definitions
    """

    patient_id: str
    measures: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame = field(repr=False)
    courses: pd.DataFrame = field(repr=False)
    episodes: pd.DataFrame = field(repr=False)
    points: pd.DataFrame = field(repr=False)
    definitions: Definitions = field(repr=False)

    @property
    def has_treatments(self) -> bool:
        return len(self.courses) > 0


def patient_ids(dataset: Dataset) -> list[str]:
    """The dataset's patient identifiers (pseudonymous, as loaded) for a patient chooser, in the order a
    reader expects: numbers by their value (P2 before P10; :func:`analysis.present.formatting.natural_order`)."""
    return natural_order(dataset.patients["patient_id"].astype(str))


def _measure_order(measures, outcome: str) -> list[str]:
    known = [m for m in KNOWN_MEASURES if m in measures and m != outcome]
    return ([outcome] if outcome in measures else []) + known + sorted(
        m for m in measures if m != outcome and m not in KNOWN_MEASURES)


def _patient_scores(dataset: Dataset, patient_id: str) -> pd.DataFrame:
    """Every score of one patient (long: measure, day, value), read measure by measure from the arrays
    (the long table of a registry is never built for one patient)."""
    cats = dataset.patient_categories()
    code = None
    if cats is not None:
        pos = cats.get_indexer([patient_id])[0]
        code = int(pos) if pos >= 0 else None
    parts = []
    for m in dataset.measures:  # a handful of measures
        who, day, value = dataset.measure_scores(m)
        if cats is not None:
            sel = np.zeros(len(who), dtype=bool) if code is None else (np.asarray(who) == code)
        else:
            sel = np.asarray(who, dtype=object) == patient_id
        if sel.any():
            parts.append(pd.DataFrame({"measure": m, "day": day[sel], "value": value[sel]}))
    if not parts:
        return pd.DataFrame({"measure": pd.Series(dtype=object), "day": pd.Series(dtype=float),
                             "value": pd.Series(dtype=float)})
    return pd.concat(parts, ignore_index=True)


def _details(courses: pd.DataFrame) -> pd.Series:
    """The extra columns of each course as one text ("dose_mg_per_kg_h 0.35 · sessions 5")."""
    extra = [c for c in courses.columns if c not in _COURSE_KEYS]
    pieces = []
    for c in extra:  # a few columns
        txt = courses[c].map(lambda x: "" if pd.isna(x) else
                             (f"{x:g}" if isinstance(x, (float, np.floating)) else str(x)))
        pieces.append((c + " " + txt).where(txt != "", ""))
    # One patient's few courses: joining the pieces row by row is clearer than any vectorised trick.
    return pd.Series([" \u00b7 ".join(p for p in row if p) for row in zip(*pieces)] if pieces else
                     [""] * len(courses), index=courses.index, dtype=object)


def patient_timeline(dataset: Dataset, definitions: Definitions | None, patient_id) -> PatientTimeline:
    """Derive one patient's timeline: scores, courses, episodes with their marked points and loss of relief.

    Parameters
    ----------
    dataset : Dataset
    definitions : Definitions, optional
        The windows, the outcome measure, the responder threshold and whether re-treatment counts as
        loss of relief (as on the Relief duration page). Default: :class:`Definitions`.
    patient_id : str
        A patient of ``dataset.patients``.

    Returns
    -------
    PatientTimeline

    Raises
    ------
    AnalysisError
        When the patient is not in the dataset.

    Notes
    -----
    Episode, baseline, immediate score, relief % and follow-up: :mod:`analysis.episodes`. Loss of
    relief: among immediate responders (immediate relief >= threshold), the first follow-up score with
    relief < threshold (:func:`analysis.duration.relief_duration_data`); with
    ``retreatment_is_event`` the next course's start (within the follow-up window) when it comes first.
    """
    d = definitions or Definitions()
    pid = str(patient_id)
    known = dataset.patients["patient_id"].astype(str)
    if not (known == pid).any():
        raise AnalysisError(f"No patient {pid!r} in this dataset: choose one of its {len(known):,} patients.")
    scores = _patient_scores(dataset, pid)
    order = _measure_order(set(scores["measure"]), d.measure)
    scores = (scores.assign(_o=scores["measure"].map({m: i for i, m in enumerate(order)}))
              .sort_values(["_o", "day"], kind="stable").drop(columns="_o").reset_index(drop=True))
    counts = scores["measure"].value_counts()
    measures = pd.DataFrame({
        "measure": order,
        "label": [KNOWN_MEASURES.get(m, {}).get("label", m) for m in order],
        "min": [KNOWN_MEASURES.get(m, {}).get("min", np.nan) for m in order],
        "max": [KNOWN_MEASURES.get(m, {}).get("max", np.nan) for m in order],
        "n_scores": [int(counts.get(m, 0)) for m in order],
        "outcome": [m == d.measure for m in order],
    })
    for c in ("min", "max"):
        measures[c] = pd.to_numeric(measures[c], errors="coerce").astype(float)

    tr = dataset.treatments
    tr = tr[(tr["patient_id"].astype(str) == pid).to_numpy()].sort_values("day", kind="stable").reset_index(drop=True)
    extra = [c for c in tr.columns if c not in _COURSE_KEYS]
    start = tr["day"].to_numpy(float)
    next_start = np.append(start[1:], np.nan)
    end = np.fmin(start + float(d.max_followup_days), np.where(np.isnan(next_start), np.inf, next_start))
    courses = pd.DataFrame({"course": np.arange(1, len(tr) + 1, dtype=np.int64),
                            "treatment": tr["treatment"].astype(str).to_numpy(), "start": start, "end": end,
                            "details": _details(tr).to_numpy() if len(tr) else np.array([], dtype=object)})
    for c in extra:
        courses[c] = tr[c].to_numpy()

    episodes, points = _episodes(dataset, d, pid, scores, tr, courses)
    return PatientTimeline(patient_id=pid, measures=measures, scores=scores, courses=courses, episodes=episodes,
                           points=points, definitions=d)


_EPISODE_COLUMNS = ["episode", "treatment", "details", "start", "end", "baseline_day", "baseline", "included",
                    "exclusion_reason", "immediate_day", "immediate_value", "immediate_relief_pct", "responder",
                    "threshold_score", "n_followup", "last_followup_day", "loss_day", "loss_by", "censored_day",
                    "outcome"]
_POINT_COLUMNS = ["episode", "kind", "day", "value", "relief_pct", "below_threshold"]


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _episodes(dataset: Dataset, d: Definitions, pid: str, scores: pd.DataFrame, tr: pd.DataFrame,
              courses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The episode table and marked points of the outcome measure (empty without treatments)."""
    if not len(tr):
        return _empty(_EPISODE_COLUMNS), _empty(_POINT_COLUMNS)
    own = scores.assign(patient_id=pid)[["patient_id", "day", "measure", "value"]]
    one = Dataset.from_frames(own, tr, dataset.patients[(dataset.patients["patient_id"].astype(str) == pid).to_numpy()],
                              source="one patient", directions=dataset.directions)
    ep = build_episodes(one, d)
    t = ep.table.sort_values("start", kind="stable").reset_index(drop=True)
    # episode_id is the course's position in (patient, start) order: course = episode_id + 1.
    t["episode"] = t["episode_id"].astype(np.int64) + 1
    thr = float(d.threshold)
    dur = relief_duration_data(ep, (), None, selected=select(ep, ()))
    dur = dur.set_index("episode_id")
    fu = ep.followup
    by_score = fu[falls_below(fu["relief_pct"], thr)].groupby("episode_id")["t"].min()

    start = t["start"].to_numpy(float)
    eid = t["episode_id"]
    responder = reaches(t["immediate_relief_pct"], thr) & t["included"].to_numpy(bool)
    time = eid.map(dur["time"]).to_numpy(float)
    event = eid.map(dur["event"]).fillna(0).to_numpy(int) == 1
    lost_by_score = eid.map(by_score).to_numpy(float)
    loss_by = np.where(event, np.where(np.isclose(lost_by_score, time), "score", "re-treatment"), "")
    out = pd.DataFrame({
        "episode": t["episode"],
        "treatment": t["treatment"].astype(str),
        "details": courses.set_index("course")["details"].reindex(t["episode"]).to_numpy(),
        "start": start,
        "end": courses.set_index("course")["end"].reindex(t["episode"]).to_numpy(float),
        "baseline_day": t["baseline_day"].to_numpy(float),
        "baseline": t["baseline"].to_numpy(float),
        "included": t["included"].to_numpy(bool),
        "exclusion_reason": t["exclusion_reason"].astype(str),
        "immediate_day": start + t["immediate_t"].to_numpy(float),
        "immediate_value": t["immediate_value"].to_numpy(float),
        "immediate_relief_pct": t["immediate_relief_pct"].to_numpy(float),
        "responder": responder,
        # the score at which relief reaches the threshold: below baseline, or above it when higher is better
        "threshold_score": np.where(t["included"], t["baseline"].to_numpy(float)
                                    * (1 - (1 if ep.lower_is_better else -1) * thr / 100.0), np.nan),
        "n_followup": t["n_followup"].to_numpy(np.int64),
        "last_followup_day": start + t["last_followup_t"].to_numpy(float),
        "loss_day": np.where(event, start + time, np.nan),
        "loss_by": loss_by,
        "censored_day": np.where(responder & ~event, start + time, np.nan),
    })
    out["outcome"] = _outcomes(out, thr)

    # Marked points: the baseline of each episode, then its follow-up scores (the first within the
    # immediate window is the immediate score).
    base = out.loc[out["baseline_day"].notna(), ["episode", "baseline_day", "baseline"]]
    base = pd.DataFrame({"episode": base["episode"], "kind": "baseline", "day": base["baseline_day"],
                         "value": base["baseline"], "relief_pct": np.nan, "below_threshold": False})
    pos = pd.Index(eid.to_numpy()).get_indexer(fu["episode_id"].to_numpy())
    imm_t = t["immediate_t"].to_numpy(float)[pos]
    follow = pd.DataFrame({
        "episode": t["episode"].to_numpy()[pos],
        "kind": np.where(np.isclose(fu["t"].to_numpy(float), imm_t), "immediate", "follow-up"),
        "day": start[pos] + fu["t"].to_numpy(float),
        "value": fu["value"].to_numpy(float),
        "relief_pct": fu["relief_pct"].to_numpy(float),
        "below_threshold": falls_below(fu["relief_pct"], thr),
    })
    points = pd.concat([base, follow], ignore_index=True).sort_values(["day", "episode"], kind="stable")
    return out.reset_index(drop=True), points.reset_index(drop=True)[_POINT_COLUMNS]


def _fmt_day(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def _outcomes(e: pd.DataFrame, thr: float) -> list[str]:
    """One sentence per episode: excluded, no immediate score, not a responder, relief lost, or kept."""
    out = []
    for r in e.itertuples(index=False):  # one patient's few episodes
        if not r.included:
            out.append(f"excluded from relief analyses: {r.exclusion_reason}")
        elif np.isnan(r.immediate_relief_pct):
            out.append("no score within the immediate window: not in the relief analyses")
        elif not r.responder:
            out.append(f"not an immediate responder (relief {r.immediate_relief_pct:.0f}% < {thr:g}%)")
        elif r.loss_by == "score":
            out.append(f"relief lost on day {_fmt_day(r.loss_day)} "
                       f"({_fmt_day(r.loss_day - r.start)} days after the start)")
        elif r.loss_by == "re-treatment":
            out.append(f"re-treated on day {_fmt_day(r.loss_day)}: counts as loss of relief "
                       f"({_fmt_day(r.loss_day - r.start)} days after the start)")
        elif not np.isnan(r.censored_day):
            out.append(f"relief kept to the last score, day {_fmt_day(r.censored_day)} (censored)")
        else:
            out.append("immediate responder without further follow-up")
    return out


def episode_display_table(timeline: PatientTimeline) -> pd.DataFrame:
    """The episode table as shown under the chart: one row per episode, numbers rounded for display."""
    e = timeline.episodes
    if not len(e):
        return pd.DataFrame(columns=["Episode", "Treatment", "Start (day)", "Outcome", "Baseline (day: score)",
                                     "Immediate (day: score, relief)", "Follow-up scores", "Details"])

    def day_score(day, v):
        return "none" if np.isnan(day) else f"day {_fmt_day(day)}: {v:g}"

    imm = [("none" if np.isnan(r.immediate_day) else
            f"day {_fmt_day(r.immediate_day)}: {r.immediate_value:g}"
            + ("" if np.isnan(r.immediate_relief_pct) else f" ({r.immediate_relief_pct:.0f}%)"))
           for r in e.itertuples(index=False)]
    return pd.DataFrame({
        "Episode": e["episode"].astype(int),
        "Treatment": e["treatment"],
        "Start (day)": [_fmt_day(x) for x in e["start"]],
        "Outcome": e["outcome"],
        "Baseline (day: score)": [day_score(a, b) for a, b in zip(e["baseline_day"], e["baseline"])],
        "Immediate (day: score, relief)": imm,
        "Follow-up scores": e["n_followup"].astype(int),
        "Details": e["details"],
    })
