"""Cox proportional hazards regression, as R's ``survival::coxph`` (Efron ties).

:func:`cox_regression` fits ``coxph(Surv(time, event) ~ covariates [+ strata(s)], cluster = patient)``
and returns a tidy table of hazard ratios with Wald intervals (model-based variance, or the
cluster-robust sandwich variance of Lin & Wei when patients contribute several rows) and the
proportional-hazards check of R's ``cox.zph`` (score test on scaled Schoenfeld residuals against
the Kaplan-Meier transform of time). :func:`robust_score_test` is R's ``coxph(...)$rscore``: the
log-rank test made robust to patients contributing several episodes (used by
:func:`analysis.survival.logrank`).

The computation works on the distinct (stratum, time) pairs: sums over the risk set are reversed
cumulative sums, and the Efron correction for tied events is one array with a row per event (its
position among the events tied with it), so nothing loops over rows, times or patients.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse, special

from .errors import AnalysisError
from .modelframe import model_frame

#: Newton-Raphson stops when the relative change of the log partial likelihood is below this
#: (R's ``coxph.control(eps = 1e-9)``); we go on to 1e-12 so the result is R's to well within 1e-6.
LOGLIK_TOLERANCE = 1e-12
MAX_ITERATIONS = 50
METHOD_MODEL = "Cox proportional hazards (Efron ties), model-based variance"
METHOD_ROBUST = "Cox proportional hazards (Efron ties), cluster-robust variance (patients as clusters)"


# --------------------------------------------------------------------------------------------
# Risk-set sums on distinct (stratum, time) pairs
# --------------------------------------------------------------------------------------------
def _segment_sums(counts: np.ndarray, with_start: bool = False) -> sparse.csr_array:
    """The matrix whose product with an array adds up consecutive runs of its rows.

    Row j of the product sums the next ``counts[j]`` rows (after those of rows 0..j-1). With
    ``with_start`` the product is taken with ``[start; values]`` (``start`` one row per run) and
    run j begins with ``start[j]``.
    A compressed sparse row product adds each row's entries in column order, one after the other
    (as a running total in a loop), so the sums are exactly the same floating-point numbers
    whatever else is computed beside them.
    """
    counts = np.asarray(counts, dtype=np.int64)
    k, n = counts.size, int(counts.sum())
    if not with_start:
        indptr = np.r_[0, np.cumsum(counts)]
        return sparse.csr_array((np.ones(n), np.arange(n), indptr), shape=(k, n))
    cols = np.insert(np.arange(k, k + n), np.cumsum(counts) - counts, np.arange(k))
    indptr = np.r_[0, np.cumsum(counts + 1)]
    return sparse.csr_array((np.ones(n + k), cols, indptr), shape=(k, k + n))


@dataclass(frozen=True, eq=False)
class _Design:
    """Rows sorted by stratum then time, with the distinct (stratum, time) keys and, for Efron's
    approximation, one entry per event: its key and its position l among the events tied with it."""

    x: np.ndarray          # n x p, centred
    event: np.ndarray      # n, bool
    key: np.ndarray        # n, index of the row's (stratum, time) key
    key_end: np.ndarray    # K, exclusive end key of the key's stratum
    key_time: np.ndarray   # K
    order: np.ndarray      # sorted position -> original row
    means: np.ndarray      # p
    deaths: np.ndarray = field(repr=False)       # K, events at the key
    event_x: np.ndarray = field(repr=False)      # K x p, sum of x over the key's events
    tie_key: np.ndarray = field(repr=False)      # E, key of each event
    tie_frac: np.ndarray = field(repr=False)     # E, l / d
    by_key: sparse.csr_array = field(repr=False)         # K x n: sums of rows per key
    by_tie: sparse.csr_array = field(repr=False)         # K x E: sums over l per key
    by_tie_from: sparse.csr_array = field(repr=False)    # K x (K + E): the same, after a start value


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
    xs, ev = x[order] - means, event[order]
    by_key = _segment_sums(np.bincount(key, minlength=k))
    evf = ev.astype(float)
    deaths = by_key @ evf
    counts = deaths.astype(np.int64)
    tie_key = np.repeat(np.arange(k), counts)
    tie = np.arange(tie_key.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return _Design(x=xs, event=ev, key=key, key_end=key_end, key_time=ts[new], order=order, means=means,
                   deaths=deaths, event_x=by_key @ (xs * evf[:, None]), tie_key=tie_key,
                   tie_frac=tie / deaths[tie_key], by_key=by_key, by_tie=_segment_sums(counts),
                   by_tie_from=_segment_sums(counts, with_start=True))


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
    dl: np.ndarray = field(repr=False)        # E: D_l of each event (its key, its l)
    xbar: np.ndarray = field(repr=False)      # E x p: A_l / D_l


def _efron(beta: np.ndarray, des: _Design) -> _Efron:
    """:func:`_efron_terms` without floating-point warnings: a fit heading for an infinite
    coefficient overflows on the way; the caller sees a non-finite log-likelihood or estimate."""
    with np.errstate(all="ignore"):
        return _efron_terms(beta, des)


def _efron_terms(beta: np.ndarray, des: _Design) -> _Efron:
    """Log partial likelihood, score and information (Efron 1977) at ``beta``.

    At a time with d tied events, risk-set sums S0, S1, S2 and event sums S0D, S1D, S2D, the
    Efron approximation uses for l = 0..d-1: D_l = S0 - (l/d) S0D, A_l = S1 - (l/d) S1D,
    B_l = S2 - (l/d) S2D; loglik += sum_D eta - sum_l log D_l, score += sum_D x - sum_l A_l/D_l,
    information += sum_l (B_l/D_l - A_l A_l'/D_l^2).

    The sums over l are taken over one array with an entry per event (its time's key and l),
    O(events p^2) per call.
    """
    x, evf = des.x, des.event.astype(float)
    k, p = des.key_time.size, x.shape[1]
    eta = x @ beta
    r = np.exp(eta)
    rx = r[:, None] * x
    by_key, key_end = des.by_key, des.key_end
    tk, frac = des.tie_key, des.tie_frac
    # at each event: the sums over the risk set of its time and over the events there
    s0 = np.take(_rev_cumsum_within(by_key @ r, key_end), tk)
    s1 = np.take(_rev_cumsum_within(by_key @ rx, key_end), tk, axis=0)
    s0d = np.take(by_key @ (r * evf), tk)
    s1d = np.take(by_key @ (rx * evf[:, None]), tk, axis=0)
    dl = s0 - frac * s0d
    xbar = (s1 - frac[:, None] * s1d) / dl[:, None]
    loglik = float(np.sum(eta[des.event])) - float(np.sum(np.log(dl)))
    t_score = des.by_tie_from @ np.concatenate([des.event_x, -xbar])
    # The information, one row of covariates at a time, so no array is rows x p x p.
    t_info = np.empty((k, p, p))
    for i in range(p):
        rxx = rx[:, i:i + 1] * x
        s2 = np.take(_rev_cumsum_within(by_key @ rxx, key_end), tk, axis=0)
        s2d = np.take(by_key @ (rxx * evf[:, None]), tk, axis=0)
        bl = s2 - frac[:, None] * s2d
        t_info[:, i, :] = des.by_tie @ (bl / dl[:, None] - xbar[:, i:i + 1] * xbar)
    return _Efron(loglik=loglik, score=t_score.sum(axis=0), information=t_info.sum(axis=0),
                  time_score=t_score, time_info=t_info, deaths=des.deaths, dl=dl, xbar=xbar)


def _score_residuals(beta: np.ndarray, des: _Design, ef: _Efron) -> np.ndarray:
    """Score residuals (R ``residuals.coxph(type = "score")``), in the rows' original order.

    L_i = delta_i (x_i - mean_l xbar_l) - r_i sum_{t_j <= T_i} sum_l w_ijl (x_i - xbar_jl)/D_jl,
    with w = 1 for rows still at risk and (1 - l/d) for the rows with the event at t_j (Efron).
    They add up to the score; collapsed by patient they give the robust variance.
    """
    x, ev, key = des.x, des.event, des.key
    r = np.exp(x @ beta)
    # per key, sums over its tied events l: 1/D_l, xbar_l/D_l, (l/d)/D_l, (l/d) xbar_l/D_l, xbar_l/d
    by_tie, frac, dl, xbar = des.by_tie, des.tie_frac, ef.dl, ef.xbar
    h, hx = by_tie @ (1.0 / dl), by_tie @ (xbar / dl[:, None])
    c, cx = by_tie @ (frac / dl), by_tie @ (frac[:, None] * xbar / dl[:, None])
    mx = by_tie @ (xbar / des.deaths[des.tie_key][:, None])
    H = np.take(_cumsum_within(h, des.key_end), key)
    G = np.take(_cumsum_within(hx, des.key_end), key, axis=0)
    evf = ev.astype(float)[:, None]
    res = evf * (x - np.take(mx, key, axis=0)) - r[:, None] * (x * H[:, None] - G) \
        + evf * r[:, None] * (x * np.take(c, key)[:, None] - np.take(cx, key, axis=0))
    out = np.empty_like(res)
    out[des.order] = res
    return out


def _collapse(values: np.ndarray, clusters) -> np.ndarray:
    """Sum of the rows of ``values`` per cluster (clusters in order of first appearance; each
    cluster's rows added in their order)."""
    codes = pd.factorize(np.asarray(clusters), sort=False)[0]
    order = np.argsort(codes, kind="stable")
    return _segment_sums(np.bincount(codes, minlength=codes.max() + 1 if codes.size else 0)) @ values[order]


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
    efron: _Efron = field(repr=False)          # the terms at the estimate


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
            if it == 1:
                raise AnalysisError("The Cox model cannot be fitted: some covariates are collinear or constant "
                                    "among the rows used; remove one of them.") from None
            break                       # the information vanished on the way to an infinite coefficient
        if not np.all(np.isfinite(step)):
            break
        new_beta = beta + step
        with np.errstate(all="ignore"):   # a step towards an infinite coefficient: halved below
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
        naive = np.full((p, p), np.nan)
        converged = False
    n_clusters = len(des.event)
    robust = False
    var = naive
    if clusters is not None:
        cl = np.asarray(clusters)
        n_clusters = int(pd.unique(cl).size)
        if n_clusters < len(cl):
            with np.errstate(all="ignore"):
                resid = _score_residuals(beta, des, ef)
                dfbeta = _collapse(resid @ naive, cl)
                var = dfbeta.T @ dfbeta
            robust = True
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(var))
    return CoxFit(coef=beta, se=se, var=var, naive_var=naive, loglik=(loglik0, ef.loglik),
                  iterations=it, converged=converged, robust=robust, n=len(des.event),
                  events=int(des.event.sum()), n_clusters=n_clusters, design=des, efron=ef)


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


def _zph(fit: CoxFit, groups: list[tuple[str, list[int]]]) -> pd.DataFrame:
    """R's ``cox.zph(fit, transform = "km")``: score tests that a coefficient changes with time.

    Adds gamma_j x_j g(t) to the model, g(t) = 1 - KM(t-) of all rows (pooled over strata),
    centred at its mean over the events, and tests gamma = 0 by the score test at (beta-hat, 0):
    with U_k and I_k the score and information contributions of event time k, u = sum_k g_k U_k,
    I_bb = sum I_k, I_bg = sum g_k I_k, I_gg = sum g_k^2 I_k. For a term (its columns jj) the
    statistic is u_jj' [I restricted to (beta, gamma_jj)]^-1 u_jj on len(jj) df; GLOBAL uses all.
    The test is on the scaled Schoenfeld residuals' slope against g(t) (Grambsch & Therneau 1994).
    """
    with np.errstate(all="ignore"):
        return _zph_tests(fit, fit.efron, groups)


def _zph_tests(fit: CoxFit, ef: _Efron, groups) -> pd.DataFrame:
    des = fit.design
    t_sorted = des.key_time[des.key]
    # pooled Kaplan-Meier just before each distinct time (ignoring strata, as R's cox.zph does)
    tt = np.sort(t_sorted)
    uniq, first = np.unique(tt, return_index=True)
    at_risk = tt.size - first
    d_at = np.bincount(np.searchsorted(uniq, t_sorted[des.event]), minlength=uniq.size)
    surv = np.cumprod(1.0 - d_at / at_risk)
    surv_before = np.r_[1.0, surv[:-1]]
    g_key = 1.0 - surv_before[np.searchsorted(uniq, des.key_time)]
    g_key = g_key - np.sum(g_key * ef.deaths) / np.sum(ef.deaths)
    on = ef.deaths > 0
    g = g_key[on]
    U, I = ef.time_score[on], ef.time_info[on]
    p = U.shape[1]
    u_g = (g[:, None] * U).sum(axis=0)
    i_bb = I.sum(axis=0)
    i_bg = (g[:, None, None] * I).sum(axis=0)
    i_gg = (g[:, None, None] ** 2 * I).sum(axis=0)
    full = np.block([[i_bb, i_bg], [i_bg.T, i_gg]])
    rows = []
    for name, jj in [*groups, ("GLOBAL", list(range(p)))]:
        kk = list(range(p)) + [p + j for j in jj]
        u = np.r_[np.zeros(p), u_g[jj]]
        try:
            stat = float(u @ np.linalg.solve(full[np.ix_(kk, kk)], u))
        except np.linalg.LinAlgError:
            stat = np.nan
        rows.append({"term": name, "chisq": stat, "df": len(jj), "p_value": float(special.chdtrc(len(jj), stat))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# The public model: a data frame in, a tidy table out
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CoxResult:
    """A fitted Cox model as tidy tables.

    Attributes
    ----------
    table : DataFrame
        One row per term: ``term``, ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p_value``,
        ``se`` (of the log hazard ratio), ``n``, ``events``, ``method``, then ``coef`` (log hazard
        ratio), ``covariate``, ``level`` and ``reference`` (categorical terms; empty for numeric),
        ``n_patients``, ``conf_level``, ``note`` (empty, or why a term is not to be interpreted).
    ph_test : DataFrame
        The proportional-hazards check (R ``cox.zph``): ``term`` (covariate, then ``GLOBAL``),
        ``chisq``, ``df``, ``p_value``.
    ph_note : str
        The check in plain words.
    n, events, n_patients, n_dropped : int
        Rows used, events among them, distinct patients, rows dropped for a missing value.
    dropped : dict
        Column -> rows dropped because that column was missing (a row counts once, at its
        first missing column in the order time, event, strata, clusters, covariates).
    loglik : tuple of float
        Log partial likelihood at 0 and at the estimate.
    converged : bool
    strata : tuple of str
    """

    table: pd.DataFrame = field(repr=False)
    ph_test: pd.DataFrame = field(repr=False)
    ph_note: str
    n: int
    events: int
    n_patients: int
    n_dropped: int
    dropped: dict
    loglik: tuple
    converged: bool
    strata: tuple = ()
    fit: CoxFit | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def _ph_note(ph: pd.DataFrame, alpha: float = 0.05) -> str:
    glob = ph[ph["term"] == "GLOBAL"].iloc[0]
    if not np.isfinite(glob["p_value"]):
        return "Proportional hazards: could not be checked for this model (too few events or an unstable fit)."
    flagged = ph[(ph["term"] != "GLOBAL") & (ph["p_value"] < alpha)]
    if len(flagged) == 0 and glob["p_value"] >= alpha:
        return (f"Proportional hazards: no sign that the hazard ratios change over follow-up (global test "
                f"p = {glob['p_value']:.2g}); each hazard ratio can be read as holding throughout.")
    names = ", ".join(flagged["term"].astype(str)) or "the model as a whole"
    return (f"Proportional hazards: the effect of {names} may change over follow-up (p < {alpha:g}; global "
            f"p = {glob['p_value']:.2g}). Its hazard ratio is then an average over time; compare the "
            "Kaplan-Meier curves, or stratify by that covariate.")


def cox_regression(data: pd.DataFrame, time: str, event: str, covariates, clusters: str | None = None,
                   strata=None, reference: dict | None = None, conf_level: float = 0.95) -> CoxResult:
    """Cox proportional hazards regression, as R's ``coxph`` (Efron ties), as a tidy table.

    Parameters
    ----------
    data : DataFrame
        One row per observation (e.g. per episode).
    time, event : str
        Columns: follow-up time (days) and event indicator (1/True = event, 0/False = censored).
    covariates : sequence of str
        Columns. A numeric column is one term named after the column (hazard ratio per unit). Any
        other (text, category, bool) gives one indicator term per level against a reference
        level, named ``"column: level vs reference"``.
    clusters : str, optional
        Patient column. When a patient has several rows, the variance is the cluster-robust
        sandwich (R ``coxph(..., cluster = patient)``); otherwise the model-based variance.
    strata : str or sequence of str, optional
        Columns whose levels get their own baseline hazard (R ``strata()``); no term is estimated.
    reference : dict, optional
        ``{column: level}``: the reference level of a categorical covariate. Default: the first
        level in sorted order (R's default for a factor).
    conf_level : float, default 0.95

    Returns
    -------
    CoxResult
        ``.table`` (see :class:`CoxResult`), ``.ph_test``, ``.ph_note``, counts of rows used and dropped.

    Raises
    ------
    AnalysisError
        A named column is missing; a reference level does not occur; no events; collinear or
        constant covariates.

    Notes
    -----
    The partial likelihood with Efron's (1977) approximation for tied event times is maximised by
    Newton-Raphson with step halving, from beta = 0. Wald intervals exp(beta -/+ z se) and
    two-sided Wald p-values. With clusters, the variance is D'D, D the score residuals summed per
    patient times the inverse information (Lin & Wei 1989; R's "robust se"). Rows with a missing
    value in any column used are dropped and counted (``n_dropped``, ``dropped``). The
    proportional-hazards check is R's ``cox.zph`` with the Kaplan-Meier time transform
    (Grambsch & Therneau 1994), per covariate and globally.

    References
    ----------
    D. R. Cox, JRSS B 34 (1972) 187-220. B. Efron, JASA 72 (1977) 557-565. D. Y. Lin, L. J. Wei,
    JASA 84 (1989) 1074-1078. P. M. Grambsch, T. M. Therneau, Biometrika 81 (1994) 515-526.
    T. M. Therneau, P. M. Grambsch, Modeling Survival Data (2000).
    """
    strata_cols = [] if strata is None else ([strata] if isinstance(strata, str) else list(strata))
    cluster_cols = [] if clusters is None else [clusters]
    z = float(special.ndtri(0.5 + 0.5 * float(conf_level)))
    mf = model_frame(data, covariates, [time, event, *strata_cols, *cluster_cols], reference, "cox_regression")
    d, x, groups = mf.data, mf.x, mf.groups
    tm = d[time].to_numpy(dtype=float)
    if len(tm) and (not np.isfinite(tm).all() or (tm < 0).any()):
        raise AnalysisError(f"cox_regression: column {time!r} must hold follow-up times >= 0 (days); "
                            "drop or fix the rows with negative or infinite times.")
    ev_raw = d[event]
    if pd.api.types.is_bool_dtype(ev_raw):
        ev = ev_raw.to_numpy(dtype=bool)
    else:
        evf = ev_raw.to_numpy(dtype=float)
        if not np.isin(evf, (0.0, 1.0)).all():
            raise AnalysisError(f"cox_regression: column {event!r} must be 1 (event) or 0 (censored).")
        ev = evf == 1
    if not ev.any():
        raise AnalysisError("cox_regression: no events among the rows used; a hazard ratio needs events.")
    st = None
    if strata_cols:
        st = d[strata_cols].astype(str).agg(" / ".join, axis=1).to_numpy() if len(strata_cols) > 1 \
            else d[strata_cols[0]].to_numpy()
    cl = d[clusters].to_numpy() if clusters is not None else None
    fit = fit_cox(tm, ev, x, strata=st, clusters=cl)
    n_patients = int(pd.unique(cl).size) if cl is not None else fit.n
    with np.errstate(over="ignore"):
        table = mf.terms.copy()
        table.insert(1, "hazard_ratio", np.exp(fit.coef))
        table.insert(2, "ci_low", np.exp(fit.coef - z * fit.se))
        table.insert(3, "ci_high", np.exp(fit.coef + z * fit.se))
        table.insert(4, "p_value", special.ndtr(-np.abs(fit.coef / fit.se)) * 2)
        table.insert(5, "se", fit.se)
        table.insert(6, "n", fit.n)
        table.insert(7, "events", fit.events)
        table.insert(8, "method", METHOD_ROBUST if fit.robust else METHOD_MODEL)
        table.insert(9, "coef", fit.coef)
    table["n_patients"] = n_patients
    table["conf_level"] = float(conf_level)
    table["note"] = "" if fit.converged else ("did not converge: a hazard ratio may be infinite (e.g. a group "
                                              "without events); do not interpret it")
    ph = _zph(fit, groups)
    return CoxResult(table=table, ph_test=ph, ph_note=_ph_note(ph), n=fit.n, events=fit.events,
                     n_patients=n_patients, n_dropped=mf.n_dropped, dropped=mf.dropped, loglik=fit.loglik,
                     converged=fit.converged, strata=tuple(strata_cols), fit=fit)
