"""The Secondary outcomes page, for one measure: weekly scores and change, response and remission
(where the measure has a conventional definition), and time to spread for body regions."""
from __future__ import annotations

import pandas as pd

from analysis import duration, relief, secondary
from analysis.definitions import Definitions
from analysis.measures import measure as measure_entry

from .duration import logrank_row
from .empty import no_analysable_reason, selection_counts
from .formatting import duration_table, format_result
from .groups import group_sizes
from .panel import FigureSpec, Panel, methods_of
from .suppression import ANALYSABLE, km_curves_table, suppress, suppressed_table, survival_groups_to_hide, survival_note

SPREAD_MEASURE = "regions_affected"


def secondary_results(ep, by, filters) -> dict:
    """The analyses of one secondary measure (``ep.definitions.measure``; unsuppressed): ``sizes``,
    the ``selection`` (:func:`~analysis.present.empty.selection_counts`), weekly ``scores``, ``lower_is_better`` (the direction the episodes used), and where the measure has them ``remission``, ``response`` (its conventional
    relief cut-off, not the responder threshold) and time to ``spread`` with its ``spread_medians``."""
    m = ep.definitions.measure
    rows = relief.select(ep, by, filters)                                # the included episodes,
    w = secondary.weekly_episode_scores(ep, by, filters, selected=rows)  # their weekly scores (the common input
    g = relief.weekly_grouping(w, by)                                    # of scores and remission) and its grouping
    out = {"sizes": group_sizes(ep, by, filters, selected=rows), "lower_is_better": ep.lower_is_better,
           "selection": selection_counts(ep, filters),
           "scores": secondary.score_over_time(ep, by, filters, weekly=w, groups=g)}
    if m in secondary.REMISSION_BELOW:
        out["remission"] = secondary.remission_over_time(ep, by=by, filters=filters, weekly=w, groups=g)
    if m in secondary.RESPONSE_PCT:
        out["response"] = relief.relief_over_time(ep, by, filters, threshold=secondary.RESPONSE_PCT[m], selected=rows)
    if m == SPREAD_MEASURE:
        res = duration.time_to_spread(ep, by, filters, selected=rows)
        out["spread"] = res
        out["spread_medians"] = res.medians()
    return out


