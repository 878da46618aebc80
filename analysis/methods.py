"""The methods text: every sentence that says how a number was made, in one module.

The dashboard (definitions at the foot of each page, the sidebar's help), the export (methods.md,
methods.html, the suggested methods paragraph), ``summarize`` and the figure captions all take
their sentences from here, filled in with the :class:`~analysis.definitions.Definitions` actually
used, so the words cannot drift apart between outputs. ``docs/methods.md`` is the long form of the
same definitions for users.

This module imports no analysis: it formats definitions (and results' counts) into words. It does
not import :mod:`analysis.definitions` (``Definitions.describe`` calls it): a parameter ``d`` is a
``Definitions`` object (or None where a figure was drawn without definitions).
"""
from __future__ import annotations

import importlib.metadata
import platform

from .measures import direction_note, measure, measure_label, measure_short

SOFTWARE = ("pandas", "numpy", "scipy", "plotly", "streamlit", "kaleido")

#: What the conventional responder thresholds mean (IMMPACT): the labels of the reference lines.
THRESHOLD_MEANINGS = {30.0: "moderate", 50.0: "substantial"}

#: The sidebar's help for the responder threshold.
THRESHOLD_HELP = ("Responder: relief >= this % reduction from baseline. 30% = moderately, 50% = substantially "
                  "important improvement (IMMPACT).")
#: The sidebar's help for "re-treatment counts as loss of relief".
RETREATMENT_HELP = ("Counts the next treatment start as the end of relief (time to re-treatment), instead of "
                    "censoring there. Boosters are usually given when relief fades.")

REFERENCES = [
    "Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain clinical "
    "trials: IMMPACT recommendations. J Pain 2008;9:105-121.",
    "Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an 11-point "
    "numerical pain rating scale. Pain 2001;94:149-158.",
    "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med 2001;16:606-613.",
    "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: "
    "the GAD-7. Arch Intern Med 2006;166:1092-1097.",
    "Korn EL, Graubard BI. Confidence intervals for proportions with small expected number of positive "
    "counts estimated from survey data. Survey Methodology 1998;24:193-201.",
    "Therneau TM. A Package for Survival Analysis in R (survival: survfit, survdiff).",
]

TREATMENT_COMPARISON_REFERENCES = [
    "Efron B. The efficiency of Cox's likelihood function for censored data. JASA 1977;72:557-565.",
    "Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. JASA 1989;84:1074-1078.",
    "Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted residuals. "
    "Biometrika 1994;81:515-526.",
    "Zou G. A modified Poisson regression approach to prospective studies with binary data. "
    "Am J Epidemiol 2004;159:702-706.",
    "Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on censored "
    "observations. Scand J Stat 1978;5:141-150.",
    "ICH E9(R1) addendum on estimands and sensitivity analysis in clinical trials, 2019.",
]


# ----------------------------------------------------------------------------------------------
# The definitions as sentences (dashboard, export, summarize)
# ----------------------------------------------------------------------------------------------
def _responder_sentence(d) -> str:
    """Who responds: for pain the definitions' threshold (IMMPACT); for a measure with conventional
    rules in the registry (PHQ-9, GAD-7) those rules and their reference, never the pain one."""
    m = measure(d.measure)
    if d.measure == "pain_nrs":
        return (f"Responder: relief >= {d.threshold:g}% (thresholds shown: "
                + ", ".join(f"{t:g}%" for t in d.thresholds) + "; IMMPACT, Dworkin et al. 2008).")
    if m.response_pct is None and m.remission_below is None:
        return (f"Responder: relief >= {d.threshold:g}% (the threshold chosen: {m.short_label} has no "
                "conventional response rule).")
    rules = []
    if m.response_pct is not None:
        rules.append(f"Response: a reduction from baseline of at least {m.response_pct:g}%")
    if m.remission_below is not None:
        rules.append(f"remission: a score below {m.remission_below:g}")
    return f"{'; '.join(rules)} ({m.short_label}; {m.reference})."


