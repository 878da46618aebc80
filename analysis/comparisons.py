"""Treatment comparisons for comparable patients, estimands for re-treatment, booster analytics.

Answers "is treatment A better than B for comparable patients?" and "does relief shorten with
each booster?" from the episode tables, with the statistics of :mod:`analysis.cox`,
:mod:`analysis.gee` and :mod:`analysis.competing`:

* :func:`responder_comparison` - risk difference and risk ratio of response (immediately and at
  the report weeks) between treatments, unadjusted and adjusted, patient-clustered intervals;
* :func:`relief_hazard_model` - hazard of losing relief by treatment, adjusted for covariates and
  course number (Cox, patients as clusters), with the proportional-hazards check;
* :func:`estimand_comparison` - the probability of having lost relief by each report week under the
  three ICH E9(R1) strategies for re-treatment (an intercurrent event), side by side;
* :func:`relief_competing_risks` - the competing-risks curves (loss of relief vs re-treatment first);
* :func:`booster_summary` and :func:`time_to_next_course` - response and relief duration by course
  number (1st, 2nd, 3rd+) and the interval between a patient's courses.

Every result names its estimand or method in words.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .comparison_words import not_estimable_reason
from .competing import cumulative_incidence
from .cox import CoxResult, cox_regression
from .duration import (ESTIMAND_COMPETING, ESTIMAND_COMPOSITE, ESTIMAND_CENSORED, SurvivalByGroup, km_by_group,
                       relief_duration, relief_duration_data, relief_estimand)
from .episodes import Episodes, reaches
from .errors import AnalysisError
from .gee import risk_regression, risk_regressions
from .relief import immediate_relief, responder_rate, select, weekly_episode_relief

ESTIMANDS = {"censored": ESTIMAND_CENSORED, "composite": ESTIMAND_COMPOSITE, "competing": ESTIMAND_COMPETING}

COURSE_COLUMN = "course_band"
COURSE_BANDS = ("1st", "2nd", "3rd+")
CAUSE_LOSS, CAUSE_RETREATED = 1, 2
CAUSE_LABELS = {CAUSE_LOSS: "relief lost", CAUSE_RETREATED: "re-treated first"}
OUTCOME_IMMEDIATE = "immediate"


def course_band(course_number) -> np.ndarray:
    """``"1st"``, ``"2nd"`` or ``"3rd+"`` from the course number (1 = the patient's first course of
    that treatment)."""
    c = np.asarray(course_number, dtype=float)
    return np.where(c <= 1, COURSE_BANDS[0], np.where(c == 2, COURSE_BANDS[1], COURSE_BANDS[2])).astype(object)


def with_course_band(episodes: Episodes) -> Episodes:
    """The same episodes with a ``course_band`` column (1st, 2nd, 3rd+) to group or adjust by."""
    if COURSE_COLUMN in episodes.table.columns:
        return episodes
    return replace(episodes, table=episodes.table.assign(**{COURSE_COLUMN: course_band(episodes.table["course_number"])}))


def with_treatment_columns(episodes: Episodes, treatments: pd.DataFrame, columns) -> Episodes:
    """The episodes with columns of the treatments table (e.g. the dose) joined on patient, day and
    treatment, so models can adjust for them. Courses given twice on one day take the first row's value."""
    columns = [c for c in columns if c not in episodes.table.columns]
    missing = [c for c in columns if c not in treatments.columns]
    if missing:
        raise AnalysisError(f"No column {', '.join(map(repr, missing))} in the treatments table.")
    if not columns:
        return episodes
    right = (treatments[["patient_id", "day", "treatment", *columns]]
             .drop_duplicates(["patient_id", "day", "treatment"])
             .rename(columns={"day": "start"}))
    t = episodes.table
    right = right.astype({"patient_id": t["patient_id"].dtype, "treatment": t["treatment"].dtype}, errors="ignore")
    merged = t.merge(right, on=["patient_id", "start", "treatment"], how="left", validate="many_to_one")
    return replace(episodes, table=merged)


