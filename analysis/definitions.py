"""Every analysis definition in one place.

A single frozen :class:`Definitions` object is passed to every analysis, shown in the
dashboard's sidebar and written into every export, so a number can always be traced to the
rules that made it. ``docs/methods.md`` explains each field in words; :meth:`Definitions.describe`
gives the same text for the UI and the methods export.
"""
from __future__ import annotations

import math

from dataclasses import asdict, dataclass, field, fields, replace

CONF_TYPES = ("log-log", "log", "plain")
CLUSTER_METHODS = ("cluster-robust", "bootstrap")

#: Measures whose valid range is checked by the loader, and whether a *lower* value is better.
#: Relief-style "% reduction from baseline" is computed for lower-is-better measures.
KNOWN_MEASURES: dict[str, dict] = {
    "pain_nrs": {"min": 0, "max": 10, "lower_is_better": True, "label": "Pain NRS (0-10)"},
    "phq9": {"min": 0, "max": 27, "lower_is_better": True, "label": "PHQ-9 depression (0-27)"},
    "gad7": {"min": 0, "max": 21, "lower_is_better": True, "label": "GAD-7 anxiety (0-21)"},
    "css": {"min": 0, "max": 16, "lower_is_better": True, "label": "CRPS Severity Score (0-16)"},
    "pgic": {"min": 1, "max": 7, "lower_is_better": True,
             "label": "PGIC (1 = very much improved, 7 = very much worse)"},
    "regions_affected": {"min": 1, "max": None, "lower_is_better": True,
                         "label": "Body regions affected (count)"},
}