def describe(d, entry=None) -> list[str]:
    """The definitions as plain sentences, for the UI and the methods text (``Definitions.describe``).

    ``entry``: the measure's registry entry with the direction the mapping declared
    (``Dataset.measure_entry``); default the registry's (an unknown measure: lower is better)."""
    entry = entry if entry is not None else measure(d.measure)
    pct = f"{d.conf_level:.0%}"
    lines = [
        f"Outcome measure: {measure_label(d.measure)}.",
        "Episode: each treatment course starts an episode at its start day; its follow-up scores are "
        f"those after the start, before the patient's next treatment, and no later than day {d.max_followup_days:g}.",
        f"Baseline: the last score from {d.baseline_window_days:g} days before the start up to the start day; "
        "episodes without one, or with baseline 0, are excluded.",
        f"{entry.improvement_formula()}; negative means worse than baseline.",
        *([note] if (note := direction_note(entry)) else []),
        f"Immediate relief: the first follow-up score within {d.immediate_window_days:g} days after the start.",
        _responder_sentence(d),
        "Relief over time: week k covers days 7(k-1) < t <= 7k after the start; each episode contributes "
        "the mean relief of its scores in that week.",
        f"Relief duration: among immediate responders, time to the first follow-up score with relief < {d.threshold:g}%; "
        + ("the next treatment start also counts as loss of relief (time to re-treatment)."
           if d.retreatment_is_event else
           "episodes without one are censored at their last follow-up score."),
        f"Intervals: {pct}; t-interval for means, Wilson for proportions, Kaplan-Meier with Greenwood variance "
        f"on the {d.km_conf_type} scale; when patients contribute several episodes to a group, "
        + ("cluster-robust (patient-level) variances." if d.cluster_method == "cluster-robust"
           else f"a patient-level bootstrap ({d.n_bootstrap} replicates, seed {d.seed}).")
    ]
    if d.first_episode_only:
        lines.append("Only each patient's first episode of each treatment is analysed.")
    lines.append(f"Groups with fewer than {d.min_cell_size} patients with an analysable episode (the patients "
                 "their estimates come from), and estimates from fewer patients, are not shown.")
    return lines


def filters_text(filters: dict | None) -> str:
    """The filters in words: ``"sex in {F}; age from 18 to 65"``, or that there are none."""
    if not filters:
        return "none (all episodes of the dataset)"
    parts = []
    for c, v in filters.items():
        if isinstance(v, tuple) and len(v) == 2:
            parts.append(f"{c} from {v[0]:g} to {v[1]:g}")
        else:
            parts.append(f"{c} in {{{', '.join(str(x) for x in v)}}}")
    return "; ".join(parts)


def software_versions() -> dict[str, str]:
    """Python and the packages whose versions a methods section should state."""
    out = {"python": platform.python_version()}
    for p in SOFTWARE:
        try:
            out[p] = importlib.metadata.version(p)
        except importlib.metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def _responder_clause(d) -> str:
    """Who responded, for the methods paragraph: the IMMPACT pain threshold, a measure's own response
    rule (PHQ-9, GAD-7), or the threshold chosen for a measure without a conventional rule."""
    m = measure(d.measure)
    if d.measure == "pain_nrs":
        return f"a responder had relief of at least {d.threshold:g}% (IMMPACT; Dworkin et al. 2008)"
    if m.response_pct is not None and d.threshold == m.response_pct:
        return (f"a responder had a reduction of at least {m.response_pct:g}%, the conventional response of the "
                f"{m.short_label} ({m.citation or m.reference})")
    return (f"a responder had relief of at least {d.threshold:g}% (the threshold chosen: {m.short_label} has "
            "no conventional response rule)")


