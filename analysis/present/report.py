"""Every panel of the dashboard for one state, composed for the export (:func:`compute_results`).

The export writes exactly what the pages show: the same panel functions (:mod:`analysis.present`)
with the same definitions, grouping and filters, at the pages' default options (pain relief
immediately after treatment; every secondary measure; treatment comparisons without adjustment).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from analysis.dataset import Dataset
from analysis.definitions import PAIN_MEASURE, Definitions, definitions_for_measure
from analysis.episodes import apply_filters, build_episodes
from analysis.errors import AnalysisError, DatasetError
from analysis.escaping import safe_slug
from analysis.methods import filters_text
from analysis.summary import summarize

from .compare import compare_panel, compare_results
from .duration import LOGRANK_COLUMNS, duration_panel, duration_results
from .groups import group_sizes
from .labels import ALL_GROUPS
from .over_time import over_time_panel, over_time_results
from .overview import overview_panel, overview_results
from .pain_relief import pain_relief_panel, pain_relief_results
from .panel import Panel
from .published import published_panel, published_results
from .secondary import secondary_panel, secondary_results
from .suppression import ANALYSABLE, small_group_labels, suppress_small_cells

Progress = Callable[[float, str], None]


@dataclass
class Results:
    """The panels of one state, in the export's order, and what the export reads of them merged.

    ``panels``: section -> :class:`~analysis.present.panel.Panel` (the pages; secondary measures as
    ``secondary:<measure>``; ``selection``, ``summary``, ``logrank`` and ``load_report`` for the
    export's own tables). ``counts``: patients, episodes and analysable episodes selected, group
    ``sizes``; ``names``: file stem -> the measure name it stands for.
    """

    definitions: Definitions
    by: tuple
    filters: dict | None
    panels: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    #: Why ``definitions`` differ from those asked for (a PHQ-9 export asked for with pain's 30% threshold:
    #: :func:`analysis.definitions.definitions_for_measure`); None when they do not.
    definitions_note: str | None = None

    def _merged(self, attribute: str) -> list:
        return [getattr(P, attribute) for P in self.panels.values()]

    @property
    def tables(self) -> dict:
        """Name -> DataFrame (already suppressed), every panel's."""
        return {k: v for t in self._merged("tables") for k, v in t.items()}

    @property
    def charts(self) -> list:
        """The :class:`~analysis.present.panel.FigureSpec` of every chart."""
        return [f for figs in self._merged("figures") for f in figs]

    @property
    def headline(self) -> dict:
        """Title -> display table of the report's headline results."""
        return {k: v for h in self._merged("headline") for k, v in h.items()}

    @property
    def methods_used(self) -> set:
        return set().union(*self._merged("methods"))

    @property
    def tests(self) -> list:
        return [t for names in self._merged("test_names") for t in names]

    @property
    def warnings(self) -> list:
        return [w for ws in self._merged("warnings") for w in ws]


def compute_results(dataset: Dataset, definitions: Definitions | None = None, by=("treatment",),
                    filters: dict | None = None, include_episode_table: bool = False,
                    progress: Progress | None = None, published_matches: dict | None = None) -> Results:
    """Every panel of the dashboard for this state (definitions, grouping ``by``, ``filters``), plus the
    headline summary and the load report: the export's content. ``published_matches``: the treatment each
    published treatment is compared with, as the user chose it (:func:`analysis.published.compare_with_published`)."""
    # One threshold for every number of the bundle: a PHQ-9 export's responders, relief duration, tables,
    # figures and texts all follow the measure's own response rule, as summarize does.
    d, note = definitions_for_measure(definitions or Definitions())
    by = tuple(by or ())
    m = d.min_cell_size
    if d.measure not in dataset.measures:
        raise AnalysisError(f"Unknown measure {d.measure!r}: this dataset has {', '.join(dataset.measures) or 'none'}.")
    R = Results(definitions=d, by=by, filters=filters, definitions_note=note)
    say = progress or (lambda f, msg: None)

    say(0.02, "building episodes")
    ep = build_episodes(dataset, d)
    require_analysable(ep, d, filters)
    sizes = group_sizes(ep, by, filters)
    small = small_group_labels(sizes, m)
    R.panels["selection"] = Panel(sizes=sizes, warnings=([note[:1].upper() + note[1:]] if note else []) + (
        [f"Suppressed (fewer than {m} patients {ANALYSABLE}): {', '.join(small)}."] if small else []))
    R.counts["sizes"] = sizes

    say(0.06, "pain relief")
    R.panels["pain_relief"] = pain_relief_panel(pain_relief_results(ep, by, filters), d, by)
    say(0.14, "relief over time")
    R.panels["relief_over_time"] = over_time_panel(over_time_results(ep, by, filters), d, by)
    say(0.22, "relief duration (Kaplan-Meier)")
    R.panels["relief_duration"] = duration_panel(duration_results(ep, by, filters, d), d, by)

    say(0.30, "headline summary")
    # summarize(by=()) raises "No group keys passed!" (analysis/summary.py): group by a constant instead.
    sby = by if by else ("group",)
    sep = ep if by else dataclasses.replace(ep, table=ep.table.assign(group=ALL_GROUPS))
    summ = summarize(sep, by=sby, filters=filters)
    # The same rule as the relief tables: a group counts its patients with an analysable episode (those
    # the statistics come from), a cell the patients behind its n episodes.
    st_ = summ.table.merge(summ.counts[[*sby, "patients_analysable"]]
                           .rename(columns={"patients_analysable": "group_patients"}), on=list(sby), how="left")
    R.panels["summary"] = Panel(tables={
        "summary": suppress_small_cells(st_, m, columns=["group_patients", "n_patients"]),
        "group_counts": suppress_small_cells(summ.counts.rename(
            columns={"patients": "n_patients", "patients_analysable": "n_patients_analysable"}), m)})
    if d.measure != PAIN_MEASURE:
        # the publications report pain relief: a PHQ-9 response or a clinic's own score is not comparable
        R.panels["published"] = Panel(warnings=[
            f"Comparison with published figures left out: the publications report pain relief (pain scores), "
            f"not {d.measure}."])
    else:
        try:
            pres = published_results(ep, filters, summary=summ if by == ("treatment",) else None,
                                     matches=published_matches)
            R.panels["published"] = published_panel(pres, d)
        except DatasetError as e:
            R.panels["published"] = Panel(warnings=[f"Comparison with published figures skipped: {e}"])

    say(0.36, "Table 1")
    group = by[0] if by else "treatment"
    R.panels["overview"] = overview_panel(overview_results(ep, group, filters), d, group)

    say(0.42, "secondary outcomes")
    for m_index, measure in enumerate(dataset.measures):
        if measure == d.measure:
            continue
        # A measure name comes from the data: it never becomes a path as it is (issue 15).
        stem = safe_slug(measure, m_index)
        if stem != measure:
            R.names[stem] = measure
        try:
            mep = build_episodes(dataset, d.replace(measure=measure))
            P = secondary_panel(secondary_results(mep, by, filters), d, by, measure, stem=stem)
        except AnalysisError as e:
            P = Panel(warnings=[f"{measure}: skipped ({e})"])
        # no episode with a baseline score (or skipped): nothing to show but the reason
        R.panels[f"secondary:{measure}"] = Panel(warnings=P.warnings) if P.warnings else P
    tests = [t for P in R.panels.values() for t in P.tests]
    R.panels["logrank"] = Panel(tables={"logrank": pd.DataFrame(tests, columns=LOGRANK_COLUMNS)})
    cmp = compare_results(ep, d, filters)   # issue 16: models, estimands, boosters
    if len(cmp["kept"]) >= 2:
        R.panels["compare"] = compare_panel(cmp, d)

    rep = dataset.report
    ex = rep.exclusions.copy()
    if not include_episode_table and "value" in ex.columns:
        ex = ex.drop(columns="value")
    selected = apply_filters(ep.table, filters)
    R.panels["load_report"] = Panel(tables={
        "load_report": pd.DataFrame([{"file": f, **c.to_dict()} for f, c in rep.files.items()],
                                    columns=["file", "rows_read", "rows_used", "rows_excluded"]),
        "exclusions": ex,
        "exclusions_summary": (rep.exclusions.groupby(["file", "column", "reason"], sort=True).size()
                               .rename("rows").reset_index() if len(rep.exclusions) else
                               pd.DataFrame(columns=["file", "column", "reason", "rows"])),
        "episode_exclusions": R.panels["overview"].shown["exclusions"],
        **({"episodes": selected.reset_index(drop=True)} if include_episode_table else {})})
    R.counts["episodes"] = int(len(selected))
    R.counts["analysable"] = int(selected["included"].sum())
    R.counts["patients"] = int(selected["patient_id"].nunique())
    R.counts["patients_analysable"] = int(selected.loc[selected["included"], "patient_id"].nunique())
    return R


def require_analysable(ep, d: Definitions, filters: dict | None) -> None:
    """A clear refusal when the selection holds no episode, or none with a baseline (issue 15)."""
    sel = apply_filters(ep.table, filters)
    if not len(sel):
        raise AnalysisError(f"The filters select no treatment episode ({filters_text(filters)}): there is nothing "
                            "to export. Widen the filters or choose values that occur in the data.")
    if not sel["included"].any():
        raise AnalysisError(
            f"None of the {len(sel):,} treatment episodes selected is analysable: none has a {d.measure} baseline "
            f"score above 0 in the {d.baseline_window_days:g} days before its start (the episode exclusions of the "
            "load report say why for each). Check the scores and the baseline window, or widen the filters.")


