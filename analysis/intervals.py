"""Confidence intervals for means and proportions, overall and by group, with clustering.

Two vectorised primitives (:func:`wilson_ci`, :func:`t_mean_ci`) and two tidy, grouped tables
(:func:`mean_ci_table`, :func:`proportion_ci_table`).

The tables follow one rule per group. When every cluster (patient) contributes at most one row
to the group, or no cluster column is given, the interval is the exact textbook one: Student's t
for a mean, Wilson's score interval for a proportion. When some patient contributes several rows
(several episodes), the rows are not independent and the interval accounts for it, either with a
cluster-robust (CR1 sandwich) variance, or with a percentile bootstrap that resamples patients.
The ``method`` column of every result names what was used, row by row.

All computations are grouped numpy/pandas aggregations: there is no Python loop over rows,
patients or groups (the bootstrap loops over chunks of replicates, each chunk vectorised).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from analysis.errors import AnalysisError

from .definitions import CLUSTER_METHODS  # the one list of the options (re-exported here)

METHOD_T = "t"
METHOD_WILSON = "Wilson"
METHOD_CLUSTER_T = "cluster-robust t"
METHOD_CLUSTER_WILSON = "cluster-robust Wilson (effective sample size)"
METHOD_BOOTSTRAP = "patient bootstrap (percentile)"

MEAN_COLUMNS = ["estimate", "ci_low", "ci_high", "n", "n_patients", "method", "conf_level"]
PROPORTION_COLUMNS = ["estimate", "ci_low", "ci_high", "n", "n_patients", "successes", "method",
                      "conf_level"]

# Bound on the number of floats held at once by one bootstrap chunk (replicates x clusters).
_BOOTSTRAP_CHUNK_CELLS = 2_000_000


def _check_conf_level(conf_level: float) -> float:
    conf_level = float(conf_level)
    if not 0.0 < conf_level < 1.0:
        raise AnalysisError(f"conf_level must be between 0 and 1 (e.g. 0.95), got {conf_level}.")
    return conf_level


def _z(conf_level: float) -> float:
    """Two-sided standard normal quantile, z_{1-alpha/2}."""
    return float(special.ndtri(0.5 + 0.5 * conf_level))


def _t_quantile(df, conf_level: float):
    """Two-sided Student t quantile t_{1-alpha/2, df}; NaN where df < 1."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        q = special.stdtrit(np.where(df >= 1, df, np.nan), 0.5 + 0.5 * conf_level)
    return q


def _unwrap(a: np.ndarray):
    """Return a numpy scalar for 0-d input, the array otherwise."""
    return a[()] if a.ndim == 0 else a


