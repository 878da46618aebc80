"""Numbers as the pages and reports show them (round only for display): estimates with their CI and n,
p-values, the log-rank sentence, and the display tables of the relief and duration pages."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .labels import row_labels

EN_DASH = "\u2013"


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False

def fmt_num(x, digits: int = 0, missing: str = "NA") -> str:
    """A number rounded for display; ``missing`` for NaN/None."""
    if not _finite(x):
        return missing
    return f"{float(x):.{digits}f}"

def fmt_n(n) -> str:
    return "n = " + (f"{int(n):,}" if _finite(n) else "0")

def fmt_estimate(estimate, ci_low=None, ci_high=None, n=None, *, kind: str = "proportion",
                 digits: int | None = None, conf_level: float = 0.95, unbounded: str = "not reached") -> str:
    """Format an estimate with its interval and n, the way every number is shown.

    Parameters
    ----------
    kind : {"proportion", "percent", "days", "number"}
        ``proportion``: a value in [0, 1] shown as a percentage ("54% (95% CI 47–61%), n = 212");
        ``percent``: already in percent (mean relief); ``days``: a duration (a missing bound is
        ``unbounded``, e.g. "not reached"); ``number``: a plain score.
    """
    scale, unit = {"proportion": (100.0, "%"), "percent": (1.0, "%"), "days": (1.0, " days"),
                   "number": (1.0, "")}[kind]
    if digits is None:
        digits = {"proportion": 0, "percent": 1, "days": 0, "number": 1}[kind]
    level = f"{conf_level:.0%}"
    n_txt = "" if n is None else f", {fmt_n(n)}"
    if not _finite(estimate):
        if kind == "days" and _finite(ci_low):
            # A median not reached still has a lower limit: the curve's band reached 50% there.
            return f"{unbounded} ({level} CI {fmt_num(ci_low, digits)}{EN_DASH}{unbounded}){n_txt}"
        what = unbounded if kind == "days" else "not estimable"
        return f"{what}{n_txt}"

    def f(x):
        return fmt_num(scale * float(x), digits) if _finite(x) else None

    est = f(estimate)
    lo, hi = (f(ci_low), f(ci_high)) if ci_low is not None or ci_high is not None else (None, None)
    if ci_low is None and ci_high is None:
        return f"{est}{unit}{n_txt}"
    if kind == "days":
        lo_t = lo if lo is not None else unbounded
        hi_t = hi if hi is not None else unbounded
        return f"{est}{unit} ({level} CI {lo_t}{EN_DASH}{hi_t}){n_txt}"
    short_unit = unit.strip()
    lo_t = lo if lo is not None else "NA"
    hi_t = hi if hi is not None else "NA"
    # A negative upper bound would read "-3–-1": use "to" when a bound is negative.
    sep = " to " if (lo is not None and lo.startswith("-")) or (hi is not None and hi.startswith("-")) else EN_DASH
    return f"{est}{unit} ({level} CI {lo_t}{sep}{hi_t}{short_unit}){n_txt}"

def fmt_p(p) -> str:
    """A p-value as journals print it: ``p = 0.032``, ``p < 0.001``."""
    if not _finite(p):
        return "p not available"
    p = float(p)
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"

def logrank_text(lr, shown_only: bool = False) -> str:
    """``Log-rank test: chi-square = 4.20 on 2 df, p = 0.12`` (or an explanation when absent).

    ``shown_only``: the test is over the groups shown (small groups hidden), and says so.
    """
    if lr is None:
        return "Log-rank test: needs at least two groups."
    name = "Log-rank test, robust to repeated episodes of a patient" if getattr(lr, "robust", False) else "Log-rank test"
    if shown_only:
        name += " over the groups shown"
    return f"{name}: \u03c7\u00b2 = {float(lr.chi2):.2f} on {int(lr.df)} df, {fmt_p(lr.p_value)}"

def format_result(result: pd.DataFrame, by, *, kind: str = "proportion", extra: tuple = (),
                   conf_level: float | None = None) -> pd.DataFrame:
    """A display table of a tidy result: group columns, ``extra`` columns, the formatted estimate, n.

    The numbers are the result's own, rounded for display only.
    """
    by = list(by)
    cols = [c for c in [*by, *extra] if c in result.columns]
    out = result[cols].copy()
    lvl = conf_level if conf_level is not None else (
        float(result["conf_level"].iloc[0]) if "conf_level" in result.columns and len(result) else 0.95)
    out[f"Estimate ({lvl:.0%} CI)"] = [
        fmt_estimate(r.estimate, r.ci_low, r.ci_high, kind=kind, conf_level=lvl)
        for r in result.itertuples(index=False)]
    out["n (episodes)"] = result["n"].astype("Int64").to_numpy() if "n" in result.columns else pd.NA
    if "n_patients" in result.columns:
        out["patients"] = result["n_patients"].astype("Int64").to_numpy()
    return out.reset_index(drop=True)

def relief_summary_table(immediate: pd.DataFrame, rates: pd.DataFrame, by) -> pd.DataFrame:
    """One row per group: mean immediate relief and the responder rate at each threshold, formatted
    "54% (95% CI 47–61%)", with n (episodes with an immediate score) and patients.

    ``immediate`` is ``analysis.relief.immediate_relief``; ``rates`` is ``responder_rates``.
    """
    by = list(by)
    frames = []
    if len(immediate):
        m = immediate.assign(_g=row_labels(immediate, by).to_numpy())
        lvl = float(m["conf_level"].iloc[0]) if "conf_level" in m.columns else 0.95
        frames.append(pd.DataFrame({
            "_g": m["_g"], **{c: m[c] for c in by},
            f"Mean immediate relief ({lvl:.0%} CI)": [
                fmt_estimate(r.estimate, r.ci_low, r.ci_high, kind="percent", conf_level=lvl)
                for r in m.itertuples(index=False)],
            "n (episodes)": m["n"].astype("Int64"),
            "patients": m["n_patients"].astype("Int64") if "n_patients" in m.columns else pd.NA,
        }).set_index("_g"))
    for thr in (sorted(rates["threshold"].unique()) if len(rates) else []):
        r = rates[rates["threshold"] == thr]
        r = r.assign(_g=row_labels(r, by).to_numpy())
        lvl = float(r["conf_level"].iloc[0]) if "conf_level" in r.columns else 0.95
        col = pd.DataFrame({
            "_g": r["_g"], **{c: r[c] for c in by},
            f"Responders \u2265 {thr:g}% ({lvl:.0%} CI)": [
                fmt_estimate(x.estimate, x.ci_low, x.ci_high, kind="proportion", conf_level=lvl)
                + (f" ({int(x.successes)}/{int(x.n)})" if "successes" in r.columns and _finite(x.successes) else "")
                for x in r.itertuples(index=False)],
            "n (episodes)": r["n"].astype("Int64"),
        }).set_index("_g")
        frames.append(col)
    if not frames:
        return pd.DataFrame(columns=[*by])
    out = frames[0]
    for f in frames[1:]:
        new = [c for c in f.columns if c not in out.columns]
        out = out.join(f[new], how="outer")
        for c in by:
            if c in f.columns:
                out[c] = out[c].where(out[c].notna(), f[c].reindex(out.index))
        if "n (episodes)" in f.columns:
            out["n (episodes)"] = out["n (episodes)"].where(out["n (episodes)"].notna(),
                                                            f["n (episodes)"].reindex(out.index))
    cols = [*by] + [c for c in out.columns if c not in by and c not in ("n (episodes)", "patients")] + \
        [c for c in ("n (episodes)", "patients") if c in out.columns]
    out = out.reset_index(drop=True)[cols] if by else out.reset_index(drop=True)[cols]
    return out

def duration_table(medians: pd.DataFrame, survival_at: pd.DataFrame, by, conf_level: float = 0.95) -> pd.DataFrame:
    """One row per group: median duration (days) with CI, survival at each requested day with CI, n, events.

    ``medians`` is ``SurvivalByGroup.medians()``; ``survival_at`` is ``SurvivalByGroup.survival_at(days)``.
    """
    by = list(by)
    if not len(medians):
        return pd.DataFrame(columns=[*by, "n (responders)", "events"])
    m = medians.assign(_g=row_labels(medians, by).to_numpy()).set_index("_g")
    out = pd.DataFrame(index=m.index)
    for c in by:
        out[c] = m[c]
    out[f"Median duration ({conf_level:.0%} CI)"] = [
        fmt_estimate(r.estimate, r.ci_low, r.ci_high, kind="days", conf_level=conf_level)
        for r in m.itertuples(index=False)]
    if len(survival_at):
        s = survival_at.assign(_g=row_labels(survival_at, by).to_numpy())
        for t in sorted(s["time"].unique()):
            st_ = s[s["time"] == t].set_index("_g")
            wk = t / 7.0
            lab = f"week {wk:g}" if float(wk).is_integer() else f"day {t:g}"
            out[f"Still relieved at {lab} ({conf_level:.0%} CI)"] = [
                fmt_estimate(st_.loc[g, "estimate"], st_.loc[g, "ci_low"], st_.loc[g, "ci_high"], kind="proportion",
                             conf_level=conf_level) if g in st_.index else "NA"
                for g in out.index]
    out["n (responders)"] = m["n"].astype("Int64")
    out["events"] = m["events"].astype("Int64")
    if "n_patients" in m.columns:
        out["patients"] = m["n_patients"].astype("Int64")
    return out.reset_index(drop=True)

def weekly_n_table(result: pd.DataFrame, by, statistic: str | None = None) -> pd.DataFrame:
    """n per week (rows) and group (columns) of a weekly result, for the small table under a chart."""
    r = result if statistic is None or "statistic" not in result.columns else result[result["statistic"] == statistic]
    if not len(r):
        return pd.DataFrame()
    lab = row_labels(r, by)
    wide = (r.assign(group=lab.to_numpy()).pivot_table(index="week", columns="group", values="n", aggfunc="first")
            .astype("Int64"))
    wide.columns.name = None
    wide.index.name = "week"
    return wide.reset_index()


def day_text(days) -> list[str]:
    """Days since the first course as the import preview shows them: a whole day as its number (``28``), a part
    of a day as the day and the hours and minutes after its start (``0 + 1 h`` for 0.0417: a score an hour after
    the infusion; before day 0: ``0 - 6 h``), never a fraction that reads as nothing (``0.042``); empty where
    missing."""
    d = pd.Series(np.asarray(days, dtype=float))
    if not len(d):
        return []
    step = pd.Series(np.where(d < 0, -1.0, 1.0))
    whole = d.abs().floordiv(1) * step + 0.0  # toward 0 (before day 0: 0 - 6 h); + 0.0: no "-0"
    minutes = ((d - whole).abs() * 1440).round()
    whole, minutes = whole.where(minutes < 1440, whole + step), minutes.where(minutes < 1440, 0)
    hours, mins = minutes.floordiv(60), minutes.mod(60)
    after = (hours.map("{:.0f} h".format).where(hours > 0, "") + " " +
             mins.map("{:.0f} min".format).where(mins > 0, "")).str.strip()
    text = whole.map("{:.0f}".format) + (step.map({1.0: " + ", -1.0: " - "}) + after).where(after != "", "")
    return text.where(d.notna(), "").tolist()


def natural_order(ids) -> list[str]:
    """Identifiers in the order a reader expects, numbers by their value (1, 2, 10, not 1, 10, 2; ``C-2`` before
    ``C-10``): by the text before the first number, then that number, then the whole identifier."""
    s = pd.Series(list(ids), dtype=object).astype(str)
    parts = s.str.extract(r"^(\D*)(\d*)")
    order = pd.DataFrame({"prefix": parts[0].str.casefold(), "number": pd.to_numeric(parts[1], errors="coerce"),
                          "id": s}).sort_values(["prefix", "number", "id"], na_position="first", kind="stable")
    return order["id"].tolist()