# --------------------------------------------------------------------------------------------
# Responders
# --------------------------------------------------------------------------------------------
def responder_data(episodes: Episodes, outcome=OUTCOME_IMMEDIATE, filters: dict | None = None,
                   threshold: float | None = None) -> pd.DataFrame:
    """One row per included episode with the outcome observed: its columns and ``responder`` (0/1).

    ``outcome``: ``"immediate"`` (immediate relief >= threshold) or a week number k (mean relief in
    week k >= threshold; episodes without a score that week are left out: observed cases).
    """
    t = select(episodes, (), filters)
    weekly = None if outcome == OUTCOME_IMMEDIATE else \
        weekly_episode_relief(episodes, (), filters, weeks=[int(outcome)], selected=t)
    return _responder_rows(episodes, t, weekly, outcome, threshold)


def _responder_rows(episodes: Episodes, selected: pd.DataFrame, weekly: pd.DataFrame | None, outcome,
                    threshold: float | None) -> pd.DataFrame:
    """:func:`responder_data` from the included episodes (:func:`select`, no grouping) and, for a week,
    their weekly relief (:func:`weekly_episode_relief`, that week among its weeks)."""
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    t = selected
    if outcome == OUTCOME_IMMEDIATE:
        t = t[t["immediate_relief_pct"].notna()]
        return t.assign(responder=reaches(t["immediate_relief_pct"], thr).astype(int)).reset_index(drop=True)
    week = int(outcome)
    w = weekly[weekly["week"] == week]
    relief = t["episode_id"].map(pd.Series(w["relief_pct"].to_numpy(), index=w["episode_id"].to_numpy()))
    t = t.assign(relief_pct=relief.to_numpy())
    t = t[t["relief_pct"].notna()]
    return t.assign(responder=reaches(t["relief_pct"], thr).astype(int)).reset_index(drop=True)


def _contrast(rows: pd.DataFrame, reference: str | None) -> list | None:
    """The treatments a model without a fit was to compare: the reference and the others among
    ``rows`` (None: every treatment in the rows)."""
    if reference is None:
        return None
    return [t for t in pd.unique(rows["treatment"]) if t != reference] + [reference] if len(rows) else [reference]


def _outcome_label(outcome) -> str:
    return "immediate response" if outcome == OUTCOME_IMMEDIATE else f"response in week {int(outcome)}"


