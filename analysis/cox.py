"""Cox proportional hazards regression, as R's ``survival::coxph`` (Efron ties).

:func:`cox_regression` fits ``coxph(Surv(time, event) ~ covariates [+ strata(s)], cluster = patient)``
and returns a tidy table of hazard ratios with Wald intervals (model-based variance, or the
cluster-robust sandwich variance of Lin & Wei when patients contribute several rows) and the
proportional-hazards check of R's ``cox.zph`` (score test on scaled Schoenfeld residuals against
the Kaplan-Meier transform of time). :func:`robust_score_test` is R's ``coxph(...)$rscore``: the
log-rank test made robust to patients contributing several episodes (used by
:func:`analysis.survival.logrank`).

The computation works on the distinct (stratum, time) pairs: sums over the risk set are reversed
cumulative sums, the Efron correction for tied events is a loop over the tie position (at most
the largest number of tied events), so nothing loops over rows or patients.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from .errors import AnalysisError

#: Newton-Raphson stops when the relative change of the log partial likelihood is below this
#: (R's ``coxph.control(eps = 1e-9)``); we go on to 1e-12 so the result is R's to well within 1e-6.
LOGLIK_TOLERANCE = 1e-12
MAX_ITERATIONS = 50
METHOD_MODEL = "Cox proportional hazards (Efron ties), model-based variance"
METHOD_ROBUST = "Cox proportional hazards (Efron ties), cluster-robust variance (patients as clusters)"


# --------------------------------------------------------------------------------------------
# Risk-set sums on distinct (stratum, time) pairs
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Design:
    """Rows sorted by stratum then time, with the distinct (stratum, time) keys."""

    x: np.ndarray          # n x p, centred
    event: np.ndarray      # n, bool
    key: np.ndarray        # n, index of the row's (stratum, time) key
    key_end: np.ndarray    # K, exclusive end key of the key's stratum
    key_time: np.ndarray   # K
    order: np.ndarray      # sorted position -> original row
    means: np.ndarray      # p


def _design(time, event, x, strata=None) -> _Design:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    x = np.asarray(x, dtype=float).reshape(len(time), -1)
    s = np.zeros(len(time), np.int64) if strata is None else pd.factorize(np.asarray(strata), sort=True)[0]
    order = np.lexsort((time, s))
    ts, ss = time[order], s[order]
    new = np.ones(len(ts), dtype=bool)
    new[1:] = (ts[1:] != ts[:-1]) | (ss[1:] != ss[:-1])
    key = np.cumsum(new) - 1
    key_strat = ss[new]
    k = key_strat.size
    # the stratum of each key ends where the next stratum's first key is
    strat_start = np.flatnonzero(np.r_[True, key_strat[1:] != key_strat[:-1]])
    strat_end = np.r_[strat_start[1:], k]
    key_end = np.repeat(strat_end, np.diff(np.r_[strat_start, k]))
    means = x.mean(axis=0) if len(x) else np.zeros(x.shape[1])
    return _Design(x=x[order] - means, event=event[order], key=key, key_end=key_end, key_time=ts[new],
                   order=order, means=means)


def _by_key(values: np.ndarray, key: np.ndarray, k: int) -> np.ndarray:
    """Sum of ``values`` (rows first axis) per key."""
    flat = values.reshape(len(values), -1)
    out = np.zeros((k, flat.shape[1]))
    np.add.at(out, key, flat)
    return out.reshape((k,) + values.shape[1:])


def _rev_cumsum_within(values: np.ndarray, key_end: np.ndarray) -> np.ndarray:
    """For each key, the sum over the keys from it to the end of its stratum (the risk set)."""
    rc = np.cumsum(values[::-1], axis=0)[::-1]
    pad = np.concatenate([rc, np.zeros((1,) + values.shape[1:])], axis=0)
    return rc - pad[key_end]


def _cumsum_within(values: np.ndarray, key_end: np.ndarray) -> np.ndarray:
    """For each key, the sum over the keys from the start of its stratum up to it."""
    c = np.cumsum(values, axis=0)
    ends = np.unique(key_end)
    starts = np.r_[0, ends[:-1]]
    start = np.repeat(starts, ends - starts)
    pad = np.concatenate([np.zeros((1,) + values.shape[1:]), c], axis=0)
    return c - pad[start]


@dataclass(frozen=True, eq=False)
class _Efron:
    loglik: float
    score: np.ndarray            # p
    information: np.ndarray      # p x p
    time_score: np.ndarray       # K x p: each key's contribution to the score (sum of Schoenfeld residuals)
    time_info: np.ndarray        # K x p x p: each key's contribution to the information
    deaths: np.ndarray           # K
    h: np.ndarray = field(repr=False)       # sum_l 1/D_l
    hx: np.ndarray = field(repr=False)      # sum_l xbar_l/D_l
    c: np.ndarray = field(repr=False)       # sum_l (l/d)/D_l
    cx: np.ndarray = field(repr=False)      # sum_l (l/d) xbar_l/D_l
    mx: np.ndarray = field(repr=False)      # mean over l of xbar_l


def _efron(beta: np.ndarray, des: _Design, need_time_terms: bool = False) -> _Efron:
    """Log partial likelihood, score and information (Efron 1977) at ``beta``.

    At a time with d tied events, risk-set sums S0, S1, S2 and event sums S0D, S1D, S2D, the
    Efron approximation uses for l = 0..d-1: D_l = S0 - (l/d) S0D, A_l = S1 - (l/d) S1D,
    B_l = S2 - (l/d) S2D; loglik += sum_D eta - sum_l log D_l, score += sum_D x - sum_l A_l/D_l,
    information += sum_l (B_l/D_l - A_l A_l'/D_l^2).
    """
    x, ev, key = des.x, des.event, des.key
    k = des.key_time.size
    p = x.shape[1]
    eta = x @ beta
    r = np.exp(eta)
    rx = r[:, None] * x
    rxx = rx[:, :, None] * x[:, None, :]
    s0 = _rev_cumsum_within(_by_key(r, key, k), des.key_end)
    s1 = _rev_cumsum_within(_by_key(rx, key, k), des.key_end)
    s2 = _rev_cumsum_within(_by_key(rxx, key, k), des.key_end)
    evf = ev.astype(float)
    d = _by_key(evf, key, k)
    s0d = _by_key(r * evf, key, k)
    s1d = _by_key(rx * evf[:, None], key, k)
    s2d = _by_key(rxx * evf[:, None, None], key, k)
    xd = _by_key(x * evf[:, None], key, k)

    loglik = float(np.sum(eta[ev]))
    t_score = xd.copy()
    t_info = np.zeros((k, p, p))
    h = np.zeros(k)
    hx = np.zeros((k, p))
    c = np.zeros(k)
    cx = np.zeros((k, p))
    mx = np.zeros((k, p))
    max_d = int(d.max()) if k else 0
    for tie in range(max_d):                  # position within a group of tied events
        on = d > tie
        frac = tie / d[on]
        dl = s0[on] - frac * s0d[on]
        al = s1[on] - frac[:, None] * s1d[on]
        bl = s2[on] - frac[:, None, None] * s2d[on]
        xbar = al / dl[:, None]
        loglik -= float(np.sum(np.log(dl)))
        t_score[on] -= xbar
        t_info[on] += bl / dl[:, None, None] - xbar[:, :, None] * xbar[:, None, :]
        h[on] += 1.0 / dl
        hx[on] += xbar / dl[:, None]
        c[on] += frac / dl
        cx[on] += frac[:, None] * xbar / dl[:, None]
        mx[on] += xbar / d[on][:, None]
    return _Efron(loglik=loglik, score=t_score.sum(axis=0), information=t_info.sum(axis=0),
                  time_score=t_score, time_info=t_info, deaths=d, h=h, hx=hx, c=c, cx=cx, mx=mx)


def _score_residuals(beta: np.ndarray, des: _Design, ef: _Efron) -> np.ndarray:
    """Score residuals (R ``residuals.coxph(type = "score")``), in the rows' original order.

    L_i = delta_i (x_i - mean_l xbar_l) - r_i sum_{t_j <= T_i} sum_l w_ijl (x_i - xbar_jl)/D_jl,
    with w = 1 for rows still at risk and (1 - l/d) for the rows with the event at t_j (Efron).
    They add up to the score; collapsed by patient they give the robust variance.
    """
    x, ev, key = des.x, des.event, des.key
    r = np.exp(x @ beta)
    H = _cumsum_within(ef.h, des.key_end)[key]
    G = _cumsum_within(ef.hx, des.key_end)[key]
    evf = ev.astype(float)[:, None]
    res = evf * (x - ef.mx[key]) - r[:, None] * (x * H[:, None] - G) \
        + evf * r[:, None] * (x * ef.c[key][:, None] - ef.cx[key])
    out = np.empty_like(res)
    out[des.order] = res
    return out


def _collapse(values: np.ndarray, clusters) -> np.ndarray:
    codes = pd.factorize(np.asarray(clusters), sort=False)[0]
    out = np.zeros((codes.max() + 1 if codes.size else 0, values.shape[1]))
    np.add.at(out, codes, values)
    return out


def _wald_quadratic(var: np.ndarray, u: np.ndarray) -> tuple[float, int]:
    """u' var^- u with R's ``coxph.wtest`` generalized inverse (columns with no variance dropped)."""
    keep = np.diag(var) > 1e-9 * max(float(np.max(np.abs(np.diag(var)))), 1e-300)
    if not keep.any():
        return np.nan, 0
    v = var[np.ix_(keep, keep)]
    uu = u[keep]
    try:
        sol = np.linalg.solve(v, uu)
        rank = keep.sum()
    except np.linalg.LinAlgError:
        sol = np.linalg.pinv(v) @ uu
        rank = np.linalg.matrix_rank(v)
    return float(uu @ sol), int(rank)


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CoxFit:
    """A fitted Cox model on a numeric design matrix (the engine behind :func:`cox_regression`).

    Attributes
    ----------
    coef, se : ndarray
        Log hazard ratios and their standard errors (robust when ``robust``).
    var, naive_var : ndarray
        Variance used (robust or model-based) and the model-based inverse information.
    loglik : tuple of float
        Log partial likelihood at 0 and at the estimate.
    iterations : int
    converged : bool
    robust : bool
    n, events, n_clusters : int
    """

    coef: np.ndarray
    se: np.ndarray
    var: np.ndarray = field(repr=False)
    naive_var: np.ndarray = field(repr=False)
    loglik: tuple
    iterations: int
    converged: bool
    robust: bool
    n: int
    events: int
    n_clusters: int
    design: _Design = field(repr=False)


def fit_cox(time, event, x, strata=None, clusters=None) -> CoxFit:
    """Fit a Cox model by Newton-Raphson with step halving (R ``coxph.fit``), Efron ties.

    Parameters
    ----------
    time, event : array_like
        Follow-up time (> 0) and event indicator (1/True = event).
    x : array_like, shape (n, p)
        Numeric design matrix (no intercept).
    strata : array_like, optional
        Separate baseline hazard per stratum.
    clusters : array_like, optional
        Patient of each row: with some patient on several rows, the variance is the robust
        sandwich D'D of the score residuals times the inverse information, summed by patient
        (Lin & Wei 1989), as R's ``coxph(..., cluster = )``.
    """
    des = _design(time, event, x, strata)
    p = des.x.shape[1]
    beta = np.zeros(p)
    ef = _efron(beta, des)
    loglik0 = ef.loglik
    converged = False
    it = 0
    for it in range(1, MAX_ITERATIONS + 1):
        try:
            step = np.linalg.solve(ef.information, ef.score)
        except np.linalg.LinAlgError:
            raise AnalysisError("The Cox model cannot be fitted: some covariates are collinear or constant "
                                "among the rows used; remove one of them.") from None
        new_beta = beta + step
        new = _efron(new_beta, des)
        halvings = 0
        while (not np.isfinite(new.loglik) or new.loglik < ef.loglik - 1e-12 * abs(ef.loglik)) and halvings < 30:
            new_beta = (beta + new_beta) / 2
            new = _efron(new_beta, des)
            halvings += 1
        done = abs(new.loglik - ef.loglik) <= LOGLIK_TOLERANCE * max(abs(new.loglik), 1.0)
        beta, ef = new_beta, new
        if done and np.max(np.abs(step)) < 1e-6:
            converged = True
            break
    try:
        naive = np.linalg.inv(ef.information)
    except np.linalg.LinAlgError:
        raise AnalysisError("The Cox model cannot be fitted: some covariates are collinear or constant "
                            "among the rows used; remove one of them.") from None
    n_clusters = len(des.event)
    robust = False
    var = naive
    if clusters is not None:
        cl = np.asarray(clusters)
        n_clusters = int(pd.unique(cl).size)
        if n_clusters < len(cl):
            resid = _score_residuals(beta, des, ef)
            dfbeta = _collapse(resid @ naive, cl)
            var = dfbeta.T @ dfbeta
            robust = True
    return CoxFit(coef=beta, se=np.sqrt(np.diag(var)), var=var, naive_var=naive, loglik=(loglik0, ef.loglik),
                  iterations=it, converged=converged, robust=robust, n=len(des.event),
                  events=int(des.event.sum()), n_clusters=n_clusters, design=des)


def robust_score_test(time, event, x, clusters, strata=None) -> tuple[float, int]:
    """Robust score test of beta = 0 (R ``coxph(..., cluster = )$rscore``): chi-square and df.

    With U_i the score residuals at beta = 0 (Efron) summed by patient, the statistic is
    u' (sum_g U_g U_g')^- u, u = sum_g U_g (Lin & Wei 1989). With a single group indicator it is
    the log-rank test made robust to patients contributing several episodes.
    """
    des = _design(time, event, x, strata)
    beta = np.zeros(des.x.shape[1])
    ef = _efron(beta, des)
    resid = _collapse(_score_residuals(beta, des, ef), clusters)
    return _wald_quadratic(resid.T @ resid, resid.sum(axis=0))
