"""Small-cell suppression of what is exported and shown.

The page hides a small group (:func:`suppress`); the export keeps the row and blanks
its statistics (:func:`suppress_small_cells`), so a reader sees *that* a cell exists but not its
value. Both count patients against ``Definitions.min_cell_size``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .labels import group_label, row_labels

#: Columns blanked in a suppressed row (statistics and counts; group and descriptor columns stay).
SUPPRESSED_COLUMNS = (
    "estimate", "ci_low", "ci_high", "n", "n_patients", "successes", "std_err", "at_risk", "events", "censored",
    "share", "total", "percent", "median", "q1", "q3", "mean", "sd", "display", "p_value", "chi2",
    "group_patients", "patients", "episodes", "episodes_used", "episodes_excluded",
)


def suppress_small_cells(table: pd.DataFrame, min_cell_size: int, columns=None) -> pd.DataFrame:
    """Blank the statistics of rows counting fewer than ``min_cell_size`` patients.

    Parameters
    ----------
    table : DataFrame
        A tidy result (group columns, ``estimate``, ``ci_low``, ``ci_high``, ``n``, ...).
    min_cell_size : int
        Minimum number of patients (``Definitions.min_cell_size``).
    columns : sequence of str, optional
        Count columns that must all be >= ``min_cell_size``. Default: ``n_patients`` where the
        table has it, otherwise ``n``. A missing (NaN) count counts as too small.

    Returns
    -------
    DataFrame
        A copy with two more columns: ``suppressed`` (bool) and ``suppression_note`` (text, '' when
        shown). In suppressed rows every column of :data:`SUPPRESSED_COLUMNS` present is set to
        missing; group and descriptor columns (week, threshold, method, ...) are kept so the reader
        sees *that* a cell exists but not its value.

    Notes
    -----
    Rows whose count is 0 are suppressed too (their statistics are undefined anyway). The input
    is not modified.
    """
    m = int(min_cell_size)
    if m < 1:
        raise ValueError(f"min_cell_size must be >= 1, got {min_cell_size}")
    out = table.copy()
    if columns is None:
        columns = ["n_patients"] if "n_patients" in out.columns else (["n"] if "n" in out.columns else [])
    columns = [c for c in columns if c in out.columns]
    small = np.zeros(len(out), dtype=bool)
    # A count of 0 is no data, not a hidden cell: its note must not read as small-cell suppression.
    none = np.zeros(len(out), dtype=bool)
    for c in columns:
        count = pd.to_numeric(out[c], errors="coerce")
        small |= ~(count.fillna(-1).to_numpy() >= m)
        none |= (count == 0).to_numpy()
    for c in SUPPRESSED_COLUMNS:
        if c in out.columns and small.any():
            if pd.api.types.is_integer_dtype(out[c]):
                out[c] = out[c].astype("Int64")
                out.loc[small, c] = pd.NA
            elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
                out[c] = out[c].astype(float)
                out.loc[small, c] = np.nan
            else:
                out[c] = out[c].astype(object)
                out.loc[small, c] = None
    out["suppressed"] = small
    out["suppression_note"] = np.where(none, "no patient: nothing to estimate",
                                       np.where(small, f"fewer than {m} patients: not shown", ""))
    return out


def with_group_patients(table: pd.DataFrame, by, sizes: pd.DataFrame) -> pd.DataFrame:
    """Add ``group_patients`` (patients in the row's group) from :func:`analysis.present.groups.group_sizes`."""
    by = list(by)
    t = table.copy()
    if not len(t):
        t["group_patients"] = pd.Series(dtype=float)
        return t
    if by:
        lab = row_labels(t, by).to_numpy()
        t["group_patients"] = pd.Series(lab).map(dict(zip(sizes["label"].astype(str), sizes["patients"]))).to_numpy()
    else:
        t["group_patients"] = int(sizes["patients"].iloc[0]) if len(sizes) else 0
    return t


def suppressed_table(table, by, sizes, m: int, cell: bool = True, extra=()) -> pd.DataFrame:
    """``table`` with ``group_patients`` and the rows of small groups (and, with ``cell``, small cells) blanked."""
    t = with_group_patients(table, by, sizes)
    cols = ["group_patients"] + (["n_patients"] if cell and "n_patients" in t.columns else []) + list(extra)
    return suppress_small_cells(t, m, columns=cols)


def km_curves_table(res, by, sizes, m: int) -> pd.DataFrame:
    """The Kaplan-Meier curves of a ``SurvivalByGroup`` with each group's patients, small groups blanked."""
    cur = res.curves()
    if len(cur):
        # one count per group (a handful), mapped onto the curve's rows by their label
        patients = {group_label(list(k), by): res._n_patients(k) for k in res.fits}
        cur = cur.assign(n_patients=row_labels(cur, by).map(patients).to_numpy())
    return suppressed_table(cur, by, sizes, m)


@dataclass(frozen=True)
class Suppressed:
    """A result with the small groups and cells removed, and why.

    Attributes
    ----------
    shown : DataFrame
        The rows that may be shown.
    hidden_groups : list of str
        Labels of groups with fewer than ``min_cell_size`` patients (removed entirely), including
        those of :attr:`empty_groups`.
    hidden_cells : int
        Rows of otherwise shown groups removed because that cell (e.g. a late week) has fewer than
        ``min_cell_size`` patients.
    min_cell_size : int
    cell_groups : tuple of str
        Labels of the shown groups that lost cells.
    hidden_counts : dict
        Label -> patients counted, for groups hidden by :func:`suppress_rows` (named in the note).
    counted : str
        What those patients were counted among, e.g. "with an immediate score".
    """

    shown: pd.DataFrame = field(repr=False)
    hidden_groups: list
    hidden_cells: int
    min_cell_size: int
    cell_groups: tuple = ()
    hidden_counts: dict = field(default_factory=dict)
    counted: str = ""

    @property
    def empty_groups(self) -> list:
        """Groups removed because nobody in them has what is drawn (0 patients counted): nothing to
        show, which is not small-cell suppression."""
        return [g for g in self.hidden_groups if self.hidden_counts.get(g, 1) == 0]

    @property
    def suppressed(self) -> bool:
        """Whether anything was hidden for being too small (not merely empty)."""
        return bool(self.hidden_cells) or len(self.empty_groups) < len(self.hidden_groups)

    @property
    def note(self) -> str:
        """A sentence for the page, or '' when nothing was hidden. Groups with nothing to show are
        named apart: only groups and cells hidden for their size are said to be suppressed."""
        parts = []
        m = self.min_cell_size
        counted = f" {self.counted}" if self.counted else ""
        empty = self.empty_groups
        if empty:
            parts.append(f"Nothing to show for {', '.join(empty)}: no patient{counted or ' in this selection'}.")
        small = [g for g in self.hidden_groups if g not in empty]
        if small:
            names = [f"{g} ({self.hidden_counts[g]} patient{'s' if self.hidden_counts[g] != 1 else ''}{counted})"
                     if g in self.hidden_counts else g for g in small]
            if self.hidden_counts:
                parts.append(f"Not shown: {', '.join(names)}. Groups with fewer than {m} patients{counted} are "
                             "hidden: estimates from so few patients are unreliable and could identify individuals.")
            else:
                parts.append(
                    f"Not shown: {', '.join(names)} (fewer than {m} patients{counted}; "
                    "estimates from so few patients are unreliable and could identify individuals).")
        if self.hidden_cells:
            # The groups are not named here: weekly tables lose cells in many groups (a long list), and
            # the groups a page hides entirely are named by the note of what it draws.
            parts.append(f"{self.hidden_cells} estimate(s) from fewer than {m} patients "
                         "(e.g. late weeks) are not shown.")
        return " ".join(parts)

#: Who the patients of a group are in the relief and secondary-measure pages (``group_sizes`` of the
#: analysable episodes): the words of their notes, so "5 patients" elsewhere (Table 1) is not read as these.
ANALYSABLE = "with an analysable episode"


def small_group_labels(sizes: pd.DataFrame, min_cell_size: int) -> list[str]:
    """Labels of the groups with fewer than ``min_cell_size`` patients."""
    return sizes.loc[sizes["patients"] < int(min_cell_size), "label"].astype(str).tolist()

def suppress(result: pd.DataFrame, by, sizes: pd.DataFrame, min_cell_size: int,
             cell_column: str | None = "n_patients", counted: str = "") -> Suppressed:
    """Remove groups with fewer than ``min_cell_size`` patients, and cells below it.

    Parameters
    ----------
    result : DataFrame
        A tidy result with the group columns ``by``.
    sizes : DataFrame
        From :func:`group_sizes` (same ``by`` and filters).
    cell_column : str or None
        Per-row patient count (``n_patients``); rows below the minimum are removed too. None
        to keep every row of the shown groups.
    counted : str
        Who the patients of ``sizes`` are, for the note (:data:`ANALYSABLE` where ``sizes`` counts
        the analysable episodes); '' says only "patients".
    """
    by = list(by)
    small = set(small_group_labels(sizes, min_cell_size))
    labels = row_labels(result, by) if len(result) else pd.Series([], dtype=object)
    keep = ~labels.isin(small).to_numpy() if len(result) else np.zeros(0, dtype=bool)
    hidden_cells = 0
    if cell_column and cell_column in result.columns and len(result):
        count = pd.to_numeric(result[cell_column], errors="coerce").to_numpy(dtype=float)
        cell_ok = count >= int(min_cell_size)   # an unknown (NaN) count is not shown
        # A cell of 0 patients has no estimate to hide: it is dropped without being called suppressed.
        lost = keep & ~cell_ok & (count != 0)
        hidden_cells = int(lost.sum())
        cell_groups = tuple(dict.fromkeys(labels[lost].astype(str).tolist()))
        keep &= cell_ok
    else:
        cell_groups = ()
    hidden = [g for g in sizes["label"].astype(str).tolist() if g in small]
    return Suppressed(shown=result[keep].reset_index(drop=True), hidden_groups=hidden,
                      hidden_cells=hidden_cells, min_cell_size=int(min_cell_size), cell_groups=cell_groups,
                      counted=counted)

def suppress_rows(rows: pd.DataFrame, by, sizes: pd.DataFrame, min_cell_size: int, value: str,
                  counted: str = "with a value") -> Suppressed:
    """Remove the groups of an episode-level table (rows drawn one by one, as in a box plot with its
    dots) whose rows with a ``value`` come from fewer than ``min_cell_size`` patients.

    A group can have enough patients (``sizes``) and still show only a few of them: the Pain relief box
    plot draws the episodes *with an immediate score*, so a group of 6 patients of whom 2 have one drew
    those 2 values (issue 14). The patients counted here are those behind what is drawn.

    Parameters
    ----------
    rows : DataFrame
        One row per episode: ``patient_id``, the group columns ``by`` and ``value``.
    sizes : DataFrame
        From :func:`group_sizes` (same ``by`` and filters): the order of the groups in the note.
    value : str
        The column drawn; rows where it is missing are dropped.
    counted : str
        What the patients are counted among, for the note ("with an immediate score").

    Returns
    -------
    Suppressed
        ``shown``: the rows with a value of the groups kept; ``hidden_groups``: every group of
        ``sizes`` (or of ``rows``) with fewer than ``min_cell_size`` such patients, with its count in
        ``hidden_counts``.
    """
    by = list(by)
    m = int(min_cell_size)
    r = rows[rows[value].notna()] if len(rows) else rows
    labels = row_labels(r, by) if len(r) else pd.Series([], dtype=object)
    patients = (pd.Series(r["patient_id"].to_numpy()).groupby(labels.to_numpy()).nunique()
                if len(r) else pd.Series([], dtype=int))
    order = list(dict.fromkeys(sizes["label"].astype(str).tolist() + [str(x) for x in patients.index]))
    counts = {g: int(patients.get(g, 0)) for g in order}
    hidden = [g for g in order if counts[g] < m]
    keep = ~labels.isin(hidden).to_numpy() if len(r) else np.zeros(0, dtype=bool)
    return Suppressed(shown=r[keep].reset_index(drop=True), hidden_groups=hidden, hidden_cells=0,
                      min_cell_size=m, hidden_counts={g: counts[g] for g in hidden}, counted=counted)

def survival_groups_to_hide(result, sizes: pd.DataFrame, min_cell_size: int) -> list[tuple]:
    """Keys of a :class:`~analysis.duration.SurvivalByGroup` whose group has too few patients.

    A curve is hidden when its group has fewer than ``min_cell_size`` patients (``sizes``), or when
    the episodes in the curve itself (the immediate responders of a relief-duration curve) come from
    fewer than ``min_cell_size`` patients: a curve of two responders draws their two times.
    """
    small = set(small_group_labels(sizes, min_cell_size))
    hide = []
    for key, fit in result.fits.items():
        if group_label(list(key), result.by) in small:
            hide.append(key)
        elif result.by == () and small:
            hide.append(key)
        elif result._n_patients(key) < int(min_cell_size):
            hide.append(key)
    return hide

def survival_note(result, hide, min_cell_size: int, counted: str = "in the curve") -> str:
    """The sentence naming the hidden curves of :func:`survival_groups_to_hide` and why ('' if none)."""
    if not hide:
        return ""
    names = []
    for key in hide:
        n = result._n_patients(key) if key in result.fits else 0
        names.append(f"{group_label(list(key), result.by)} ({n} patient{'s' if n != 1 else ''} {counted})")
    return (f"Not shown: {', '.join(names)}. Curves with fewer than {int(min_cell_size)} patients {counted} are "
            "hidden: a curve from so few patients is unreliable and could identify individuals.")
