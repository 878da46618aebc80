"""Kaplan-Meier estimation and the log-rank test, following R's ``survival`` package.

:func:`kaplan_meier` reproduces ``survival::survfit(Surv(time, status) ~ 1)``: the product-limit
estimate, Greenwood's variance, pointwise intervals on the ``log-log``, ``log`` (R's default) or
``plain`` scale computed exactly as R's ``survfit_confint`` does, and the median with its interval
by R's ``quantile.survfit`` rule. When patients contribute several episodes (``clusters``), the
variance is R's cluster-robust infinitesimal-jackknife variance (``survfit(..., id=, robust=TRUE)``).
:func:`logrank` is the k-sample log-rank test of ``survival::survdiff(..., rho = 0)``.

Everything is vectorised (``np.unique``/``bincount``/``cumsum``); a million durations take a
fraction of a second.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from analysis.errors import AnalysisError

from analysis.definitions import CONF_TYPES  # one list of the options, in definitions.py
VARIANCE_GREENWOOD = "Greenwood"
VARIANCE_ROBUST = "cluster-robust (infinitesimal jackknife)"
METHOD_LOGRANK = "log-rank test (R survdiff, rho = 0)"
METHOD_ROBUST_SCORE = ("robust score (log-rank) test with patients as clusters "
                       "(R coxph(..., cluster = patient))")
TABLE_COLUMNS = ["time", "at_risk", "events", "censored", "survival", "std_err", "ci_low", "ci_high"]

#: R's ``quantile.survfit`` tolerance for "the curve equals p on a flat stretch".
QUANTILE_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MedianSurvival:
    """Median survival time with its confidence interval (R's ``quantile.survfit`` rule).

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        NaN where the curve (or the band) never reaches 0.5.
    n, events : int
        Observations and events in the curve.
    conf_level : float
    conf_type : str
        Scale of the pointwise bands from which the interval is read.
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    events: int
    conf_level: float
    conf_type: str

    def to_frame(self) -> pd.DataFrame:
        """One row: ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``events``, ``conf_level``, ``conf_type``."""
        return pd.DataFrame([{"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
                              "n": self.n, "events": self.events, "conf_level": self.conf_level,
                              "conf_type": self.conf_type}])


@dataclass(frozen=True, eq=False)
class KaplanMeierResult:
    """A fitted Kaplan-Meier curve.

    Attributes
    ----------
    table : DataFrame
        One row per distinct observed time (event or censoring), sorted: ``time``, ``at_risk``
        (number with time >= t: censored at t are still at risk at t), ``events``, ``censored``,
        ``survival``, ``std_err`` (standard error of the survival, Greenwood or cluster-robust),
        ``ci_low``, ``ci_high`` (pointwise, on the ``conf_type`` scale).
    median : MedianSurvival
    n, n_events : int
    conf_type : {"log-log", "log", "plain"}
    conf_level : float
    variance : str
        ``"Greenwood"`` or ``"cluster-robust (infinitesimal jackknife)"``.
    n_clusters : int
        Distinct clusters (patients); equal to ``n`` without clusters.
    """

    table: pd.DataFrame = field(repr=False)
    median: MedianSurvival
    n: int
    n_events: int
    conf_type: str
    conf_level: float
    variance: str
    n_clusters: int
    start_time: float = field(default=0.0, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The curve table (a copy)."""
        return self.table.copy()

    def median_table(self) -> pd.DataFrame:
        """The median as a one-row DataFrame: ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``events``, ..."""
        return self.median.to_frame()

    def survival_at(self, times) -> pd.DataFrame:
        """Survival, with its interval, at given times (step-function lookup).

        Parameters
        ----------
        times : array_like of float

        Returns
        -------
        DataFrame
            One row per requested time, in the order given: ``time``, ``estimate``, ``ci_low``,
            ``ci_high``, ``std_err``, ``at_risk`` (number with time >= t), ``n`` (observations in
            the curve).

        Notes
        -----
        As R's ``summary(fit, times=)``: the value at t is the curve's value at the last table
        time <= t; before the first table time it is the start of the curve (survival 1, standard
        error 0, interval [1, 1], as R's ``survfit0`` row). After the last observed time the curve
        is unknown: R's ``summary(..., extend=FALSE)`` drops such rows; here they are kept with NaN
        estimate and interval (``at_risk`` 0), so the output has one row per requested time.
        """
        t = np.atleast_1d(np.asarray(times, dtype=float))
        tab = self.table
        tt = tab["time"].to_numpy()
        m = len(tt)
        idx = np.searchsorted(tt, t, side="right") - 1
        safe = np.clip(idx, 0, max(m - 1, 0))

        def pick(col: str, before: float) -> np.ndarray:
            if m == 0:
                return np.full(len(t), np.nan)
            v = tab[col].to_numpy(dtype=float)[safe]
            return np.where(idx < 0, before, v)

        est, lo, hi, se = pick("survival", 1.0), pick("ci_low", 1.0), pick("ci_high", 1.0), pick("std_err", 0.0)
        j2 = np.searchsorted(tt, t, side="left")
        at_risk = np.append(tab["at_risk"].to_numpy(dtype=np.int64), 0)[j2] if m else np.zeros(len(t), np.int64)
        beyond = t > tt[-1] if m else np.ones(len(t), bool)
        for a in (est, lo, hi, se):
            a[beyond] = np.nan
        return pd.DataFrame({"time": t, "estimate": est, "ci_low": lo, "ci_high": hi, "std_err": se,
                             "at_risk": at_risk, "n": np.full(len(t), self.n, dtype=np.int64)})


@dataclass(frozen=True)
class LogrankResult:
    """Result of the k-sample log-rank test (or its cluster-robust version).

    Attributes
    ----------
    chi2 : float
        (O - E)' V^-1 (O - E) over k - 1 groups; NaN when fewer than two groups have expected
        events (e.g. no events at all).
    df : int
        Degrees of freedom, k - 1 (k = groups with expected events > 0).
    p_value : float
        Upper tail of the chi-square distribution.
    groups : tuple
        Group labels, sorted.
    observed, expected : tuple of float
        Observed and expected events per group.
    method : str
        :data:`METHOD_LOGRANK` (R ``survdiff``) or :data:`METHOD_ROBUST_SCORE` (patients
        contribute several episodes: R ``coxph(..., cluster = patient)`` robust score test).
    """

    chi2: float
    df: int
    p_value: float
    groups: tuple = field(default=(), repr=False)
    observed: tuple = field(default=(), repr=False)
    expected: tuple = field(default=(), repr=False)
    method: str = METHOD_LOGRANK

    @property
    def robust(self) -> bool:
        """True when the test accounts for patients contributing several episodes."""
        return self.method == METHOD_ROBUST_SCORE

    def to_frame(self) -> pd.DataFrame:
        """One row: ``chi2``, ``df``, ``p_value``, ``method``."""
        return pd.DataFrame([{"chi2": self.chi2, "df": self.df, "p_value": self.p_value,
                              "method": self.method}])

    def group_table(self) -> pd.DataFrame:
        """One row per group: ``group``, ``observed``, ``expected`` events."""
        return pd.DataFrame({"group": list(self.groups), "observed": list(self.observed),
                             "expected": list(self.expected)})


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _check_inputs(times, events, name: str = "kaplan_meier"):
    t = np.asarray(times, dtype=float).ravel()
    e = np.asarray(events).ravel()
    if t.shape != e.shape:
        raise AnalysisError(f"{name}: times and events must have the same length "
                            f"({t.size} times, {e.size} events).")
    if t.size and not np.isfinite(t).all():
        raise AnalysisError(f"{name}: times must be finite numbers; drop missing durations first.")
    if e.dtype != bool:
        ef = e.astype(float)
        if e.size and not ((ef == 0) | (ef == 1)).all():
            raise AnalysisError(f"{name}: events must be 1 (event) or 0 (censored), or True/False.")
        e = ef == 1
    return t, e


def _z(conf_level: float) -> float:
    conf_level = float(conf_level)
    if not 0.0 < conf_level < 1.0:
        raise AnalysisError(f"conf_level must be between 0 and 1 (e.g. 0.95), got {conf_level}.")
    return float(special.ndtri(0.5 + 0.5 * conf_level))


def _confint(surv: np.ndarray, se_log: np.ndarray, conf_type: str, z: float):
    """R's ``survfit_confint`` (ulimit=TRUE) from the survival and the standard error of log S."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * se_log * surv
            return np.maximum(surv - half, 0.0), np.minimum(surv + half, 1.0)
        if conf_type == "log":
            xx = np.where(surv == 0, np.nan, surv)
            lx = np.log(xx)
            return np.exp(lx - z * se_log), np.minimum(np.exp(lx + z * se_log), 1.0)
        # log-log: R returns NA where S is 0 or 1.
        xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
        lx = np.log(xx)
        se2 = z * se_log / lx
        loglog = np.log(-lx)
        return np.exp(-np.exp(loglog - se2)), np.exp(-np.exp(loglog + se2))


def _quantile_time(x: np.ndarray, surv: np.ndarray, p: float, tol: float = QUANTILE_TOLERANCE) -> float:
    """R's ``findq`` (``quantile.survfit``): the time at which a survival curve reaches 1 - p.

    ``x`` holds the curve's start time followed by its table times, ``surv`` the matching values
    (1 at the start). The quantile is the first time where the cumulative distribution 1 - S
    reaches p; when 1 - S equals p (within ``tol``) on a flat stretch it is the midpoint between
    that time and the next drop, or, when the flat is the end of the curve, between that time
    and the last observed time. NaN where the curve never gets there. Bands may be
    non-monotone and contain NaN; like R, duplicated values are dropped (keeping the first),
    NaN values are ignored, and "first" means the smallest value of 1 - S that is >= p - tol.
    """
    y = 1.0 - surv
    if not np.isfinite(y).any() or np.nanmax(y) < p:
        return np.nan
    xmax = x[-1]
    valid = ~np.isnan(y)
    yv = y[valid]
    if np.all(yv[1:] >= yv[:-1]):
        # Monotone (always so for the estimate): duplicates are runs, found in O(m).
        keep = np.zeros(y.size, dtype=bool)
        keep[np.flatnonzero(valid)[np.concatenate([[True], yv[1:] != yv[:-1]])]] = True
        nan_at = np.flatnonzero(~valid)
        if nan_at.size:
            keep[nan_at[0]] = True
    else:
        _, first = np.unique(y, return_index=True)  # NaNs collapse to one, like R's duplicated()
        keep = np.zeros(y.size, dtype=bool)
        keep[first] = True
    x, y = x[keep], y[keep]
    ok = np.flatnonzero(~np.isnan(y))
    yv = y[ok]

    def lookup(shift: float) -> int:
        xs = yv + shift
        if p < xs.min() or p > xs.max():
            return -1
        return int(ok[np.argmin(np.where(xs >= p, xs, np.inf))])

    i1, i2 = lookup(tol), lookup(-tol)
    if i1 < 0:
        return np.nan
    if not np.isnan(y[-1]) and abs(p - y[-1]) < tol:
        return float((x[i1] + xmax) / 2)
    if i2 < 0:
        return np.nan
    return float((x[i1] + x[i2]) / 2)


def _distinct_times(t: np.ndarray, ev: np.ndarray, need_index: bool):
    """Sorted distinct times, observations and events at each, and (optionally) each row's time index.

    Few distinct times (e.g. whole days): hash the values (``pd.factorize``, O(n)) and sort only
    the distinct ones. Mostly distinct times: sort. A small sample decides which is cheaper;
    both give identical results.
    """
    sample = t[: 20_000]
    if need_index or np.unique(sample).size <= 0.5 * sample.size:
        codes, uniques = pd.factorize(t, sort=False)
        order = np.argsort(uniques, kind="stable")
        uniq = uniques[order]
        n_at = np.bincount(codes, minlength=uniques.size)[order]
        d = np.bincount(codes, weights=ev, minlength=uniques.size)[order]
        if not need_index:
            return uniq, n_at, d, None
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return uniq, n_at, d, rank[codes]
    uniq, n_at = np.unique(t, return_counts=True)
    ev_times, ev_counts = np.unique(t[ev], return_counts=True)
    d = np.zeros(uniq.size)
    d[np.searchsorted(uniq, ev_times)] = ev_counts
    return uniq, n_at, d, None


def _robust_sumsq(k_idx: np.ndarray, ev: np.ndarray, ccode: np.ndarray, n_clusters: int,
                  at_risk: np.ndarray, d: np.ndarray) -> np.ndarray:
    """sum_g (sum_{i in g} U_i(t) / S(t))^2 at every table time, in O(n log n).

    U_i(t) = dS(t)/dw_i is the infinitesimal-jackknife influence of case weight w_i on the
    product-limit estimate (the derivative of prod_j (1 - d_j/Y_j) at w = 1):

        U_i(t) / S(t) = C(min(t, T_i)) - delta_i 1(T_i <= t) / (Y(T_i) - d(T_i)),
        C(s) = sum_{t_j <= s} d_j / (Y_j (Y_j - d_j)).

    For cluster g, B_g(t) = sum_{i in g} U_i/S = C(t) R_g(t) + F_g(t), with R_g(t) the members
    still at risk after t and F_g(t) the sum of f_i = C(T_i) - delta_i/(Y(T_i) - d(T_i)) over
    members with T_i <= t. So sum_g B_g^2 = C^2 sum R_g^2 + 2 C sum R_g F_g + sum F_g^2, and the
    three sums change only when a member leaves: their changes are accumulated in time order
    (within-cluster ranks and cumulative sums), then summed per time and cumulated.
    """
    m = len(at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        alive = at_risk > d                       # where Y == d, S drops to 0 and U is 0
        g = np.where(alive, d / (at_risk * (at_risk - d)), 0.0)
        e = np.where(alive, 1.0 / (at_risk - d), 0.0)
    C = np.cumsum(g)
    f = C[k_idx] - ev * e[k_idx]
    order = np.lexsort((k_idx, ccode))            # by cluster, then time
    cs, ks, fs = ccode[order], k_idx[order], f[order]
    size = np.bincount(ccode, minlength=n_clusters)
    start = np.cumsum(size) - size
    rank = np.arange(len(cs)) - start[cs]
    r_before = (size[cs] - rank).astype(float)
    f_after = pd.Series(fs).groupby(cs, sort=False).cumsum().to_numpy()
    f_before = f_after - fs
    d_a = 1.0 - 2.0 * r_before                    # (r-1)^2 - r^2
    d_rf = (r_before - 1.0) * f_after - r_before * f_before
    d_ff = fs * (f_after + f_before)              # F_after^2 - F_before^2
    a = float(np.sum(size.astype(float) ** 2)) + np.cumsum(np.bincount(ks, weights=d_a, minlength=m))
    rf = np.cumsum(np.bincount(ks, weights=d_rf, minlength=m))
    ff = np.cumsum(np.bincount(ks, weights=d_ff, minlength=m))
    return np.maximum(C * C * a + 2.0 * C * rf + ff, 0.0)


def cluster_labels(clusters) -> pd.Series:
    """The cluster (patient) of each observation as a Series to factorize: numbers stay numbers
    (hashed as such, much faster than as Python objects), anything else becomes Python objects, so
    1 and "1" stay two clusters."""
    if isinstance(clusters, pd.Series):
        return pd.Series(clusters.to_numpy())
    values = np.asarray(clusters)
    if values.dtype.kind not in "biuf":
        values = np.asarray(clusters, dtype=object)
    return pd.Series(values.ravel())


def _carry_forward_without_events(values: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``values`` at event times (d > 0), repeated unchanged over the censoring-only times that
    follow them; 0 before the first event."""
    idx = np.where(d > 0, np.arange(d.size), -1)
    last = np.maximum.accumulate(idx) if d.size else idx
    return np.where(last >= 0, values[np.maximum(last, 0)], 0.0)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def kaplan_meier(times, events, conf_type: str = "log-log", conf_level: float = 0.95,
                 clusters=None) -> KaplanMeierResult:
    """Kaplan-Meier survival curve with pointwise intervals and the median, as R's ``survfit``.

    Parameters
    ----------
    times : array_like of float
        Follow-up times (finite).
    events : array_like of {0, 1} or bool
        1/True = event at that time, 0/False = censored at that time.
    conf_type : {"log-log", "log", "plain"}, default "log-log"
        Scale of the pointwise intervals (R's ``conf.type``; R's own default is ``"log"``).
    conf_level : float, default 0.95
    clusters : array_like, optional
        Cluster (patient) of each observation. When some cluster has more than one observation
        the variance is the cluster-robust infinitesimal jackknife; otherwise Greenwood's.

    Returns
    -------
    KaplanMeierResult
        ``.table`` (one row per distinct time), ``.median``, ``.median_table()``,
        ``.survival_at(times)``, ``.n``, ``.n_events``, ``.conf_type``, ``.conf_level``,
        ``.variance``, ``.n_clusters``. With no observations the table is empty and the median NaN.

    Notes
    -----
    *Estimate.* S(t) = prod_{t_j <= t} (Y_j - d_j)/Y_j with Y_j the number with time >= t_j
    (observations censored at t_j are at risk at t_j) and d_j the events at t_j.

    *Greenwood variance.* var(log S(t)) = sum_{t_j <= t} d_j / (Y_j (Y_j - d_j)); ``std_err`` is
    S(t) times its square root (as R's ``summary.survfit``); NaN where S = 0.

    *Intervals* (R's ``survfit_confint``), with z = z_{1-alpha/2} and se = se(log S):

    * ``log``: exp(log S -/+ z se), upper bound capped at 1; NaN where S = 0.
    * ``log-log``: S^exp(+/- z se / log S), i.e. exp(-exp(log(-log S) -/+ z se/log S)) (the
      "exponential Greenwood" interval of lifelines and scipy's ``method="log-log"``); NaN where
      S = 0 and where S = 1 (before the first event), as R returns NA there.
    * ``plain``: S -/+ z S se, clipped to [0, 1]; NaN where S = 0 under Greenwood.

    *Median* (R's ``print.survfit`` / ``quantile.survfit``): the first time where S <= 0.5; when
    S equals 0.5 within sqrt(machine epsilon) on a flat stretch, the midpoint between the start of
    that stretch and the next event time (or the last observed time if the curve ends on it).
    The interval bounds are the same rule applied to the lower and the upper band; NaN where a
    band never reaches 0.5 (an unbounded limit).

    *Clustered episodes.* With ``clusters`` and some cluster holding several observations, the
    variance is V(t) = sum_g (sum_{i in g} U_i(t))^2 where U_i(t) = dS(t)/dw_i is the
    infinitesimal-jackknife influence of observation i (derivative of the weighted product-limit
    estimate with respect to its case weight), as R's ``survfit(..., id=, robust=TRUE)``
    (Therneau, survival package vignette "survfitKM"; Lin & Wei 1989). The intervals use
    se(log S) = sqrt(V)/S on the chosen scale. Unlike R, which switches to the robust variance
    whenever ``cluster()`` is given, clusters of one observation each keep Greenwood's variance.

    References
    ----------
    E. L. Kaplan, P. Meier, JASA 53 (1958) 457-481. M. Greenwood, Reports on Public Health and
    Medical Subjects 33 (1926). J. P. Klein, M. L. Moeschberger, Survival Analysis (2003),
    sec. 4.3. T. M. Therneau, survival: A Package for Survival Analysis in R.
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisError(f"conf_type must be one of {CONF_TYPES}, got {conf_type!r}.")
    z = _z(conf_level)
    t, ev = _check_inputs(times, events)
    n = t.size
    n_events = int(np.count_nonzero(ev))

    if clusters is not None:
        cl = pd.Series(np.asarray(clusters).ravel() if not isinstance(clusters, pd.Series) else clusters.to_numpy())
        if len(cl) != n:
            raise AnalysisError(f"kaplan_meier: clusters must have one value per observation "
                                f"({len(cl)} clusters, {n} times).")
        if cl.isna().any():
            raise AnalysisError("kaplan_meier: clusters has missing values; give every observation "
                                "its patient identifier.")
        ccode, uniques = pd.factorize(cl, sort=False)
        n_clusters = len(uniques)
        robust = n_clusters < n
    else:
        ccode, n_clusters, robust = None, n, False

    if n == 0:
        table = pd.DataFrame({c: np.array([], dtype=np.int64 if c in ("at_risk", "events", "censored")
                                           else float) for c in TABLE_COLUMNS})
        median = MedianSurvival(np.nan, np.nan, np.nan, 0, 0, float(conf_level), conf_type)
        return KaplanMeierResult(table, median, 0, 0, conf_type, float(conf_level),
                                 VARIANCE_GREENWOOD, 0)

    uniq, n_at, d, k_idx = _distinct_times(t, ev, need_index=robust)
    at_risk = n - (np.cumsum(n_at) - n_at)
    y = at_risk.astype(float)
    surv = np.cumprod((y - d) / y)

    with np.errstate(divide="ignore", invalid="ignore"):
        if robust:
            sumsq = _robust_sumsq(k_idx, ev.astype(float), ccode.astype(np.int64), n_clusters, y, d)
            # Without an event the influence sums do not change (C(t) is flat and a censored member
            # leaving keeps C R_g + F_g), so the variance is carried forward exactly, as R does;
            # the expanded square would leave rounding noise (~1e-9) that breaks R's ties of the
            # bands in the median-limit rule.
            sumsq = _carry_forward_without_events(sumsq, d)
            std_err = np.where(surv > 0, surv * np.sqrt(sumsq), 0.0)
            se_log = np.where(std_err == 0, 0.0, std_err / surv)
            variance = VARIANCE_ROBUST
        else:
            se_log = np.sqrt(np.cumsum(d / (y * (y - d))))
            std_err = surv * se_log
            variance = VARIANCE_GREENWOOD
    low, high = _confint(surv, se_log, conf_type, z)

    table = pd.DataFrame({"time": uniq, "at_risk": at_risk.astype(np.int64),
                          "events": d.astype(np.int64), "censored": (n_at - d).astype(np.int64),
                          "survival": surv, "std_err": std_err, "ci_low": low, "ci_high": high})

    start = min(0.0, float(uniq[0]))
    x = np.concatenate([[start], uniq])
    one = np.ones(1)
    median = MedianSurvival(
        estimate=_quantile_time(x, np.concatenate([one, surv]), 0.5),
        ci_low=_quantile_time(x, np.concatenate([one, low]), 0.5),
        ci_high=_quantile_time(x, np.concatenate([one, high]), 0.5),
        n=n, events=n_events, conf_level=float(conf_level), conf_type=conf_type)
    return KaplanMeierResult(table, median, n, n_events, conf_type, float(conf_level), variance,
                             int(n_clusters), start)


def logrank(times, events, groups, clusters=None) -> LogrankResult:
    """k-sample log-rank test, as R's ``survdiff(Surv(time, status) ~ group)`` (rho = 0), made
    robust to patients contributing several episodes.

    Parameters
    ----------
    times : array_like of float
    events : array_like of {0, 1} or bool
    groups : array_like
        Group label of each observation (at least two distinct labels; missing labels are an error).
    clusters : array_like, optional
        Patient of each observation. When some patient contributes more than one observation, the
        test is the robust score test (see Notes); otherwise (or without ``clusters``) survdiff's.

    Returns
    -------
    LogrankResult
        ``chi2``, ``df``, ``p_value``, ``method`` (+ ``to_frame()``, ``group_table()``).

    Raises
    ------
    AnalysisError
        Fewer than two groups, or inputs of different lengths.

    Notes
    -----
    At each distinct event time t_j with Y_j at risk (Y_kj in group k) and d_j events, the
    expected events in group k are d_j Y_kj / Y_j; O - E sums observed minus expected over times.
    The hypergeometric covariance is V_kl = sum_j d_j (Y_j - d_j)/(Y_j - 1) (Y_kj/Y_j)
    (delta_kl - Y_lj/Y_j). With k groups having expected events > 0, chi2 = (O - E)' V^-1 (O - E)
    over the last k - 1 of them (dropping the first, as R does), on k - 1 degrees of freedom.
    For two groups chi2 equals ``scipy.stats.logrank(...).statistic ** 2`` and lifelines'
    ``logrank_test``.

    *Clustered episodes.* Episodes of one patient are not independent, and the log-rank variance
    then understates the noise. With k - 1 group indicators (first group the reference) the score
    of the Cox model at beta = 0 (Efron ties) is summed per patient, U_g, and the statistic is
    u' (sum_g U_g U_g')^-1 u with u = sum_g U_g, on k - 1 df: R's robust score test,
    ``coxph(Surv(time, event) ~ group, cluster = patient)$rscore`` ("Robust" line of
    ``summary``). Observed and expected events are still the log-rank ones.

    References
    ----------
    N. Mantel, Cancer Chemother Rep 50 (1966) 163-170. R. Peto, J. Peto, JRSS A 135 (1972)
    185-207. T. M. Therneau, survival package, ``survdiff``. D. Y. Lin, L. J. Wei, JASA 84
    (1989) 1074-1078 (robust score test).
    """
    t, ev = _check_inputs(times, events, name="logrank")
    grp = pd.Series(np.asarray(groups, dtype=object).ravel() if not isinstance(groups, pd.Series)
                    else groups.to_numpy())
    if len(grp) != t.size:
        raise AnalysisError(f"logrank: groups must have one label per observation "
                            f"({len(grp)} labels, {t.size} times).")
    if grp.isna().any():
        raise AnalysisError("logrank: some group labels are missing; drop those rows or label them.")
    codes, labels = pd.factorize(grp, sort=True)
    k = len(labels)
    if k < 2:
        raise AnalysisError(f"logrank needs at least two groups to compare; got {k} "
                            f"({', '.join(map(str, labels)) or 'no data'}).")
    uniq, tidx = np.unique(t, return_inverse=True)
    m = uniq.size
    cell = tidx.ravel().astype(np.int64) * k + codes
    counts = np.bincount(cell, minlength=m * k).reshape(m, k)
    dk = np.bincount(cell, weights=ev, minlength=m * k).reshape(m, k)
    d = dk.sum(axis=1)
    keep = d > 0
    yk = np.cumsum(counts[::-1], axis=0)[::-1][keep].astype(float)
    dk, d = dk[keep], d[keep]
    y = yk.sum(axis=1)
    frac = yk / y[:, None]
    observed = dk.sum(axis=0)
    expected = (frac * d[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(y > 1, d * (y - d) / (y - 1), 0.0)
    var = np.diag((w[:, None] * frac).sum(axis=0)) - (frac * w[:, None]).T @ frac
    used = np.flatnonzero(expected > 0)
    df = used.size - 1
    if df < 1:
        chi2, p = np.nan, np.nan
    else:
        sub = used[1:]
        diff = (observed - expected)[sub]
        vv = var[np.ix_(sub, sub)]
        try:
            chi2 = float(diff @ np.linalg.solve(vv, diff))
        except np.linalg.LinAlgError:
            chi2 = float(diff @ np.linalg.pinv(vv) @ diff)
        # chi-square upper tail; equals scipy.stats.chi2.sf without importing scipy.stats (~1 s at start-up)
        p = float(special.chdtrc(df, chi2))
    method = METHOD_LOGRANK
    if clusters is not None and df >= 1:
        cl = cluster_labels(clusters)
        if len(cl) != t.size:
            raise AnalysisError(f"logrank: clusters must have one value per observation "
                                f"({len(cl)} clusters, {t.size} times).")
        if cl.isna().any():
            raise AnalysisError("logrank: clusters has missing values; give every observation its "
                                "patient identifier.")
        ccode = pd.factorize(cl, sort=False)[0]
        if ccode.max() + 1 < t.size:
            from .cox import robust_score_test  # the Cox engine, only where patients repeat

            x = (codes[:, None] == np.arange(1, k)[None, :]).astype(float)
            chi2, rdf = robust_score_test(t, ev, x, ccode)
            df = rdf
            p = float(special.chdtrc(df, chi2)) if df >= 1 else np.nan
            method = METHOD_ROBUST_SCORE
    return LogrankResult(chi2=chi2, df=int(max(df, 0)), p_value=p, groups=tuple(labels.tolist()),
                         observed=tuple(observed.tolist()), expected=tuple(expected.tolist()), method=method)
