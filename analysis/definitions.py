"""Every analysis definition in one place.

A single frozen :class:`Definitions` object is passed to every analysis, shown in the
dashboard's sidebar and written into every export, so a number can always be traced to the
rules that made it. ``docs/methods.md`` explains each field in words; :meth:`Definitions.describe`
gives the same text for the UI and the methods export (written in :mod:`analysis.methods`). The
option lists and the ranges a user interface offers live here too.
"""
from __future__ import annotations

import math

from dataclasses import asdict, dataclass, fields, replace

from .measures import Measure, known_measures_table, measure as measure_entry
from .methods import describe

#: Scales of the pointwise Kaplan-Meier intervals (``km_conf_type``; the CLI's ``--conf-type``).
CONF_TYPES = ("log-log", "log", "plain")
#: How intervals account for patients with several episodes (``cluster_method``).
CLUSTER_METHODS = ("cluster-robust", "bootstrap")
#: Responder thresholds always reported: 30% = moderately, 50% = substantially important relief
#: (IMMPACT; Dworkin et al., J Pain 2008;9:105-121).
IMMPACT_THRESHOLDS = (30.0, 50.0)
#: Weeks offered for the cumulative responder curve (besides "immediately after treatment").
CUMULATIVE_WEEKS = (1, 2, 4, 8, 12)


@dataclass(frozen=True)
class Choice:
    """The values a user interface offers for a numeric definition: ``low <= value <= high`` in ``step``s."""

    low: float
    high: float
    step: float


#: What the dashboard's widgets (and a bookmarked address) accept for each numeric definition.
CHOICES = {
    "threshold": Choice(5.0, 95.0, 5.0),
    "baseline_window_days": Choice(0.0, 90.0, 1.0),
    "immediate_window_days": Choice(0.5, 30.0, 0.5),
    "max_followup_days": Choice(7.0, 730.0, 7.0),
    "min_cell_size": Choice(1, 100, 1),
}

#: Measures whose valid range is checked by the loader, and whether a *lower* value is better:
#: derived from the registry of measures (:mod:`analysis.measures`), kept here for the loader.
KNOWN_MEASURES: dict[str, dict] = known_measures_table()


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
    thresholds: tuple[float, ...] = IMMPACT_THRESHOLDS
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

    def with_threshold(self, threshold: float) -> "Definitions":
        """A copy whose responder threshold is ``threshold``, reported beside this object's thresholds.

        The one rule for a user's threshold (dashboard sidebar, CLI ``--threshold``): the main
        threshold T changes, and the thresholds shown side by side are the current ones (by default
        30% and 50%) plus T, sorted, without repeats.
        """
        t = float(threshold)
        return replace(self, threshold=t, thresholds=tuple(sorted({*self.thresholds, t})))

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

    def describe(self, entry: Measure | None = None) -> list[str]:
        """The definitions as plain sentences, for the UI and the methods text (:func:`analysis.methods.describe`;
        ``entry``: the measure's entry with the direction the mapping declared, ``Dataset.measure_entry``)."""
        return describe(self, entry)


#: The primary outcome: its responders follow the definitions' threshold (IMMPACT by default).
PAIN_MEASURE = "pain_nrs"


def conventional_rules(measure: str) -> Measure | None:
    """The registry entry of a secondary measure with a conventional response or remission rule
    (PHQ-9, GAD-7: >= 50% reduction, score < 5); None for pain and for measures without one."""
    m = measure_entry(measure)
    if measure == PAIN_MEASURE or (m.response_pct is None and m.remission_below is None):
        return None
    return m


def definitions_for_measure(d: Definitions) -> tuple[Definitions, str | None]:
    """The definitions every number of an analysis of ``d.measure`` follows, and a note when they differ
    from ``d``.

    For a measure with a conventional response rule in the registry (PHQ-9, GAD-7: a reduction of at
    least 50%) its responders are that response: ``threshold`` = the rule's percentage and ``thresholds``
    = (it,), so the responder rates, the relief duration (which starts from the responders and ends at
    relief below the same percentage), the tables, figures and texts all use one threshold. The note
    says so when the threshold asked for (by default pain's 30%) is replaced; it is None otherwise.
    Every other measure (pain, a clinic's own score) keeps ``d`` as it is. ``summarize``, the export
    and the dashboard's definitions all take their definitions from here.
    """
    rules = conventional_rules(d.measure)
    if rules is None or rules.response_pct is None:
        return d, None
    pct = float(rules.response_pct)
    if (d.threshold, tuple(d.thresholds)) == (pct, (pct,)):
        return d, None
    note = None
    if d.threshold != pct:
        note = (f"the responder threshold {d.threshold:g}% (pain relief, IMMPACT) does not apply to "
                f"{rules.short_label}: its responders are its own response, a reduction from baseline of at least "
                f"{pct:g}% ({rules.citation}), and the relief duration ends at a reduction below {pct:g}%.")
    return replace(d, threshold=pct, thresholds=(pct,)), note
