"""The Relief duration page: Kaplan-Meier of time to loss of relief, medians, survival at the report
weeks, and the log-rank test over the groups shown."""
from __future__ import annotations

from analysis import duration, relief
from analysis.definitions import Definitions

from .formatting import duration_table, logrank_text
from .groups import group_sizes
from .labels import group_label
from .panel import FigureSpec, Panel
from .suppression import km_curves_table, suppress, suppressed_table, survival_groups_to_hide, survival_note

LOGRANK_COLUMNS = ["analysis", "groups", "chi2", "df", "p_value", "method", "note"]


def duration_results(ep, by, filters, d: Definitions) -> dict:
    """The analyses of the page (unsuppressed): ``sizes``, the ``result`` (``SurvivalByGroup``), its
    ``medians`` and ``survival_at`` the report weeks of ``d``."""
    rows = relief.select(ep, by, filters)
    res = duration.relief_duration(ep, by, filters, selected=rows)
    return {"sizes": group_sizes(ep, by, filters, selected=rows), "result": res,
            "medians": res.medians(), "survival_at": res.survival_at([7.0 * w for w in d.report_weeks])}


def logrank_row(res, hide, analysis: str) -> dict | None:
    """The log-rank test over the groups shown (the one the figure prints), as a row of the export's
    ``logrank`` table; None with fewer than two groups shown."""
    by = list(res.by)
    if not by:
        return None
    shown = [k for k in res.fits if k not in set(map(tuple, hide))]
    lr = res.logrank_among(shown)
    if lr is None:
        return None
    return {"analysis": analysis, "groups": "; ".join(group_label(list(k), by) for k in shown),
            "chi2": float(lr.chi2), "df": int(lr.df), "p_value": float(lr.p_value),
            "method": lr.method, "note": "groups with too few patients left out" if hide else ""}


def duration_panel(res: dict, d: Definitions, by) -> Panel:
    """What the Relief duration page shows, from :func:`duration_results`.

    ``shown``: ``medians``, ``survival_at`` (rows whose responders come from too few patients removed,
    the curves' rule), ``table`` (medians and share still relieved), ``hide`` (keys of the curves not
    drawn), ``logrank_text`` (the test over the curves drawn, '' with fewer than two).
    """
    by = tuple(by)
    m = d.min_cell_size
    sizes = res["sizes"]
    groups = sizes["label"].tolist()
    result = res["result"]
    hide = survival_groups_to_hide(result, sizes, m)
    # A curve is hidden when its group is small or when its immediate responders come from too few patients.
    note = survival_note(result, hide, m, counted="among the immediate responders")
    medians = suppress(res["medians"], by, sizes, m).shown
    surv = suppress(res["survival_at"], by, sizes, m).shown
    lr = logrank_row(result, hide, "relief duration")
    shown_keys = [k for k in result.fits if k not in set(map(tuple, hide))]
    text = ""
    if len(shown_keys) >= 2:
        # Over the groups drawn (small groups hidden): the same test as the figure's subtitle and the export.
        text = logrank_text(result.logrank_among(shown_keys), shown_only=bool(hide))
    P = Panel(sizes=sizes, notes=[note])
    P.shown = {"result": result, "hide": hide, "medians": medians, "survival_at": surv, "logrank_text": text,
               "table": duration_table(medians, surv, by, conf_level=d.conf_level)}
    P.tables = {"relief_duration_curves": km_curves_table(result, by, sizes, m),
                "relief_duration_medians": suppressed_table(res["medians"], by, sizes, m),
                "relief_duration_survival_at": suppressed_table(res["survival_at"], by, sizes, m)}
    if len(result.fits):
        P.methods.add(f"Kaplan-Meier, Greenwood variance (cluster-robust where patients contribute several "
                      f"episodes), {d.km_conf_type} scale")
    if lr:
        P.tests.append(lr)
        P.test_names.append(f"{lr['method']} of relief duration across groups")
    fig_note = note + (" Log-rank test over the groups shown." if hide and lr else "")
    P.figures = [FigureSpec("relief_duration_km", "km_figure", (result,),
                            dict(exclude=hide, groups=groups, definitions=d, max_time=d.max_followup_days),
                            fig_note)]
    P.headline["Relief duration (Kaplan-Meier)"] = P.shown["table"]
    return P