def methods_paragraph(d, by, filters: dict | None, fingerprint: str, entry=None) -> str:
    """One citable paragraph stating every definition used (``fingerprint``: the dataset's SHA-256;
    ``entry``: as in :func:`describe`)."""
    entry = entry if entry is not None else measure(d.measure)
    change = "percentage reduction from baseline" if entry.lower_is_better else \
        "percentage increase over baseline (a higher score is better)"
    lvl = f"{d.conf_level:.0%}"
    grp = ", ".join(by) if by else "all episodes together"
    return (
        f"Each treatment course started an episode. Baseline was the last {measure_label(d.measure)} score in "
        f"the {d.baseline_window_days:g} days up to the start; follow-up scores were those after the start, before "
        f"the patient's next treatment and within {d.max_followup_days:g} days. Relief was the {change}; "
        f"immediate relief was measured at the first score within {d.immediate_window_days:g} days of "
        f"the start, and {_responder_clause(d)}. Weekly "
        f"relief was the mean of an episode's scores in each week (observed cases). Relief duration among immediate "
        f"responders was the time to the first score with relief below {d.threshold:g}%, "
        + ("with the next treatment counted as loss of relief" if d.retreatment_is_event else
           "censored at the last follow-up score")
        + f", estimated with the Kaplan-Meier method ({lvl} pointwise intervals on the {d.km_conf_type} scale) "
        f"and compared with the log-rank test. Means have t intervals and proportions Wilson intervals ({lvl}); "
        f"where patients contributed several episodes, intervals used patient-level "
        + ("cluster-robust variances" if d.cluster_method == "cluster-robust" else
           f"bootstrap resampling ({d.n_bootstrap} replicates, seed {d.seed})")
        + f". Results are given by {grp}; filters: {filters_text(filters)}. Groups with fewer than "
        f"{d.min_cell_size} patients with an analysable episode, and estimates from fewer patients, were "
        "suppressed. Analyses used CRPS Outcomes with Python "
        f"{platform.python_version()} (dataset SHA-256 {fingerprint[:16] or 'n/a'}...)."
    )


def methods_blocks(dataset, R, created: str, *, demo: bool) -> list[tuple[str, object]]:
    """The export's methods document as blocks: ``("h1"|"h2"|"p"|"ul"|"table", content)``.

    ``R`` is the export's results (definitions, grouping, filters, counts, interval methods and
    tests used, warnings, tables); ``demo``: the dataset is the SYNTHETIC demo cohort.
    Render with :func:`analysis.documents.blocks_to_markdown` / ``blocks_to_html``.
    """
    d, by = R.definitions, R.by
    rep = dataset.report
    lvl = f"{d.conf_level:.0%}"
    b: list[tuple[str, object]] = [("h1", "Methods: how these results were made")]
    if demo:
        b.append(("p", "SYNTHETIC DATA: the demo cohort of CRPS Outcomes (invented patients, data/demo/). These "
                       "numbers are not evidence about any treatment."))
    b.append(("p", f"Generated by CRPS Outcomes on {created} from the dataset with SHA-256 fingerprint "
                   f"`{rep.fingerprint or 'not available (in-memory dataset)'}`. Every figure and table of this "
                   "export was computed with the definitions below; change any of them and the numbers change."))
    b.append(("h2", "Data"))
    files = [f"{f}: {c.rows_read:,} rows read, {c.rows_used:,} used, {c.rows_excluded:,} excluded"
             for f, c in rep.files.items()]
    b.append(("ul", files + [
        f"Patients: {R.counts.get('patients', 0):,}, of whom {R.counts.get('patients_analysable', 0):,} with an "
        f"analysable episode; treatment episodes: {R.counts.get('episodes', 0):,}, "
        f"of which {R.counts.get('analysable', 0):,} analysable (with a baseline score > 0).",
        f"Measures in the dataset: {', '.join(dataset.measures)}.",
    ] + [f"Identifier column dropped on request: {f} {c!r} ({w})." for f, c, w in rep.dropped_identifier_columns]
        + [f"Loader note: {n}" for n in rep.notes]))
    b.append(("h2", "Definitions"))
    b.append(("p", "Parameter values: " + ", ".join(
        f"{k} = {v}" for k, v in d.to_dict().items()) + "."))
    b.append(("ul", describe(d, dataset.measure_entry(d.measure))
              + ([f"Note: {R.definitions_note}"] if getattr(R, "definitions_note", None) else [])))
    b.append(("h2", "Selection and grouping"))
    b.append(("ul", [
        f"Filters: {filters_text(R.filters)}.",
        f"Groups compared: {', '.join(by) if by else 'none (all episodes together)'}; a missing covariate value "
        "forms its own group '(missing)'.",
        f"Responder thresholds reported: {', '.join(f'{t:g}%' for t in d.thresholds)} (main threshold "
        f"{d.threshold:g}%); report weeks {', '.join(str(w) for w in d.report_weeks)}.",
    ]))
    b.append(("h2", "Statistical methods"))
    meth = sorted(R.methods_used)
    b.append(("p", f"All intervals are {lvl} two-sided. Interval methods used in these results (the `method` "
                   "column of each table names the method of each row):"))
    b.append(("ul", meth or ["none (no estimable group)"]))
    tests = sorted(set(R.tests))
    b.append(("p", "Tests: " + ("; ".join(tests) if tests else "none (fewer than two groups shown)") + "."))
    b.append(("p", "Mean relief: Student's t interval; proportions: Wilson score interval; when a patient "
                   "contributes several episodes to a group, the patient-level cluster-robust (CR1 sandwich) "
                   "variance with a t quantile on G - 1 df (means), the Wilson interval with a design-effect "
                   "effective sample size (proportions; Korn & Graubard 1998), and the infinitesimal-jackknife "
                   "variance for Kaplan-Meier (as R survfit(id =, robust = TRUE)). Medians with R survival's "
                   "rule (where the confidence bands cross 50%); 'not reached' where a band never does. Weekly "
                   "responder rates are observed cases; the sensitivity analysis counts a missing week as no "
                   "relief (baseline observation carried forward)."))
    b.append(("h2", "Small-cell suppression"))
    b.append(("p", f"Groups with fewer than {d.min_cell_size} patients with an analysable episode (the patients "
                   "their estimates come from), and cells (such as late weeks) whose estimate comes from fewer "
                   "patients, are suppressed in every exported table and figure: in tables their estimates, "
                   "intervals and counts are blanked and `suppressed` is True; figures omit them and say so in the "
                   "subtitle and caption. `group_patients` is that count of the group; Table 1 and `group_counts` "
                   "(`n_patients`) count every patient of the group, analysable or not, so a group can have "
                   f"{d.min_cell_size} or more patients there and still be suppressed. "
                   "Log-rank tests are computed over the groups shown. Text cells that a spreadsheet could run as "
                   "a formula (beginning with =, +, -, @, tab or carriage return) are prefixed with an "
                   "apostrophe."))
    if R.warnings:
        b.append(("ul", list(R.warnings)))
    b.append(("h2", "Software"))
    sw = software_versions()
    b.append(("p", "CRPS Outcomes (this export); " + ", ".join(f"{k} {v}" for k, v in sw.items())
              + ". Static figures: Plotly with Kaleido (Chromium)."))
    b.append(("h2", "Suggested methods paragraph"))
    b.append(("p", methods_paragraph(d, R.by, R.filters, rep.fingerprint, dataset.measure_entry(d.measure))))
    b.append(("h2", "References"))
    b.append(("ul", [
        *REFERENCES,
        *(TREATMENT_COMPARISON_REFERENCES if "comparison_relief_hazard" in R.tables
          or "comparison_responders" in R.tables else []),
    ]))
    return b


