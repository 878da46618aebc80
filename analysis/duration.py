"""Relief duration (time to loss of relief) and time to symptom spread, as Kaplan-Meier curves.

**Relief duration.** Among immediate responders at threshold T (immediate relief >= T), the event is
the first follow-up score with relief < T, at time ``day - start``; an episode without such a score
is censored at its last follow-up score. With ``retreatment_is_event`` the next treatment start
(within the follow-up window) also counts as loss of relief ("time to re-treatment"): boosters are
usually given when relief fades, so censoring there is informative and flatters the curve.

**Time to spread.** For ``regions_affected``: the event is the first follow-up score above the
episode's baseline count; censored at the last follow-up score.

Kaplan-Meier with Greenwood variance (or the patient-level cluster-robust variance when patients
contribute several episodes to a group), pointwise intervals on the scale of
``definitions.km_conf_type``; median with R ``survival``'s interval rule; groups compared with the
log-rank test (R ``survdiff``, rho = 0), or, when a patient contributes several episodes to the
comparison, its robust version (R ``coxph(..., cluster = patient)`` robust score test). See
analysis/survival.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .episodes import Episodes, falls_below, reaches
from .errors import AnalysisError
from .relief import DEFAULT_BY, select
from .survival import LogrankResult, kaplan_meier, logrank


@dataclass(frozen=True)
class SurvivalByGroup:
    """Kaplan-Meier curves for each group, plus the log-rank comparison.

    Attributes
    ----------
    by : tuple of str
        Grouping columns.
    data : DataFrame
        One row per episode in the curves: ``episode_id``, ``patient_id``, group columns,
        ``time`` (days), ``event`` (1 = event, 0 = censored).
    fits : dict
        Group key (tuple of labels) -> KaplanMeierResult.
    logrank : LogrankResult or None
        None with fewer than two non-empty groups.
    group_rows : dict, optional
        Group key -> positions of its rows in ``data`` (from the grouping that made the fits), so
        that per-group tables do not compare every row with the key again.
    """

    by: tuple
    data: pd.DataFrame = field(repr=False)
    fits: dict = field(repr=False)
    logrank: LogrankResult | None
    conf_level: float = 0.95
    group_rows: dict | None = field(default=None, repr=False, compare=False)
    #: The strategy for re-treatment in words (ICH E9(R1)); empty where it does not apply.
    estimand: str = ""

    def _stack(self, frames: dict) -> pd.DataFrame:
        parts = []
        for key, df in frames.items():
            df = df.copy()
            for col, val in zip(self.by, key):
                df.insert(list(self.by).index(col), col, val)
            parts.append(df)
        if not parts:
            return pd.DataFrame(columns=list(self.by))
        return pd.concat(parts, ignore_index=True)

    def curves(self) -> pd.DataFrame:
        """Group columns, ``time``, ``at_risk``, ``events``, ``censored``, ``estimate`` (= survival),
        ``std_err``, ``ci_low``, ``ci_high``, ``n``; a row at time 0 with survival 1 leads each curve."""
        frames = {}
        for key, fit in self.fits.items():
            tab = fit.table.rename(columns={"survival": "estimate"})
            start = pd.DataFrame({"time": [0.0], "at_risk": [fit.n], "events": [0], "censored": [0],
                                  "estimate": [1.0], "std_err": [0.0], "ci_low": [1.0], "ci_high": [1.0]})
            tab = pd.concat([start, tab[start.columns]], ignore_index=True)
            tab["n"] = fit.n
            frames[key] = tab
        return self._stack(frames)

    def medians(self) -> pd.DataFrame:
        """Median time (days) per group with its interval; NaN where unbounded or not reached."""
        frames = {}
        for key, fit in self.fits.items():
            m = fit.median
            frames[key] = pd.DataFrame({"estimate": [m.estimate], "ci_low": [m.ci_low], "ci_high": [m.ci_high],
                                        "n": [fit.n], "events": [fit.n_events],
                                        "n_patients": [self._n_patients(key)]})
        return self._stack(frames)

    def survival_at(self, days) -> pd.DataFrame:
        """Survival at the given days per group (NaN beyond the last observed time)."""
        frames = {}
        for key, fit in self.fits.items():
            s = fit.survival_at(np.asarray(days, dtype=float))
            s["n_patients"] = self._n_patients(key)
            frames[key] = s
        return self._stack(frames)

    def at_risk(self, days) -> pd.DataFrame:
        """Number at risk at the given days per group (for the table under a KM plot)."""
        days = np.asarray(days, dtype=float)
        frames = {}
        for key in self.fits:
            sub = self._group_rows(key)
            t = np.sort(sub["time"].to_numpy())
            frames[key] = pd.DataFrame({"time": days, "at_risk": len(t) - np.searchsorted(t, days, side="left")})
        return self._stack(frames)

    def _group_rows(self, key) -> pd.DataFrame:
        if not self.by:
            return self.data
        if self.group_rows is not None and key in self.group_rows:
            return self.data.iloc[self.group_rows[key]]
        mask = np.ones(len(self.data), dtype=bool)
        for col, val in zip(self.by, key):
            mask &= (self.data[col] == val).to_numpy()
        return self.data[mask]

    def _n_patients(self, key) -> int:
        return int(self._group_rows(key)["patient_id"].nunique())

    def logrank_among(self, keys) -> LogrankResult | None:
        """The log-rank test over the groups ``keys`` only (those a figure or table shows).

        When small groups are hidden, the test over all groups would compare curves the reader
        cannot see; the dashboard, the export and the figure all print this one instead. Same
        test as :attr:`logrank` (robust score test where patients repeat), on the rows of ``keys``.
        None with fewer than two groups.
        """
        keys = [tuple(k) for k in keys if tuple(k) in self.fits]
        if len(keys) < 2 or not self.by:
            return None
        if len(keys) == len(self.fits):
            return self.logrank
        shown = pd.concat([self._group_rows(k) for k in keys]).sort_index()
        return _logrank_between_groups(shown.reset_index(drop=True), self.by)


def _logrank_between_groups(data: pd.DataFrame, by) -> LogrankResult:
    """Log-rank test between the groups of ``by`` in ``data`` (robust where patients repeat)."""
    cols = data[list(by)].astype(str)
    labels = cols.iloc[:, 0]
    for c in range(1, cols.shape[1]):
        labels = labels + " / " + cols.iloc[:, c]
    return logrank(data["time"].to_numpy(float), data["event"].to_numpy(int), labels.to_numpy(dtype=object),
                   clusters=data["patient_id"].to_numpy())


def km_by_group(data: pd.DataFrame, by, conf_type: str = "log-log", conf_level: float = 0.95,
                logrank: bool = True) -> SurvivalByGroup:
    """Kaplan-Meier per group of ``data`` (columns ``time``, ``event``, ``patient_id``, group columns).

    Patients with several episodes in a group make the variance cluster-robust (patient clusters).
    ``logrank=False`` leaves out the log-rank test (``.logrank`` is None): for callers that use the
    curves only, since at registry scale the robust test costs about as much as the curves.
    """
    by = tuple(by)
    fits = {}
    rows = {}
    if len(data):
        if by:
            groups = data.groupby(list(by), sort=True, observed=True).indices
        else:
            groups = {(): np.arange(len(data))}
        for key, idx in groups.items():
            key = key if isinstance(key, tuple) else (key,)
            rows[key] = idx
            sub = data.iloc[idx]
            fits[key] = kaplan_meier(sub["time"].to_numpy(float), sub["event"].to_numpy(int),
                                     conf_type=conf_type, conf_level=conf_level,
                                     clusters=sub["patient_id"].to_numpy())
    lr = _logrank_between_groups(data, by) if logrank and by and len(fits) >= 2 else None
    return SurvivalByGroup(by=by, data=data, fits=fits, logrank=lr, conf_level=conf_level, group_rows=rows)


def relief_duration_data(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                         threshold: float | None = None, selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Episode-level durations: immediate responders, their time to loss of relief and event flag.

    ``selected``: :func:`analysis.relief.select` of the same episodes, grouping and filters, when
    already computed."""
    d = episodes.definitions
    thr = d.threshold if threshold is None else float(threshold)
    t = select(episodes, by, filters) if selected is None else selected
    t = t[reaches(t["immediate_relief_pct"], thr)]
    fu = episodes.followup
    # The follow-up's arrays only (filtering the whole table copied its object column).
    eid = fu["episode_id"].to_numpy()
    lost = np.isin(eid, t["episode_id"].to_numpy()) & falls_below(fu["relief_pct"], thr)
    loss = pd.Series(fu["t"].to_numpy()[lost]).groupby(eid[lost], sort=False).min()
    loss_t = t["episode_id"].map(loss)
    event = loss_t.notna()
    time = loss_t.where(event, t["last_followup_t"])
    if d.retreatment_is_event:
        retreated = ~event & t["next_t"].notna() & (t["next_t"] <= d.max_followup_days)
        time = time.where(~retreated, t["next_t"])
        event = event | retreated
    out = t[["episode_id", "patient_id", *list(by)]].copy()
    out["time"] = time.to_numpy(float)
    out["event"] = event.to_numpy().astype(int)
    return out.reset_index(drop=True)


