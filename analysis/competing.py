"""Cumulative incidence with competing events (Aalen-Johansen), as R's ``survfit`` with a
multi-state status.

:func:`cumulative_incidence` estimates, for each cause k, F_k(t) = P(T <= t, cause = k) when
several event types compete (here: loss of relief, and re-treatment before relief was lost), with
the infinitesimal-jackknife variance R uses (grouped by patient when patients contribute several
episodes): ``survfit(Surv(time, factor(status)) ~ 1, id = patient)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .survival import CONF_TYPES, _confint, _z, cluster_labels

#: The variance adds the patients' squared influences one after the other within blocks of this
#: many patients, then the blocks' totals.
CLUSTER_BLOCK = 20_000
#: Patients whose influence arrays (patients x times) are computed together: small enough for the
#: processor's cache. It does not change any result.
STEP_PATIENTS = 512
#: Largest table of squared influences kept for the patients' distinct patterns of (time, status)
#: (bytes); above it every patient's influence is computed in turn. It does not change any result.
PATTERN_TABLE_BYTES = 256 * 2**20


@dataclass(frozen=True, eq=False)
class CumulativeIncidence:
    """Aalen-Johansen cumulative incidence curves.

    Attributes
    ----------
    table : DataFrame
        One row per distinct time and cause: ``cause``, ``time``, ``at_risk``, ``events`` (of that
        cause at t), ``estimate`` (F_k(t)), ``std_err``, ``ci_low``, ``ci_high``.
    n, n_clusters : int
    causes : tuple
    conf_type : str
    conf_level : float
    """

    table: pd.DataFrame = field(repr=False)
    n: int
    n_clusters: int
    causes: tuple
    conf_type: str
    conf_level: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def at(self, times, cause=1) -> pd.DataFrame:
        """F_k at the given times (step function; 0 before the first time, NaN after the last)."""
        t = np.atleast_1d(np.asarray(times, dtype=float))
        tab = self.table[self.table["cause"] == cause]
        tt = tab["time"].to_numpy()
        idx = np.searchsorted(tt, t, side="right") - 1
        out = {"time": t}
        for c in ("estimate", "std_err", "ci_low", "ci_high"):
            v = tab[c].to_numpy(dtype=float)
            vals = np.where(idx >= 0, v[np.clip(idx, 0, max(len(v) - 1, 0))] if len(v) else np.nan, 0.0)
            vals[t > (tt[-1] if len(tt) else -np.inf)] = np.nan
            out[c] = vals
        out["n"] = np.full(len(t), self.n)
        return pd.DataFrame(out)


def cumulative_incidence(times, status, clusters=None, conf_type: str = "log-log",
                         conf_level: float = 0.95) -> CumulativeIncidence:
    """Aalen-Johansen estimate of the cumulative incidence of each cause.

    Parameters
    ----------
    times : array_like of float
    status : array_like of int
        0 = censored, 1, 2, ... = the cause of the event.
    clusters : array_like, optional
        Patient of each observation; the variance is summed within patients (each observation its
        own cluster when omitted, as R without ``id``).
    conf_type : {"log-log", "log", "plain"}
        Scale of the pointwise intervals, applied to F_k as R applies ``conf.type`` to ``pstate``.
    conf_level : float

    Returns
    -------
    CumulativeIncidence

    Notes
    -----
    With S(t) the all-cause Kaplan-Meier estimate, Y_j at risk and d_kj events of cause k at t_j,
    F_k(t) = sum_{t_j <= t} S(t_j-) d_kj / Y_j (Aalen & Johansen 1978). The variance is the
    infinitesimal jackknife, sum over patients g of (sum_{i in g} dF_k(t)/dw_i)^2, where
    dF_k/dw_i = sum_{t_j <= t} [U_i(t_j-) d_kj/Y_j + S(t_j-) (dN_ki(t_j) - Y_i(t_j) d_kj/Y_j)/Y_j]
    and U_i = dS/dw_i is the Kaplan-Meier influence; R's ``survfit`` computes the same.
    The Kaplan-Meier complement 1 - S overstates the probability of losing relief when re-treatment
    can come first; the cumulative incidences of the causes add up to 1 - S.

    References
    ----------
    O. O. Aalen, S. Johansen, Scand J Stat 5 (1978) 141-150. J. P. Fine, R. J. Gray, JASA 94 (1999)
    496-509. T. M. Therneau, "Multi-state models and competing risks", survival package vignette.
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisError(f"conf_type must be one of {CONF_TYPES}, got {conf_type!r}.")
    z = _z(conf_level)
    t = np.asarray(times, dtype=float).ravel()
    st = np.asarray(status).ravel()
    if t.shape != st.shape:
        raise AnalysisError(f"cumulative_incidence: times and status must have the same length "
                            f"({t.size} and {st.size}).")
    if t.size and not np.isfinite(t).all():
        raise AnalysisError("cumulative_incidence: times must be finite numbers; drop missing durations first.")
    stf = st.astype(float)
    if t.size and (not np.isfinite(stf).all() or (stf < 0).any() or (stf != np.round(stf)).any()):
        raise AnalysisError("cumulative_incidence: status must be 0 (censored) or a cause number 1, 2, ...")
    st = stf.astype(np.int64)
    causes = tuple(int(c) for c in np.unique(st[st > 0]))
    if clusters is None:
        ccode = np.arange(t.size)
    else:
        cl = cluster_labels(clusters)
        if len(cl) != t.size:
            raise AnalysisError("cumulative_incidence: clusters must have one value per observation.")
        if cl.isna().any():
            raise AnalysisError("cumulative_incidence: clusters has missing values; give every observation "
                                "its patient identifier.")
        ccode = pd.factorize(cl, sort=False)[0]
    n_clusters = int(ccode.max() + 1) if t.size else 0
    cols = ["cause", "time", "at_risk", "events", "estimate", "std_err", "ci_low", "ci_high"]
    if t.size == 0:
        return CumulativeIncidence(pd.DataFrame(columns=cols), 0, 0, (), conf_type, float(conf_level))

    uniq, tidx = np.unique(t, return_inverse=True)
    m = uniq.size
    n_at = np.bincount(tidx, minlength=m)
    y = (t.size - (np.cumsum(n_at) - n_at)).astype(float)
    ev = st > 0
    d = np.bincount(tidx, weights=ev, minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - d / y)
        alive = y > d
        g = np.where(alive, d / (y * (y - d)), 0.0)     # KM influence, at-risk part
        e = np.where(alive, 1.0 / (y - d), 0.0)          # KM influence, event part
    s_before = np.r_[1.0, surv[:-1]]

    dks = {k: np.bincount(tidx, weights=(st == k), minlength=m) for k in causes}
    hks = {k: dks[k] / y for k in causes}
    var = _influence_sumsq(tidx, ev, st, ccode, n_clusters, causes, y, surv, s_before, g, e, hks)
    frames = []
    for k in causes:
        cif = np.cumsum(s_before * hks[k])
        se = np.sqrt(var[k])
        with np.errstate(divide="ignore", invalid="ignore"):
            se_log = np.where(cif > 0, se / cif, 0.0)
        # the interval of a probability that rises from 0: R's survfit_confint applied to F_k
        low, high = _confint(cif, se_log, conf_type, z)
        frames.append(pd.DataFrame({"cause": k, "time": uniq, "at_risk": y.astype(np.int64),
                                    "events": dks[k].astype(np.int64), "estimate": cif, "std_err": se,
                                    "ci_low": low, "ci_high": high}))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    return CumulativeIncidence(table, int(t.size), n_clusters, causes, conf_type, float(conf_level))