# ----------------------------------------------------------------------------------------------
# Figure captions: the definitions behind each chart (analysis.figures)
# ----------------------------------------------------------------------------------------------
def threshold_label(threshold: float) -> str:
    """A responder threshold with its meaning where it has one: ``"30% (moderate)"``, ``"40%"``."""
    t = float(threshold)
    return f"{t:g}% ({THRESHOLD_MEANINGS[t]})" if t in THRESHOLD_MEANINGS else f"{t:g}%"


def _immediate_window(d) -> str:
    return f"{d.immediate_window_days:g} days" if d is not None else "the immediate window"


def caption_relief_distribution(d) -> str:
    """Immediate relief per episode (box plot)."""
    formula = measure(d.measure if d is not None else "pain_nrs").improvement_formula()
    return (f"{formula} at the first follow-up score within "
            f"{_immediate_window(d)} after the start; negative = worse than baseline. Dashed lines: 30% (moderately) "
            "and 50% (substantially) important improvement (IMMPACT).")


def caption_responder_summary(d, level: str) -> str:
    """Mean immediate relief and responder rates (``level``: the confidence level, e.g. "95%")."""
    return (f"Immediate relief at the first follow-up score within {_immediate_window(d)} after the start. Responder: "
            f"relief \u2265 the threshold. {level} intervals: t (mean) and Wilson (proportion), cluster-robust "
            "when patients contribute several episodes.")


def caption_cumulative_responders(when: str) -> str:
    """The cumulative responder curve (``when``: "immediately after treatment", "in week 4")."""
    return (f"For each x, the share of episodes whose relief {when} was at least x% (Farrar et al. 2001); "
            "read off at 30% and 50% for the responder rates.")


