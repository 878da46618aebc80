"""Published reference figures, and how this dataset's estimates compare with them.

The reference values (with full citations) live in an editable CSV, ``data/published_figures.csv``;
:func:`load_published` reads and checks it. Each row says which statistic of
:func:`analysis.summary.summarize` it is compared with (``statistic``, ``treatment``, weeks).
:func:`compare_with_published` is a pure function: it says, per row, whether this dataset's
confidence interval includes the quoted figure.

Columns of the reference file
-----------------------------
``id``
    Unique key of the row.
``quantity``
    What the source reports, in words.
``kind``
    ``estimate`` (a published estimate, with or without its CI: does this dataset's CI include
    it?) or ``upper_bound`` (a claim such as "benefit lost by week 12", read as "below this value":
    is this dataset's CI entirely below it?).
``published_value``, ``published_ci_low``, ``published_ci_high``
    The figure as published; proportions in [0, 1], durations in days. The CI may be empty.
``unit``
    ``proportion`` or ``days``.
``statistic``
    The statistic of the summary table it is compared with: ``immediate_responder_rate``,
    ``immediate_relief_pct``, ``responder_rate`` (weekly, observed cases),
    ``median_relief_duration_days`` or ``relief_survival`` (Kaplan-Meier, still relieved).
``treatment``
    The treatment the figure describes (e.g. ``ketamine_iv``); which of this dataset's treatments it is
    compared with is :func:`analysis.published_match.match_treatments`' rule (the same name, else the one
    treatment naming the same drug, else the user's choice).
``week_from``, ``week_to``
    For weekly statistics: every report week of the summary in this range is compared.
``source``, ``citation``, ``doi``, ``design``, ``definition_note``
    Short source, full citation, DOI, study design, and how the published definition differs.

References
----------
Zhao J, Wang Y, Wang D. The effect of ketamine infusion in the treatment of complex regional pain
syndrome: a systemic review and meta-analysis. Curr Pain Headache Rep 2018;22(2):12.
Sigtermans MJ et al. Ketamine produces effective and long-term pain relief in patients with Complex
Regional Pain Syndrome Type 1. Pain 2009;145(3):304-311.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DatasetError
from .published_match import match_treatments
from .resources import published_figures_path

DEFAULT_PATH = published_figures_path()

REQUIRED_COLUMNS = ["id", "quantity", "kind", "published_value", "published_ci_low", "published_ci_high", "unit",
                    "statistic", "treatment", "week_from", "week_to", "source", "citation", "doi", "design",
                    "definition_note"]
STATISTICS = {
    "immediate_responder_rate": "immediate responders (relief \u2265 {thr}%)",
    "immediate_relief_pct": "mean immediate relief",
    "responder_rate": "responders in week {week} (relief \u2265 {thr}%, observed cases)",
    "median_relief_duration_days": "median relief duration among immediate responders",
    "relief_survival": "still relieved at week {week} (Kaplan-Meier, immediate responders)",
}
KINDS = ("estimate", "upper_bound")
UNITS = ("proportion", "days", "percent")

COMPARISON_COLUMNS = ["id", "source", "quantity", "kind", "unit", "treatment", "dataset_treatment", "week",
                      "published_value", "published_ci_low", "published_ci_high", "dataset_label", "estimate",
                      "ci_low", "ci_high", "n", "includes", "verdict", "verdict_text", "citation", "doi", "design",
                      "definition_note"]

#: Why a clinic's figure and a published one can differ even when both are right.
LIMITATIONS = [
    "Different definitions of 'relief': papers count 'pain relief' as each study defined it (any reduction, "
    "\u2265 30%, \u2265 50%, patient global impression); here relief is the % reduction of the pain score from the "
    "episode's baseline at the threshold chosen in the sidebar.",
    "Different units: meta-analyses pool the share of patients; here the unit is a treatment episode, and a "
    "patient with boosters contributes several episodes (intervals account for that, the estimate does not "
    "become a share of patients).",
    "Different populations: trials select patients (CRPS type, disease duration, prior treatments, "
    "co-morbidities); a clinic treats who comes, and referral patterns differ between clinics.",
    "Different protocols: dose, infusion length (hours vs the 4.2-day infusion of Sigtermans et al.), "
    "co-medication and booster schedules change both relief and its duration.",
    "Different follow-up: the timing of the 'immediate' and '1\u20133 month' assessments and how missing "
    "visits are handled (this dataset: observed cases; see the sensitivity analysis on 'Relief over time') "
    "move the figures; patients who do badly stop coming.",
    "Pooled figures are averages over heterogeneous studies, and published studies tend to be the positive "
    "ones (publication bias). A published figure inside this dataset's interval means the data are "
    "compatible with it, not that the treatment works equally well here; outside it means a difference worth "
    "understanding, not necessarily worse care.",
]


def load_published(source: str | Path | bytes | None = None) -> pd.DataFrame:
    """Read and check the published reference figures (default ``data/published_figures.csv``).

    Parameters
    ----------
    source : path or bytes, optional
        A CSV file with the columns listed in the module docstring.

    Raises
    ------
    DatasetError
        When the file is missing, unreadable or a row is malformed; the message says what to fix.
    """
    name = "published_figures.csv"
    try:
        if source is None:
            source = DEFAULT_PATH
        if isinstance(source, (bytes, bytearray)):
            df = pd.read_csv(io.BytesIO(source), dtype=str, keep_default_na=False)
        else:
            name = Path(source).name
            df = pd.read_csv(source, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DatasetError(f"The reference file {source} does not exist; restore data/published_figures.csv.",
                           file=name) from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
        raise DatasetError(f"{name} is not a readable CSV ({e}).", file=name) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DatasetError(f"{name} lacks the column(s) {', '.join(missing)}; see analysis/published.py.",
                           file=name, column=missing[0])
    df = df.copy()
    for c in ("published_value", "published_ci_low", "published_ci_high", "week_from", "week_to"):
        raw = df[c].str.strip()
        num = pd.to_numeric(raw.replace("", np.nan), errors="coerce")
        bad = raw.ne("") & num.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DatasetError(f"{name}, line {i + 2}, column {c}: {raw.iloc[i]!r} is not a number.", file=name,
                               column=c)
        df[c] = num.astype(float)
    for c, allowed in (("kind", KINDS), ("unit", UNITS), ("statistic", tuple(STATISTICS))):
        bad = ~df[c].isin(allowed)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DatasetError(f"{name}, line {i + 2}, column {c}: {df[c].iloc[i]!r} is not one of "
                               f"{', '.join(allowed)}.", file=name, column=c)
    if df["published_value"].isna().any():
        i = int(np.flatnonzero(df["published_value"].isna().to_numpy())[0])
        raise DatasetError(f"{name}, line {i + 2}: published_value is empty.", file=name, column="published_value")
    if df["id"].duplicated().any():
        raise DatasetError(f"{name}: the id {df.loc[df['id'].duplicated(), 'id'].iloc[0]!r} appears twice.",
                           file=name, column="id")
    return df.reset_index(drop=True)


def _verdict(kind: str, value: float, lo: float, hi: float, unit: str) -> tuple[object, str, str]:
    """(includes, verdict, text) for one comparison."""
    fmt = (lambda x: f"{100 * x:.0f}%") if unit == "proportion" else (
        (lambda x: f"{x:.0f} days") if unit == "days" else (lambda x: f"{x:.0f}%"))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        if unit == "days" and np.isfinite(lo) and not np.isfinite(hi):
            # Median interval unbounded above (not reached): includes anything above the lower bound.
            if value >= lo:
                return True, "includes", (f"This dataset's 95% CI (from {fmt(lo)}, upper bound not reached) includes "
                                          f"the published {fmt(value)}.")
            return False, "above", f"This dataset's 95% CI starts above the published {fmt(value)}."
        return pd.NA, "not estimable", "This dataset's interval cannot be estimated (too few events or patients)."
    inside = lo <= value <= hi
    if kind == "upper_bound":
        if hi < value:
            return False, "consistent", (f"Consistent with the published claim: this dataset's 95% CI "
                                         f"({fmt(lo)}\u2013{fmt(hi)}) lies entirely below {fmt(value)}.")
        if lo > value:
            return False, "not consistent", (f"Not consistent with the published claim: this dataset's 95% CI "
                                             f"({fmt(lo)}\u2013{fmt(hi)}) lies entirely above {fmt(value)}.")
        return True, "inconclusive", (f"Inconclusive: this dataset's 95% CI ({fmt(lo)}\u2013{fmt(hi)}) includes "
                                      f"{fmt(value)}.")
    if inside:
        return True, "includes", f"This dataset's 95% CI ({fmt(lo)}\u2013{fmt(hi)}) includes the published {fmt(value)}."
    if lo > value:
        return False, "above", (f"Higher here: this dataset's 95% CI ({fmt(lo)}\u2013{fmt(hi)}) lies entirely above "
                                f"the published {fmt(value)}.")
    return False, "below", (f"Lower here: this dataset's 95% CI ({fmt(lo)}\u2013{fmt(hi)}) lies entirely below the "
                            f"published {fmt(value)}.")


def dataset_treatments(summary_or_results) -> list[str]:
    """The treatments a published figure can be compared with: those of the summary's table and counts (a
    Summary), or of the table."""
    is_table = isinstance(summary_or_results, pd.DataFrame)
    table = summary_or_results if is_table else summary_or_results.table
    mine = list(table["treatment"].astype(str).unique()) if "treatment" in table.columns else []
    counts = None if is_table else summary_or_results.counts
    if counts is not None and "treatment" in counts.columns:
        mine += list(counts["treatment"].astype(str).unique())
    return list(dict.fromkeys(mine))


def compare_with_published(summary_or_results, published_df: pd.DataFrame | None = None, *,
                           threshold: float | None = None, min_cell_size: int | None = None,
                           group_patients: dict | None = None, matches: dict | None = None) -> pd.DataFrame:
    """Each published figure beside this dataset's estimate and CI, with a verdict.

    Parameters
    ----------
    summary_or_results : Summary or DataFrame
        :func:`analysis.summary.summarize` (its ``treatment`` grouping), or its ``.table``: columns
        ``treatment``, ``statistic``, ``week``, ``estimate``, ``ci_low``, ``ci_high``, ``n``.
    published_df : DataFrame, optional
        :func:`load_published` (default file when None).
    threshold : float, optional
        Responder threshold used (for labels); taken from the summary's definitions when given one.
    min_cell_size : int, optional
        Groups with fewer patients with an analysable episode, and estimates whose ``n_patients``
        (where the table has it) is smaller, get the verdict ``group too small`` and no estimate.
        Taken from the summary's definitions (with its ``patients_analysable`` counts) when given one.
    group_patients : dict, optional
        Treatment -> patients with an analysable episode, when a table (not a Summary) is given and
        small groups must be hidden.
    matches : dict, optional
        Published treatment -> this dataset's treatment it is compared with (or
        :data:`analysis.published_match.NOT_COMPARED`): the user's choice, over the matching rule of
        :func:`analysis.published_match.match_treatments`.

    Returns
    -------
    DataFrame
        One row per published figure and matching report week: ``id``, ``source``, ``quantity``,
        ``kind``, ``unit``, ``treatment`` (the published one), ``dataset_treatment`` (this dataset's treatment
        compared with it; empty when none), ``week``, ``published_value``, ``published_ci_low``,
        ``published_ci_high``, ``dataset_label``, ``estimate``, ``ci_low``, ``ci_high``, ``n`` (this
        dataset; NaN when not available), ``includes`` (this dataset's CI includes the published
        value; NA when not estimable), ``verdict`` (``includes``, ``above``, ``below``,
        ``consistent``, ``not consistent``, ``inconclusive``, ``not estimable``, ``not available``,
        ``group too small``), ``verdict_text``, ``citation``, ``doi``, ``design``, ``definition_note``.
    """
    pub = load_published() if published_df is None else published_df
    if hasattr(summary_or_results, "table") and hasattr(summary_or_results, "definitions"):
        s = summary_or_results
        table = s.table
        thr = s.definitions.threshold if threshold is None else threshold
        mcs = s.definitions.min_cell_size if min_cell_size is None else min_cell_size
        if group_patients is None and "treatment" in s.counts.columns:
            # the patients the estimates come from, as the small-group rule of every other table counts
            group_patients = s.counts.groupby("treatment")["patients_analysable"].sum().to_dict()
        report_weeks = tuple(s.definitions.report_weeks)
    else:
        table = summary_or_results
        thr = threshold
        mcs = min_cell_size
        report_weeks = tuple(sorted(int(w) for w in table["week"].dropna().unique())) if len(table) else ()
    thr_txt = f"{thr:g}" if thr is not None else "T"
    has_treatment = "treatment" in table.columns
    matched = match_treatments(pub["treatment"], dataset_treatments(summary_or_results), matches).set_index("treatment")
    rows = []
    for p in pub.itertuples(index=False):
        weekly = p.statistic in ("responder_rate", "relief_survival")
        if weekly:
            lo_w = p.week_from if np.isfinite(p.week_from) else -np.inf
            hi_w = p.week_to if np.isfinite(p.week_to) else np.inf
            weeks = [w for w in report_weeks if lo_w <= w <= hi_w] or [None]
        else:
            weeks = [None]
        m = matched.loc[str(p.treatment)]
        own = m.dataset_treatment if isinstance(m.dataset_treatment, str) else None
        for week in weeks:
            label = (f"{own if own is not None else p.treatment}: "
                     + STATISTICS[p.statistic].format(thr=thr_txt, week=week if week else "?"))
            base = {
                "id": p.id, "source": p.source, "quantity": p.quantity, "kind": p.kind, "unit": p.unit,
                "treatment": p.treatment, "dataset_treatment": own if own is not None else "",
                "week": np.nan if week is None else float(week),
                "published_value": p.published_value, "published_ci_low": p.published_ci_low,
                "published_ci_high": p.published_ci_high, "dataset_label": label,
                "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": np.nan,
                "citation": p.citation, "doi": p.doi, "design": p.design, "definition_note": p.definition_note,
            }
            match = table[table["statistic"] == p.statistic] if len(table) else table
            if has_treatment and len(match):
                match = match[match["treatment"].astype(str) == own] if own is not None else match.iloc[0:0]
            if len(match):
                match = match[match["week"].isna()] if week is None else match[match["week"] == week]
            too_small = (mcs is not None and group_patients is not None
                         and own is not None and 0 < group_patients.get(own, 0) < mcs)
            # a cell of a large enough group may still come from fewer patients (e.g. a late week)
            small_cell = (mcs is not None and len(match) and "n_patients" in match.columns
                          and not pd.to_numeric(match["n_patients"].iloc[0], errors="coerce") >= mcs)
            if own is None:  # no treatment of this dataset is the published one (or the user must say which)
                base.update(includes=pd.NA, verdict="not available", verdict_text=m.text)
            elif too_small:
                base.update(includes=pd.NA, verdict="group too small",
                            verdict_text=f"'{own}' has fewer than {mcs} patients with an analysable "
                                         "episode: not shown.")
            elif small_cell and not (weekly and week is None):
                base.update(includes=pd.NA, verdict="group too small",
                            verdict_text=f"'{own}': this estimate comes from fewer than {mcs} patients: "
                                         "not shown.")
            elif weekly and week is None:
                base.update(includes=pd.NA, verdict="not available",
                            verdict_text=f"This dataset reports no week in {p.week_from:g}\u2013{p.week_to:g}.")
            elif not has_treatment or not len(match):
                base.update(includes=pd.NA, verdict="not available",
                            verdict_text=f"No estimate for your treatment '{own}' in this dataset (or selection).")
            else:
                r = match.iloc[0]
                base.update(estimate=float(r["estimate"]), ci_low=float(r["ci_low"]), ci_high=float(r["ci_high"]),
                            n=float(r["n"]))
                inc, verdict, text = _verdict(p.kind, float(p.published_value), float(r["ci_low"]),
                                              float(r["ci_high"]), p.unit)
                if not np.isfinite(base["estimate"]) and not (p.unit == "days" and np.isfinite(base["ci_low"])):
                    inc, verdict, text = pd.NA, "not estimable", (
                        "Not estimable in this dataset (e.g. the median is not reached or there are too few events).")
                base.update(includes=inc, verdict=verdict, verdict_text=text)
            rows.append(base)
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["includes"] = out["includes"].astype("boolean")
    return out
