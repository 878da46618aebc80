"""The Compare treatments page: adjusted responder comparisons, the hazard of losing relief (Cox),
subgroups, the estimands for re-treatment, and boosters (:mod:`analysis.comparisons`)."""
from __future__ import annotations

import pandas as pd

from analysis import relief
from analysis.comparison_words import adjustment_labels, covariate_labels, term_labels
from analysis.definitions import Definitions
from analysis.errors import AnalysisError

from .formatting import fmt_p
from .panel import FigureSpec, Panel, methods_of
from .suppression import suppress_small_cells

#: Part of the page -> its name in the warnings when it cannot be computed.
PARTS = {"responders": "Responder comparison", "cox": "Hazard of losing relief", "estimands": "Estimands",
         "boosters": "Boosters", "next_course": "Time to next course", "subgroups": "Subgroups"}


def comparable_treatments(ep, filters, min_cell_size: int) -> tuple[list, list]:
    """The treatments the models compare (at least ``min_cell_size`` patients among the included
    episodes) and those left out, so no contrast rests on a group too small to show."""
    rows = relief.select(ep, (), filters)
    per_treatment = rows.groupby("treatment", observed=True)["patient_id"].nunique()
    return (sorted(per_treatment[per_treatment >= min_cell_size].index.tolist()),
            sorted(per_treatment[per_treatment < min_cell_size].index.tolist()))


