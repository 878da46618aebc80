"""Presentation helpers shared by the dashboard and the export: labels, formatting, small cells.

Pure functions over analysis *results* (and the episode table for group sizes). Nothing here
computes an estimate or an interval: those come from :mod:`analysis.relief`,
:mod:`analysis.duration`, :mod:`analysis.secondary` and :mod:`analysis.cohort`. This module
formats them ("54% (95% CI 47–61%), n = 212"), labels groups, counts the patients per group for
the small-cell rule, and hides the groups and cells below ``Definitions.min_cell_size``.
"""
from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .definitions import KNOWN_MEASURES
from .episodes import MISSING_LABEL, Episodes, apply_filters
from .relief import select

ALL_GROUPS = "All episodes"
EN_DASH = "\u2013"


# ----------------------------------------------------------------------------------------------
# Labels
# ----------------------------------------------------------------------------------------------
def group_label(values, by) -> str:
    """One readable label for a group key: ``"ketamine_iv"`` or ``"ketamine_iv / F"``."""
    by = list(by)
    if not by:
        return ALL_GROUPS
    if isinstance(values, (pd.Series, dict)):
        values = [values[c] for c in by]
    elif not isinstance(values, (tuple, list)):
        values = [values]
    return " / ".join(str(v) for v in values)


def group_labels(table: pd.DataFrame, by) -> pd.Series:
    """A label per row of a result table (see :func:`group_label`)."""
    by = list(by)
    if not by:
        return pd.Series(ALL_GROUPS, index=table.index, dtype=object)
    if len(by) == 1:
        return table[by[0]].astype(str)
    return table[by].astype(str).agg(" / ".join, axis=1)


def measure_label(measure: str) -> str:
    """Human label of a measure, e.g. ``"PHQ-9 depression (0-27)"``; unknown measures as given."""
    return KNOWN_MEASURES.get(measure, {}).get("label", measure)


def measure_short(measure: str) -> str:
    """Short name without the range: ``"PHQ-9 depression"``."""
    return measure_label(measure).split(" (")[0]


# ----------------------------------------------------------------------------------------------
# Number formatting (round only for display)
# ----------------------------------------------------------------------------------------------
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
        m = immediate.assign(_g=group_labels(immediate, by).to_numpy())
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
        r = r.assign(_g=group_labels(r, by).to_numpy())
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
    m = medians.assign(_g=group_labels(medians, by).to_numpy()).set_index("_g")
    out = pd.DataFrame(index=m.index)
    for c in by:
        out[c] = m[c]
    out[f"Median duration ({conf_level:.0%} CI)"] = [
        fmt_estimate(r.estimate, r.ci_low, r.ci_high, kind="days", conf_level=conf_level)
        for r in m.itertuples(index=False)]
    if len(survival_at):
        s = survival_at.assign(_g=group_labels(survival_at, by).to_numpy())
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