def responder_comparison(episodes: Episodes, covariates=(), outcomes=None, measures=("RD", "RR"),
                         reference: str | None = None, filters: dict | None = None,
                         threshold: float | None = None) -> pd.DataFrame:
    """Risk difference and risk ratio of response between treatments, unadjusted and adjusted.

    Parameters
    ----------
    episodes : Episodes
    covariates : sequence of str
        Columns of the episode table to adjust for (patient covariates, ``course_number``,
        ``course_band``, a dose column added by :func:`with_treatment_columns`). Empty: unadjusted only.
    outcomes : sequence, optional
        ``"immediate"`` and/or week numbers; default immediate and ``definitions.report_weeks``.
    measures : sequence of {"RD", "RR", "OR"}
    reference : str, optional
        Reference treatment; default the first in sorted order.
    filters : dict, optional
    threshold : float, optional
        Responder threshold (%); default ``definitions.threshold``.

    Returns
    -------
    DataFrame
        One row per outcome, measure, adjustment and treatment contrast: ``outcome``, ``measure``,
        ``adjustment`` (``"unadjusted"`` or ``"adjusted for ..."``), ``term``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_value``, ``se``, ``n``, ``events``, ``n_patients``, ``n_dropped``, ``method``,
        ``conf_level``, ``note`` (why a model could not be fitted, else empty).

    Notes
    -----
    :func:`analysis.gee.risk_regression` of ``responder ~ treatment (+ covariates)`` with patients
    as clusters. The unadjusted and adjusted models use the same rows (those with every covariate
    known) so the two can be compared; rows left out are counted in ``n_dropped``.
    """
    d = episodes.definitions
    covariates = [c for c in covariates if c != "treatment"]
    if COURSE_COLUMN in covariates:
        episodes = with_course_band(episodes)
    outcomes = [OUTCOME_IMMEDIATE, *d.report_weeks] if outcomes is None else list(outcomes)
    # The included episodes (the columns the models use) and the weeks' relief once for all
    # outcomes; each model's rows and design once for all measures.
    selected = select(episodes, (), filters)
    used = ["episode_id", "patient_id", "treatment", "immediate_relief_pct", *covariates]
    selected = selected[[c for c in dict.fromkeys(used) if c in selected.columns]]
    weeks = sorted({int(o) for o in outcomes if o != OUTCOME_IMMEDIATE})
    weekly = weekly_episode_relief(episodes, (), filters, weeks=weeks, selected=selected) if weeks else None
    ref = {"treatment": reference} if reference is not None else None
    rows = []
    for outcome in outcomes:
        data = _responder_rows(episodes, selected, weekly, outcome, threshold)
        missing = [c for c in covariates if c not in data.columns]
        if missing:
            raise AnalysisError(f"Cannot adjust for {', '.join(missing)}: no such column in the episodes.")
        complete = data.dropna(subset=covariates) if covariates else data
        n_dropped = len(data) - len(complete)
        adjustments = [[]] + ([covariates] if covariates else [])
        fits = []
        for adjust in adjustments:
            try:
                fits.append(risk_regressions(complete, "responder", ["treatment", *adjust], "patient_id",
                                             measures=measures, reference=ref, conf_level=d.conf_level))
            except AnalysisError as err:
                fits.append(err)
        for measure in measures:
            for adjust, fit in zip(adjustments, fits):
                label = "unadjusted" if not adjust else "adjusted for " + ", ".join(adjust)
                base = {"outcome": _outcome_label(outcome), "measure": measure, "adjustment": label}
                if isinstance(fit, AnalysisError):
                    why = not_estimable_reason(complete, base["outcome"], measure, _contrast(complete, reference),
                                               fallback=str(fit).removeprefix("risk_regression: "), covariates=adjust)
                    rows.append(pd.DataFrame([{**base, "term": "treatment", "n": len(complete),
                                               "n_patients": complete["patient_id"].nunique(),
                                               "n_dropped": n_dropped, "note": why}]))
                    continue
                res = fit[str(measure).upper()]
                tab = res.table[res.table["covariate"] == "treatment"]
                # why each term without an estimate has none, from its two treatments' responders
                tab = tab.assign(note=[not_estimable_reason(complete, base["outcome"], measure, (lv, rf),
                                                            covariates=adjust)
                                       if pd.isna(e) else "" for e, lv, rf in
                                       zip(tab["estimate"], tab["level"], tab["reference"])])
                tab = tab.drop(columns=["covariate", "level", "reference", "measure"])
                tab.insert(0, "adjustment", label)
                tab.insert(0, "measure", measure)
                tab.insert(0, "outcome", _outcome_label(outcome))
                tab["n_dropped"] = n_dropped
                rows.append(tab)
    cols = ["outcome", "measure", "adjustment", "term", "estimate", "ci_low", "ci_high", "p_value", "se", "n",
            "events", "n_patients", "n_dropped", "method", "conf_level", "note"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    out["note"] = out["note"].fillna("")
    return out[cols]


# --------------------------------------------------------------------------------------------
# Relief duration: Cox model, estimands, competing risks
# --------------------------------------------------------------------------------------------
def _censoring_episodes(episodes: Episodes) -> Episodes:
    d = episodes.definitions
    return episodes if not d.retreatment_is_event else replace(episodes, definitions=d.replace(retreatment_is_event=False))


def relief_competing_data(episodes: Episodes, by=("treatment",), filters: dict | None = None,
                          threshold: float | None = None) -> pd.DataFrame:
    """Immediate responders with ``time`` and ``status``: 1 = relief lost, 2 = re-treated first
    (the next course starts, within the follow-up window, before relief was lost), 0 = censored."""
    eps = _censoring_episodes(episodes)
    return _with_competing_status(eps, relief_duration_data(eps, by, filters, threshold))


def _with_competing_status(eps: Episodes, data: pd.DataFrame) -> pd.DataFrame:
    """:func:`relief_competing_data` from the durations censored at re-treatment (``data``, of ``eps``)."""
    d = eps.definitions
    nxt = eps.table.set_index("episode_id")["next_t"].reindex(data["episode_id"]).to_numpy(float)
    retreated = (data["event"].to_numpy() == 0) & np.isfinite(nxt) & (nxt <= d.max_followup_days)
    status = np.where(data["event"].to_numpy() == 1, CAUSE_LOSS, np.where(retreated, CAUSE_RETREATED, 0))
    return data.assign(time=np.where(retreated, nxt, data["time"].to_numpy(float)), status=status)


@dataclass(frozen=True)
class CompetingRisksResult:
    """Cumulative incidence of loss of relief and of re-treatment first, per group.

    ``table``: group columns, ``cause`` (label), ``time``, ``estimate``, ``std_err``, ``ci_low``,
    ``ci_high``, ``at_risk``, ``n``, ``n_patients``; a row at time 0 (incidence 0) leads each curve.
    """

    by: tuple
    table: pd.DataFrame = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    fits: dict = field(repr=False)
    estimand: str = ESTIMAND_COMPETING

    def at(self, days) -> pd.DataFrame:
        """Cumulative incidence of each cause at the given days, per group."""
        parts = []
        for key, fit in self.fits.items():
            for cause in fit.causes:
                a = fit.at(days, cause=cause)
                a.insert(0, "cause", CAUSE_LABELS.get(cause, str(cause)))
                for col, val in zip(self.by, key):
                    a.insert(list(self.by).index(col), col, val)
                a["n_patients"] = fit.n_clusters
                parts.append(a)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def relief_competing_risks(episodes: Episodes, by=("treatment",), filters: dict | None = None,
                           threshold: float | None = None) -> CompetingRisksResult:
    """Aalen-Johansen cumulative incidence of loss of relief, with re-treatment first as a
    competing event, per group (patients as clusters). See :func:`analysis.competing.cumulative_incidence`."""
    return _competing_risks(episodes, tuple(by), relief_competing_data(episodes, by, filters, threshold))


def _competing_risks(episodes: Episodes, by: tuple, data: pd.DataFrame) -> CompetingRisksResult:
    """:func:`relief_competing_risks` from its data (:func:`relief_competing_data`)."""
    d = episodes.definitions
    fits, frames = {}, []
    groups = data.groupby(list(by), sort=True, observed=True).indices if by else {(): np.arange(len(data))}
    for key, idx in groups.items():
        key = key if isinstance(key, tuple) else (key,)
        sub = data.iloc[idx]
        fit = cumulative_incidence(sub["time"], sub["status"], clusters=sub["patient_id"],
                                   conf_type=d.km_conf_type, conf_level=d.conf_level)
        fits[key] = fit
        tab = fit.table
        for cause in fit.causes:
            c = tab[tab["cause"] == cause]
            start = pd.DataFrame({"time": [0.0], "at_risk": [fit.n], "estimate": [0.0], "std_err": [0.0],
                                  "ci_low": [0.0], "ci_high": [0.0]})
            c = pd.concat([start, c[start.columns]], ignore_index=True)
            c.insert(0, "cause", CAUSE_LABELS.get(cause, str(cause)))
            for col, val in zip(by, key):
                c.insert(list(by).index(col), col, val)
            c["n"] = fit.n
            c["n_patients"] = fit.n_clusters
            frames.append(c)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*by, "cause", "time"])
    return CompetingRisksResult(by=by, table=table, data=data, fits=fits)


