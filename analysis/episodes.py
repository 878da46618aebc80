"""Treatment episodes: treatments x assessments -> one row per episode plus its follow-up scores.

Definitions (docs/methods.md; every window is a field of :class:`~analysis.definitions.Definitions`):

* **Episode.** Each row of ``treatments`` starts an episode at its ``day`` (the *start*). Its
  follow-up scores are those with ``start < day < next start`` of the same patient and
  ``day <= start + max_followup_days``.
* **Baseline.** The last score of the measure with ``start - baseline_window_days <= day <= start``.
  An episode without one, or with baseline 0 (relief undefined), is excluded from relief analyses
  and keeps its reason in ``exclusion_reason``.
* **Relief %** of a follow-up score s: ``100 * (baseline - s) / baseline`` (negative = worse) for a
  lower-is-better measure (pain); ``100 * (s - baseline) / baseline`` for a higher-is-better one
  (EQ VAS): the measure's direction from the registry or the mapping (:func:`analysis.measures.improvement_pct`).
* **Immediate** score: the first follow-up score with ``start < day <= start + immediate_window_days``.

Everything is vectorised with sorted as-of lookups (``searchsorted`` on integer patient codes and
exact time ranks, equivalent to ``merge_asof``): no loop over patients or rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .dataset import Dataset
from .definitions import Definitions
from .errors import AnalysisError
from .measures import Measure, improvement_pct, measure as registry_entry

MISSING_LABEL = "(missing)"

EXCLUDED_NO_BASELINE = "no baseline score in the baseline window"
EXCLUDED_BASELINE_ZERO = "baseline score is 0 (relief % undefined)"


@dataclass(frozen=True)
class Episodes:
    """Derived episode tables for one measure.

    Attributes
    ----------
    table : DataFrame
        One row per treatment course: ``episode_id``, ``patient_id``, ``treatment``, ``start``,
        ``next_start`` (NaN if none), ``course_number`` (1 = the patient's first course of that
        treatment), ``baseline``, ``baseline_day``, ``included`` (bool), ``exclusion_reason``
        ('' when included), ``n_followup``, ``last_followup_t`` (days after start),
        ``next_t`` (next start - start), ``immediate_t``, ``immediate_value``,
        ``immediate_relief_pct``, then the patient covariates.
    followup : DataFrame
        One row per follow-up score of every episode: ``episode_id``, ``patient_id``, ``t``
        (day - start, > 0), ``value``, ``relief_pct`` (NaN for excluded episodes).
    definitions : Definitions
    covariates : list of str
    measure_entry : Measure
        The measure's registry entry with its direction (``lower_is_better``) as ``relief_pct`` used it.
    """

    table: pd.DataFrame = field(repr=False)
    followup: pd.DataFrame = field(repr=False)
    definitions: Definitions
    covariates: tuple = ()
    measure_entry: Measure | None = None

    def __post_init__(self) -> None:
        if self.measure_entry is None:
            object.__setattr__(self, "measure_entry", registry_entry(self.definitions.measure))

    @property
    def lower_is_better(self) -> bool:
        return self.measure_entry.lower_is_better

    @property
    def included(self) -> pd.DataFrame:
        return self.table[self.table["included"]]

    def exclusions(self) -> pd.DataFrame:
        """Excluded episodes with their reason (for the report and the dashboard)."""
        t = self.table
        return t.loc[~t["included"], ["episode_id", "patient_id", "treatment", "start", "exclusion_reason"]]


#: Thresholds are compared at this tolerance (percentage points): relief of exactly 30% computed in
#: floating point (100 * (7 - 4.9) / 7 = 29.999999999999996) must count as reaching 30%.
RELIEF_TOLERANCE = 1e-9
#: Time differences are rounded to this many decimals of a day (~0.1 ms) before they are compared
#: with a window: days converted from date-times (30.333... - 32.333...) or typed with decimals
#: (32.1 - 30.1 = 2.0000000000000018) must land on the window edge they are on.
TIME_DECIMALS = 9


def reaches(relief, threshold) -> np.ndarray:
    """True where relief >= threshold (within :data:`RELIEF_TOLERANCE`); False where relief is NaN."""
    relief = np.asarray(relief, dtype=float)
    with np.errstate(invalid="ignore"):
        return relief >= np.asarray(threshold, dtype=float) - RELIEF_TOLERANCE


def falls_below(relief, threshold) -> np.ndarray:
    """True where relief < threshold (the complement of :func:`reaches`); False where relief is NaN."""
    relief = np.asarray(relief, dtype=float)
    with np.errstate(invalid="ignore"):
        return relief < np.asarray(threshold, dtype=float) - RELIEF_TOLERANCE


def elapsed(later, earlier) -> np.ndarray:
    """``later - earlier`` in days, rounded to :data:`TIME_DECIMALS` so window edges compare exactly."""
    with np.errstate(invalid="ignore"):
        return np.round(np.asarray(later, dtype=float) - np.asarray(earlier, dtype=float), TIME_DECIMALS)


def relief_pct(baseline, score, lower_is_better: bool = True):
    """Relief % = 100 x (baseline - score) / baseline (lower is better; ``100 x (score - baseline) /
    baseline`` when not): :func:`analysis.measures.improvement_pct`. NaN where baseline is 0 or missing."""
    return improvement_pct(baseline, score, lower_is_better)


def _is_sorted_pairs(a: np.ndarray, b: np.ndarray) -> bool:
    """True when (a, b) pairs are in lexicographic order (a non-decreasing, b non-decreasing within a)."""
    da = np.diff(a)
    return bool(np.all(da >= 0) and np.all((da > 0) | (np.diff(b) >= 0)))


def _time_ranks(*times: np.ndarray) -> list[np.ndarray]:
    """Exact ranks of each array's times in the union of all of them (equal times, equal ranks).

    The same ranks as ``np.searchsorted(np.unique(union), t)``, but the times are hashed
    (``pd.factorize``, which also takes -0.0 and 0.0 as equal) and only the distinct ones sorted:
    score days repeat, so that is a few thousand values instead of millions.
    """
    codes, distinct = pd.factorize(np.concatenate(times), sort=False)
    rank_of = np.empty(len(distinct), dtype=np.int64)
    rank_of[np.argsort(distinct, kind="stable")] = np.arange(len(distinct), dtype=np.int64)
    ranks = rank_of[codes]
    return np.split(ranks, np.cumsum([len(t) for t in times])[:-1])


def _non_decreasing(a: np.ndarray) -> bool:
    return bool(len(a) < 2 or (a[1:] >= a[:-1]).all())


def _asof_backward(left_key, left_time, right_key, right_time, allow_exact: bool,
                   tolerance: float | None = None, ranks: tuple | None = None) -> np.ndarray:
    """For each left row, the position in ``right`` of the last row with the same key and time
    ``<=`` (``allow_exact``) or ``<`` the left time, optionally no more than ``tolerance`` before it;
    -1 where there is none.

    The same rows as ``pd.merge_asof(left, right, by=key, direction="backward")`` on right sorted by
    time (stable): among right rows with equal key and time the last in input order wins. Times are
    replaced by their exact ranks in the union of both time arrays, so (key, rank) packs into one
    int64 without rounding, and the lookup is one ``searchsorted``. ``ranks`` may pass the
    (left, right) ranks from :func:`_time_ranks` when several look-ups share the same times.
    """
    left_time = np.asarray(left_time, dtype=float)
    right_time = np.asarray(right_time, dtype=float)
    if np.isnan(left_time).any() or np.isnan(right_time).any():
        side = "left" if np.isnan(left_time).any() else "right"
        raise pd.errors.MergeError(f"Merge keys contain null values on {side} side")
    out = np.full(len(left_time), -1, dtype=np.int64)
    if len(left_time) == 0 or len(right_time) == 0:
        return out
    left_rank, right_rank = ranks if ranks is not None else _time_ranks(left_time, right_time)
    m = np.int64(max(int(left_rank.max()), int(right_rank.max())) + 2)
    left_key = np.asarray(left_key, dtype=np.int64)
    right_key = np.asarray(right_key, dtype=np.int64)
    lk = left_key * m + left_rank
    rk = right_key * m + right_rank
    order = np.argsort(rk, kind="stable")
    rk_sorted = rk[order]
    if len(lk) > len(rk_sorted) and _non_decreasing(lk):
        # Many sorted left rows (the scores, in patient and day order, looked up among the episodes):
        # place the few right keys among the left ones and count, instead of a binary search per left
        # row. pos[i] = #{j: rk_sorted[j] <= lk[i]} - 1 (or < without an exact match), as below.
        idx = np.searchsorted(lk, rk_sorted, side="left" if allow_exact else "right")
        pos = np.cumsum(np.bincount(idx, minlength=len(lk) + 1)[: len(lk)]) - 1
    else:
        pos = np.searchsorted(rk_sorted, lk, side="right" if allow_exact else "left") - 1
    found = pos >= 0
    cand = order[np.maximum(pos, 0)]
    found &= right_key[cand] == left_key    # the same key (ranks are below m: the packed key's quotient)
    if tolerance is not None:
        found &= elapsed(left_time, right_time[cand]) <= tolerance
    out[found] = cand[found]
    return out


def build_episodes(dataset: Dataset, definitions: Definitions | None = None) -> Episodes:
    """Derive episodes and their follow-up scores for ``definitions.measure``.

    Parameters
    ----------
    dataset : Dataset
    definitions : Definitions, optional
        Windows and the measure; defaults to ``Definitions()`` (the documented defaults).

    Returns
    -------
    Episodes

    Raises
    ------
    AnalysisError
        When the dataset has no treatments (relief needs a treatment start).
    """
    d = definitions or Definitions()
    return build_episodes_by_measure(dataset, d, [d.measure])[d.measure]


def build_episodes_by_measure(dataset: Dataset, definitions: Definitions | None = None,
                              measures=None) -> dict[str, Episodes]:
    """Episodes of several measures under the same windows.

    ``{m: build_episodes(dataset, definitions.replace(measure=m)) for m in measures}`` (the same tables),
    with the treatment courses prepared once for all the measures: sorted, coded by patient, with
    their next starts, course numbers and patient covariates. The baselines and follow-up of each
    measure are then two as-of look-ups of that measure's scores.

    Parameters
    ----------
    dataset : Dataset
    definitions : Definitions, optional
        The windows (its ``measure`` is used only when ``measures`` is None).
    measures : sequence of str, optional
        Default: ``[definitions.measure]``. A measure without scores gives episodes without baselines.

    Returns
    -------
    dict
        Measure -> :class:`Episodes` (with ``definitions.replace(measure=m)``), in the order given.
    """
    d = definitions or Definitions()
    measures = list(dict.fromkeys([d.measure] if measures is None else measures))
    courses = _Courses(dataset)
    out = {}
    for m in measures:
        dm = d if m == d.measure else d.replace(measure=m)
        entry = dataset.measure_entry(m)
        table, fu = courses.episodes(dataset, dm, entry.lower_is_better, fresh_table=len(measures) > 1)
        out[m] = Episodes(table=table, followup=fu, definitions=dm, covariates=tuple(courses.covariates),
                          measure_entry=entry)
    return out


_CANONICAL_STEMS = ("assessments", "treatments", "patients")


def _no_treatments_message(dataset: Dataset) -> str:
    """Why relief cannot be computed, with what to do: a dataset in this product's format lacks its
    treatments.csv; a clinic export (a PT visit grid, a survey file) lacks a column read as the
    treatment, which a mapping gives (naming a treatments.csv there would send the user the wrong way)."""
    later = ("Score trajectories since the first assessment (analysis.trajectories; the dashboard's Overview "
             "and Secondary outcomes) work without it.")
    files = list(dataset.report.files) if dataset.report is not None else []
    stems = {f.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower() for f in files}
    if files and not stems & set(_CANONICAL_STEMS):
        return ("This dataset has no treatments, so relief cannot be computed: no column of "
                f"{', '.join(files[:3])}{' ...' if len(files) > 3 else ''} was read as the treatment. In the mapping, "
                "give the column that names the treatment or the visit type (e.g. 'Service', 'Note Type', "
                "'Procedure') the role treatment, or add the file that lists the treatments (docs/data-format.md, "
                f"\"Clinic exports\"). {later}")
    return ("This dataset has no treatments, so relief cannot be computed: add a treatments.csv "
            f"(patient_id, day, treatment) to the dataset. {later}")


class _Courses:
    """The treatment courses as episodes before any score is looked at (what every measure shares):
    ``ep`` (episode_id, patient_id, start, treatment, next_start, next_t, course_number, sorted by
    patient and start), the patients' integer codes ``ep_code`` (the long table's categorical codes
    when it has them), ``start``/``next_start`` arrays and the patient covariates in episode order."""

    def __init__(self, dataset: Dataset):
        tr = dataset.treatments
        if len(tr) == 0:
            raise AnalysisError(_no_treatments_message(dataset))
        ep = tr[["patient_id", "day", "treatment"]].rename(columns={"day": "start"})
        # Integer patient codes shared by episodes and scores (no hashing of millions of strings): the
        # scores' categorical codes, and the same codes looked up for the few treatment rows.
        self.ids = dataset.patient_categories()
        if self.ids is not None:
            ep_code = self.ids.get_indexer(ep["patient_id"]).astype(np.int64)
            if (ep_code >= 0).all() and self.ids.is_monotonic_increasing and ep["patient_id"].dtype == object:
                # Sorted categories: the codes sort as the identifiers do, so the (patient, start) order
                # is a stable lexsort of the integer codes instead of a sort of the strings.
                order = np.lexsort((ep["start"].to_numpy(float), ep_code))
                ep, ep_code = ep.take(order), ep_code[order]
            else:
                ep = ep.sort_values(["patient_id", "start"], kind="stable")
                ep_code = self.ids.get_indexer(ep["patient_id"]).astype(np.int64)
                absent = ep_code < 0  # treated patients without any score: codes after the categories
                if absent.any():
                    ep_code[absent] = len(self.ids) + pd.factorize(ep["patient_id"].to_numpy(object)[absent])[0]
        else:
            ep = ep.sort_values(["patient_id", "start"], kind="stable")
            ep_code = pd.factorize(ep["patient_id"].to_numpy(object))[0].astype(np.int64)
        ep = ep.reset_index(drop=True)
        ep.insert(0, "episode_id", np.arange(len(ep), dtype=np.int64))
        start = ep["start"].to_numpy(float)
        same_next = np.zeros(len(ep), dtype=bool)
        same_next[:-1] = ep_code[1:] == ep_code[:-1]
        next_start = np.full(len(ep), np.nan)
        next_start[:-1] = np.where(same_next[:-1], start[1:], np.nan)
        ep["next_start"] = next_start
        ep["next_t"] = elapsed(next_start, start)
        tr_code = pd.factorize(ep["treatment"])[0].astype(np.int64)
        pt_key = ep_code * (int(tr_code.max(initial=0)) + 2) + tr_code
        ep["course_number"] = pd.Series(pt_key).groupby(pt_key, sort=False).cumcount().to_numpy() + 1
        self.ep, self.ep_code, self.start, self.next_start = ep, ep_code, start, next_start
        self.patients = dataset.patients
        self.covariates = [c for c in dataset.patients.columns if c != "patient_id"]
        self.cov = _patient_columns(ep, dataset.patients, self.covariates, self.ids, ep_code) if self.covariates \
            else None

    def episodes(self, dataset: Dataset, d: Definitions, lower_is_better: bool = True, fresh_table: bool = False):
        """The episode table and follow-up of ``d.measure``, lower or higher being better (``fresh_table``:
        leave ``self.ep`` as it is)."""
        # The measure's scores as arrays (numpy selection: far cheaper than .loc on the long table).
        who, sc_day, sc_value = dataset.measure_scores(d.measure)
        ep_code, start = self.ep_code, self.start
        if self.ids is not None:
            sc_code = who.astype(np.int64)
            names = self.ids.to_numpy(object)

            def patient_ids(rows):  # the follow-up's patient_id, from the categories
                return names[sc_code[rows]]
        else:
            sc_pid = who
            codes, _ = pd.factorize(np.concatenate([self.ep["patient_id"].to_numpy(object),
                                                    np.asarray(sc_pid, dtype=object)]))
            ep_code, sc_code = codes[: len(ep_code)].astype(np.int64), codes[len(ep_code):].astype(np.int64)

            def patient_ids(rows):
                return sc_pid[rows]

        # Baseline: the last score at or before the start, no more than the window before it.
        # Both look-ups below compare the same times (starts and score days): rank them once.
        ranks = _time_ranks(start, sc_day) if len(start) and len(sc_day) else None
        b = _asof_backward(ep_code, start, sc_code, sc_day, allow_exact=True,
                           tolerance=float(d.baseline_window_days), ranks=ranks)
        # Follow-up: each score belongs to the patient's latest episode that started strictly before
        # it. A score on the next start day falls to no episode (it is that episode's baseline).
        e = _asof_backward(sc_code, sc_day, ep_code, start, allow_exact=False,
                           ranks=None if ranks is None else (ranks[1], ranks[0]))
        table, fu = _measure_episodes(self.ep.copy() if fresh_table else self.ep, d, start, self.next_start,
                                      b, e, sc_day, sc_value, patient_ids, lower_is_better)
        if self.covariates:
            table = pd.concat([table, self.cov], axis=1) if self.cov is not None else \
                table.merge(self.patients, on="patient_id", how="left")
        if d.first_episode_only:
            keep_ids = table.loc[table["course_number"] == 1, "episode_id"]
            table = table[table["episode_id"].isin(keep_ids)].reset_index(drop=True)
            fu = fu[fu["episode_id"].isin(keep_ids)].reset_index(drop=True)
        return table, fu


def _patient_columns(ep: pd.DataFrame, patients: pd.DataFrame, covariates: list, ids: pd.Index | None = None,
                     ep_code: np.ndarray | None = None) -> pd.DataFrame | None:
    """The covariates of each episode's patient, in episode order, as ``ep.merge(patients, on="patient_id",
    how="left")`` gives them; None when that merge is not a plain look-up (an identifier listed twice
    or missing, different identifier types, a covariate named like an episode column): then the
    caller merges. ``ids``, ``ep_code``: the patient categories and the episodes' codes into them
    (:class:`_Courses`), when known."""
    right = patients["patient_id"]
    if right.dtype != ep["patient_id"].dtype or set(covariates) & set(ep.columns) \
            or set(covariates) & set(_DERIVED_COLUMNS):
        return None
    if ids is not None and ep_code is not None and len(right) == len(ids) \
            and ((ep_code >= 0) & (ep_code < len(ids))).all() \
            and np.array_equal(right.to_numpy(), ids.to_numpy()):
        # The patients table lists the categories in their order (the loader's usual output): the
        # episodes' codes are the positions, no hashing of the identifiers again (categories are unique).
        pos = ep_code
    else:
        if not right.is_unique:
            return None
        pos = pd.Index(right.to_numpy()).get_indexer(ep["patient_id"].to_numpy())
    if (pos < 0).any():
        return None
    return patients[covariates].take(pos).reset_index(drop=True)


def _measure_episodes(ep: pd.DataFrame, d: Definitions, start, next_start, b, e, sc_day, sc_value, patient_ids,
                      lower_is_better: bool = True):
    """The measure's columns of the episode table and its follow-up table (see :func:`build_episodes_by_measure`).

    ``b``: position of each episode's baseline score (-1: none); ``e``: episode of each score (-1: none);
    ``sc_day``, ``sc_value``: the measure's scores; ``patient_ids(rows)``: the patient identifiers of
    some of them (made only for the follow-up rows kept)."""
    hit = b >= 0
    ep["baseline"] = np.where(hit, sc_value[np.maximum(b, 0)], np.nan) if len(sc_value) else np.nan
    ep["baseline_day"] = np.where(hit, sc_day[np.maximum(b, 0)], np.nan) if len(sc_day) else np.nan
    ep["included"] = ep["baseline"].notna() & (ep["baseline"] > 0)
    # Built as objects directly (np.where on the texts made a fixed-width text array, then one new
    # string object per episode).
    baseline = ep["baseline"].to_numpy(float)
    reason = np.full(len(ep), "", dtype=object)
    with np.errstate(invalid="ignore"):
        reason[baseline <= 0] = EXCLUDED_BASELINE_ZERO
    reason[np.isnan(baseline)] = EXCLUDED_NO_BASELINE
    ep["exclusion_reason"] = reason

    rows = np.flatnonzero(e >= 0)
    e = e[rows]
    day = sc_day[rows]
    t = elapsed(day, start[e])
    with np.errstate(invalid="ignore"):
        keep = (t <= d.max_followup_days) & ~(day >= next_start[e])
    rows, e, t = rows[keep], e[keep], t[keep]
    # Scores are in (patient, day) order and episodes in (patient, start) order, so this is
    # normally sorted already; a stable sort keeps the input order of ties either way.
    if len(e) > 1 and not _is_sorted_pairs(e, t):
        order = np.lexsort((t, e))
        rows, e, t = rows[order], e[order], t[order]
    value = sc_value[rows]
    baseline_of = np.where(ep["included"].to_numpy(), ep["baseline"].to_numpy(float), np.nan)
    fu = pd.DataFrame({
        "episode_id": e.astype(np.int64),
        "patient_id": patient_ids(rows),
        "t": t,
        "value": value,
        "relief_pct": relief_pct(baseline_of[e], value, lower_is_better),
    }, copy=False)  # fresh arrays: no copy into consolidated blocks (millions of rows)

    # Per-episode summaries from the (episode_id, t)-sorted follow-up: first and last rows per episode.
    n_ep = len(ep)
    ep["n_followup"] = np.bincount(e, minlength=n_ep).astype(np.int64)
    is_first = np.ones(len(e), dtype=bool)
    is_first[1:] = e[1:] != e[:-1]
    is_last = np.ones(len(e), dtype=bool)
    is_last[:-1] = is_first[1:]
    last_t = np.full(n_ep, np.nan)
    last_t[e[is_last]] = t[is_last]
    ep["last_followup_t"] = last_t
    first = np.flatnonzero(is_first)
    first = first[t[first] <= d.immediate_window_days]
    imm_t, imm_v, imm_r = np.full(n_ep, np.nan), np.full(n_ep, np.nan), np.full(n_ep, np.nan)
    imm_t[e[first]] = t[first]
    imm_v[e[first]] = value[first]
    imm_r[e[first]] = fu["relief_pct"].to_numpy()[first]
    ep["immediate_t"] = imm_t
    ep["immediate_value"] = imm_v
    ep["immediate_relief_pct"] = imm_r
    return ep, fu


# The fields of Definitions that build_episodes reads: definitions equal on these give the same tables
# (the threshold, CI options, minimum group size ... only matter to the analyses of the episodes).
EPISODE_FIELDS = ("measure", "baseline_window_days", "immediate_window_days", "max_followup_days",
                  "first_episode_only")


def episode_definitions(definitions: Definitions) -> Definitions:
    """``definitions`` with every field that does not change the episode tables set to its default:
    a cache key under which ``build_episodes`` is computed once for all thresholds, CI options, ..."""
    base = Definitions()
    return base.replace(**{f: getattr(definitions, f) for f in EPISODE_FIELDS})


def with_definitions(episodes: Episodes, definitions: Definitions) -> Episodes:
    """The same episode tables under ``definitions`` (which must agree on :data:`EPISODE_FIELDS`).

    The tables are shared, not copied: treat them as read-only, as every analysis does.
    """
    for f in EPISODE_FIELDS:
        if getattr(episodes.definitions, f) != getattr(definitions, f):
            raise AnalysisError(f"These episodes were built with {f}={getattr(episodes.definitions, f)!r}, "
                                f"not {getattr(definitions, f)!r}: build them again.")
    return episodes if episodes.definitions == definitions else replace(episodes, definitions=definitions)


def group_labels(table: pd.DataFrame, by) -> pd.DataFrame:
    """The grouping columns with missing covariate values labelled, so groups add up to the whole."""
    by = list(by)
    check_grouping(table, by)
    out = table[by].copy()
    for c in by:
        col = out[c]
        if col.isna().any():
            out[c] = label_missing(col)
    return out


def label_missing(column: pd.Series) -> pd.Series:
    """A grouping column with its missing values replaced by :data:`MISSING_LABEL` (as objects)."""
    return column.astype(object).where(column.notna(), MISSING_LABEL)


def check_grouping(table: pd.DataFrame, by: list) -> None:
    """The errors of grouping ``table`` by ``by``: by patient, or by a column it does not have."""
    if "patient_id" in by:
        raise AnalysisError("Cannot group by patient_id: results are per group of patients. "
                            "Group by treatment or a patient covariate instead.")
    missing = [c for c in by if c not in table.columns]
    if missing:
        raise AnalysisError(
            f"Cannot group by {', '.join(missing)}: no such column. Available: "
            + ", ".join(c for c in table.columns if c not in _DERIVED_COLUMNS)
        )


def apply_filters(table: pd.DataFrame, filters: dict | None) -> pd.DataFrame:
    """Keep episodes whose column values are in the given lists, e.g. ``{"sex": ["F"]}``.

    A numeric column may instead be given a ``(low, high)`` tuple (inclusive range).
    """
    mask = filter_mask(table, filters)
    return table if mask is None else table[mask]


def filter_mask(table: pd.DataFrame, filters: dict | None) -> np.ndarray | None:
    """The rows :func:`apply_filters` keeps, as a bool array (None without filters: every row)."""
    if not filters:
        return None
    mask = np.ones(len(table), dtype=bool)
    for col, allowed in filters.items():
        if col not in table.columns:
            raise AnalysisError(f"Cannot filter on {col!r}: no such column.")
        if allowed is None:
            continue
        if isinstance(allowed, tuple) and len(allowed) == 2:
            lo, hi = allowed
            # float with NaN for a missing value: an Int64 column's <NA> would make the comparison an object array
            v = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            mask &= (v >= lo) & (v <= hi)
        else:
            allowed = list(allowed)
            labels = table[col].astype(object).where(table[col].notna(), MISSING_LABEL)
            # Values typed on the command line (--filter site=1,2) are text; a coded column holds numbers:
            # a value matches as itself or as the text it is shown as.
            mask &= (labels.isin(allowed) | labels.astype(str).isin([str(a) for a in allowed])).to_numpy()
    return mask


_DERIVED_COLUMNS = {
    "episode_id", "start", "next_start", "next_t", "course_number", "baseline", "baseline_day", "included",
    "exclusion_reason", "n_followup", "last_followup_t", "immediate_t", "immediate_value", "immediate_relief_pct",
}