@dataclass(frozen=True)
class Definitions:
    """The rules every analysis follows. Defaults are the product's documented defaults.

    Attributes
    ----------
    measure : str
        The outcome measure analysed (``pain_nrs`` is the primary outcome).
    baseline_window_days : float
        Baseline = the last score with ``start - baseline_window_days <= day <= start``.
    immediate_window_days : float
        Immediate response = the first follow-up score with ``start < day <= start + immediate_window_days``.
    max_followup_days : float
        Follow-up scores of an episode have ``start < day < next start`` and ``day <= start + max_followup_days``.
    threshold : float
        Responder threshold T in percent: relief >= T. 30 = moderately, 50 = substantially
        important improvement (IMMPACT; Dworkin et al., J Pain 2008;9:105-121).
    thresholds : tuple of float
        All thresholds reported side by side (responder tables, cumulative responder curve lines).
    report_weeks : tuple of int
        Weeks at which responder rates and relief survival are reported (4, 8, 12 = days 28, 56, 84).
    conf_level : float
        Confidence level of every interval.
    km_conf_type : {"log-log", "log", "plain"}
        Scale of the pointwise Kaplan-Meier intervals (Greenwood variance).
    cluster_method : {"cluster-robust", "bootstrap"}
        How intervals account for patients contributing several episodes to one group.
    n_bootstrap : int
        Bootstrap replicates when ``cluster_method == "bootstrap"``.
    seed : int
        Seed for every random step (bootstrap), so results are reproducible.
    first_episode_only : bool
        Keep only each patient's first episode of each treatment.
    retreatment_is_event : bool
        Count the next treatment start as loss of relief ("time to re-treatment") instead of censoring there.
    min_cell_size : int
        Groups with fewer patients are not shown as estimates and are suppressed in exports.
    """

    measure: str = "pain_nrs"
    baseline_window_days: float = 14.0
    immediate_window_days: float = 2.0
    max_followup_days: float = 182.0
    threshold: float = 30.0
    thresholds: tuple[float, ...] = (30.0, 50.0)
    report_weeks: tuple[int, ...] = (4, 8, 12)
    conf_level: float = 0.95
    km_conf_type: str = "log-log"
    cluster_method: str = "cluster-robust"
    n_bootstrap: int = 1000
    seed: int = 20260101
    first_episode_only: bool = False
    retreatment_is_event: bool = False
    min_cell_size: int = 5

    def __post_init__(self) -> None:
        # Frozen dataclass: normalise sequences to tuples so the object stays hashable (cache keys).
        object.__setattr__(self, "thresholds", tuple(float(t) for t in self.thresholds))
        object.__setattr__(self, "report_weeks", tuple(int(w) for w in self.report_weeks))
        if self.km_conf_type not in CONF_TYPES:
            raise ValueError(f"km_conf_type must be one of {CONF_TYPES}, got {self.km_conf_type!r}")
        if self.cluster_method not in CLUSTER_METHODS:
            raise ValueError(f"cluster_method must be one of {CLUSTER_METHODS}, got {self.cluster_method!r}")
        # NaN and infinity pass every comparison below unnoticed: refuse them first (issue 15).
        for name in ("threshold", "conf_level", "baseline_window_days", "immediate_window_days",
                     "max_followup_days"):
            if not math.isfinite(float(getattr(self, name))):
                raise ValueError(f"{name} must be a finite number, got {getattr(self, name)}")
        for t in (self.threshold, *self.thresholds):
            if not (math.isfinite(t) and 0 < t <= 100):
                raise ValueError(f"a responder threshold is a relief percentage above 0 and at most 100, got {t:g}")
        if not 0 < self.conf_level < 1:
            raise ValueError(f"conf_level must be between 0 and 1, got {self.conf_level}")
        for name in ("baseline_window_days", "immediate_window_days", "max_followup_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.min_cell_size < 1:
            raise ValueError(f"min_cell_size must be >= 1, got {self.min_cell_size}")

    def replace(self, **changes) -> "Definitions":
        """A copy with some fields changed (the object itself is immutable)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["thresholds"] = list(self.thresholds)
        d["report_weeks"] = list(self.report_weeks)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Definitions":
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"Unknown definition(s): {', '.join(sorted(unknown))}")
        return cls(**d)

    def describe(self) -> list[str]:
        """The definitions as plain sentences, for the UI and the methods text."""
        m = self.measure
        pct = f"{self.conf_level:.0%}"
        lines = [
            f"Outcome measure: {KNOWN_MEASURES.get(m, {}).get('label', m)}.",
            "Episode: each treatment course starts an episode at its start day; its follow-up scores are "
            f"those after the start, before the patient's next treatment, and no later than day {self.max_followup_days:g}.",
            f"Baseline: the last score from {self.baseline_window_days:g} days before the start up to the start day; "
            "episodes without one, or with baseline 0, are excluded.",
            "Relief % = 100 x (baseline - score) / baseline; negative means worse than baseline.",
            f"Immediate relief: the first follow-up score within {self.immediate_window_days:g} days after the start.",
            f"Responder: relief >= {self.threshold:g}% (thresholds shown: "
            + ", ".join(f"{t:g}%" for t in self.thresholds) + "; IMMPACT, Dworkin et al. 2008).",
            "Relief over time: week k covers days 7(k-1) < t <= 7k after the start; each episode contributes "
            "the mean relief of its scores in that week.",
            f"Relief duration: among immediate responders, time to the first follow-up score with relief < {self.threshold:g}%; "
            + ("the next treatment start also counts as loss of relief (time to re-treatment)."
               if self.retreatment_is_event else
               "episodes without one are censored at their last follow-up score."),
            f"Intervals: {pct}; t-interval for means, Wilson for proportions, Kaplan-Meier with Greenwood variance "
            f"on the {self.km_conf_type} scale; when patients contribute several episodes to a group, "
            + ("cluster-robust (patient-level) variances." if self.cluster_method == "cluster-robust"
               else f"a patient-level bootstrap ({self.n_bootstrap} replicates, seed {self.seed}).")
        ]
        if self.first_episode_only:
            lines.append("Only each patient's first episode of each treatment is analysed.")
        lines.append(f"Groups with fewer than {self.min_cell_size} patients are not shown.")
        return lines


DEFAULT = Definitions()