def estimand_comparison(episodes: Episodes, by=("treatment",), filters: dict | None = None,
                        threshold: float | None = None, weeks=None) -> pd.DataFrame:
    """Probability of having lost relief by each report week under the three strategies, side by side.

    Returns
    -------
    DataFrame
        ``strategy`` (censored, composite, competing), ``estimand`` (in words), group columns,
        ``week``, ``estimate`` (probability that relief was lost by then; for the composite, lost
        or re-treated), ``ci_low``, ``ci_high``, ``n``, ``n_patients``.

    Notes
    -----
    Censored: 1 - S(t) of the Kaplan-Meier curve censored at re-treatment (interval 1 - the
    survival interval). Composite: the same with re-treatment as an event. Competing: the
    Aalen-Johansen cumulative incidence of loss of relief, re-treatment first competing. The
    competing-risks value is never above the censored one: censoring at re-treatment treats those
    episodes as if relief could still be lost later, which it then never is.
    """
    by = tuple(by)
    durations = _Durations(episodes, by, filters, threshold)
    return _estimand_comparison(episodes, by, weeks, durations)


class _Durations:
    """Relief duration by ``by`` under each strategy for re-treatment (censored, composite), each
    computed once, when first asked for (:func:`analysis.duration.relief_duration`)."""

    def __init__(self, episodes: Episodes, by: tuple, filters: dict | None, threshold: float | None,
                 known: SurvivalByGroup | None = None):
        base = _censoring_episodes(episodes)
        self.episodes = {"censored": base,
                         "composite": replace(base, definitions=base.definitions.replace(retreatment_is_event=True))}
        self.own = "composite" if episodes.definitions.retreatment_is_event else "censored"
        self.by, self.filters, self.threshold = by, filters, threshold
        self.fits = {} if known is None else {self.own: known}

    def __getitem__(self, strategy: str) -> SurvivalByGroup:
        if strategy not in self.fits:
            # the estimands read the curves only, never the log-rank test
            self.fits[strategy] = relief_duration(self.episodes[strategy], self.by, self.filters, self.threshold,
                                                  logrank=False)
        return self.fits[strategy]


