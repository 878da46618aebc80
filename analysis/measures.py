"""The registry of outcome measures: one entry per measure with every fact the product uses.

Each :class:`Measure` holds a measure's label, valid range, direction, unit, its conventional
response and remission rules, and the reference for them. Everything else reads these facts from
here: the loader's range check (``analysis.definitions.KNOWN_MEASURES``), the secondary-outcome
rules (``analysis.secondary.RESPONSE_PCT`` and ``REMISSION_BELOW``), labels in figures, tables and
the methods text (:func:`measure_label`, :func:`measure_short`). ``docs/methods.md`` ("Measures")
shows the same table for users.

A measure the registry does not know (a clinic's own scale) is analysed all the same:
:func:`measure` gives it an entry built from its name (label = the name, no valid range, lower is
better unless the mapping declares it higher-is-better, no response or remission rule).

Direction. Relief and improvement are always "better than baseline, as a % of baseline":
:func:`improvement_pct` is the one definition, ``100 x (baseline - score) / baseline`` for a
lower-is-better measure (pain, catastrophizing, depression) and ``100 x (score - baseline) /
baseline`` for a higher-is-better one (EQ VAS, self-efficacy, physical function). Every analysis of
relief (immediate relief, responder rates, relief over time, time to loss of relief, a secondary
measure's response) reads the episodes' ``relief_pct``, computed with it.

References
----------
Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain
clinical trials: IMMPACT recommendations. J Pain 2008;9:105-121.
Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an 11-point
numerical pain rating scale. Pain 2001;94:149-158.
Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure.
J Gen Intern Med 2001;16:606-613.
Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression treatment outcomes
with the Patient Health Questionnaire-9. Med Care 2004;42:1194-1201.
Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety
disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097.
Harden RN et al. Development of a severity score for CRPS. Pain 2010;151:870-876.
Sullivan MJL, Bishop SR, Pivik J. The Pain Catastrophizing Scale: development and validation.
Psychol Assess 1995;7:524-532.
Nicholas MK. The pain self-efficacy questionnaire: taking pain into account. Eur J Pain
2007;11:153-163.
EuroQol Research Foundation. EQ-5D-5L User Guide, 2019 (the EQ VAS: 0 = the worst, 100 = the best
health you can imagine).
Ware JE, Kosinski M, Keller SD. A 12-Item Short-Form Health Survey: construction of scales and preliminary
tests of reliability and validity. Med Care 1996;34:220-233 (the SF-12's component summaries).
Ware JE, Kosinski M, Keller SD. SF-36 Physical and Mental Health Summary Scales: A User's Manual. Boston:
The Health Institute, 1994 (the SF-36's component summaries).
Cella D et al. The Patient-Reported Outcomes Measurement Information System (PROMIS) developed and tested
its first wave of adult self-reported health outcome item banks: 2005-2008. J Clin Epidemiol
2010;63:1179-1194 (:mod:`analysis.measure_names`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .measure_names import named_direction


@dataclass(frozen=True)
class Measure:
    """One outcome measure and its rules.

    Attributes
    ----------
    name : str
        The column or ``measure`` value in the data (``pain_nrs``, ``phq9``, ...).
    label : str
        Human label with the range, e.g. ``"PHQ-9 depression (0-27)"``.
    short_label : str
        The label without the range, e.g. ``"PHQ-9 depression"``.
    min, max : int or None
        Valid range of a score (inclusive); the loader excludes scores outside it. ``None``: no bound.
    lower_is_better : bool
        Direction: True when a lower score is better (pain; relief = % reduction from baseline), False
        when a higher score is better (EQ VAS; improvement = % increase over baseline). See
        :func:`improvement_pct`.
    direction_declared : bool
        For a measure the registry does not know: True when the mapping declared its direction
        (``"measures": {"promis_pf": {"higher_is_better": true}}``), False when it was taken from its
        name (``direction_source``) or as lower-is-better for want of a declaration (outputs say so:
        :func:`direction_note`).
    direction_source : str
        For a measure the registry does not know and the mapping does not declare: why its name gives its
        direction (:func:`analysis.measure_names.named_direction`: an SF-36 scale, a PROMIS domain); empty
        otherwise.
    unit : str
        What one unit of the score is ("points", "regions").
    response_pct : float or None
        Conventional response of a secondary measure: a reduction from baseline of at least this
        percentage. ``None``: no conventional rule (the primary outcome's responder threshold is a
        definition, ``Definitions.threshold``, not a property of the measure).
    remission_below : float or None
        Conventional remission: a score strictly below this value. ``None``: no conventional rule.
    reference : str
        Where the range and the rules come from.
    citation : str
        The short citation of the rules in captions ("Kroenke et al. 2001"); empty when none.
    known : bool
        False for a measure the registry does not know (an entry built from its name).
    items, item_max : int or None
        A questionnaire whose score is the sum of its items: the number of items and the top of each
        item's range (each item 0 to ``item_max``), as its scoring instructions define them (the
        PHQ-9: 9 items 0-3, Kroenke et al. 2001; the GAD-7: 7 items 0-3, Spitzer et al. 2006). A clinic
        export that gives only the items is summed by the import (the column role ``sum_item``).
    """

    name: str
    label: str
    short_label: str
    min: int | float | None = None
    max: int | float | None = None
    lower_is_better: bool = True
    unit: str = "points"
    response_pct: float | None = None
    remission_below: float | None = None
    reference: str = ""
    citation: str = ""
    known: bool = True
    items: int | None = None
    item_max: int | None = None
    direction_declared: bool = False
    direction_source: str = ""

    @property
    def higher_is_better(self) -> bool:
        return not self.lower_is_better

    @property
    def direction_origin(self) -> str:
        """Who says which way is better: ``"registry"``, ``"mapping"``, ``"name"`` or ``"assumed"``."""
        return "registry" if self.known else "mapping" if self.direction_declared else \
            "name" if self.direction_source else "assumed"

    def improvement_formula(self) -> str:
        """The definition of relief (improvement) % in words, for methods texts and captions."""
        return IMPROVEMENT_FORMULA[self.lower_is_better]

    def range_text(self) -> str:
        """The valid range in words: ``"0-10"``, ``"1 or more"``, ``"any value"``."""
        if self.min is not None and self.max is not None:
            return f"{self.min:g}-{self.max:g}"
        if self.min is not None:
            return f"{self.min:g} or more"
        if self.max is not None:
            return f"up to {self.max:g}"
        return "any value"


#: Every measure the product knows, in the order they are listed (the timeline's panel order).
MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("pain_nrs", "Pain NRS (0-10)", "Pain NRS", 0, 10, unit="points",
            reference="0-10 numeric rating scale; responder at 30% (moderately) and 50% (substantially) "
                      "important relief: IMMPACT, Dworkin et al., J Pain 2008;9:105-121; Farrar et al., "
                      "Pain 2001;94:149-158",
            citation="Dworkin et al. 2008"),
    Measure("phq9", "PHQ-9 depression (0-27)", "PHQ-9 depression", 0, 27, unit="points",
            response_pct=50.0, remission_below=5.0,
            reference="Kroenke et al., J Gen Intern Med 2001;16:606-613 (scores below 5: minimal depression); "
                      "response and remission as in Löwe et al., Med Care 2004;42:1194-1201",
            citation="Kroenke et al. 2001", items=9, item_max=3),
    Measure("gad7", "GAD-7 anxiety (0-21)", "GAD-7 anxiety", 0, 21, unit="points",
            response_pct=50.0, remission_below=5.0,
            reference="Spitzer et al., Arch Intern Med 2006;166:1092-1097 (scores below 5: minimal anxiety); "
                      "50% response by the same convention as the PHQ-9",
            citation="Spitzer et al. 2006", items=7, item_max=3),
    Measure("css", "CRPS Severity Score (0-16)", "CRPS Severity Score", 0, 16, unit="points",
            reference="Harden et al., Pain 2010;151:870-876", citation="Harden et al. 2010"),
    Measure("pgic", "PGIC (1 = very much improved, 7 = very much worse)", "PGIC", 1, 7, unit="category",
            reference="Patient Global Impression of Change, 7 categories (Guy, ECDEU Assessment Manual 1976; "
                      "used as the anchor by Farrar et al. 2001)"),
    Measure("pcs_total", "Pain Catastrophizing Scale (0-52)", "Pain Catastrophizing Scale", 0, 52, unit="points",
            reference="13 items 0-4, higher = more catastrophizing (lower is better): Sullivan et al., "
                      "Psychol Assess 1995;7:524-532",
            citation="Sullivan et al. 1995"),
    Measure("pseq", "Pain Self-Efficacy Questionnaire (0-60)", "Pain Self-Efficacy Questionnaire", 0, 60,
            lower_is_better=False, unit="points",
            reference="10 items 0-6, higher = more confidence to function despite pain (higher is better): "
                      "Nicholas, Eur J Pain 2007;11:153-163",
            citation="Nicholas 2007"),
    Measure("eq_vas", "EQ VAS (0-100)", "EQ VAS", 0, 100, lower_is_better=False, unit="points",
            reference="EQ-5D visual analogue scale, 0 = the worst and 100 = the best health you can imagine "
                      "(higher is better): EuroQol Research Foundation, EQ-5D-5L User Guide 2019",
            citation="EuroQol 2019"),
    # Norm-based T-scores (50 = the US general population's mean, 10 its SD), higher = better health. No fixed
    # range: 0-100 is generous (observed scores lie within about 5-75) and excludes only what no scoring gives.
    *(Measure(f"sf{v}_{k.lower()}", f"SF-{v} {what} Component Summary (T-score)",
              f"SF-{v} {what} Component Summary", 0, 100,
              lower_is_better=False, unit="points",
              reference=f"norm-based T-score, 50 = the general population's mean, higher = better {what.lower()} "
                        f"health: Ware et al., {ref}",
              citation=f"Ware et al. {year}")
      for v, ref, year in (("12", "Med Care 1996;34:220-233", "1996"),
                           ("36", "SF-36 Physical and Mental Health Summary Scales: A User's Manual, 1994", "1994"))
      for k, what in (("PCS", "Physical"), ("MCS", "Mental"))),
    Measure("regions_affected", "Body regions affected (count)", "Body regions affected", 1, None,
            unit="regions", reference="the product's spread outcome: an increase above the episode's baseline count"),
)}


#: Relief (improvement) % by direction (``lower_is_better`` -> the formula in words).
IMPROVEMENT_FORMULA = {True: "Relief % = 100 x (baseline - score) / baseline",
                       False: "Improvement % = 100 x (score - baseline) / baseline"}


def measure(name: str, higher_is_better: bool | None = None) -> Measure:
    """The registry entry of a measure; for a measure the registry does not know, one built from its
    name (label = the name, no range, no response or remission rule), lower is better unless
    ``higher_is_better`` (the mapping's declaration, ``Dataset.directions``) or, without a declaration, the
    name (:func:`analysis.measure_names.named_direction`: a PROMIS function domain, an SF-36 scale) says
    otherwise."""
    known = MEASURES.get(name)
    if known is not None:
        return known
    named = named_direction(name) if higher_is_better is None else None
    if named is not None:
        return Measure(name=name, label=name, short_label=str(name).split(" (")[0], known=False,
                       lower_is_better=not named[0], direction_source=named[1])
    return Measure(name=name, label=name, short_label=str(name).split(" (")[0], known=False,
                   lower_is_better=not higher_is_better, direction_declared=higher_is_better is not None)


def improvement_pct(baseline, score, lower_is_better: bool = True):
    """Relief (improvement) % of a score: how much better than baseline, as a % of baseline.

    ``100 x (baseline - score) / baseline`` for a lower-is-better measure, ``100 x (score - baseline)
    / baseline`` for a higher-is-better one; negative = worse than baseline either way. NaN where
    the baseline is 0 or missing (and where it is negative: a % of it would turn the sign over).
    """
    baseline = np.asarray(baseline, dtype=float)
    score = np.asarray(score, dtype=float)
    # in place: the same operations in the same order, without four temporaries of every score
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(np.subtract(baseline, score) if lower_is_better else np.subtract(score, baseline))
        np.multiply(100.0, out, out=out)
        np.divide(out, baseline, out=out)
    out[~(baseline > 0)] = np.nan
    return out


def direction_note(m: Measure) -> str:
    """What outputs say about a measure's direction: empty for the primary lower-is-better pain
    score's usual case (a registry measure, lower is better); otherwise one sentence."""
    if m.known and m.lower_is_better:
        return ""
    if m.known or m.direction_declared or m.direction_source:
        way = "lower" if m.lower_is_better else "higher"
        how = "the registry of measures" if m.known else "the mapping" if m.direction_declared else m.direction_source
        note = f"{m.short_label}: a {way} score is better ({how}); {m.improvement_formula()}, so a positive % is an improvement."
        if m.direction_origin == "name":
            note += (" If the name misleads, declare the direction in the mapping: "
                     f'"measures": {{"{m.name}": {{"higher_is_better": {str(m.lower_is_better).lower()}}}}}.')
        return note
    return (f"{m.short_label} is not a measure the product knows: it was taken as lower-is-better "
            f"({IMPROVEMENT_FORMULA[True]}). If a higher score is better, declare it in the mapping: "
            f'"measures": {{"{m.name}": {{"higher_is_better": true}}}}.')


def measure_label(name: str) -> str:
    """Human label of a measure, e.g. ``"PHQ-9 depression (0-27)"``; unknown measures as given."""
    known = MEASURES.get(name)
    return known.label if known is not None else name


def measure_short(name: str) -> str:
    """Short name without the range: ``"PHQ-9 depression"`` (an unknown name up to its first " (")."""
    return measure(name).short_label


def known_measures_table() -> dict[str, dict]:
    """The loader's view of the registry: ``{name: {"min", "max", "lower_is_better", "label"}}``
    (``analysis.definitions.KNOWN_MEASURES``)."""
    return {m.name: {"min": m.min, "max": m.max, "lower_is_better": m.lower_is_better, "label": m.label}
            for m in MEASURES.values()}


def response_rules() -> dict[str, float]:
    """``{name: % reduction}`` of the measures with a conventional response rule
    (``analysis.secondary.RESPONSE_PCT``)."""
    return {m.name: m.response_pct for m in MEASURES.values() if m.response_pct is not None}


def remission_rules() -> dict[str, float]:
    """``{name: cut-off}`` of the measures with a conventional remission rule (score strictly below;
    ``analysis.secondary.REMISSION_BELOW``)."""
    return {m.name: m.remission_below for m in MEASURES.values() if m.remission_below is not None}


__all__ = ["Measure", "MEASURES", "IMPROVEMENT_FORMULA", "measure", "improvement_pct", "direction_note",
           "measure_label", "measure_short", "known_measures_table", "response_rules", "remission_rules"]
