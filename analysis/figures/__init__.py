"""Results -> Plotly figures. The only package of the project that imports Plotly.

Every builder takes analysis *results* (the tidy tables and :class:`SurvivalByGroup` objects of
:mod:`analysis.relief`, :mod:`analysis.duration`, :mod:`analysis.secondary`,
:mod:`analysis.published`) and returns a :class:`plotly.graph_objects.Figure`. The dashboard shows
it with ``st.plotly_chart(fig, theme=None)``; the export writes it with ``fig.write_image``. Small
groups must be removed *before* a result is drawn (:func:`analysis.present.suppression.suppress`).

Modules: :mod:`~analysis.figures.style` (colours, layout presets, captions, threshold lines, the
empty figure), :mod:`~analysis.figures.markup` (text from data escaped), and one module per kind of
figure: ``relief``, ``over_time``, ``survival``, ``secondary``, ``published``, ``comparisons``,
``timeline``. Every builder is re-exported here: code and the dashboard look builders up by name
(``getattr(analysis.figures, "km_figure")``).

Conventions
-----------
* Colours: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for the common
  colour-vision deficiencies; a group keeps its colour across the figures of one page when the
  same ``groups`` order is passed.
* Every figure has a concise title, a subtitle with n, axis titles with units, n in the legend or
  hover, 95% intervals as error bars or shaded bands, and (for relief) reference lines at the
  responder thresholds of the definitions (30% and 50% by default; IMMPACT, Dworkin et al. 2008).
* ``style="screen"`` (dashboard) or ``"publication"`` (export: white background, black axes, fonts
  readable at single-column width). :func:`apply_style` restyles any figure.
* ``fig.layout.meta["caption"]`` holds a caption with the definitions behind the figure, ready for
  a page or a paper; its sentences come from :mod:`analysis.methods`.
"""
from __future__ import annotations

from .comparisons import forest_figure, model_terms_figure, subgroup_forest_figure
from .markup import escape_figure_text, escape_markup
from .over_time import (attrition_figure, relief_over_time_figure, sensitivity_figure, share_over_time_figure,
                        time_series_figure)
from .published import published_comparison_figure
from .relief import (DISTRIBUTION_MAX_POINTS, cumulative_responders_figure, relief_distribution_figure,
                     responder_summary_figure)
from .secondary import remission_figure, score_over_time_figure, secondary_response_figure, trajectory_figure
from .style import (AXIS_DAYS, AXIS_RELIEF, AXIS_RESPONDERS, AXIS_WEEKS, GREY, OKABE_ITO, PALETTE, STATE_COLOURS,
                    STYLES, apply_style, colour_for, figure_from_dict, figure_to_dict, group_colours, rgba)
from .survival import km_figure, time_to_spread_figure
from .timeline import patient_timeline_figure

__all__ = [
    "OKABE_ITO", "PALETTE", "GREY", "STYLES", "STATE_COLOURS", "AXIS_DAYS", "AXIS_RELIEF", "AXIS_RESPONDERS",
    "AXIS_WEEKS", "apply_style", "colour_for", "group_colours", "rgba", "figure_to_dict", "figure_from_dict",
    "escape_markup", "escape_figure_text", "DISTRIBUTION_MAX_POINTS",
    "relief_distribution_figure", "responder_summary_figure", "cumulative_responders_figure",
    "time_series_figure", "share_over_time_figure", "relief_over_time_figure", "attrition_figure", "sensitivity_figure", "km_figure",
    "score_over_time_figure", "remission_figure", "secondary_response_figure", "time_to_spread_figure",
    "published_comparison_figure", "forest_figure", "subgroup_forest_figure", "model_terms_figure",
    "patient_timeline_figure", "trajectory_figure",
]