def _influence_sumsq(tidx, ev, st, ccode, n_clusters, causes, y, surv, s_before, g, e, hks) -> dict:
    """sum_g (dF_k(t)/dw_g)^2 at every time, for each cause k (the infinitesimal-jackknife variance).

    A patient's influence depends only on the times and statuses of their episodes, and most
    patients share theirs with others (one episode ended at day 30 by loss of relief, ...): it is
    computed once per distinct pattern (:func:`_cluster_patterns`), a few hundred patients at a time
    (:func:`_squared_influence`), kept as a patterns x times table, and the squares are added patient
    after patient, in the patients' order, within blocks of :data:`CLUSTER_BLOCK` patients, then the
    blocks' totals. Where that table would be large, each patient's influence is computed in turn.
    """
    m = y.size
    var = {k: np.zeros(m) for k in causes}
    # Rows by patient, and within a patient by time and status, so the rows of consecutive
    # patients are one slice.
    order = np.lexsort((st, tidx, ccode))
    code_s, t_s, ev_s, st_s = ccode[order], tidx[order], ev[order], st[order]
    first_row = np.r_[0, np.cumsum(np.bincount(ccode, minlength=n_clusters))]
    const = (m, y, surv, s_before, g, e, hks)
    # numpy adds the rows of a single column pairwise rather than one after the other, so a curve
    # with one time is summed in whole blocks (its variance then does not depend on the step either).
    step = CLUSTER_BLOCK if m == 1 else STEP_PATIENTS
    rows_max = min(step, n_clusters)
    work = np.empty((3, rows_max, m)), np.empty((rows_max, m), dtype=np.int64)
    squares = {k: np.empty((rows_max + 1, m)) for k in causes}     # row 0: the block's total so far

    pattern, representative = _cluster_patterns(code_s, t_s * (int(st.max(initial=0)) + 1) + st_s, first_row)
    table = None
    if representative.size * m * len(causes) * 8 <= PATTERN_TABLE_BYTES:
        # the representatives' rows, patient after patient, and the table of their squared influence
        reps_first = np.r_[0, np.cumsum(np.diff(first_row)[representative])]
        rows = np.repeat(first_row[representative] - reps_first[:-1], np.diff(reps_first)) + np.arange(reps_first[-1])
        reps_t, reps_ev, reps_st = t_s[rows], ev_s[rows], st_s[rows]
        table = {k: np.empty((representative.size, m)) for k in causes}
        for a in range(0, representative.size, step):
            nb = min(step, representative.size - a)
            _squared_influence(reps_t, reps_ev, reps_st, reps_first, a, nb, causes, const, work,
                               {k: table[k][a:a + nb] for k in causes})

    for lo in range(0, n_clusters, CLUSTER_BLOCK):
        hi = min(lo + CLUSTER_BLOCK, n_clusters)
        total = {k: None for k in causes}
        for a in range(lo, hi, step):
            nb = min(a + step, hi) - a
            out = {k: squares[k][1:nb + 1] for k in causes}
            if table is None:
                _squared_influence(t_s, ev_s, st_s, first_row, a, nb, causes, const, work, out)
            else:
                for k in causes:
                    np.take(table[k], pattern[a:a + nb], axis=0, out=out[k])
            for k in causes:
                # numpy adds the rows (patients) one after the other
                if total[k] is None:
                    total[k] = np.sum(out[k], axis=0)
                else:
                    squares[k][0] = total[k]
                    total[k] = np.sum(squares[k][:nb + 1], axis=0)
        for k in causes:
            var[k] += total[k]
    return var