# ----------------------------------------------------------------------------------------------
# Group sizes and small-cell suppression
# ----------------------------------------------------------------------------------------------
def group_sizes(episodes: Episodes, by, filters: dict | None = None, included_only: bool = True,
                selected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Patients and episodes per group after filters (the small-cell rule counts patients).

    ``selected``: ``analysis.relief.select(episodes, by, filters, included_only)``, when already computed.

    Returns
    -------
    DataFrame
        group columns, ``patients``, ``episodes``, ``label``.
    """
    by = list(by)
    t = select(episodes, by, filters, included_only=included_only) if selected is None else selected
    if by:
        out = (t.groupby(by, sort=True, observed=True)
               .agg(patients=("patient_id", "nunique"), episodes=("episode_id", "size")).reset_index())
    else:
        out = pd.DataFrame({"patients": [t["patient_id"].nunique()], "episodes": [len(t)]})
    out["label"] = group_labels(out, by).to_numpy()
    return out


@dataclass(frozen=True)
class Suppressed:
    """A result with the small groups and cells removed, and why.

    Attributes
    ----------
    shown : DataFrame
        The rows that may be shown.
    hidden_groups : list of str
        Labels of groups with fewer than ``min_cell_size`` patients (removed entirely).
    hidden_cells : int
        Rows of otherwise shown groups removed because that cell (e.g. a late week) has fewer than
        ``min_cell_size`` patients.
    min_cell_size : int
    cell_groups : tuple of str
        Labels of the shown groups that lost cells.
    hidden_counts : dict
        Label -> patients counted, for groups hidden by :func:`suppress_rows` (named in the note).
    counted : str
        What those patients were counted among, e.g. "with an immediate score".
    """

    shown: pd.DataFrame = field(repr=False)
    hidden_groups: list
    hidden_cells: int
    min_cell_size: int
    cell_groups: tuple = ()
    hidden_counts: dict = field(default_factory=dict)
    counted: str = ""

    @property
    def note(self) -> str:
        """A sentence for the page, or '' when nothing was hidden."""
        parts = []
        m = self.min_cell_size
        if self.hidden_groups:
            counted = f" {self.counted}" if self.counted else ""
            names = [f"{g} ({self.hidden_counts[g]} patient{'s' if self.hidden_counts[g] != 1 else ''}{counted})"
                     if g in self.hidden_counts else g for g in self.hidden_groups]
            if self.hidden_counts:
                parts.append(f"Not shown: {', '.join(names)}. Groups with fewer than {m} patients{counted} are "
                             "hidden: estimates from so few patients are unreliable and could identify individuals.")
            else:
                parts.append(
                    f"Not shown: {', '.join(names)} (fewer than {m} patients; "
                    "estimates from so few patients are unreliable and could identify individuals).")
        if self.hidden_cells:
            # The groups are not named here: weekly tables lose cells in many groups (a long list), and
            # the groups a page hides entirely are named by the note of what it draws.
            parts.append(f"{self.hidden_cells} estimate(s) from fewer than {m} patients "
                         "(e.g. late weeks) are not shown.")
        return " ".join(parts)


def small_group_labels(sizes: pd.DataFrame, min_cell_size: int) -> list[str]:
    """Labels of the groups with fewer than ``min_cell_size`` patients."""
    return sizes.loc[sizes["patients"] < int(min_cell_size), "label"].astype(str).tolist()


def suppress(result: pd.DataFrame, by, sizes: pd.DataFrame, min_cell_size: int,
             cell_column: str | None = "n_patients") -> Suppressed:
    """Remove groups with fewer than ``min_cell_size`` patients, and cells below it.

    Parameters
    ----------
    result : DataFrame
        A tidy result with the group columns ``by``.
    sizes : DataFrame
        From :func:`group_sizes` (same ``by`` and filters).
    cell_column : str or None
        Per-row patient count (``n_patients``); rows below the minimum are removed too. None
        to keep every row of the shown groups.
    """
    by = list(by)
    small = set(small_group_labels(sizes, min_cell_size))
    labels = group_labels(result, by) if len(result) else pd.Series([], dtype=object)
    keep = ~labels.isin(small).to_numpy() if len(result) else np.zeros(0, dtype=bool)
    hidden_cells = 0
    if cell_column and cell_column in result.columns and len(result):
        cell_ok = (pd.to_numeric(result[cell_column], errors="coerce").fillna(0) >= int(min_cell_size)).to_numpy()
        lost = keep & ~cell_ok
        hidden_cells = int(lost.sum())
        cell_groups = tuple(dict.fromkeys(labels[lost].astype(str).tolist()))
        keep &= cell_ok
    else:
        cell_groups = ()
    hidden = [g for g in sizes["label"].astype(str).tolist() if g in small]
    return Suppressed(shown=result[keep].reset_index(drop=True), hidden_groups=hidden,
                      hidden_cells=hidden_cells, min_cell_size=int(min_cell_size), cell_groups=cell_groups)


def suppress_rows(rows: pd.DataFrame, by, sizes: pd.DataFrame, min_cell_size: int, value: str,
                  counted: str = "with a value") -> Suppressed:
    """Remove the groups of an episode-level table (rows drawn one by one, as in a box plot with its
    dots) whose rows with a ``value`` come from fewer than ``min_cell_size`` patients.

    A group can have enough patients (``sizes``) and still show only a few of them: the Pain relief box
    plot draws the episodes *with an immediate score*, so a group of 6 patients of whom 2 have one drew
    those 2 values (issue 14). The patients counted here are those behind what is drawn.

    Parameters
    ----------
    rows : DataFrame
        One row per episode: ``patient_id``, the group columns ``by`` and ``value``.
    sizes : DataFrame
        From :func:`group_sizes` (same ``by`` and filters): the order of the groups in the note.
    value : str
        The column drawn; rows where it is missing are dropped.
    counted : str
        What the patients are counted among, for the note ("with an immediate score").

    Returns
    -------
    Suppressed
        ``shown``: the rows with a value of the groups kept; ``hidden_groups``: every group of
        ``sizes`` (or of ``rows``) with fewer than ``min_cell_size`` such patients, with its count in
        ``hidden_counts``.
    """
    by = list(by)
    m = int(min_cell_size)
    r = rows[rows[value].notna()] if len(rows) else rows
    labels = group_labels(r, by) if len(r) else pd.Series([], dtype=object)
    patients = (pd.Series(r["patient_id"].to_numpy()).groupby(labels.to_numpy()).nunique()
                if len(r) else pd.Series([], dtype=int))
    order = list(dict.fromkeys(sizes["label"].astype(str).tolist() + [str(x) for x in patients.index]))
    counts = {g: int(patients.get(g, 0)) for g in order}
    hidden = [g for g in order if counts[g] < m]
    keep = ~labels.isin(hidden).to_numpy() if len(r) else np.zeros(0, dtype=bool)
    return Suppressed(shown=r[keep].reset_index(drop=True), hidden_groups=hidden, hidden_cells=0,
                      min_cell_size=m, hidden_counts={g: counts[g] for g in hidden}, counted=counted)


def survival_groups_to_hide(result, sizes: pd.DataFrame, min_cell_size: int) -> list[tuple]:
    """Keys of a :class:`~analysis.duration.SurvivalByGroup` whose group has too few patients.

    A curve is hidden when its group has fewer than ``min_cell_size`` patients (``sizes``), or when
    the episodes in the curve itself (the immediate responders of a relief-duration curve) come from
    fewer than ``min_cell_size`` patients: a curve of two responders draws their two times.
    """
    small = set(small_group_labels(sizes, min_cell_size))
    hide = []
    for key, fit in result.fits.items():
        if group_label(list(key), result.by) in small:
            hide.append(key)
        elif result.by == () and small:
            hide.append(key)
        elif result._n_patients(key) < int(min_cell_size):
            hide.append(key)
    return hide


def survival_note(result, hide, min_cell_size: int, counted: str = "in the curve") -> str:
    """The sentence naming the hidden curves of :func:`survival_groups_to_hide` and why ('' if none)."""
    if not hide:
        return ""
    names = []
    for key in hide:
        n = result._n_patients(key) if key in result.fits else 0
        names.append(f"{group_label(list(key), result.by)} ({n} patient{'s' if n != 1 else ''} {counted})")
    return (f"Not shown: {', '.join(names)}. Curves with fewer than {int(min_cell_size)} patients {counted} are "
            "hidden: a curve from so few patients is unreliable and could identify individuals.")


def weekly_n_table(result: pd.DataFrame, by, statistic: str | None = None) -> pd.DataFrame:
    """n per week (rows) and group (columns) of a weekly result, for the small table under a chart."""
    r = result if statistic is None or "statistic" not in result.columns else result[result["statistic"] == statistic]
    if not len(r):
        return pd.DataFrame()
    lab = group_labels(r, by)
    wide = (r.assign(group=lab.to_numpy()).pivot_table(index="week", columns="group", values="n", aggfunc="first")
            .astype("Int64"))
    wide.columns.name = None
    wide.index.name = "week"
    return wide.reset_index()


def episode_exclusion_counts(episodes: Episodes, filters: dict | None = None) -> pd.DataFrame:
    """Episodes excluded from relief analyses, counted per reason (``reason``, ``episodes``)."""
    t = apply_filters(episodes.table, filters)
    ex = t.loc[~t["included"], "exclusion_reason"]
    out = ex.value_counts().rename_axis("reason").rename("episodes").reset_index()
    return out


def treatment_counts(episodes: Episodes, filters: dict | None = None) -> pd.DataFrame:
    """Per treatment: ``patients``, ``episodes``, ``analysable`` episodes (with a baseline)."""
    t = apply_filters(episodes.table, filters)
    return (t.groupby("treatment", sort=True)
            .agg(patients=("patient_id", "nunique"), episodes=("episode_id", "size"), analysable=("included", "sum"))
            .reset_index())


def covariate_kind(patients: pd.DataFrame, column: str, max_levels: int = 12) -> str:
    """``"categorical"`` (text, or few distinct numbers) or ``"numeric"`` for a patient covariate."""
    s = patients[column]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and s.nunique() > max_levels:
        return "numeric"
    return "categorical"


def covariate_levels(patients: pd.DataFrame, column: str) -> list:
    """The levels a categorical covariate takes, as text, with ``(missing)`` when some are missing."""
    s = patients[column]
    levels = sorted({str(v) if not isinstance(v, float) or not v.is_integer() else f"{v:g}"
                     for v in s.dropna().tolist()})
    if s.isna().any():
        levels.append(MISSING_LABEL)
    return levels


def covariate_range(patients: pd.DataFrame, column: str) -> tuple[float, float]:
    """Smallest and largest value of a numeric covariate (slider bounds)."""
    v = pd.to_numeric(patients[column], errors="coerce")
    if not v.notna().any():
        return (0.0, 0.0)
    return (float(v.min()), float(v.max()))


def groupable_covariates(patients: pd.DataFrame, max_levels: int = 12) -> list[str]:
    """Covariates that make sensible groups: categorical, with at most ``max_levels`` levels."""
    out = []
    for c in patients.columns:
        if c == "patient_id":
            continue
        if covariate_kind(patients, c, max_levels) == "categorical" and patients[c].nunique() <= max_levels:
            out.append(c)
    return out


def filter_values_for(patients: pd.DataFrame, column: str, chosen: list) -> list:
    """Map chosen level labels back to the covariate's values (numbers stay numbers) for filtering."""
    s = patients[column]
    out = []
    for lab in chosen:
        if lab == MISSING_LABEL:
            out.append(MISSING_LABEL)
            continue
        match = [v for v in s.dropna().unique().tolist()
                 if (str(v) if not isinstance(v, float) or not v.is_integer() else f"{v:g}") == lab]
        out.extend(match or [lab])
    return out


# ----------------------------------------------------------------------------------------------
# Uploaded files: headers only (for the interactive column mapping)
# ----------------------------------------------------------------------------------------------
def upload_headers(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The column names of each uploaded CSV (inside a zip too), read from the header line only.

    Used by the dashboard to offer the columns of a file when a required one is missing. Files
    that cannot be read give an empty list (the loader reports the real error).
    """
    out: dict[str, list[str]] = {}

    def header(name: str, data: bytes) -> None:
        if not name.lower().endswith((".csv", ".txt", ".tsv")):
            return
        try:
            head = pd.read_csv(io.BytesIO(data), nrows=0, sep=None, engine="python", encoding="utf-8-sig")
            out[name.rsplit("/", 1)[-1]] = [str(c) for c in head.columns]
        except Exception:  # noqa: BLE001 - any unreadable file simply offers no columns
            out[name.rsplit("/", 1)[-1]] = []

    for name, data in files.items():
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for info in z.infolist():
                        if not info.is_dir() and "__MACOSX" not in info.filename:
                            header(info.filename, z.read(info.filename)[:65536])
            except (zipfile.BadZipFile, OSError, RuntimeError):
                continue
        else:
            header(name, data[:65536])
    return out
