"""The Pain relief page: immediate relief, responder rates, and the cumulative responder curve."""
from __future__ import annotations

from analysis import relief
from analysis.definitions import Definitions
from analysis.escaping import markdown_text as md
from analysis.measures import measure_short

from .empty import no_analysable_reason, no_immediate_reason, selection_counts
from .formatting import fmt_estimate, relief_summary_table
from .groups import group_sizes
from .labels import row_labels
from .panel import FigureSpec, Panel, methods_of
from .suppression import ANALYSABLE, suppress, suppress_rows, suppressed_table


def pain_relief_results(ep, by, filters, week: int | None = None) -> dict:
    """The analyses of the page (unsuppressed): group ``sizes``, the episode ``rows`` drawn in the box
    plot, ``immediate`` relief, responder ``rates`` and the ``cumulative`` responder curve at ``week``
    (None: immediately after treatment), and the ``selection`` (episodes and why some are not analysable).
    The included episodes are selected once and shared."""
    by = tuple(by)
    rows = relief.select(ep, by, filters)
    cols = ["episode_id", "patient_id", *by, "immediate_relief_pct"]
    return {
        "sizes": group_sizes(ep, by, filters, selected=rows),
        "rows": rows[cols].reset_index(drop=True),
        "immediate": relief.immediate_relief(ep, by, filters, selected=rows),
        "rates": relief.responder_rates(ep, by=by, filters=filters, selected=rows),
        "cumulative": relief.cumulative_responders(ep, by, filters, week=week, selected=rows),
        "selection": selection_counts(ep, filters),
    }


def pain_relief_panel(res: dict, d: Definitions, by, week: int | None = None) -> Panel:
    """What the Pain relief page shows, from :func:`pain_relief_results` (same ``week``).

    ``shown``: ``immediate``, ``rates``, ``rows``, ``cumulative`` (small groups removed),
    ``lines`` (one Markdown line per group: responders and mean relief at the main threshold) and
    ``summary_table``. ``notes``: the groups hidden (the box plot's rule, which is every estimate's:
    they are all computed from the episodes with an immediate score), and at a ``week`` the curve's own.
    ``shown["empty"]``: why nothing at all can be shown immediately after treatment when that is not small
    groups hidden (no analysable episode, or none with a score in the immediate window), also in
    ``warnings`` and written in the charts; ``shown["empty_cumulative"]``: the same for the curve at ``week``.
    """
    by = tuple(by)
    m = d.min_cell_size
    sizes = res["sizes"]
    groups = sizes["label"].tolist()
    imm = suppress(res["immediate"], by, sizes, m)
    rates = suppress(res["rates"], by, sizes, m)
    # The box plot draws each episode with an immediate score: a group is drawn only when those episodes
    # come from enough patients (a group of 6 patients of whom 2 have an immediate score showed those 2).
    rows = suppress_rows(res["rows"], by, sizes, m, "immediate_relief_pct", counted="with an immediate score")
    cum = suppress(res["cumulative"], by, sizes, m, counted=ANALYSABLE)
    empty = _why_empty(res, d)
    # The reason replaces the note, which would only repeat it group by group.
    P = Panel(sizes=sizes, notes=[rows.note if not empty else ""] + ([cum.note] if week is not None else []),
              warnings=[empty] if empty else [])
    empty_cum = empty if week is None else _why_empty_at(res, d, week)
    P.shown = {"immediate": imm.shown, "rates": rates.shown, "rows": rows.shown, "cumulative": cum.shown,
               "lines": _headline_lines(imm.shown, rates.shown, by, d),
               "summary_table": relief_summary_table(imm.shown, rates.shown, by),
               "empty": empty, "empty_cumulative": empty_cum}
    P.tables = {"immediate_relief": suppressed_table(res["immediate"], by, sizes, m),
                "responder_rates": suppressed_table(res["rates"], by, sizes, m),
                "cumulative_responders": suppressed_table(res["cumulative"], by, sizes, m)}
    P.methods = methods_of(res["immediate"], res["rates"], res["cumulative"])
    P.figures = [
        FigureSpec("relief_distribution", "relief_distribution_figure", (rows.shown, by),
                   dict(thresholds=d.thresholds, definitions=d, groups=groups, empty=empty), P.notes[0]),
        FigureSpec("responder_rates", "responder_summary_figure", (imm.shown, rates.shown, by),
                   dict(definitions=d, groups=groups, empty=empty), P.notes[0]),
        FigureSpec("cumulative_responders", "cumulative_responders_figure", (cum.shown, by),
                   dict(thresholds=d.thresholds, week=week, definitions=d, groups=groups, empty=empty_cum), cum.note),
    ]
    P.headline["Immediate relief and responders"] = P.shown["summary_table"]
    return P


def _why_empty(res: dict, d: Definitions) -> str:
    """Why no immediate relief can be shown at all, when no group was hidden for its size ('' otherwise)."""
    if "selection" not in res:
        return ""
    no_episode = no_analysable_reason(res["selection"], d, d.measure, "relief")
    if no_episode:
        return no_episode
    rows = res["rows"]
    if len(rows) and not rows["immediate_relief_pct"].notna().any():
        return no_immediate_reason(d, d.measure)
    return ""


def _why_empty_at(res: dict, d: Definitions, week: int) -> str:
    """Why the cumulative curve at ``week`` has nothing to show, when no group was hidden ('' otherwise)."""
    if "selection" not in res:
        return ""
    reason = no_analysable_reason(res["selection"], d, d.measure, "relief")
    if reason or len(res["cumulative"]):
        return reason
    return f"No episode has a {measure_short(d.measure)} score in week {week} after the start."


def _headline_lines(imm, rates, by, d: Definitions) -> list[str]:
    """Per group: responders at the main threshold (n) and mean immediate relief, as Markdown."""
    main = rates[rates["threshold"] == d.threshold]
    lines = []
    if not len(main):
        return lines
    imm_labels = row_labels(imm, by)
    for r, lab in zip(main.itertuples(index=False), row_labels(main, by)):
        mean = imm[imm_labels == lab]
        mean_txt = (fmt_estimate(mean["estimate"].iloc[0], mean["ci_low"].iloc[0], mean["ci_high"].iloc[0],
                                       kind="percent") if len(mean) else "not estimable")
        lines.append(f"- **{md(lab)}**: responders (relief \u2265 {d.threshold:g}%) "
                     f"**{fmt_estimate(r.estimate, r.ci_low, r.ci_high, r.n)}** episodes; "
                     f"mean relief {mean_txt}")
    return lines