# --------------------------------------------------------------------------------------------
# Vectorised primitives
# --------------------------------------------------------------------------------------------
def wilson_ci(successes, n, conf_level: float = 0.95):
    """Wilson score interval for a binomial proportion, vectorised.

    Parameters
    ----------
    successes : array_like
        Number of successes k (may be non-integer, e.g. an effective count).
    n : array_like
        Number of trials; broadcast against ``successes``.
    conf_level : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    low, high : ndarray (numpy scalars for scalar input)
        The bounds, in [0, 1]. NaN where ``n == 0`` (or NaN). The lower bound is exactly 0 when
        k = 0 and the upper bound exactly 1 when k = n.

    Raises
    ------
    AnalysisError
        If some k < 0, k > n or n < 0.

    Notes
    -----
    Wilson's score interval without continuity correction, in Newcombe's form:
    centre = (2k + z^2) / (2(n + z^2)), half-width = z sqrt(4 k (n - k)/n + z^2) / (2(n + z^2)),
    with z the 1 - alpha/2 normal quantile. Identical to
    ``scipy.stats.binomtest(k, n).proportion_ci(conf_level, method="wilson")``.

    References
    ----------
    E. B. Wilson, Probable inference, the law of succession, and statistical inference,
    JASA 22 (1927) 209-212. R. G. Newcombe, Two-sided confidence intervals for the single
    proportion: comparison of seven methods, Stat Med 17 (1998) 857-872.
    """
    conf_level = _check_conf_level(conf_level)
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    k, n = np.broadcast_arrays(k, n)
    with np.errstate(invalid="ignore"):
        bad = (k < 0) | (k > n * (1 + 1e-12)) | (n < 0)
    if np.any(bad):
        raise AnalysisError("wilson_ci needs 0 <= successes <= n; check the counts passed in.")
    z = _z(conf_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        nn = np.where(n > 0, n, np.nan)
        p = k / nn
        denom = 2.0 * (nn + z * z)
        centre = (2.0 * nn * p + z * z) / denom
        delta = z / denom * np.sqrt(np.maximum(4.0 * nn * p * (1.0 - p), 0.0) + z * z)
        low = np.where(k == 0, 0.0, centre - delta)
        high = np.where(k >= n, 1.0, centre + delta)
    low = np.where(np.isnan(nn), np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(np.isnan(nn), np.nan, np.clip(high, 0.0, 1.0))
    return _unwrap(low), _unwrap(high)


def t_mean_ci(mean, sd, n, conf_level: float = 0.95):
    """Student t interval for a mean, vectorised: mean +/- t_{n-1, 1-alpha/2} sd / sqrt(n).

    Parameters
    ----------
    mean, sd, n : array_like
        Sample means, sample standard deviations (ddof = 1) and sizes; broadcast together.
    conf_level : float, default 0.95
        Two-sided confidence level.

    Returns
    -------
    low, high : ndarray (numpy scalars for scalar input)
        NaN where n < 2 (the standard deviation, hence the interval, is undefined).

    Notes
    -----
    The one-sample t interval (Student 1908). Exact under normality, and by the central limit
    theorem approximately right for the mean of bounded outcomes such as relief %.
    """
    conf_level = _check_conf_level(conf_level)
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    mean, sd, n = np.broadcast_arrays(mean, sd, n)
    q = _t_quantile(n - 1, conf_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = q * sd / np.sqrt(np.where(n >= 2, n, np.nan))
    return _unwrap(mean - half), _unwrap(mean + half)


# --------------------------------------------------------------------------------------------
# Grouped tables
# --------------------------------------------------------------------------------------------
class _Groups:
    """Group and cluster codes for the rows kept, computed once with vectorised pandas/numpy.

    Attributes: ``keys`` (DataFrame of group keys, one row per group, in sorted order), ``gid``
    (group code per row), ``unit_group`` (group of each (group, cluster) unit, sorted), ``unit_of_row``,
    ``unit_n`` (rows per unit), ``n`` (rows per group), ``n_units`` (clusters per group),
    ``clustered`` (some cluster has > 1 row in the group), ``unit_start`` (first unit of each group);
    ``by``, ``cluster`` and ``n_rows`` say what it was computed for (see :func:`grouping`).
    ``cluster_codes`` may pass ``pd.factorize(d[cluster])[0]`` when already computed, ``group_codes``
    any labelling of the rows that is equal exactly for rows of the same group (see
    :func:`grouping_from_codes`).
    """

    def __init__(self, d: pd.DataFrame, by: list[str], cluster: str | None, cluster_codes=None,
                 group_codes=None):
        self.by, self.cluster, self.n_rows = tuple(by), cluster, len(d)
        if by and group_codes is not None:
            self.gid, self.keys = _sorted_groups(d, by, group_codes)
        elif by:
            grouper = d.groupby(by, sort=True, dropna=False, observed=True)
            self.gid = grouper.ngroup().to_numpy(dtype=np.int64)
            self.keys = grouper.size().index.to_frame(index=False)
        else:
            self.gid = np.zeros(len(d), dtype=np.int64)
            self.keys = pd.DataFrame(index=range(1))
        n_groups = len(self.keys)
        self.n = np.bincount(self.gid, minlength=n_groups)
        if cluster is None:
            ccode = np.arange(len(d), dtype=np.int64)
            n_codes = max(len(d), 1)
        else:
            ccode = _cluster_codes(d, cluster) if cluster_codes is None else cluster_codes
            ccode = ccode.astype(np.int64)
            n_codes = max(int(ccode.max(initial=-1)) + 1, 1)
        pair = self.gid * n_codes + ccode
        span = max(n_groups, 1) * n_codes
        if span <= 8 * len(pair) + 1_000_000:
            # Dense codes: the sorted distinct pairs and each row's rank among them, exactly what
            # np.unique(pair, return_inverse=True) returns, from a bitmap of the pairs present instead
            # of sorting (one byte and one int32 per possible pair).
            present = np.zeros(span, dtype=bool)
            present[pair] = True
            unit_ids = np.flatnonzero(present)
            rank = np.zeros(span, dtype=np.int32 if len(unit_ids) < 2**31 else np.int64)
            rank[unit_ids] = np.arange(len(unit_ids), dtype=rank.dtype)
            self.unit_of_row = rank[pair].astype(np.int64)
        else:
            unit_ids, self.unit_of_row = np.unique(pair, return_inverse=True)
            self.unit_of_row = self.unit_of_row.ravel()
        self.unit_group = unit_ids // n_codes
        self.unit_n = np.bincount(self.unit_of_row, minlength=len(unit_ids))
        self.n_units = np.bincount(self.unit_group, minlength=n_groups)
        self.clustered = np.bincount(self.unit_group, weights=(self.unit_n > 1),
                                     minlength=n_groups) > 0
        self.unit_start = (np.cumsum(self.n_units) - self.n_units).astype(np.int64)


def _sorted_groups(d: pd.DataFrame, by: list[str], group_codes) -> tuple[np.ndarray, pd.DataFrame]:
    """``d.groupby(by, sort=True, dropna=False, observed=True)``'s ``ngroup()`` and keys, from a labelling
    of the rows that already separates the groups: the groups are ordered (and their keys typed) by
    grouping one representative row per label, so only that small frame is grouped by its values."""
    labels, _ = pd.factorize(np.asarray(group_codes), sort=False)
    # factorize numbers labels by first appearance: the first row of each label is where the running
    # maximum of the labels grows.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(labels), prepend=-1) > 0) if len(labels) else labels
    grouper = d.iloc[first][by].groupby(by, sort=True, dropna=False, observed=True)
    order = grouper.ngroup().to_numpy(dtype=np.int64)
    return order[labels], grouper.size().index.to_frame(index=False)


def grouping_from_codes(df: pd.DataFrame, by: Sequence[str] | str, cluster: str | None, group_codes,
                        cluster_codes=None) -> _Groups:
    """:func:`grouping` from integer codes the caller already has, for speed on large tables.

    ``group_codes``: one integer per row, equal exactly for the rows with equal ``by`` values (any
    numbering); ``cluster_codes``: ``pd.factorize(df[cluster])[0]`` (first-appearance numbering), or
    None to compute it. The result is the same as :func:`grouping` (groups sorted and keyed by
    grouping one row per code by its values); the caller vouches that the codes separate the rows as
    the values do.
    """
    by = _as_list(by)
    _check_columns(df, by + ([cluster] if cluster is not None else []))
    if cluster_codes is not None and cluster is not None and (np.asarray(cluster_codes) < 0).any():
        raise AnalysisError(
            f"The cluster column {cluster!r} has missing values; every row needs a patient "
            "identifier for clustered intervals (drop those rows or fill the identifier).")
    return _Groups(df, by, cluster, cluster_codes=None if cluster_codes is None else np.asarray(cluster_codes),
                   group_codes=group_codes)


def _cluster_codes(d: pd.DataFrame, cluster: str) -> np.ndarray:
    """``pd.factorize`` codes of the cluster column (first-appearance order); an error if any is missing.

    The factorisation finds the missing values (code -1) as ``isna`` does, so the check costs no extra
    pass over the (often object) identifiers."""
    codes = pd.factorize(d[cluster], sort=False)[0]
    if (codes < 0).any():
        raise AnalysisError(
            f"The cluster column {cluster!r} has missing values; every row needs a patient "
            "identifier for clustered intervals (drop those rows or fill the identifier).")
    return codes


def grouping(df: pd.DataFrame, by: Sequence[str] | str = (), cluster: str | None = None) -> _Groups:
    """The group and cluster codes of the rows of ``df``, for ``groups=`` of :func:`mean_ci_table` and
    :func:`proportion_ci_table`.

    Grouping (sorting the groups, numbering the patients within them) is most of the cost of a table on
    a million rows; tables of the same rows with the same ``by`` and ``cluster`` (a mean and a
    proportion of the same weekly rows, say) can compute it once and share it.
    """
    by = _as_list(by)
    _check_columns(df, by + ([cluster] if cluster is not None else []))
    return _Groups(df, by, cluster)


def _as_list(by) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def _select(df: pd.DataFrame, column: str, by, cluster, method: str, conf_level, n_bootstrap, groups=None):
    """The rows used (``column`` not missing), ``by`` as a list, the checked level, and the grouping of
    those rows: ``groups`` when it was computed for the same rows, ``by`` and ``cluster``, else None
    (then the cluster codes, already checked for missing values, are returned in its place)."""
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError("Expected a pandas DataFrame of rows to summarise.")
    by = _as_list(by)
    wanted = by + [column] + ([cluster] if cluster is not None else [])
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"Column(s) {', '.join(map(repr, missing))} not found; available columns: "
            f"{', '.join(map(str, df.columns))}.")
    if method not in CLUSTER_METHODS:
        raise AnalysisError(f"method must be one of {CLUSTER_METHODS}, got {method!r}.")
    conf_level = _check_conf_level(conf_level)
    if method == "bootstrap" and int(n_bootstrap) < 1:
        raise AnalysisError(f"n_bootstrap must be a positive number of replicates, got {n_bootstrap}.")
    keep = df[column].notna().to_numpy()
    # Every row kept (the usual case): no copy of the rows.
    d = df if keep.all() else df.loc[keep, list(dict.fromkeys(wanted))]
    if (groups is not None and len(d) == len(df) and groups.n_rows == len(df)
            and groups.by == tuple(by) and groups.cluster == cluster):
        return d, by, conf_level, groups
    codes = None if cluster is None else _cluster_codes(d, cluster)
    return d, by, conf_level, codes


def _bootstrap_ratio(groups: _Groups, unit_num: np.ndarray, unit_den: np.ndarray,
                     n_bootstrap: int, seed: int) -> np.ndarray:
    """Bootstrap replicates of sum(num)/sum(den) per group, resampling units within groups.

    Each replicate draws, independently in every group, as many units (patients) as the group
    has, with replacement. Returns an array of shape (n_bootstrap, n_groups).
    """
    rng = np.random.default_rng(seed)
    n_units = len(unit_num)
    n_groups = len(groups.n)
    size = groups.n_units[groups.unit_group].astype(float)       # group size of each draw slot
    offset = groups.unit_start[groups.unit_group]                # first unit of that group
    nonempty = groups.n_units > 0
    starts = groups.unit_start[nonempty]
    out = np.full((n_bootstrap, n_groups), np.nan)
    chunk = max(1, _BOOTSTRAP_CHUNK_CELLS // max(n_units, 1))
    done = 0
    while done < n_bootstrap:
        b = min(chunk, n_bootstrap - done)
        draws = offset + np.floor(rng.random((b, n_units)) * size).astype(np.int64)
        flat = (np.arange(b, dtype=np.int64)[:, None] * n_units + draws).ravel()
        counts = np.bincount(flat, minlength=b * n_units).reshape(b, n_units)
        num = np.add.reduceat(counts * unit_num, starts, axis=1)
        den = np.add.reduceat(counts * unit_den, starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[done:done + b, nonempty] = num / den
        done += b
    return out


def _finish(groups: _Groups, cols: dict, order: list[str]) -> pd.DataFrame:
    out = pd.concat([groups.keys.reset_index(drop=True), pd.DataFrame(cols)], axis=1)
    return out[list(groups.keys.columns) + order]


def mean_ci_table(df: pd.DataFrame, value: str, by: Sequence[str] | str = (), cluster: str | None = None,
                  conf_level: float = 0.95, method: str = "cluster-robust", n_bootstrap: int = 1000,
                  seed: int = 0, groups: _Groups | None = None) -> pd.DataFrame:
    """Mean of a column with its confidence interval, overall or per group, clustering-aware.

    Parameters
    ----------
    df : DataFrame
        One row per observation (e.g. per episode).
    value : str
        Numeric column to average. Rows where it is NaN are dropped.
    by : str or sequence of str, default ()
        Grouping columns. Missing values in them form their own group (``dropna=False``);
        unused categories are not reported (groups with no rows are absent). Empty: one row
        for all the data (with ``n = 0`` and NaN statistics if there is none).
    cluster : str, optional
        Column identifying the cluster (the patient). None: rows are independent.
    conf_level : float, default 0.95
        Two-sided confidence level.
    method : {"cluster-robust", "bootstrap"}
        How a group in which some patient has several rows is handled.
    n_bootstrap : int, default 1000
        Bootstrap replicates (``method="bootstrap"``).
    seed : int, default 0
        Seed of ``numpy.random.default_rng`` for the bootstrap.
    groups : optional
        :func:`grouping` of ``df`` with the same ``by`` and ``cluster``, when already computed (it is
        used when no row is dropped for a missing value; otherwise the rows kept are grouped anew).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then ``estimate`` (the mean), ``ci_low``,
        ``ci_high``, ``n`` (rows used: non-missing values), ``n_patients`` (distinct clusters;
        equal to ``n`` without ``cluster``), ``method`` and ``conf_level``.

    Notes
    -----
    *Independent rows* (no cluster column, or every patient has at most one row in the group):
    Student's t interval, mean +/- t_{n-1} s / sqrt(n). NaN when n < 2.

    *Clustered rows*, ``method="cluster-robust"``: the CR1 sandwich variance of the mean,

        V = G/(G-1) * sum_g ( sum_{i in g} (x_i - xbar) )^2 / n^2,

    with G patients, and the interval xbar +/- t_{G-1} sqrt(V) (Liang & Zeger 1986; Cameron &
    Miller 2015). With one row per patient this is exactly the t interval (V = s^2/n, G - 1 = n - 1).
    It equals statsmodels' ``OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g})`` with
    its default small-sample correction G/(G-1) * (N-1)/(N-K): with only the intercept, K = 1, so
    the second factor is 1; statsmodels also uses t with G - 1 degrees of freedom. NaN when G < 2.

    *Clustered rows*, ``method="bootstrap"``: percentile interval of the mean over
    ``n_bootstrap`` resamples of the group's patients with replacement (each resampled patient
    brings all of its rows; Davison & Hinkley 1997, sec. 3.8), seeded; quantiles by numpy's
    default (linear) rule. NaN when the group has a single patient.

    References
    ----------
    K.-Y. Liang, S. L. Zeger, Longitudinal data analysis using generalized linear models,
    Biometrika 73 (1986) 13-22. A. C. Cameron, D. L. Miller, A practitioner's guide to
    cluster-robust inference, J Human Resources 50 (2015) 317-372.
    """
    d, by, conf_level, g = _select(df, value, by, cluster, method, conf_level, n_bootstrap, groups)
    x = pd.to_numeric(d[value], errors="coerce").to_numpy(dtype=float)
    if np.isnan(x).any():
        raise AnalysisError(f"Column {value!r} must be numeric to compute a mean.")
    if not isinstance(g, _Groups):
        g = _Groups(d, by, cluster, cluster_codes=g)
    n = g.n.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(g.gid, weights=x, minlength=len(n)) / np.where(n > 0, n, np.nan)
        dev = x - mean[g.gid]
        sd = np.sqrt(np.bincount(g.gid, weights=dev * dev, minlength=len(n)) / (n - 1))
    low, high = t_mean_ci(mean, sd, n, conf_level)
    methods = np.full(len(n), METHOD_T, dtype=object)
    if g.clustered.any():
        cl = g.clustered
        if method == "cluster-robust":
            unit_dev = np.bincount(g.unit_of_row, weights=dev, minlength=len(g.unit_n))
            meat = np.bincount(g.unit_group, weights=unit_dev ** 2, minlength=len(n))
            G = g.n_units.astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                se = np.sqrt(G / (G - 1) * meat) / n
            half = _t_quantile(G - 1, conf_level) * se
            low = np.where(cl, mean - half, low)
            high = np.where(cl, mean + half, high)
            methods[cl] = METHOD_CLUSTER_T
        else:
            unit_sum = np.bincount(g.unit_of_row, weights=x, minlength=len(g.unit_n))
            reps = _bootstrap_ratio(g, unit_sum, g.unit_n.astype(float), int(n_bootstrap), seed)
            alpha = 1.0 - conf_level
            q = np.quantile(reps[:, cl], [alpha / 2, 1 - alpha / 2], axis=0)
            low, high = np.array(low, dtype=float), np.array(high, dtype=float)
            low[cl], high[cl] = q[0], q[1]
            low[cl & (g.n_units < 2)] = high[cl & (g.n_units < 2)] = np.nan  # one patient: undefined
            methods[cl] = METHOD_BOOTSTRAP
    cols = {"estimate": mean, "ci_low": low, "ci_high": high, "n": g.n.astype(np.int64),
            "n_patients": g.n_units.astype(np.int64), "method": methods,
            "conf_level": np.full(len(n), conf_level)}
    return _finish(g, cols, MEAN_COLUMNS)


def _cluster_wilson(p, n, G, meat, conf_level: float):
    """Wilson interval for a proportion from clustered rows, via the design-effect effective sample size.

    ``meat`` is the sum over clusters of the squared sum of (x - p) within the cluster, so the CR1
    cluster-robust variance of p is V = G/(G-1) * meat / n**2. Then n_eff = p(1-p)/V (n where p is 0
    or 1 or V is 0), capped at n so clustering never narrows the interval, times (z / t_{G-1})**2
    (Korn & Graubard 1998) so few clusters widen it as the t quantile does for a mean; Wilson on
    (p * n_eff, n_eff). NaN with fewer than two clusters.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        var = G / (G - 1) * meat / n ** 2
        n_eff = np.where((p > 0) & (p < 1) & (var > 0), p * (1 - p) / var, n)
        n_eff = np.minimum(n_eff, n) * (_z(conf_level) / _t_quantile(G - 1, conf_level)) ** 2
    ok = G >= 2
    return wilson_ci(np.where(ok, p * n_eff, 0.0), np.where(ok, n_eff, 0.0), conf_level)


def _as_success(s: pd.Series, name: str) -> np.ndarray:
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.astype(bool).to_numpy(dtype=float)
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    if np.isnan(v).any() or not np.isin(v, (0.0, 1.0)).all():
        raise AnalysisError(
            f"Column {name!r} must hold success flags (True/False or 1/0); other values were found.")
    return v


def proportion_ci_table(df: pd.DataFrame, success: str, by: Sequence[str] | str = (),
                        cluster: str | None = None, conf_level: float = 0.95,
                        method: str = "cluster-robust", n_bootstrap: int = 1000,
                        seed: int = 0, groups: _Groups | None = None) -> pd.DataFrame:
    """Proportion of successes with its confidence interval, overall or per group, clustering-aware.

    Parameters
    ----------
    df : DataFrame
        One row per observation (e.g. per episode).
    success : str
        Boolean column (True/False or 1/0). Missing values are dropped.
    by, cluster, conf_level, method, n_bootstrap, seed, groups
        As in :func:`mean_ci_table`.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then ``estimate`` (the proportion, in [0, 1]),
        ``ci_low``, ``ci_high``, ``n`` (rows used), ``n_patients`` (distinct clusters),
        ``successes`` (count), ``method`` and ``conf_level``.

    Notes
    -----
    *Independent rows*: Wilson's score interval (:func:`wilson_ci`).

    *Clustered rows*, ``method="cluster-robust"``: Wilson's interval computed on the effective
    sample size (Kish's design effect; Korn & Graubard 1998). With p = k/n and the CR1 variance
    of p, V = G/(G-1) sum_g (sum_{i in g} (x_i - p))^2 / n^2 (see :func:`mean_ci_table`):

    * n_eff = min(n, p(1-p)/V): the design effect deff = p(1-p)/(n V) is truncated at 1, so
      clustering never narrows the interval below the independent one (NCHS practice, Parker et
      al. 2017); where p is 0 or 1 the design effect cannot be estimated and n_eff = n;
    * degrees-of-freedom adjustment (Korn & Graubard 1998): n_eff *= (z / t_{G-1})^2, so that
      few patients widen the interval as the t quantile does for a mean;
    * the interval is Wilson's with n_eff trials and p n_eff successes. NaN when G < 2.

    *Clustered rows*, ``method="bootstrap"``: percentile interval over patient resamples, as in
    :func:`mean_ci_table`.

    References
    ----------
    E. L. Korn, B. I. Graubard, Confidence intervals for proportions with small expected number
    of positive counts estimated from survey data, Survey Methodology 24 (1998) 193-201.
    L. Kish, Survey Sampling, Wiley 1965. J. D. Parker et al., NCHS data presentation standards
    for proportions, Vital Health Stat 2(175), 2017.
    """
    d, by, conf_level, g = _select(df, success, by, cluster, method, conf_level, n_bootstrap, groups)
    x = _as_success(d[success], success)
    if not isinstance(g, _Groups):
        g = _Groups(d, by, cluster, cluster_codes=g)
    n = g.n.astype(float)
    k = np.bincount(g.gid, weights=x, minlength=len(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / np.where(n > 0, n, np.nan)
    low, high = wilson_ci(k, n, conf_level)
    low, high = np.atleast_1d(low).copy(), np.atleast_1d(high).copy()
    methods = np.full(len(n), METHOD_WILSON, dtype=object)
    if g.clustered.any():
        cl = g.clustered
        if method == "cluster-robust":
            dev = x - p[g.gid]
            unit_dev = np.bincount(g.unit_of_row, weights=dev, minlength=len(g.unit_n))
            meat = np.bincount(g.unit_group, weights=unit_dev ** 2, minlength=len(n))
            G = g.n_units.astype(float)
            lo_c, hi_c = _cluster_wilson(p, n, G, meat, conf_level)
            low = np.where(cl, lo_c, low)
            high = np.where(cl, hi_c, high)
            methods[cl] = METHOD_CLUSTER_WILSON
        else:
            unit_k = np.bincount(g.unit_of_row, weights=x, minlength=len(g.unit_n))
            reps = _bootstrap_ratio(g, unit_k, g.unit_n.astype(float), int(n_bootstrap), seed)
            alpha = 1.0 - conf_level
            q = np.quantile(reps[:, cl], [alpha / 2, 1 - alpha / 2], axis=0)
            low[cl], high[cl] = q[0], q[1]
            low[cl & (g.n_units < 2)] = high[cl & (g.n_units < 2)] = np.nan  # one patient: undefined
            methods[cl] = METHOD_BOOTSTRAP
    cols = {"estimate": p, "ci_low": low, "ci_high": high, "n": g.n.astype(np.int64),
            "n_patients": g.n_units.astype(np.int64), "successes": np.rint(k).astype(np.int64),
            "method": methods, "conf_level": np.full(len(n), conf_level)}
    return _finish(g, cols, PROPORTION_COLUMNS)


def proportion_at_thresholds_table(df: pd.DataFrame, value: str, thresholds, by: Sequence[str] | str = (),
                                   cluster: str | None = None, conf_level: float = 0.95,
                                   threshold_column: str = "threshold", reached=None) -> pd.DataFrame:
    """Share of rows with ``value`` reaching each threshold, per group: a curve of proportions.

    The same table, bitwise, as :func:`proportion_ci_table` (method ``"cluster-robust"``) of the
    cross join of the rows with the thresholds, grouped by ``[*by, threshold_column]``::

        grid = rows x thresholds;  grid["s"] = reached(grid[value], grid[threshold_column])
        proportion_ci_table(grid, "s", by=[*by, threshold_column], cluster=cluster, ...)

    without materialising that grid (rows x thresholds, e.g. 300,000 x 101): see
    :func:`proportion_by_column_table`. ``reached(values, threshold)`` gives the success flags
    (default: ``values >= threshold``; a missing value never reaches).
    """
    _check_columns(df, [value])
    if reached is None:
        def reached(v, x):
            with np.errstate(invalid="ignore"):
                return v >= x
    v = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=float)
    xs = np.asarray(list(thresholds), dtype=float)
    return proportion_by_column_table(df, lambda j: reached(v, xs[j]), xs, by=by, cluster=cluster,
                                      conf_level=conf_level, column=threshold_column)


def _check_columns(df: pd.DataFrame, wanted: list) -> None:
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"Column(s) {', '.join(map(repr, missing))} not found; available columns: "
            f"{', '.join(map(str, df.columns))}.")


def proportion_by_column_table(df: pd.DataFrame, success, values, by: Sequence[str] | str = (),
                               cluster: str | None = None, conf_level: float = 0.95,
                               column: str = "column") -> pd.DataFrame:
    """Proportions per group and per column of a rows x columns matrix of success flags.

    ``success`` is a boolean array of shape (len(df), len(values)), or a function ``j -> flags of
    the rows for values[j]``. The result is the same table, bitwise, as :func:`proportion_ci_table`
    (method ``"cluster-robust"``) of the long "grid" (every row of ``df`` repeated for every value,
    row-major: row 0 with each value, then row 1, ...), grouped by ``[*by, column]``::

        grid = df.loc[df.index.repeat(len(values)), [*by, cluster]]; grid[column] = tile(values)
        grid["s"] = success.ravel();  proportion_ci_table(grid, "s", by=[*by, column], cluster=...)

    The grid (e.g. 200,000 episodes x 26 weeks, or x 101 thresholds) is never built: the group and
    patient codes are computed once on ``df``, and each column takes one ``bincount`` pass over the
    rows in their order, so every sum is accumulated in the same order as over the grid. Groups are
    ordered as grouping the grid orders them (by the groups of ``df``, then by ``values``, which must
    be sorted ascending and distinct). The bootstrap is not offered here (its resampling draws depend
    on the grid's layout): build the grid and call :func:`proportion_ci_table` for that.
    """
    by = _as_list(by)
    conf_level = _check_conf_level(conf_level)
    xs = np.asarray(values)
    if len(xs) > 1 and not (np.diff(xs) > 0).all():
        raise AnalysisError("proportion_by_column_table needs distinct values in ascending order.")
    wanted = by + ([cluster] if cluster is not None else [])
    _check_columns(df, wanted)
    if column in by:
        raise AnalysisError(f"{column!r} is both a grouping column and the column of values.")
    get = (lambda j: success[:, j]) if not callable(success) else success
    d = df[list(dict.fromkeys(wanted))]
    if cluster is not None and d[cluster].isna().any():
        raise AnalysisError(
            f"The cluster column {cluster!r} has missing values; every row needs a patient "
            "identifier for clustered intervals (drop those rows or fill the identifier).")
    n_x = len(xs)
    if len(d) == 0 or n_x == 0:
        grid = d.iloc[np.repeat(np.arange(len(d)), n_x)].reset_index(drop=True)
        grid[column] = np.tile(xs, len(d))
        flags = np.column_stack([np.asarray(get(j), dtype=bool) for j in range(n_x)]) if n_x and len(d) else \
            np.zeros((len(d), n_x), dtype=bool)
        grid["_s"] = flags.ravel()
        return proportion_ci_table(grid, "_s", by=[*by, column], cluster=cluster, conf_level=conf_level)
    g = _Groups(d, by, cluster)
    n_groups = len(g.n)
    # Group keys, as grouping the grid would give them (same dtypes, sorted by the groups, then the
    # value): one representative row per group, crossed with the values.
    first_row = np.unique(g.gid, return_index=True)[1]       # every group has rows (observed=True)
    reps = d.iloc[np.repeat(first_row, n_x)][by].reset_index(drop=True)
    reps[column] = np.tile(xs, n_groups)
    keys = (reps.groupby([*by, column], sort=True, dropna=False, observed=True).size()
            .index.to_frame(index=False))
    n1 = g.n.astype(float)
    k = np.empty((n_groups, n_x))
    meat = np.zeros((n_groups, n_x))
    clustered_any = bool(g.clustered.any())
    for j in range(n_x):
        s = np.asarray(get(j), dtype=bool).astype(float)
        kj = np.bincount(g.gid, weights=s, minlength=n_groups)
        k[:, j] = kj
        if clustered_any:
            with np.errstate(invalid="ignore", divide="ignore"):
                pj = kj / np.where(n1 > 0, n1, np.nan)
            unit_dev = np.bincount(g.unit_of_row, weights=s - pj[g.gid], minlength=len(g.unit_n))
            meat[:, j] = np.bincount(g.unit_group, weights=unit_dev ** 2, minlength=n_groups)
    # Flatten in (group, value) order: the grid's group order.
    k = k.ravel()
    meat = meat.ravel()
    n = np.repeat(n1, n_x)
    G = np.repeat(g.n_units.astype(float), n_x)
    cl = np.repeat(g.clustered, n_x)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / np.where(n > 0, n, np.nan)
    low, high = wilson_ci(k, n, conf_level)
    low, high = np.atleast_1d(low).copy(), np.atleast_1d(high).copy()
    methods = np.full(len(n), METHOD_WILSON, dtype=object)
    if cl.any():
        lo_c, hi_c = _cluster_wilson(p, n, G, meat, conf_level)
        low = np.where(cl, lo_c, low)
        high = np.where(cl, hi_c, high)
        methods[cl] = METHOD_CLUSTER_WILSON
    cols = {"estimate": p, "ci_low": low, "ci_high": high, "n": n.astype(np.int64),
            "n_patients": G.astype(np.int64), "successes": np.rint(k).astype(np.int64),
            "method": methods, "conf_level": np.full(len(n), conf_level)}
    out = pd.concat([keys.reset_index(drop=True), pd.DataFrame(cols)], axis=1)
    return out[list(keys.columns) + PROPORTION_COLUMNS]
