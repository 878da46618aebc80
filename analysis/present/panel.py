"""What a page (or a section of the export) shows: :class:`Panel`, and its figures as :class:`FigureSpec`.

A panel function of :mod:`analysis.present` turns analysis results into one :class:`Panel`; the
dashboard draws it (``dashboard/content/``), the export writes it (:mod:`analysis.present.report`),
so both show the same numbers, suppressed by the same rule, with the same notes and tests.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class FigureSpec:
    """One chart: the :mod:`analysis.figures` builder that draws it, its inputs, and its note.

    Plain data (picklable), so a panel can be cached by Streamlit; :meth:`build` draws it in the
    screen or the publication style, so the page and the export draw the same figure.

    Attributes
    ----------
    name : str
        File stem of the chart (``figures/<name>.png`` in the export, the page's download name).
    builder : str
        Name of the figure function in :mod:`analysis.figures`.
    args, kwargs
        Its inputs (results already suppressed), without ``style``.
    note : str
        What the chart leaves out (small groups) and why; printed in exported images.
    """

    name: str
    builder: str
    args: tuple = field(default=(), repr=False)
    kwargs: dict = field(default_factory=dict, repr=False)
    note: str = ""

    def build(self, style: str = "screen"):
        """The Plotly figure in ``style`` ("screen" or "publication")."""
        from analysis import figures

        return getattr(figures, self.builder)(*self.args, **{**self.kwargs, "style": style})


@dataclass
class Panel:
    """Everything one page or section shows.

    Attributes
    ----------
    sizes : DataFrame or None
        Patients and episodes per group (:func:`analysis.present.groups.group_sizes`).
    shown : dict
        Name -> what the page draws: results with small groups and cells removed
        (:func:`analysis.present.suppression.suppress`) and formatted tables.
    tables : dict
        Name -> the tidy tables the export writes (small cells blanked by
        :func:`analysis.present.suppression.suppress_small_cells`, ``suppressed`` flag).
    figures : list of FigureSpec
    notes : list of str
        Sentences for the page: which groups are hidden and why.
    tests : list of dict
        Test statistics (log-rank over the groups shown): ``analysis``, ``groups``, ``chi2``, ``df``,
        ``p_value``, ``method``, ``note``.
    test_names : list of str
        The tests used, for the methods text.
    methods : set of str
        The interval methods behind the numbers (the ``method`` column of the results).
    warnings : list of str
        What the reader should know (suppressed groups, parts not computed).
    headline : dict
        Title -> display table of the report's headline results.
    """

    sizes: pd.DataFrame | None = None
    shown: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    test_names: list = field(default_factory=list)
    methods: set = field(default_factory=set)
    warnings: list = field(default_factory=list)
    headline: dict = field(default_factory=dict)

    def figure(self, name: str) -> FigureSpec:
        """The figure called ``name`` (KeyError if the panel has none)."""
        for f in self.figures:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def note(self) -> str:
        """The notes as one sentence ('' when nothing was hidden)."""
        return " ".join(n for n in self.notes if n)


def methods_of(*tables) -> set:
    """The interval methods named in the ``method`` column of result tables."""
    out = set()
    for t in tables:
        if isinstance(t, pd.DataFrame) and "method" in t.columns and len(t):
            out.update(str(x) for x in t["method"].dropna().unique())
    return out
