"""The Relief over time page: weekly mean relief and responders, attrition, and the missing-data sensitivity."""
from __future__ import annotations

from analysis import relief
from analysis.definitions import Definitions

from .formatting import format_result, weekly_n_table
from .groups import group_sizes
from .panel import FigureSpec, Panel, methods_of
from .suppression import ANALYSABLE, suppress, suppressed_table


def weekly_inputs(ep, by, filters) -> tuple:
    """The included episodes, their weekly mean relief and its grouping: the common input of every
    analysis of the page, independent of the threshold and CI options (the dashboard keeps one copy)."""
    rows = relief.select(ep, by, filters)
    w = relief.weekly_episode_relief(ep, by, filters, selected=rows)
    return rows, w, relief.weekly_grouping(w, by)


def over_time_fixed(ep, by, filters, inputs: tuple | None = None) -> dict:
    """Group ``sizes`` and ``attrition``: independent of the threshold and CI options."""
    rows, w, _g = inputs if inputs is not None else weekly_inputs(ep, by, filters)
    return {"sizes": group_sizes(ep, by, filters, selected=rows),
            "attrition": relief.attrition(ep, by, filters, weekly=w, selected=rows)}


def over_time_results(ep, by, filters, inputs: tuple | None = None, fixed: dict | None = None) -> dict:
    """The analyses of the page (unsuppressed): ``sizes``, ``weekly`` relief and responders,
    ``attrition``, responder ``sensitivity`` (a missing week as no relief).

    ``inputs`` (:func:`weekly_inputs`) and ``fixed`` (:func:`over_time_fixed`): when already computed."""
    by = tuple(by)
    rows, w, g = inputs if inputs is not None else weekly_inputs(ep, by, filters)
    fixed = fixed if fixed is not None else over_time_fixed(ep, by, filters, (rows, w, g))
    return {"sizes": fixed["sizes"],
            "weekly": relief.relief_over_time(ep, by, filters, weekly=w, groups=g),
            "attrition": fixed["attrition"],
            "sensitivity": relief.responder_sensitivity(ep, by, filters, weekly=w, groups=g, selected=rows)}


def over_time_panel(res: dict, d: Definitions, by) -> Panel:
    """What the Relief over time page shows, from :func:`over_time_results`.

    ``shown``: ``weekly``, ``attrition``, ``sensitivity`` (small groups and cells removed),
    ``weekly_n`` (episodes with a score per week, one row per group), ``weekly_mean`` and
    ``weekly_responders`` (formatted estimates with CIs).
    """
    by = tuple(by)
    m = d.min_cell_size
    sizes = res["sizes"]
    groups = sizes["label"].tolist()
    group_n = dict(zip(sizes["label"], sizes["episodes"]))
    weekly = suppress(res["weekly"], by, sizes, m, counted=ANALYSABLE)
    att = suppress(res["attrition"], by, sizes, m, cell_column=None, counted=ANALYSABLE)
    sens = suppress(res["sensitivity"], by, sizes, m, counted=ANALYSABLE)
    wk = weekly.shown
    n_table = weekly_n_table(wk, by, statistic="mean_relief_pct")
    if len(n_table):
        n_table = n_table.set_index("week").T
        n_table.columns = [f"wk {w}" for w in n_table.columns]
        n_table = n_table.rename_axis("group").reset_index()
    P = Panel(sizes=sizes, notes=[weekly.note])
    P.shown = {"weekly": wk, "attrition": att.shown, "sensitivity": sens.shown, "weekly_n": n_table,
               "weekly_mean": format_result(wk[wk["statistic"] == "mean_relief_pct"], by, kind="percent",
                                                  extra=("week",)),
               "weekly_responders": format_result(wk[wk["statistic"] == "responder_rate"], by,
                                                        kind="proportion", extra=("week",))}
    P.tables = {"relief_over_time": suppressed_table(res["weekly"], by, sizes, m),
                "attrition": suppressed_table(res["attrition"], by, sizes, m, cell=False),
                "responder_sensitivity": suppressed_table(res["sensitivity"], by, sizes, m)}
    P.methods = methods_of(res["weekly"], res["sensitivity"])
    P.figures = [
        FigureSpec("mean_relief_over_time", "relief_over_time_figure", (wk, by),
                   dict(statistic="mean_relief_pct", thresholds=d.thresholds, definitions=d, groups=groups,
                        group_n=group_n), weekly.note),
        FigureSpec("responders_over_time", "relief_over_time_figure", (wk, by),
                   dict(statistic="responder_rate", definitions=d, groups=groups, group_n=group_n), weekly.note),
        # No definitions: the figure does not use them, and its cached copy then serves every threshold.
        FigureSpec("attrition", "attrition_figure", (att.shown, by), dict(groups=groups), att.note),
        FigureSpec("sensitivity_missing_as_no_relief", "sensitivity_figure", (sens.shown, by),
                   dict(definitions=d, groups=groups, group_n=group_n), sens.note),
    ]
    return P