def _estimand_comparison(episodes: Episodes, by: tuple, weeks, durations: _Durations) -> pd.DataFrame:
    """:func:`estimand_comparison` from the relief durations under each strategy."""
    d = episodes.definitions
    weeks = d.report_weeks if weeks is None else tuple(int(w) for w in weeks)
    days = [7.0 * w for w in weeks]
    parts = []
    for strategy in ("censored", "composite"):
        s = durations[strategy].survival_at(days)
        if s.empty:
            continue
        s = s.assign(estimate=1 - s["estimate"], ci_low=1 - s["ci_high"], ci_high=1 - s["ci_low"])
        s["week"] = (s["time"] / 7).round().astype(int)
        parts.append(s.assign(strategy=strategy, estimand=ESTIMANDS[strategy]))
    base = durations.episodes["censored"]
    competing = _competing_risks(episodes, by, _with_competing_status(base, durations["censored"].data))
    cr = competing.at(days)
    if len(cr):
        cr = cr[cr["cause"] == CAUSE_LABELS[CAUSE_LOSS]].drop(columns=["cause"])
        cr["week"] = (cr["time"] / 7).round().astype(int)
        parts.append(cr.assign(strategy="competing", estimand=ESTIMAND_COMPETING))
    cols = ["strategy", "estimand", *by, "week", "estimate", "ci_low", "ci_high", "n", "n_patients"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    return out[cols]


def relief_hazard_model(episodes: Episodes, covariates=(), reference: str | None = None,
                        filters: dict | None = None, threshold: float | None = None,
                        course: bool = True) -> CoxResult:
    """Hazard of losing relief by treatment, adjusted for covariates and course number (Cox).

    Among immediate responders, time to loss of relief (the strategy of the definitions:
    censored at, or ended by, re-treatment), ``treatment`` (reference ``reference`` or the first
    treatment) + ``covariates`` (+ ``course_number`` as a trend: the hazard ratio per additional
    course answers "does relief shorten with each booster?"), patients as clusters. A hazard
    ratio above 1 means relief is lost sooner. See :func:`analysis.cox.cox_regression`.

    The result's ``table`` has an extra ``estimand`` column naming the strategy.
    """
    return _relief_hazard_model(episodes, relief_duration_data(episodes, ("treatment",), filters, threshold),
                                covariates, reference, course)


def _relief_hazard_model(episodes: Episodes, data: pd.DataFrame, covariates, reference: str | None,
                         course: bool) -> CoxResult:
    """:func:`relief_hazard_model` from the relief durations by treatment (:func:`relief_duration_data`)."""
    d = episodes.definitions
    covariates = [c for c in covariates if c not in ("treatment", "course_number")]
    if COURSE_COLUMN in covariates:
        episodes = with_course_band(episodes)
    extra = [c for c in covariates + ["course_number"] if c not in data.columns]
    missing = [c for c in extra if c not in episodes.table.columns]
    if missing:
        raise AnalysisError(f"Cannot adjust for {', '.join(missing)}: no such column in the episodes.")
    if extra:
        cols = episodes.table.set_index("episode_id")[extra].reindex(data["episode_id"])
        data = pd.concat([data, cols.reset_index(drop=True)], axis=1)
    terms = ["treatment", *covariates, *(["course_number"] if course else [])]
    res = cox_regression(data, time="time", event="event", covariates=terms, clusters="patient_id",
                         reference={"treatment": reference} if reference is not None else None,
                         conf_level=d.conf_level)
    table = res.table.assign(estimand=relief_estimand(d))
    return replace(res, table=table)


# --------------------------------------------------------------------------------------------
# Boosters
# --------------------------------------------------------------------------------------------
def booster_summary(episodes: Episodes, filters: dict | None = None, threshold: float | None = None) -> pd.DataFrame:
    """Immediate response and relief duration by treatment and course (1st, 2nd, 3rd+).

    Returns
    -------
    DataFrame
        ``treatment``, ``course_band``, ``statistic`` (``immediate_responder_rate``,
        ``mean_immediate_relief_pct``, ``median_relief_duration_days``), ``estimate``, ``ci_low``,
        ``ci_high``, ``n``, ``n_patients``, ``method``.
    """
    eps = with_course_band(episodes)
    by = ["treatment", COURSE_COLUMN]
    sel = select(eps, by, filters)
    rr = responder_rate(eps, threshold, by, filters, selected=sel).assign(statistic="immediate_responder_rate")
    ir = immediate_relief(eps, by, filters, selected=sel).assign(statistic="mean_immediate_relief_pct")
    med = relief_duration(eps, by, filters, threshold, selected=sel).medians()
    med = med.assign(statistic="median_relief_duration_days",
                     method=f"Kaplan-Meier median ({relief_estimand(eps.definitions)})")
    cols = ["treatment", COURSE_COLUMN, "statistic", "estimate", "ci_low", "ci_high", "n", "n_patients", "method"]
    parts = [p.reindex(columns=cols) for p in (rr, ir, med)]
    return pd.concat(parts, ignore_index=True)


def time_to_next_course_data(episodes: Episodes, by=("treatment",), filters: dict | None = None) -> pd.DataFrame:
    """Per included episode: ``time`` to the patient's next course (any treatment) and ``event``.

    Event when the next course starts within ``max_followup_days``; a later next course censors at
    ``max_followup_days`` (the patient was still under care); no next course censors at the last
    follow-up score (episodes without one are left out: nothing is known after the start).
    """
    d = episodes.definitions
    t = select(episodes, by, filters)
    nxt = t["next_t"].to_numpy(float)
    event = np.isfinite(nxt) & (nxt <= d.max_followup_days)
    later = np.isfinite(nxt) & ~event
    time = np.where(event, nxt, np.where(later, d.max_followup_days, t["last_followup_t"].to_numpy(float)))
    out = t[["episode_id", "patient_id", *by]].assign(time=time, event=event.astype(int))
    return out[np.isfinite(out["time"]) & (out["time"] > 0)].reset_index(drop=True)


def time_to_next_course(episodes: Episodes, by=("treatment",), filters: dict | None = None):
    """Kaplan-Meier of the interval to the patient's next course, per group (patients as clusters).
    Returns :class:`analysis.duration.SurvivalByGroup` (``.medians()``: median interval in days)."""
    d = episodes.definitions
    return km_by_group(time_to_next_course_data(episodes, by, filters), by, d.km_conf_type, d.conf_level)


# --------------------------------------------------------------------------------------------
# One document for the CLI and the export
# --------------------------------------------------------------------------------------------
def _records(frame: pd.DataFrame, columns) -> list[dict]:
    out = []
    for row in frame[[c for c in columns if c in frame.columns]].to_dict(orient="records"):
        rec = {}
        for k, v in row.items():
            if isinstance(v, (np.integer,)):
                v = int(v)
            elif isinstance(v, (float, np.floating)):
                v = float(v) if np.isfinite(v) else None
            rec[k] = v
        out.append(rec)
    return out


def _with_patient_codes(episodes: Episodes, duration: SurvivalByGroup | None):
    """The episodes (and the durations' rows) with each patient identifier replaced by a number, in
    order of first appearance (missing stays missing).

    The models only group and count patients, and every one of them hashes the identifiers again
    (clusters, robust variances, patient counts); numbers in the same order give the same groups in
    the same order, so the same results, for a fraction of the cost with text identifiers.
    """
    codes, _ = pd.factorize(episodes.table["patient_id"], sort=False)
    codes = np.where(codes >= 0, codes, np.nan) if (codes < 0).any() else codes
    episodes = replace(episodes, table=_with_column(episodes.table, "patient_id", codes))
    if duration is not None:
        rows = pd.Index(episodes.table["episode_id"]).get_indexer(duration.data["episode_id"])
        # durations of other episodes than these are not used (computed again from these)
        duration = replace(duration, data=_with_column(duration.data, "patient_id", codes[rows])) \
            if (rows >= 0).all() else None
    return episodes, duration


def _with_column(frame: pd.DataFrame, name: str, values: np.ndarray) -> pd.DataFrame:
    """``frame.assign(name=values)`` for an existing column, sharing the other columns' arrays: ``assign``
    copies the whole table (about 20 columns of 300,000 episodes), only to replace one column."""
    return pd.DataFrame({c: (values if c == name else frame[c]) for c in frame.columns}, copy=False)


def models_summary(episodes: Episodes, covariates=(), filters: dict | None = None,
                   reference: str | None = None, duration: SurvivalByGroup | None = None) -> dict:
    """The treatment-comparison models as one JSON-ready document (``summarize --json``'s ``models``).

    Keys: ``covariates`` (adjusted for), ``responder_comparison`` (rows of
    :func:`responder_comparison`, risk difference and ratio), ``relief_hazard`` (terms of
    :func:`relief_hazard_model` with ``ph_test``, ``ph_note``, ``estimand``, counts),
    ``relief_estimands`` (rows of :func:`estimand_comparison`). A part that cannot be computed
    (e.g. a single treatment after filters) is ``{"error": "..."}`` with the reason.

    ``duration``: :func:`analysis.duration.relief_duration` of the same episodes by treatment with
    the same filters, when the caller has it (:func:`analysis.summary.summarize` does); the hazard
    model and the estimands then start from it instead of computing it again.
    """
    covariates = [c for c in covariates if c != "treatment"]
    doc: dict = {"covariates": list(covariates)}
    by = ("treatment",)
    episodes, duration = _with_patient_codes(episodes, duration)
    durations = _Durations(episodes, by, filters, None, known=duration)
    try:
        rc = responder_comparison(episodes, covariates, filters=filters, reference=reference)
        doc["responder_comparison"] = _records(rc, ["outcome", "measure", "adjustment", "term", "estimate", "ci_low",
                                                    "ci_high", "p_value", "n", "n_patients", "n_dropped", "method",
                                                    "note"])
    except AnalysisError as err:
        doc["responder_comparison"] = {"error": str(err)}
    try:
        cox = _relief_hazard_model(episodes, durations[durations.own].data, covariates, reference, course=True)
        doc["relief_hazard"] = {
            "terms": _records(cox.table, ["term", "hazard_ratio", "ci_low", "ci_high", "p_value", "se", "n", "events",
                                          "method"]),
            "ph_test": _records(cox.ph_test, ["term", "chisq", "df", "p_value"]),
            "ph_note": cox.ph_note, "estimand": relief_estimand(episodes.definitions),
            "n": cox.n, "events": cox.events, "n_patients": cox.n_patients, "n_dropped": cox.n_dropped,
        }
    except AnalysisError as err:
        doc["relief_hazard"] = {"error": str(err)}
    try:
        est = _estimand_comparison(episodes, by, None, durations)
        doc["relief_estimands"] = _records(est, ["strategy", "treatment", "week", "estimate", "ci_low", "ci_high",
                                                 "n", "n_patients"])
        doc["estimands"] = dict(ESTIMANDS)
    except AnalysisError as err:
        doc["relief_estimands"] = {"error": str(err)}
    return doc


# --------------------------------------------------------------------------------------------
# Subgroups (forest plot)
# --------------------------------------------------------------------------------------------
#: A numeric covariate with more distinct values than this is not split into subgroups.
MAX_SUBGROUP_LEVELS = 12


def subgroup_effects(episodes: Episodes, covariates, treatment: str, reference: str, measure: str = "RD",
                     outcome=OUTCOME_IMMEDIATE, filters: dict | None = None,
                     threshold: float | None = None) -> pd.DataFrame:
    """The treatment effect (``treatment`` vs ``reference``) within each level of each covariate,
    with the interaction p-value: does the effect differ between the levels?

    Returns
    -------
    DataFrame
        One row per covariate level, then one ``All episodes`` row: ``covariate``, ``level``,
        ``estimate`` (risk difference or ratio), ``ci_low``, ``ci_high``, ``p_value``, ``n``,
        ``n_patients``, ``interaction_p`` (same for every level of a covariate), ``measure``,
        ``outcome``, ``method``, ``note``.

    Notes
    -----
    Within a level: :func:`analysis.gee.risk_regression` of the outcome on treatment, patients as
    clusters. Interaction: the robust Wald test that the treatment x covariate coefficients are 0 in
    the model ``treatment + covariate + treatment:covariate`` (k - 1 df for k levels), on the rows
    with the covariate known. A missing covariate value is its own level "(missing)" in the
    subgroup rows and left out of the interaction test. Subgroup effects are many comparisons;
    read the interaction p-value, not whether single subgroups reach significance (Wang et al.,
    N Engl J Med 2007;357:2189-2194).
    """
    from .episodes import MISSING_LABEL
    from .gee import interaction_test

    d = episodes.definitions
    if COURSE_COLUMN in covariates:
        episodes = with_course_band(episodes)
    data = responder_data(episodes, outcome, filters, threshold)
    data = data[data["treatment"].isin([treatment, reference])]
    label = _outcome_label(outcome)
    rows = []

    def effect(sub: pd.DataFrame) -> dict:
        try:
            r = risk_regression(sub, "responder", ["treatment"], "patient_id", measure=measure,
                                reference={"treatment": reference}, conf_level=d.conf_level)
        except AnalysisError as err:
            return {"n": len(sub), "n_patients": sub["patient_id"].nunique(), "note": str(err)}
        row = r.table.iloc[0]
        return {"estimate": row["estimate"], "ci_low": row["ci_low"], "ci_high": row["ci_high"],
                "p_value": row["p_value"], "n": r.n, "n_patients": r.n_patients, "method": row["method"],
                "note": "" if r.converged else "not estimable in this subgroup"}

    for c in covariates:
        if c not in data.columns:
            raise AnalysisError(f"Cannot split by {c!r}: no such column in the episodes.")
        col = data[c]
        if not pd.api.types.is_object_dtype(col) and col.nunique() > MAX_SUBGROUP_LEVELS:
            rows.append({"covariate": c, "level": "", "note": f"more than {MAX_SUBGROUP_LEVELS} values: group it first"})
            continue
        levels = col.astype(object).where(col.notna(), MISSING_LABEL)
        # interaction test on the rows with the covariate known
        inter_p = interaction_test(data[col.notna()], "responder", c, treatment, reference, "patient_id",
                                   measure)["p_value"]
        for level in sorted(pd.unique(levels).tolist(), key=lambda v: (v == MISSING_LABEL, str(type(v)), v)):
            sub = data[(levels == level).to_numpy()]
            rows.append({"covariate": c, "level": str(level), **effect(sub), "interaction_p": inter_p})
    rows.append({"covariate": "All episodes", "level": "", **effect(data), "interaction_p": np.nan})
    cols = ["covariate", "level", "estimate", "ci_low", "ci_high", "p_value", "n", "n_patients", "interaction_p",
            "measure", "outcome", "method", "note", "conf_level"]
    out = pd.DataFrame(rows)
    out["measure"] = {"RD": "risk difference", "RR": "risk ratio", "OR": "odds ratio"}[str(measure).upper()]
    out["outcome"] = label
    out["conf_level"] = d.conf_level
    out["treatment"] = treatment
    out["reference"] = reference
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    out["note"] = out["note"].fillna("")
    return out[[*cols, "treatment", "reference"]]
