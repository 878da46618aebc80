"""Regression for binary outcomes with patient-clustered robust variance (GEE, independence).

:func:`risk_regression` fits a generalised linear model by its estimating equations with an
independence working correlation and the robust (sandwich) variance with patients as clusters, as
R's ``geepack::geeglm(y ~ ..., id = patient, corstr = "independence")``:

* risk difference: identity link, Gaussian variance (the linear probability model with robust
  variance, "modified least squares", Cheung 2007);
* risk ratio: log link, Poisson variance ("modified Poisson", Zou 2004);
* odds ratio: logit link, binomial variance (logistic regression).

The robust variance makes the first two valid for a binary outcome whatever the variance
function; with one row per patient it is the HC0 sandwich.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from .errors import AnalysisError
from .modelframe import model_frame

MEASURES = {
    "RD": {"name": "risk difference", "link": "identity", "family": "gaussian",
           "method": "GEE, identity link (linear probability), independence, robust variance (patients as clusters)"},
    "RR": {"name": "risk ratio", "link": "log", "family": "poisson",
           "method": "GEE, log link (modified Poisson), independence, robust variance (patients as clusters)"},
    "OR": {"name": "odds ratio", "link": "logit", "family": "binomial",
           "method": "GEE, logit link (logistic), independence, robust variance (patients as clusters)"},
}
MAX_ITERATIONS = 100
TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class GEEFit:
    """Estimates on the link scale (intercept first), robust and model-based variance."""

    coef: np.ndarray
    var: np.ndarray = field(repr=False)
    naive_var: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)
    iterations: int = 0
    converged: bool = True
    n_clusters: int = 0


def _mean(eta: np.ndarray, link: str) -> np.ndarray:
    if link == "identity":
        return eta
    if link == "log":
        return np.exp(np.minimum(eta, 700.0))
    return special.expit(eta)


def fit_gee_independence(y, x, clusters, measure: str = "RD") -> GEEFit:
    """Solve sum_i x_i (y_i - mu_i) = 0 for a canonical link (identity/Gaussian, log/Poisson,
    logit/binomial) by Newton-Raphson, with the sandwich variance A^-1 B A^-1, A = sum_i v_i x_i x_i',
    v_i = Var(mu_i) (1, mu, mu(1-mu)), B = sum_g U_g U_g', U_g = sum_{i in g} x_i (y_i - mu_i)
    (Liang & Zeger 1986; geepack's ``san.se``). ``x`` includes the intercept column.
    """
    spec = MEASURES[measure]
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    link = spec["link"]
    p = x.shape[1]
    beta = np.zeros(p)
    if link == "identity":
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        it, converged = 1, True
    else:
        # start from the intercept-only fit (the mean on the link scale)
        m = min(max(y.mean(), 1e-6), 1 - 1e-6) if link == "logit" else max(y.mean(), 1e-6)
        beta[0] = np.log(m) if link == "log" else special.logit(m)
        converged = False
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for it in range(1, MAX_ITERATIONS + 1):
                mu = _mean(x @ beta, link)
                v = mu if link == "log" else mu * (1 - mu)
                a = (x * v[:, None]).T @ x
                try:
                    step = np.linalg.solve(a, x.T @ (y - mu))
                except np.linalg.LinAlgError:
                    break                       # a group with no (or only) responders: not estimable
                if not np.all(np.isfinite(step)):
                    break
                beta = beta + step
                if np.max(np.abs(step)) < 1e-10 * (1 + np.max(np.abs(beta))):
                    converged = True
                    break
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        mu = _mean(x @ beta, link)
        v = np.ones_like(mu) if link == "identity" else (mu if link == "log" else mu * (1 - mu))
        try:
            a_inv = np.linalg.inv((x * v[:, None]).T @ x)
        except np.linalg.LinAlgError:
            a_inv = np.full((p, p), np.nan)
            converged = False
        codes = pd.factorize(np.asarray(clusters), sort=False)[0]
        n_clusters = codes.max() + 1 if codes.size else 0
        # each patient's score, its rows added in order (one column of the design at a time)
        resid = y - mu
        u = np.column_stack([np.bincount(codes, weights=x[:, j] * resid, minlength=n_clusters)
                             for j in range(p)]).reshape(n_clusters, p)
        var = a_inv @ (u.T @ u) @ a_inv
    if not np.all(np.isfinite(var)) or not np.all(np.isfinite(beta)):
        converged = False
    if link == "identity":
        naive = a_inv * np.sum((y - mu) ** 2) / max(len(y) - p, 1)
    else:
        naive = a_inv
    return GEEFit(coef=beta, var=var, naive_var=naive, fitted=mu, iterations=it, converged=converged,
                  n_clusters=int(u.shape[0]))


@dataclass(frozen=True, eq=False)
class RiskRegressionResult:
    """A fitted risk model as a tidy table.

    Attributes
    ----------
    table : DataFrame
        One row per term: ``term``, ``estimate`` (risk difference, risk ratio or odds ratio),
        ``ci_low``, ``ci_high``, ``p_value``, ``se`` (on the link scale: of the difference, of the
        log ratio), ``n`` (rows used), ``events`` (rows with outcome 1), ``n_patients``,
        ``measure``, ``method``, ``covariate``, ``level``, ``reference``, ``conf_level``.
    measure : {"RD", "RR", "OR"}
    n, events, n_patients, n_dropped : int
    dropped : dict
    converged : bool
    intercept : float
        On the link scale (the reference risk for RD, its log for RR, log odds for OR).
    """

    table: pd.DataFrame = field(repr=False)
    measure: str
    n: int
    events: int
    n_patients: int
    n_dropped: int
    dropped: dict
    converged: bool
    intercept: float
    fit: GEEFit | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def risk_regression(data: pd.DataFrame, outcome: str, covariates, clusters: str, measure: str = "RD",
                    reference: dict | None = None, conf_level: float = 0.95) -> RiskRegressionResult:
    """Risk difference, risk ratio or odds ratio of a binary outcome, adjusted for covariates,
    with patient-clustered robust intervals (GEE, independence working correlation).

    Parameters
    ----------
    data : DataFrame
    outcome : str
        Column with 1/True (e.g. responder) or 0/False.
    covariates : sequence of str
        The first is usually ``"treatment"``; numeric columns are one term, others indicator terms
        against a reference level (see :func:`analysis.modelframe.model_frame`).
    clusters : str
        Patient column.
    measure : {"RD", "RR", "OR"}
    reference : dict, optional
        ``{column: level}`` reference levels.
    conf_level : float

    Returns
    -------
    RiskRegressionResult

    Notes
    -----
    Equal to R's ``geepack::geeglm(outcome ~ covariates, id = patient, corstr = "independence",
    family = gaussian)`` (RD), ``family = poisson("log")`` (RR, Zou 2004) and ``family = binomial``
    (OR), with ``std.err = "san.se"`` (the default). Intervals are Wald: RD +/- z se;
    exp(log RR +/- z se); p-values two-sided Wald. Adjusted RD from the identity link can imply
    risks outside [0, 1] for extreme covariate values; it is the average difference under the
    linear model.

    References
    ----------
    K.-Y. Liang, S. L. Zeger, Biometrika 73 (1986) 13-22. G. Zou, Am J Epidemiol 159 (2004)
    702-706. Y. B. Cheung, Am J Epidemiol 166 (2007) 1337-1344. S. Hojsgaard, U. Halekoh, J. Yan,
    J Stat Softw 15(2) (2006) (geepack).
    """
    measure = str(measure).upper()
    return risk_regressions(data, outcome, covariates, clusters, (measure,), reference, conf_level)[measure]


def risk_regressions(data: pd.DataFrame, outcome: str, covariates, clusters: str, measures=("RD", "RR"),
                     reference: dict | None = None, conf_level: float = 0.95) -> dict:
    """:func:`risk_regression` for several measures of the same model: ``{measure: result}``.

    The rows, the design matrix and the patients are found once for all measures.
    """
    measures = [str(m).upper() for m in measures]
    for measure in measures:
        if measure not in MEASURES:
            raise AnalysisError(f"risk_regression: measure must be one of {', '.join(MEASURES)}, got {measure!r}.")
    mf = model_frame(data, covariates, [outcome, clusters], reference, "risk_regression")
    d = mf.data
    y_raw = d[outcome]
    y = y_raw.to_numpy(dtype=float) if not pd.api.types.is_bool_dtype(y_raw) else y_raw.to_numpy(dtype=bool).astype(float)
    if len(y) and not np.isin(y, (0.0, 1.0)).all():
        raise AnalysisError(f"risk_regression: column {outcome!r} must be 1 (yes) or 0 (no).")
    if len(y) == 0 or y.min() == y.max():
        raise AnalysisError(f"risk_regression: {outcome!r} is the same for every row used ({len(y)} rows); "
                            "there is nothing to compare.")
    x = np.column_stack([np.ones(len(y)), mf.x])
    # patients numbered by first appearance, as fit_gee_independence numbers them
    patients = pd.factorize(d[clusters].to_numpy(), sort=False)[0]
    z = float(special.ndtri(0.5 + 0.5 * float(conf_level)))
    return {measure: _risk_table(mf, y, fit_gee_independence(y, x, patients, measure), measure, z, conf_level)
            for measure in measures}


def _risk_table(mf, y: np.ndarray, fit: GEEFit, measure: str, z: float, conf_level: float) -> RiskRegressionResult:
    """The fit of one measure as a :class:`RiskRegressionResult` (Wald intervals, ``z`` quantile)."""
    spec = MEASURES[measure]
    coef = fit.coef[1:].copy()
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(fit.var))[1:]
    # Not estimable (e.g. a treatment with no responders under a log or logit link, or a column
    # without variation among some patients): NaN rather than a number from a diverging fit.
    bad = ~(np.isfinite(coef) & np.isfinite(se) & (se > 0)) | (not fit.converged)
    coef[bad], se[bad] = np.nan, np.nan
    lo, hi = coef - z * se, coef + z * se
    ratio = measure in ("RR", "OR")
    with np.errstate(over="ignore", invalid="ignore"):
        table = mf.terms.copy()
        table.insert(1, "estimate", np.exp(coef) if ratio else coef)
        table.insert(2, "ci_low", np.exp(lo) if ratio else lo)
        table.insert(3, "ci_high", np.exp(hi) if ratio else hi)
        table.insert(4, "p_value", 2 * special.ndtr(-np.abs(coef / se)))
        table.insert(5, "se", se)
        table.insert(6, "n", len(y))
        table.insert(7, "events", int(y.sum()))
        table.insert(8, "n_patients", fit.n_clusters)
        table.insert(9, "measure", spec["name"])
        table.insert(10, "method", spec["method"])
    table["conf_level"] = float(conf_level)
    return RiskRegressionResult(table=table, measure=measure, n=len(y), events=int(y.sum()),
                                n_patients=fit.n_clusters, n_dropped=mf.n_dropped, dropped=mf.dropped,
                                converged=fit.converged, intercept=float(fit.coef[0]), fit=fit)


def interaction_test(data: pd.DataFrame, outcome: str, covariate: str, treatment: str, reference: str,
                     clusters: str, measure: str = "RD", treatment_column: str = "treatment") -> dict:
    """Robust Wald test that the effect of ``treatment`` (vs ``reference``) is the same in every level
    of ``covariate``: the k - 1 coefficients of treatment x covariate in
    ``outcome ~ treatment + covariate + treatment:covariate`` (GEE, independence, robust variance)
    are 0. R: ``fit <- geeglm(y ~ treatment * covariate, id = patient, corstr = "independence")``,
    ``b <- coef(fit)[i]; chi2 <- t(b) %*% solve(vcov(fit)[i, i]) %*% b``.

    Returns ``{"chi2", "df", "p_value"}``; NaN where not testable (one level, one treatment,
    collinear design, a fit that does not converge). Rows with the covariate missing are left out.
    """
    d = data[data[treatment_column].isin([treatment, reference]) & data[covariate].notna()]
    nan = {"chi2": np.nan, "df": 0, "p_value": np.nan}
    levels = sorted(pd.unique(d[covariate]).tolist(), key=lambda v: (str(type(v)), v))
    if len(levels) < 2 or d[treatment_column].nunique() < 2:
        return nan
    trt = (d[treatment_column] == treatment).to_numpy(float)
    dummies = np.column_stack([(d[covariate] == v).to_numpy(float) for v in levels[1:]])
    x = np.column_stack([np.ones(len(d)), trt, dummies, trt[:, None] * dummies])
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return nan
    y = d[outcome].to_numpy(float)
    fit = fit_gee_independence(y, x, d[clusters].to_numpy(), str(measure).upper())
    k = len(levels) - 1
    b, v = fit.coef[-k:], fit.var[-k:, -k:]
    if not (fit.converged and np.all(np.isfinite(v))):
        return nan
    try:
        chi2 = float(b @ np.linalg.solve(v, b))
    except np.linalg.LinAlgError:
        return nan
    return {"chi2": chi2, "df": k, "p_value": float(special.chdtrc(k, chi2))}