def relief_duration(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                    threshold: float | None = None, selected: pd.DataFrame | None = None,
                    logrank: bool = True) -> SurvivalByGroup:
    """Kaplan-Meier of time to loss of relief among immediate responders, per group.

    Parameters
    ----------
    episodes : Episodes
        Built for the pain measure or any other (relief in the measure's direction: analysis.measures).
    by : sequence of str
        Grouping columns (treatment and/or covariates).
    filters : dict, optional
        See :func:`analysis.episodes.apply_filters`.
    threshold : float, optional
        Responder threshold in %, default ``definitions.threshold``.
    selected : DataFrame, optional
        :func:`analysis.relief.select` of the same episodes, grouping and filters, when already computed.
    logrank : bool
        False: no log-rank test (``.logrank`` is None), for callers that use the curves only.

    Returns
    -------
    SurvivalByGroup
        ``.curves()``, ``.medians()``, ``.survival_at(days)``, ``.at_risk(days)``, ``.logrank``,
        ``.estimand`` (the strategy for re-treatment, in words).
    """
    d = episodes.definitions
    data = relief_duration_data(episodes, by, filters, threshold, selected=selected)
    return replace(km_by_group(data, by, d.km_conf_type, d.conf_level, logrank), estimand=relief_estimand(d))


#: ICH E9(R1) strategies for re-treatment (a booster) during relief, in words.
ESTIMAND_CENSORED = ("While relieved, censored at re-treatment: relief is followed until it is lost; an "
                     "episode re-treated first is censored there (ICH E9(R1) hypothetical strategy: as if no "
                     "re-treatment, assuming re-treatment says nothing about relief)")