def compare_results(ep, d: Definitions, filters, covariates: tuple = (), reference: str | None = None,
                    subgroup: tuple | None = None, treatments: pd.DataFrame | None = None) -> dict:
    """The models and summaries of the page. Each part is its result, or ``{"error": message}`` when it
    cannot be computed (e.g. one treatment left after adjusting for the dose): the others stay.

    ``covariates``: adjustment (patient covariates, ``course_number``, or numeric columns of the
    ``treatments`` table such as the dose); ``subgroup``: (treatment, reference, covariates, measure)
    or None. ``kept``/``left_out``: :func:`comparable_treatments`; with fewer than two kept, nothing
    else is computed.
    """
    from analysis import comparisons

    kept, left_out = comparable_treatments(ep, filters, d.min_cell_size)
    out = {"kept": kept, "left_out": left_out}
    if len(kept) < 2:
        return out
    extra = [c for c in covariates if c not in ep.table.columns]
    if extra and treatments is not None:  # a column of the treatments table (e.g. the dose)
        ep = comparisons.with_treatment_columns(ep, treatments, extra)
    f = dict(filters or {})  # the models compare the treatments large enough to show
    f["treatment"] = [t for t in kept if "treatment" not in (filters or {}) or t in filters["treatment"]]

    def part(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AnalysisError as err:
            return {"error": str(err)}

    out["responders"] = part(comparisons.responder_comparison, ep, covariates, filters=f, reference=reference)
    out["cox"] = part(comparisons.relief_hazard_model, ep, covariates, reference=reference, filters=f)
    out["estimands"] = part(comparisons.estimand_comparison, ep, ("treatment",), filters)
    out["boosters"] = part(comparisons.booster_summary, ep, filters)
    out["next_course"] = part(lambda: comparisons.time_to_next_course(ep, ("treatment",), filters).medians())
    if subgroup is not None:
        trt, ref, covs, measure = subgroup
        out["subgroups"] = part(comparisons.subgroup_effects, ep, list(covs), trt, ref, measure=measure, filters=f)
    return out


def _ci(row, scale=1.0, digits=2, unit=""):
    # a bound that does not exist is written in words: a median's upper limit is 'not reached' where the curve's
    # band never falls to 50% (it read "14 d (14 to nan)")
    def bound(x):
        return f"{scale * x:.{digits}f}" if pd.notna(x) else ("not reached" if unit.strip() == "d" else "NA")

    if pd.isna(row["estimate"]):
        return "not reached" if unit.strip() == "d" and pd.notna(row.get("ci_low")) else "not estimable"
    return f"{scale * row['estimate']:.{digits}f}{unit} ({bound(row['ci_low'])} to {bound(row['ci_high'])})"


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """A model table as a reader sees it: the course variables' names in words in the terms and the
    adjustment (``course_number`` -> ``course number (per additional course)``). The export keeps the names."""
    out = table.assign(term=term_labels(table["term"]))
    if "covariate" in out.columns:
        out = out.assign(covariate=covariate_labels(out["covariate"]))
    return out.assign(adjustment=adjustment_labels(out["adjustment"])) if "adjustment" in out.columns else out


def _reasons(rows: pd.DataFrame) -> list[str]:
    """One sentence per reason a responder comparison is not estimable: the outcome (and adjustment)
    and the measures it concerns, then the reason (``note``)."""
    bad = rows[rows["estimate"].isna() & rows["note"].astype(bool)]
    out = []
    for (outcome, adjustment, note), g in bad.groupby(["outcome", "adjustment", "note"], sort=False):
        measures = " and ".join(dict.fromkeys(g["measure"].map(_MEASURE_NAMES).fillna(g["measure"])))
        where = outcome if adjustment == "unadjusted" else f"{outcome}, {adjustment}"
        out.append(f"{where} ({measures}): {str(note).removeprefix('not estimable: ')}.")
    return out


_MEASURE_NAMES = {"RD": "risk difference", "RR": "risk ratio", "OR": "odds ratio"}


def failed(part) -> bool:
    return isinstance(part, dict) and "error" in part


def compare_panel(res: dict, d: Definitions) -> Panel:
    """What the page shows, from :func:`compare_results`.

    ``shown``: ``kept`` and ``left_out`` (the treatments compared and those too small), per part the
    display table (``responders``, ``cox``, ``estimands``, ``boosters``, ``next_course``; rows of fewer
    than ``min_cell_size`` patients removed; course variables named in words), ``responders_note``
    (the outcomes no episode has, left out of ``responders``), ``responders_reasons`` (why each
    comparison without an estimate has none, one sentence each), ``cox_info`` (n, events,
    the proportional-hazards note), ``errors`` (part -> why it was not computed), ``subgroups``
    (shown rows). ``tables``: the export's (rows below the minimum blanked).
    """
    m = d.min_cell_size
    pct = f"{d.conf_level:.0%}"
    P = Panel()
    P.shown.update(kept=res["kept"], left_out=res["left_out"])
    if res["left_out"] and len(res["kept"]) >= 2:
        P.warnings.append(f"Treatment comparisons leave out {', '.join(map(str, res['left_out']))} "
                          f"(fewer than {m} patients).")
    P.shown["errors"] = {k: res[k]["error"] for k in PARTS if k in res and failed(res[k])}
    P.warnings += [f"{PARTS[k]}: not computed ({e})." for k, e in P.shown["errors"].items()]
    rc = res.get("responders")
    if rc is not None and not failed(rc):
        P.tables["comparison_responders"] = rc
        P.methods |= methods_of(rc)
        rc = _readable(rc)
        # An outcome no episode has (e.g. no score in week 12) says nothing row by row: one sentence instead.
        empty = rc["n"].fillna(0) == 0
        if empty.any():
            gone = rc[empty].drop_duplicates("outcome")
            P.shown["responders_note"] = "Not shown: " + "; ".join(
                f"{o} ({n.removeprefix('not estimable: ')})" for o, n in zip(gone["outcome"], gone["note"])) + "."
        show = rc[~empty].copy()
        show["effect"] = [_ci(r, 100.0, 1, " pts") if r["measure"] == "RD" else _ci(r) for _, r in show.iterrows()]
        # The reasons are sentences: under the table, whole, rather than in a column cut at the page's edge.
        P.shown["responders_reasons"] = _reasons(show)
        show.loc[show["estimate"].isna(), "effect"] = "not estimable (see below)"
        show["p"] = show["p_value"].map(fmt_p)
        show["n_patients"] = show["n_patients"].astype("Int64")
        columns = ["outcome", "measure", "adjustment", "term", "effect", "p", "n", "n_patients", "n_dropped"]
        if not show["n_dropped"].fillna(0).any() and (show["adjustment"] == "unadjusted").all():
            columns.remove("n_dropped")  # nothing is adjusted for, so nothing can be missing
        P.shown["responders"] = show[columns].rename(columns={
            "effect": f"estimate ({pct} CI)", "n": "episodes", "n_patients": "patients",
            "n_dropped": "left out (missing covariate)"})
        rd = rc[(rc["measure"] == "RD") & rc["estimate"].notna()]
        if len(rd):
            P.figures.append(FigureSpec("comparison_responders_rd", "model_terms_figure", (rd,),
                                        dict(kind="risk_difference")))
    cox = res.get("cox")
    if cox is not None and not failed(cox):
        t = cox.table
        P.tables["comparison_relief_hazard"] = t
        t = _readable(t)
        P.shown["cox"] = t.assign(**{
            f"hazard ratio ({pct} CI)": [_ci(r.rename({"hazard_ratio": "estimate"})) for _, r in t.iterrows()],
            "p": t["p_value"].map(fmt_p)})[["term", f"hazard ratio ({pct} CI)", "p", "note"]]
        P.shown["cox_info"] = {"ph_note": cox.ph_note, "n": cox.n, "events": cox.events,
                               "n_patients": cox.n_patients, "n_dropped": cox.n_dropped}
        P.tables["comparison_relief_hazard_ph"] = cox.ph_test.assign(note=cox.ph_note)
        P.methods |= methods_of(cox.table)
        P.test_names.append("proportional-hazards check (R cox.zph, Kaplan-Meier transform) of the Cox model")
        P.figures.append(FigureSpec("comparison_hazard_ratios", "model_terms_figure", (t,), dict(kind="hazard")))
    sg = res.get("subgroups")
    if sg is not None and not failed(sg) and len(sg):
        hidden = sg["n_patients"].fillna(0) < m
        if hidden.any():
            P.notes.append(f"Not shown: {int(hidden.sum())} subgroup(s) with fewer than {m} patients.")
        sg = sg.assign(covariate=covariate_labels(sg["covariate"]))
        P.shown["subgroups"] = sg[~hidden]
        P.figures.append(FigureSpec("comparison_subgroups", "subgroup_forest_figure", (sg[~hidden],)))
    est = res.get("estimands")
    if est is not None and not failed(est):
        P.tables["relief_estimands"] = suppress_small_cells(est, m, columns=["n_patients"])
        if len(est):
            est = est[est["n_patients"] >= m]
            P.shown["estimands"] = est.assign(value=[_ci(r, 100.0, 1, "%") for _, r in est.iterrows()]).pivot_table(
                index=["treatment", "week"], columns="strategy", values="value", aggfunc="first").reset_index()
    b = res.get("boosters")
    if b is not None and not failed(b):
        P.tables["booster_summary"] = suppress_small_cells(b, m, columns=["n_patients"])
        b = b[b["n_patients"].fillna(0) >= m]
        fmt = {"immediate_responder_rate": (100.0, 1, "%"), "mean_immediate_relief_pct": (1.0, 1, "%"),
               "median_relief_duration_days": (1.0, 0, " d")}
        b = b.assign(value=[_ci(r, *fmt[r["statistic"]]) for _, r in b.iterrows()])
        P.shown["boosters"] = b.pivot_table(index=["treatment", "course_band"], columns="statistic", values="value",
                                            aggfunc="first").reset_index().rename(columns={"course_band": "course"})
    nc = res.get("next_course")
    if nc is not None and not failed(nc):
        P.tables["time_to_next_course"] = suppress_small_cells(nc, m, columns=["n_patients"])
        nc = nc[nc["n_patients"] >= m]
        if len(nc):
            P.shown["next_course"] = nc.assign(median=[_ci(r, 1.0, 0, " d") for _, r in nc.iterrows()])[
                ["treatment", "median", "n", "events", "n_patients"]]
    return P