def secondary_panel(res: dict, d: Definitions, by, measure: str, stem: str | None = None) -> Panel:
    """What the Secondary outcomes page shows of ``measure``, from :func:`secondary_results`.

    ``d``: the page's definitions (its minimum group size and CI level); ``stem``: the file stem of the
    measure's tables and figures (default the measure's name). ``shown``: ``scores`` (and
    ``response``, ``remission``) with small groups and cells removed, ``scores_table`` (weekly mean
    scores formatted), ``rates_table`` (response and remission per week formatted, where the measure has
    them: :func:`rates_table`), for body regions ``hide``, ``spread_medians`` and ``spread_table``.
    ``warnings``: why no episode can be analysed (no baseline score: the export then leaves the measure
    out), also ``shown["empty"]`` and written in each chart instead of "no group large enough": nothing
    was hidden, there is nothing to show.
    """
    by = tuple(by)
    stem = stem or measure
    m = d.min_cell_size
    sd = d.replace(measure=measure)
    sizes = res["sizes"]
    P = Panel(sizes=sizes)
    empty = ""
    if not sizes["episodes"].sum():
        empty = (no_analysable_reason(res["selection"], sd, measure, "weekly score, change from baseline, response "
                                      "or remission") if "selection" in res else "") or \
            f"{measure}: no episode has a baseline score; no figure."
        P.warnings.append(empty)
    P.shown["empty"] = empty
    groups = sizes["label"].tolist()
    group_n = dict(zip(sizes["label"], sizes["episodes"]))
    scores = suppress(res["scores"], by, sizes, m, counted=ANALYSABLE)
    sc = scores.shown
    P.notes.append(scores.note)
    P.shown.update(scores=sc, scores_table=format_result(sc[sc["statistic"] == "mean_score"], by,
                                                         kind="number", extra=("week",)))
    P.tables[f"{stem}_scores"] = named(suppressed_table(res["scores"], by, sizes, m), stem, measure)
    P.methods |= methods_of(res["scores"])
    for stat in ("mean_score", "mean_change"):
        P.figures.append(FigureSpec(f"{stem}_{stat}", "score_over_time_figure", (sc, by),
                                    dict(measure=measure, statistic=stat, groups=groups, group_n=group_n,
                                         lower_is_better=res.get("lower_is_better"), empty=empty),
                                    scores.note))
    for part, builder in (("response", "secondary_response_figure"), ("remission", "remission_figure")):
        if part in res:
            s = suppress(res[part], by, sizes, m, counted=ANALYSABLE)
            P.shown[part] = s.shown
            P.tables[f"{stem}_{part}"] = named(suppressed_table(res[part], by, sizes, m), stem, measure)
            if part == "remission":
                P.methods |= methods_of(res[part])
            P.figures.append(FigureSpec(f"{stem}_{part}", builder, (s.shown, by),
                                        dict(measure=measure, groups=groups, group_n=group_n, empty=empty),
                                        s.note))
    if "response" in P.shown or "remission" in P.shown:
        P.shown["rates_table"] = rates_table(P.shown.get("response"), P.shown.get("remission"), by, measure)
    if "spread" in res:
        spread = res["spread"]
        hide = survival_groups_to_hide(spread, sizes, m)
        note = survival_note(spread, hide, m)
        P.notes.append(note)
        med = suppress(res["spread_medians"], by, sizes, m).shown
        lvl = f"{d.conf_level:.0%}"
        P.shown.update(hide=hide, spread_medians=med, spread_table=duration_table(
            med, med.iloc[0:0], by, conf_level=d.conf_level).rename(columns={
                "n (responders)": "n (episodes)", f"Median duration ({lvl} CI)": f"Median time to spread ({lvl} CI)"}))
        P.tables["time_to_spread_curves"] = km_curves_table(spread, by, sizes, m)
        P.tables["time_to_spread_medians"] = suppressed_table(res["spread_medians"], by, sizes, m)
        lr = logrank_row(spread, hide, "time to spread")
        if lr:
            P.tests.append(lr)
            P.test_names.append(f"{lr['method']} of time to spread across groups")
        P.figures.append(FigureSpec("time_to_spread_km", "time_to_spread_figure", (spread,),
                                    dict(definitions=sd, exclude=hide, groups=groups), note))
    return P


def rates_table(response, remission, by, measure: str) -> pd.DataFrame:
    """Response and remission of a measure per week as the page prints them beside its charts: one row
    per rule, group and week with the estimate, its interval (Wilson), n (episodes with a score that week)
    and patients. ``response`` and ``remission``: the rows that may be shown (small cells removed), as
    drawn and as exported (``{stem}_response``, ``{stem}_remission``); None where the measure has no rule."""
    rule = measure_entry(measure)
    parts = []
    response_rows = None
    if response is not None:
        r = response_rows = (response[response["statistic"] == "responder_rate"] if "statistic" in response.columns
                             else response)
        thr = float(r["threshold"].iloc[0]) if len(r) and "threshold" in r.columns else rule.response_pct
        parts.append(format_result(r, by, kind="proportion", extra=("week",)).assign(
            outcome=f"Response (\u2265 {thr:g}% reduction)"))
    if remission is not None:
        below = float(remission["below"].iloc[0]) if len(remission) else rule.remission_below
        parts.append(format_result(remission, by, kind="proportion", extra=("week",)).assign(
            outcome=f"Remission (score < {below:g})"))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    # The count behind each rate ("7/30"): the interval is the estimate's, the count makes it checkable.
    # (a share of episodes: the count is estimate x n where a table does not carry it).
    counts = pd.concat([p for p in (response_rows, remission) if p is not None], ignore_index=True)
    k = counts["estimate"] * counts["n"]
    if "successes" in counts.columns:
        k = pd.to_numeric(counts["successes"], errors="coerce").fillna(k)
    if len(out):
        out.insert(out.columns.get_loc("n (episodes)"), "episodes / n", [
            f"{int(round(a))}/{int(b)}" if pd.notna(a) and pd.notna(b) else "" for a, b in zip(k, counts["n"])])
    return out[["outcome", *[c for c in out.columns if c != "outcome"]]]


def named(table, stem: str, measure: str):
    """Keep a measure's own name inside its table when its file name is a slug of it."""
    if stem == measure or "measure" in table.columns:
        return table
    return table.assign(measure=measure)[["measure", *table.columns]]