def _cluster_patterns(code_s: np.ndarray, cell_s: np.ndarray, first_row: np.ndarray):
    """Each patient's pattern (patients with the same episodes' (time, status) cells share one,
    numbered by first appearance) and the first patient of each pattern.

    ``cell_s``: the rows' cells, sorted by patient and within a patient; ``first_row``: where each
    patient's rows start. Built one member position at a time (as many passes as the largest patient
    has rows in the curve, a handful).
    """
    n_clusters = first_row.size - 1
    size = np.diff(first_row)
    position = np.arange(code_s.size) - first_row[code_s]
    pattern = np.zeros(n_clusters, dtype=np.int64)
    span = int(cell_s.max(initial=0)) + 2
    for k in range(int(size.max(initial=0))):
        member = np.zeros(n_clusters, dtype=np.int64)        # 0: no k-th row
        at = position == k
        member[code_s[at]] = cell_s[at] + 1
        pattern = pd.factorize(pattern * span + member, sort=False)[0]
    first = np.unique(pattern, return_index=True)[1]
    return pattern, first


def _squared_influence(t_s, ev_s, st_s, first_row, a, nb, causes, const, work, out) -> None:
    """(dF_k(t)/dw_g)^2 of patients a..a+nb-1 (rows ``first_row[a]:first_row[a + nb]``) into ``out[k]``.

    U_g/S (the Kaplan-Meier influence, summed over the patient's members) is the running sum over
    times of R_g(t_j) g_j - E_g(t_j) e_j with R_g members at risk and E_g their events; dF_k/dw_g is
    the running sum of U_g(t_j-) S(t_j-) h_kj + S(t_j-) (E_kg(t_j) - R_g(t_j) h_kj) / Y_j.
    """
    m, y, surv, s_before, g, e, hks = const
    (u, u_before, tmp), risk = work
    r0, r1 = first_row[a], first_row[a + nb]
    cell = (np.repeat(np.arange(nb), np.diff(first_row[a:a + nb + 1]))) * m + t_s[r0:r1]
    rk, uk, ub, tm = risk[:nb], u[:nb], u_before[:nb], tmp[:nb]
    # members with T >= t_j: all members less those that left before t_j (counts, in integers)
    leave = np.bincount(cell, minlength=nb * m).reshape(nb, m)
    np.cumsum(leave, axis=1, out=rk)
    np.subtract(leave, rk, out=rk)
    rk += np.diff(first_row[a:a + nb + 1])[:, None]
    ev_all = np.bincount(cell, weights=ev_s[r0:r1], minlength=nb * m).reshape(nb, m)
    np.multiply(rk, g, out=uk)
    np.multiply(ev_all, e, out=tm)
    np.subtract(uk, tm, out=uk)
    np.cumsum(uk, axis=1, out=uk)
    ub[:, 0] = 0.0
    np.multiply(uk[:, :-1], surv[:-1], out=ub[:, 1:])
    for k in causes:
        hk, b = hks[k], out[k]
        ev_k = np.bincount(cell, weights=(st_s[r0:r1] == k), minlength=nb * m).reshape(nb, m)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.multiply(rk, hk, out=tm)
            np.subtract(ev_k, tm, out=tm)
            np.multiply(s_before, tm, out=tm)
            np.divide(tm, y, out=tm)
            np.multiply(ub, hk, out=b)
            np.add(b, tm, out=b)
        np.cumsum(b, axis=1, out=b)
        np.multiply(b, b, out=b)
