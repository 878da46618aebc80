"""The headline summary per group (what ``python -m analysis summarize`` prints).

Per group: patients, episodes used / excluded, mean immediate relief, immediate responder rate,
responder rates at the report weeks, median relief duration, relief survival at the report weeks,
and the log-rank test across groups (robust to patients with several episodes); with ``treatment``
among the groups, the treatment-comparison models (``Summary.models``). Every statistic carries ``estimate``, ``ci_low``, ``ci_high``
and ``n``, where ``n`` is the number of episodes it is computed from: episodes with an immediate
score (immediate statistics), episodes with a score in that week (weekly rates), and the episodes
in the Kaplan-Meier curve, i.e. the immediate responders (duration statistics).

For a secondary measure with conventional rules in the registry (PHQ-9, GAD-7:
:func:`conventional_rules`) the responders are the measure's response (>= 50% reduction), whatever
the pain threshold of the definitions, and each group also has remission (score below the cut-off)
at baseline (week 0) and the report weeks; the text states the measure's rules and references, never
the IMMPACT pain thresholds. These are the numbers of the dashboard's Secondary outcomes page.

``counts`` has per group ``patients`` (every patient with an episode in the group),
``patients_analysable`` (those with an analysable episode: the patients every statistic comes from),
``episodes``, ``episodes_used`` and ``episodes_excluded``; ``table`` also has ``n_patients`` (the
patients among a statistic's n episodes; not in the JSON document).

Small groups are *not* suppressed here (this is the analyst's own view of their own data); the
dashboard hides and the export suppresses groups with fewer than ``min_cell_size`` patients with an
analysable episode, and cells whose ``n_patients`` is smaller; the text output flags those groups.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dataset import Dataset
from .definitions import PAIN_MEASURE, Definitions, conventional_rules, definitions_for_measure  # noqa: F401 (public here too)
from .duration import SurvivalByGroup, relief_duration
from .episodes import Episodes, apply_filters, build_episodes, group_labels, with_definitions
from .measures import Measure, direction_note, measure as measure_entry
from .relief import immediate_relief, responder_rate, select, weekly_episode_relief
from .secondary import remission_over_time

STAT_COLUMNS = ["estimate", "ci_low", "ci_high", "n"]
@dataclass(frozen=True)
class Summary:
    """Headline results. ``.table`` is tidy: group columns, ``statistic``, ``week``, estimate, CI, n."""

    definitions: Definitions
    by: tuple
    counts: pd.DataFrame = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    duration: SurvivalByGroup = field(repr=False)
    filters: dict | None = None
    #: Treatment-comparison models (:func:`analysis.comparisons.models_summary`); None when not computed
    #: (``models=False``, or ``treatment`` not among the groups, or fewer than two treatments).
    models: dict | None = field(default=None, repr=False)
    #: Why the definitions differ from those asked for (:func:`analysis.definitions.definitions_for_measure`:
    #: a PHQ-9 analysis asked for with pain's 30% threshold); None when they do not.
    note: str | None = None
    #: The measure's registry entry with its direction as the relief was computed (``Episodes.measure_entry``);
    #: None: the registry's entry of ``definitions.measure``.
    measure_entry: Measure | None = None

    @property
    def direction(self) -> dict | None:
        """The ``measure_direction`` of ``summarize --json``: which way is better and who said so; None for a
        registry measure where lower is better (pain: nothing to say)."""
        m = self.measure_entry if self.measure_entry is not None else measure_entry(self.definitions.measure)
        note = direction_note(m)
        if not note:
            return None
        source = m.direction_origin
        return {"measure": m.name, "lower_is_better": m.lower_is_better, "source": source,
                "relief_pct": m.improvement_formula(), "note": note}

    @property
    def logrank(self):
        return self.duration.logrank

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        """The JSON document of ``summarize --json`` (documented in docs/cli.md)."""
        by = list(self.by)
        rules = conventional_rules(self.definitions.measure)
        groups = []
        tab = self.table
        for row in self.counts.itertuples(index=False):
            key = tuple(getattr(row, c) for c in by)
            mask = np.ones(len(tab), dtype=bool)
            for c, v in zip(by, key):
                mask &= (tab[c] == v).to_numpy()
            g = tab[mask]

            def stat(name, week=None):
                r = g[(g["statistic"] == name) & ((g["week"] == week) if week is not None else g["week"].isna())]
                if r.empty:
                    return None
                r = r.iloc[0]
                return {k: _json_number(r[k]) for k in STAT_COLUMNS}

            groups.append({
                "group": {c: _json_value(v) for c, v in zip(by, key)},
                "patients": int(row.patients),
                "patients_analysable": int(row.patients_analysable),
                "episodes_used": int(row.episodes_used),
                "episodes_excluded": int(row.episodes_excluded),
                "immediate_relief_pct": stat("immediate_relief_pct"),
                "immediate_responder_rate": stat("immediate_responder_rate"),
                "responder_rate_by_week": {str(w): stat("responder_rate", w) for w in self.definitions.report_weeks},
                "median_relief_duration_days": stat("median_relief_duration_days"),
                "relief_survival_by_week": {str(w): stat("relief_survival", w) for w in self.definitions.report_weeks},
            })
            if rules is not None and rules.remission_below is not None:
                groups[-1]["remission_rate_by_week"] = {str(w): stat("remission_rate", w)
                                                        for w in (0, *self.definitions.report_weeks)}
        lr = self.logrank
        extra = {} if rules is None else {"conventional_rules": {
            "measure": rules.name, "label": rules.label, "response_reduction_pct": rules.response_pct,
            "remission_below": rules.remission_below, "reference": rules.reference,
            **({"note": self.note} if self.note else {})}}
        return {
            "definitions": self.definitions.to_dict(),
            "by": by,
            "filters": self.filters or {},
            "groups": groups,
            "relief_duration_estimand": self.duration.estimand,
            "logrank": None if lr is None else {"chi2": _json_number(lr.chi2), "df": int(lr.df),
                                                "p_value": _json_number(lr.p_value), "method": lr.method},
            "models": self.models,
            **extra,
            **({"measure_direction": self.direction} if self.direction is not None else {}),
        }

    def to_text(self) -> str:
        """A human-readable table: one block per group."""
        d = self.definitions
        rules = conventional_rules(d.measure)
        rule_text = f"responder threshold {d.threshold:g}%" if rules is None else ", ".join(
            t for t in (f"response >= {rules.response_pct:g}% reduction" if rules.response_pct is not None else "",
                        f"remission = score < {rules.remission_below:g}" if rules.remission_below is not None
                        else "") if t)
        lines = [f"CRPS Outcomes - summary ({d.measure}, {rule_text}, "
                 f"{_conf_label(d.conf_level)} confidence intervals)", ""]
        doc = self.to_dict()
        # A secondary measure with a conventional rule reports response (and remission), not pain responders.
        resp = "response" if rules is not None and rules.response_pct is not None else "responders"
        for g, analysable in zip(doc["groups"], self.counts["patients_analysable"]):
            label = ", ".join(f"{k}={v}" for k, v in g["group"].items()) or "All episodes"
            # the count the dashboard and the export hide a group by: its patients with an analysable episode
            small = analysable < d.min_cell_size
            lines.append(f"== {label}" + (f"   [fewer than {d.min_cell_size} patients with an analysable episode: "
                                          "interpret with care]" if small else ""))
            who = f" ({analysable} with an analysable episode)" if analysable != g["patients"] else ""
            lines.append(f"   patients {g['patients']}{who}, episodes used {g['episodes_used']}, "
                         f"excluded {g['episodes_excluded']}")
            cl = d.conf_level
            lines.append("   " + _fmt("mean immediate relief (%)", g["immediate_relief_pct"], pct=False, conf_level=cl))
            lines.append("   " + _fmt(f"immediate {resp} (>= {d.threshold:g}%)", g["immediate_responder_rate"],
                                      pct=True, conf_level=cl))
            for w, s in g["responder_rate_by_week"].items():
                lines.append("   " + _fmt(f"{resp} in week {w}", s, pct=True, conf_level=cl))
            for w, s in g.get("remission_rate_by_week", {}).items():
                when = "at baseline" if w == "0" else f"in week {w}"
                lines.append("   " + _fmt(f"remission (< {rules.remission_below:g}) {when}", s, pct=True,
                                          conf_level=cl))
            lines.append("   " + _fmt("median relief duration (days)", g["median_relief_duration_days"], pct=False,
                                      conf_level=cl, median=True))
            for w, s in g["relief_survival_by_week"].items():
                lines.append("   " + _fmt(f"still relieved at week {w} (KM)", s, pct=True, conf_level=cl))
            lines.append("")
        if doc["logrank"] is not None:
            lr = doc["logrank"]
            if lr["chi2"] is None or lr["p_value"] is None:
                # e.g. no loss of relief in any group, or one group left: the test has nothing to compare.
                lines.append("Log-rank test of relief duration across groups: not computable for these groups "
                             f"(too few events or groups to compare; {lr['method']}).")
            else:
                lines.append(f"Log-rank test of relief duration across groups: chi2 = {lr['chi2']:.2f} on {lr['df']} "
                             f"df, p = {lr['p_value']:.3g} ({lr['method']})")
        if self.duration.estimand:
            lines.append(f"Relief duration estimand: {self.duration.estimand}.")
        lines.extend(_models_text(self.models, d))
        lines.append("")
        lines.extend("Definition: " + s for s in d.describe(self.measure_entry))
        return "\n".join(lines)


def _models_text(models: dict | None, d: Definitions) -> list[str]:
    """The headline of the treatment comparisons: adjusted risk differences and hazard ratios."""
    if not models:
        return []
    cl = _conf_label(d.conf_level)
    adj = ", ".join(models.get("covariates") or [])
    lines = ["", "Treatment comparisons (patients as clusters" + (f"; adjusted for {adj}" if adj else "") + "):"]
    rc = models.get("responder_comparison")
    if isinstance(rc, list):
        wanted = "adjusted for " + adj if adj else "unadjusted"
        for r in rc:
            if r["measure"] == "RD" and r["adjustment"] == wanted and r.get("estimate") is not None:
                lines.append(f"   {r['outcome']}, {r['term']}: risk difference {100 * r['estimate']:+.1f} points "
                             f"({cl} CI {100 * r['ci_low']:+.1f} to {100 * r['ci_high']:+.1f}; n = {r['n']})")
    hz = models.get("relief_hazard")
    if isinstance(hz, dict) and "terms" in hz:
        for r in hz["terms"]:
            lines.append(f"   hazard of losing relief, {r['term']}: HR {r['hazard_ratio']:.2f} ({cl} CI "
                         f"{r['ci_low']:.2f} to {r['ci_high']:.2f}; p = {r['p_value']:.3g})")
        lines.append(f"   {hz['ph_note']}")
    elif isinstance(hz, dict) and "error" in hz:
        lines.append(f"   hazard model not fitted: {hz['error']}")
    return lines


def _json_number(x):
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    if f.is_integer() and abs(f) < 2**53 and isinstance(x, (int, np.integer)):
        return int(f)
    return f


def _json_value(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def _conf_label(conf_level: float) -> str:
    """``95%``, ``90%``, ``97.5%``: the level as given, without a spurious decimal."""
    return f"{100 * conf_level:.10g}%"


def _fmt(label: str, s: dict | None, pct: bool, conf_level: float = 0.95, median: bool = False) -> str:
    """``median``: a median duration, whose estimate is missing when the curve stays above 50% (not
    reached) while its interval may still have a lower limit: that limit is printed."""
    k = 100.0 if pct else 1.0
    unit = "%" if pct else ""

    def f(x):
        return "NA" if x is None else f"{k * x:.1f}{unit}"

    if median and s is not None and s["estimate"] is None and s["ci_low"] is not None:
        return (f"{label:<38} not reached  ({_conf_label(conf_level)} CI {f(s['ci_low'])} to not reached; "
                f"n = {s['n']})")
    if s is None or s["estimate"] is None:
        return f"{label:<38} not estimable" + (f" (n = {s['n']})" if s else "")

    return (f"{label:<38} {f(s['estimate'])}  ({_conf_label(conf_level)} CI {f(s['ci_low'])} to "
            f"{f(s['ci_high'])}; n = {s['n']})")


def summarize(dataset: Dataset | Episodes, definitions: Definitions | None = None, by=("treatment",),
              filters: dict | None = None, models: bool = True) -> Summary:
    """Headline results per group. See the module docstring for what each number is.

    Parameters
    ----------
    dataset : Dataset or Episodes
    definitions : Definitions, optional
    by : sequence of str
        Grouping columns; ``("treatment",)`` by default, covariates may be added.
    filters : dict, optional
        ``{column: [allowed values]}`` applied to episodes before anything else.
    models : bool, default True
        Also compare the treatments with models (:func:`analysis.comparisons.models_summary`:
        responder risk differences and ratios, the Cox model of relief duration, the estimands),
        adjusted for the other grouping columns, when ``treatment`` is a grouping column and at
        least two treatments remain.
    """
    if isinstance(dataset, Episodes):
        episodes = dataset
        d = episodes.definitions
    else:
        d = definitions or Definitions()
        episodes = None
    # PHQ-9, GAD-7: response is the measure's own rule (as on the Secondary outcomes page), never the
    # pain responder threshold; the relief duration then starts from the same responders.
    d, note = definitions_for_measure(d)
    rules = conventional_rules(d.measure)
    if episodes is not None and d != episodes.definitions:
        episodes = with_definitions(episodes, d)
    if episodes is None:
        episodes = build_episodes(dataset, d)
    by = list(by)

    t = apply_filters(episodes.table, filters)
    labels = group_labels(t, by)
    t = t.drop(columns=by).join(labels)
    # A constant key makes "no grouping" one group of all episodes, with the same code path.
    keys = by or [t.assign(_all=0)["_all"]]
    # patients_analysable: the patients every statistic comes from, which the small-group rule of the
    # dashboard and the export counts; ``patients`` also counts those whose every episode was excluded.
    counts = (t.assign(_analysable_patient=t["patient_id"].where(t["included"]))
              .groupby(keys, sort=True, observed=True)
              .agg(patients=("patient_id", "nunique"), patients_analysable=("_analysable_patient", "nunique"),
                   episodes_used=("included", "sum"), episodes=("included", "size"))
              .reset_index(drop=not by))
    counts["episodes_excluded"] = counts["episodes"] - counts["episodes_used"]

    parts = []
    # The included episodes and the report weeks' mean relief are computed once for all statistics.
    sel = select(episodes, by, filters)
    ir = immediate_relief(episodes, by, filters, selected=sel)
    parts.append(ir.assign(statistic="immediate_relief_pct", week=np.nan))
    rr = responder_rate(episodes, d.threshold, by, filters, selected=sel)
    parts.append(rr.assign(statistic="immediate_responder_rate", week=np.nan))
    weekly = weekly_episode_relief(episodes, by, filters, weeks=d.report_weeks, selected=sel)
    for w in d.report_weeks:
        parts.append(responder_rate(episodes, d.threshold, by, filters, week=w, weekly=weekly)
                     .assign(statistic="responder_rate"))
    if rules is not None and rules.remission_below is not None:
        rem = remission_over_time(episodes, by=by, filters=filters)
        parts.append(rem[rem["week"].isin([0, *d.report_weeks])].assign(statistic="remission_rate"))
    dur = relief_duration(episodes, by, filters, selected=sel)
    med = dur.medians()
    if len(med):
        parts.append(med.assign(statistic="median_relief_duration_days", week=np.nan))
        surv = dur.survival_at([7.0 * w for w in d.report_weeks])
        surv["week"] = (surv["time"] / 7.0).round().astype(int)
        parts.append(surv.assign(statistic="relief_survival"))
    # n_patients (patients among the n episodes) is kept for the small-cell rule, not written to JSON
    keep = [*by, "statistic", "week", *STAT_COLUMNS, "n_patients"]
    table = pd.concat([p[[c for c in keep if c in p.columns]] for p in parts], ignore_index=True)
    model_doc = None
    if models and "treatment" in by and counts["treatment"].nunique() >= 2:
        from .comparisons import models_summary  # the model engines, only when asked for

        # the relief duration by treatment alone is the models' own: handed over, not computed again
        model_doc = models_summary(episodes, [c for c in by if c != "treatment"], filters,
                                   duration=dur if by == ["treatment"] else None)
    return Summary(definitions=d, by=tuple(by), counts=counts, table=table, duration=dur, filters=filters,
                   models=model_doc, note=note, measure_entry=episodes.measure_entry)
