"""The presentation layer: one panel function per page (or section) of the dashboard.

Each page has two steps: ``<page>_results`` runs the analyses (the expensive part, which the
dashboard caches and shares between options), and ``<page>_panel`` turns those results into a
:class:`~analysis.present.panel.Panel`: the tables (small groups suppressed), the figures (as
:class:`~analysis.present.panel.FigureSpec`, drawn in the screen or the publication style), the
notes, the test statistics, the methods used and the warnings. The dashboard draws a panel
(``dashboard/content/``), the export writes the panels of every page
(:func:`analysis.present.report.compute_results`): the same numbers for the same state.
"""
from .compare import compare_panel, compare_results
from .duration import duration_panel, duration_results
from .over_time import over_time_fixed, over_time_panel, over_time_results, weekly_inputs
from .overview import overview_panel, overview_results
from .pain_relief import pain_relief_panel, pain_relief_results
from .panel import FigureSpec, Panel
from .published import published_panel, published_results
from .secondary import secondary_panel, secondary_results

__all__ = [
    "FigureSpec", "Panel", "compare_panel", "compare_results", "duration_panel", "duration_results",
    "over_time_fixed", "over_time_panel", "over_time_results", "overview_panel", "overview_results",
    "pain_relief_panel", "pain_relief_results", "published_panel", "published_results", "secondary_panel",
    "secondary_results", "weekly_inputs",
]