CAPTION_MEAN_RELIEF_OVER_TIME = (
    "Week k = days 7(k-1) < t <= 7k after the start; each episode contributes the mean relief of its scores that "
    "week (observed cases: episodes without a score that week are not counted).")
CAPTION_RESPONDERS_OVER_TIME = "Observed cases: the denominator of each week is the episodes with a score that week."
CAPTION_ATTRITION = (
    "Observed = a score that week; missed week, seen later = no score but a later one; next treatment started = "
    "the patient's next course began; follow-up window ended; no further scores = not seen again (drop-out).")
CAPTION_SENSITIVITY = (
    "When patients who do badly stop coming, the observed-cases rate is optimistic; the gap between the two lines "
    "shows by how much. Missing = no relief: every analysable episode counts in every week of its follow-up window "
    "(baseline observation carried forward).")


def caption_relief_duration(d, level: str) -> str:
    """Kaplan-Meier of relief duration.

    One fix against the earlier caption, which said episodes are censored "at their last follow-up
    score (and at the next treatment start)": an episode without loss of relief is censored at its
    last follow-up score, which comes before the next start (docs/methods.md, ``describe``).
    """
    thr = f"{d.threshold:g}%" if d is not None else "the threshold"
    conf = d.km_conf_type if d is not None else "log-log"
    retreat = (" The next treatment start also counts as loss of relief." if d is not None and d.retreatment_is_event
               else " Episodes without such a score are censored at their last follow-up score.")
    return (f"Among immediate responders (relief \u2265 {thr}): time to the first follow-up score with relief "
            f"< {thr}. Kaplan-Meier estimate, Greenwood variance, {level} pointwise intervals on the {conf} "
            f"scale.{retreat}")


def caption_time_to_spread(level: str) -> str:
    """Kaplan-Meier of time to symptom spread."""
    return ("Spread: the first follow-up count of body regions affected above the episode's baseline count; "
            f"censored at the last follow-up score. Kaplan-Meier with {level} pointwise intervals.")


def caption_scores(name: str) -> str:
    """Mean score (or change from baseline) per week of a measure."""
    return f"{measure_label(name)}. Each episode contributes its mean score per week; week 0 is the baseline score."


def caption_remission(name: str, below: float) -> str:
    """Remission of a measure (score below ``below``), citing the measure's own source.

    The earlier caption cited Kroenke et al. 2001 (the PHQ-9) for every measure, GAD-7 included.
    """
    m = measure(name)
    cite = f" ({m.citation})" if m.citation else ""
    return f"Remission: {m.short_label} score < {below:g}{cite}."


def caption_secondary_response(name: str, threshold: float) -> str:
    """Response (% reduction from baseline) of a secondary measure."""
    return (f"Response: \u2265 {threshold:g}% reduction of the {measure_short(name)} score from the episode's "
            "baseline.")


def caption_trajectory(name: str) -> str:
    """Scores by weeks since the first assessment (datasets without treatments)."""
    return (f"{measure_label(name)}. Without treatment starts, each patient is aligned on their first assessment (any "
            "measure); week k covers days 7(k-1) < t <= 7k after it; each patient contributes the mean of "
            "their scores in a week; t intervals over patients.")


def caption_patient_timeline(d) -> str:
    """One patient's timeline: what the spans, markers and lines mean."""
    return ("Shaded span = a course's follow-up (to the next course, or to day start + "
            f"{d.max_followup_days:g}); baseline = last score up to {d.baseline_window_days:g} days before the "
            f"start; immediate = first score within {d.immediate_window_days:g} days after it; relief lost = "
            f"the first follow-up score with relief < {float(d.threshold):g}% after an immediate response"
            + (" (or the next course's start)." if d.retreatment_is_event else "."))


CAPTION_SUBGROUPS = (
    "Treatment effect within each level of each covariate (GEE with robust variance, patients as clusters); "
    "interaction p: robust Wald test of treatment x covariate. Observational data: subgroups differ in more than "
    "the covariate shown.")
CAPTION_HAZARD_MODEL = ("Cox model (Efron ties), robust variance with patients as clusters. Above 1: relief is lost "
                        "sooner; the course-number ratio is per additional course.")
CAPTION_RESPONDER_MODEL = ("GEE with independence working correlation and robust variance (patients as clusters); "
                           "identity link for differences, log link (modified Poisson) for ratios.")
