"""The Overview page: "Table 1" by group, group sizes, episodes excluded, treatments."""
from __future__ import annotations

from analysis import cohort
from analysis.definitions import Definitions

from .groups import episode_exclusion_counts, group_sizes, treatment_counts
from .panel import Panel
from .suppression import small_group_labels, suppress_small_cells


def overview_results(ep, group: str, filters) -> dict:
    """The analyses of the page (unsuppressed; they depend on the episode definitions only):
    ``table1`` (:func:`analysis.cohort.cohort_summary`), ``sizes`` of every episode's group,
    episode ``exclusions`` per reason, ``treatments`` (patients, episodes, analysable), and
    ``table1_wide`` (one column per group, before suppression)."""
    t1 = cohort.cohort_summary(ep, group=group, filters=filters)
    return {
        "table1": t1,
        "table1_wide": cohort.table1_wide(t1),
        "sizes": group_sizes(ep, (group,), filters, included_only=False),
        "exclusions": episode_exclusion_counts(ep, filters),
        "treatments": treatment_counts(ep, filters),
    }


def overview_panel(res: dict, d: Definitions, group: str) -> Panel:
    """What the Overview page shows, from :func:`overview_results`.

    ``shown``: ``table1`` (long, unsuppressed: the headline counts of the whole selection),
    ``table1_wide`` (one column per group: groups with fewer than ``min_cell_size`` patients are left
    out, and cells counting fewer patients read "<min"), ``treatments``, ``exclusions``.
    """
    m = d.min_cell_size
    t1 = res["table1"]
    sizes = res["sizes"]
    t1g = t1.merge(sizes[["label", "patients"]].rename(columns={"label": "group", "patients": "group_patients"}),
                   on="group", how="left")
    # The "All" column's group: every patient selected (the table's own count of them).
    every = (t1["group"] == cohort.ALL_LABEL) & (t1["variable"] == "Patients")
    t1g.loc[t1g["group"] == cohort.ALL_LABEL, "group_patients"] = int(t1.loc[every, "n"].sum())
    t1s = suppress_small_cells(t1g, m, columns=["group_patients", "n"])
    small = small_group_labels(sizes, m)
    wide = cohort.table1_wide(t1s.assign(display=t1s["display"].where(~t1s["suppressed"], f"<{m}")))
    wide = wide[[c for c in wide.columns if c not in small]]
    P = Panel(sizes=sizes)
    if small:
        P.notes.append(f"Not shown as separate columns: {', '.join(small)} (fewer than {m} patients). "
                       "They are included in the 'All' column.")
    P.shown = {"table1": t1, "table1_wide": wide, "treatments": res["treatments"], "exclusions": res["exclusions"]}
    P.tables = {"table1": t1s, "table1_wide": wide}
    P.headline[f'"Table 1" by {group}'] = wide
    return P