ESTIMAND_COMPOSITE = ("Composite: re-treatment counts as loss of relief (ICH E9(R1) composite strategy; "
                      "time to loss of relief or re-treatment, whichever comes first)")
ESTIMAND_COMPETING = ("Competing risks: loss of relief, with re-treatment before loss as a competing event "
                      "(ICH E9(R1) while-on-treatment strategy; Aalen-Johansen cumulative incidence)")


def relief_estimand(definitions) -> str:
    """The estimand of :func:`relief_duration` under these definitions, in words."""
    return ESTIMAND_COMPOSITE if definitions.retreatment_is_event else ESTIMAND_CENSORED


def time_to_increase_data(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                          selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Episode-level time to the first follow-up score above baseline (e.g. spread of regions).

    ``selected``: :func:`analysis.relief.select` of the same episodes, grouping and filters, when
    already computed."""
    t = select(episodes, by, filters) if selected is None else selected
    fu = episodes.followup
    # The follow-up's arrays only (filtering the whole table copied its object column); each score's
    # episode baseline by position.
    eid = fu["episode_id"].to_numpy()
    pos = pd.Index(t["episode_id"].to_numpy()).get_indexer(eid)
    mine = pos >= 0
    up = np.zeros(len(eid), dtype=bool)
    up[mine] = fu["value"].to_numpy()[mine] > t["baseline"].to_numpy()[pos[mine]]
    first_up = pd.Series(fu["t"].to_numpy()[up]).groupby(eid[up], sort=False).min()
    up_t = t["episode_id"].map(first_up)
    event = up_t.notna()
    out = t[["episode_id", "patient_id", *list(by)]].copy()
    out["time"] = up_t.where(event, t["last_followup_t"]).to_numpy(float)
    out["event"] = event.to_numpy().astype(int)
    # Episodes with no follow-up at all carry no information on the event.
    return out[np.isfinite(out["time"])].reset_index(drop=True)


def time_to_spread(episodes: Episodes, by=DEFAULT_BY, filters: dict | None = None,
                   selected: pd.DataFrame | None = None) -> SurvivalByGroup:
    """Kaplan-Meier of time to CRPS spread: first ``regions_affected`` above the episode's baseline.

    ``selected``: as in :func:`time_to_increase_data`."""
    d = episodes.definitions
    if d.measure != "regions_affected":
        raise AnalysisError("time_to_spread needs episodes built for the measure 'regions_affected'.")
    return km_by_group(time_to_increase_data(episodes, by, filters, selected=selected), by, d.km_conf_type,
                       d.conf_level)
