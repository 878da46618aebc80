"""Issue 14, item 4: a group drawn episode by episode (box plot dots, a Kaplan-Meier curve) is hidden when
what is drawn comes from fewer than ``min_cell_size`` patients, even if the group itself is large enough.

The dataset: "ketamine_iv", 6 patients all with an immediate score; "Rappel kétamine", 6 patients with a
baseline of whom only 2 have a score within the immediate window (so the group has 6 patients, but its box
plot and its curve would show 2).
"""
from __future__ import annotations

import pytest

from analysis import duration, relief
from analysis.present import groups, suppression
from analysis.definitions import Definitions
from analysis.episodes import build_episodes

BY = ("treatment",)


def _files() -> dict:
    a = ["patient_id,day,pain_nrs"]
    t = ["patient_id,day,treatment"]
    for i in range(6):
        a += [f"K{i},-1,8", f"K{i},1,{2 + i % 3}", f"K{i},20,{4 + i % 4}"]
        t.append(f"K{i},0,ketamine_iv")
    for i in range(6):
        a += [f"R{i},-1,7"] + ([f"R{i},1,2", f"R{i},15,6"] if i < 2 else [f"R{i},10,5"])
        t.append(f"R{i},0,Rappel kétamine")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


@pytest.fixture
def episodes(load):
    return build_episodes(load(_files()), Definitions())


def test_the_group_is_large_but_only_two_patients_have_an_immediate_score(episodes):
    rows = relief.select(episodes, BY)
    sizes = groups.group_sizes(episodes, BY, selected=rows)
    assert sizes.set_index("label")["patients"].to_dict() == {"Rappel kétamine": 6, "ketamine_iv": 6}
    # The old rule (group size only) kept the two dots of the booster group.
    old = suppression.suppress(rows, BY, sizes, 5, cell_column=None).shown
    assert (old.dropna(subset=["immediate_relief_pct"])["treatment"] == "Rappel kétamine").sum() == 2


@pytest.mark.parametrize("m, drawn", [(5, {"ketamine_iv"}), (3, {"ketamine_iv"}),
                                      (2, {"ketamine_iv", "Rappel kétamine"}), (7, set())])
def test_box_plot_rows_count_the_patients_behind_the_dots(episodes, m, drawn):
    rows = relief.select(episodes, BY)
    sizes = groups.group_sizes(episodes, BY, selected=rows)
    s = suppression.suppress_rows(rows, BY, sizes, m, "immediate_relief_pct", counted="with an immediate score")
    assert set(s.shown["treatment"]) == drawn
    assert s.shown["immediate_relief_pct"].notna().all()
    hidden = {"Rappel kétamine", "ketamine_iv"} - drawn
    assert set(s.hidden_groups) == hidden
    if "Rappel kétamine" in hidden:
        assert "Rappel kétamine (2 patients with an immediate score)" in s.note
        assert f"fewer than {m} patients with an immediate score" in s.note
    if not hidden:
        assert s.note == ""


def test_a_curve_of_two_responders_is_hidden_and_named(episodes):
    rows = relief.select(episodes, BY)
    sizes = groups.group_sizes(episodes, BY, selected=rows)
    res = duration.relief_duration(episodes, BY, selected=rows)
    assert {k: f.n for k, f in res.fits.items()} == {("Rappel kétamine",): 2, ("ketamine_iv",): 6}
    hide = suppression.survival_groups_to_hide(res, sizes, 5)
    assert hide == [("Rappel kétamine",)]
    note = suppression.survival_note(res, hide, 5, counted="among the immediate responders")
    assert note.startswith("Not shown: Rappel kétamine (2 patients among the immediate responders).")
    assert suppression.survival_groups_to_hide(res, sizes, 2) == []
    assert suppression.survival_note(res, [], 5) == ""
    # The tables beside the curve follow the same rule (their n_patients column is the curve's).
    med = suppression.suppress(res.medians(), BY, sizes, 5)
    assert med.shown["treatment"].tolist() == ["ketamine_iv"]
    assert "1 estimate(s) from fewer than 5 patients" in med.note


def test_cells_hidden_are_counted_with_their_groups(episodes):
    rows = relief.select(episodes, BY)
    sizes = groups.group_sizes(episodes, BY, selected=rows)
    imm = suppression.suppress(relief.immediate_relief(episodes, BY, selected=rows), BY, sizes, 5)
    assert imm.shown["treatment"].tolist() == ["ketamine_iv"]
    assert imm.hidden_cells == 1 and imm.cell_groups == ("Rappel kétamine",)
    assert imm.note == "1 estimate(s) from fewer than 5 patients (e.g. late weeks) are not shown."


def _three_groups(load):
    """Three treatments; the third has only 2 patients, so its curve is hidden at min_cell_size 5."""
    a, t = ["patient_id,day,pain_nrs"], ["patient_id,day,treatment"]
    for g, n in (("A", 8), ("B", 8), ("C", 2)):
        for i in range(n):
            later = f"{g}{i},{10 + 7 * i},{7 if i % 3 else 3}" if g == "A" else f"{g}{i},{5 + 2 * i},7"
            a += [f"{g}{i},-1,8", f"{g}{i},1,{2 + i % 2}", later]
            t.append(f"{g}{i},0,{g}")
    return load({"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"})


def test_the_log_rank_test_printed_with_hidden_groups_is_over_the_groups_shown(load):
    from analysis import figures
    from analysis.survival import logrank

    ep = build_episodes(_three_groups(load), Definitions())
    dur = duration.relief_duration(ep, BY)
    shown = [("A",), ("B",)]
    lr = dur.logrank_among(shown)
    # Reference: the same test computed directly on the rows of A and B only.
    rows = dur.data[dur.data["treatment"].isin(["A", "B"])]
    ref = logrank(rows["time"].to_numpy(float), rows["event"].to_numpy(int), rows["treatment"].to_numpy(object),
                  clusters=rows["patient_id"].to_numpy())
    assert lr.df == 1 and lr.chi2 == pytest.approx(ref.chi2, rel=1e-12)
    assert lr.chi2 != pytest.approx(dur.logrank.chi2)          # the all-groups test differs (df 2)
    assert dur.logrank_among(list(dur.fits)) is dur.logrank
    assert dur.logrank_among([("A",)]) is None
    fig = figures.km_figure(dur, exclude=[("C",)])
    assert "over the groups shown" in fig.layout.title.subtitle.text
    assert ref.chi2 > 1
    assert f"{ref.chi2:.2f} on 1 df" in fig.layout.title.subtitle.text.replace("<br>", " ")
    assert "over the groups shown" not in figures.km_figure(dur).layout.title.subtitle.text


# A group's patients and the patients its statistics come from (the e6 clinic export of probe13: five
# patients treated, one without a baseline score in the window, so every estimate rests on four).
# summarize printed "patients 5" without its small-group flag while the export suppressed the group on
# its 4 analysable patients, and the export's own summary and published-comparison tables counted
# the 5 (or episodes) instead, so they showed what every other table blanked.

def _five_treated_four_analysable() -> dict:
    a = ["patient_id,day,pain_nrs"]
    t = ["patient_id,day,treatment"]
    for i in range(5):
        # P4's only score before the start is 31 days before it: outside the 14-day baseline window
        a += [f"P{i},{-31 if i == 4 else -1},{6 + i % 3}", f"P{i},1,{2 + i % 3}", f"P{i},14,{4 + i % 2}"]
        t.append(f"P{i},0,ketamine_iv")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def test_summarize_counts_the_patients_with_an_analysable_episode_beside_the_group(load):
    from analysis.summary import summarize
    s = summarize(load(_five_treated_four_analysable()))
    row = s.counts.set_index("treatment").loc["ketamine_iv"]
    assert (row["patients"], row["patients_analysable"], row["episodes_used"]) == (5, 4, 4)
    text = s.to_text()
    assert "patients 5 (4 with an analysable episode), episodes used 4, excluded 1" in text
    # the rule the dashboard and the export apply (4 < 5): summarize flags the group it does not hide
    assert "[fewer than 5 patients with an analysable episode: interpret with care]" in text


def test_the_export_suppresses_a_group_of_four_analysable_patients_in_every_table(load):
    from analysis.present.report import compute_results
    R = compute_results(load(_five_treated_four_analysable()))
    counts = R.panels["summary"].tables["group_counts"].set_index("treatment").loc["ketamine_iv"]
    # who is in the group is shown, with the count the small-group rule uses beside it
    assert (counts["n_patients"], counts["n_patients_analysable"]) == (5, 4)
    summary = R.panels["summary"].tables["summary"]
    assert summary["suppressed"].all() and summary["estimate"].isna().all()
    pub = R.panels["published"].tables["published_comparison"]
    ket = pub[pub["treatment"] == "ketamine_iv"]
    assert len(ket) and ket["estimate"].isna().all() and ket["n"].isna().all()
    assert set(ket["verdict"]) == {"group too small"}
    assert "fewer than 5 patients with an analysable episode" in ket["verdict_text"].iloc[0]


def _six_patients_week4_from_three() -> dict:
    """ketamine_iv: six patients with an immediate score; K0-K2 have a second course at day 40, and
    only their two episodes each have a score in week 4: six episodes of three patients."""
    a = ["patient_id,day,pain_nrs"]
    t = ["patient_id,day,treatment"]
    for i in range(6):
        a += [f"K{i},-1,8", f"K{i},1,{2 + i % 3}"]
        t.append(f"K{i},0,ketamine_iv")
        if i < 3:
            a += [f"K{i},25,{3 + i}", f"K{i},39,8", f"K{i},41,3", f"K{i},65,{4 + i}"]
            t.append(f"K{i},40,ketamine_iv")
        else:
            a.append(f"K{i},10,5")
    return {"assessments.csv": "\n".join(a) + "\n", "treatments.csv": "\n".join(t) + "\n"}


def test_a_summary_cell_of_six_episodes_from_three_patients_is_blanked_as_in_relief_over_time(load):
    from analysis.present.report import compute_results
    from analysis.summary import summarize
    ds = load(_six_patients_week4_from_three())
    wk4 = summarize(ds).table.query("statistic == 'responder_rate' and week == 4").iloc[0]
    assert (wk4["n"], wk4["n_patients"]) == (6, 3)
    R = compute_results(ds)
    over_time = R.panels["relief_over_time"].tables
    rates = next(t for t in over_time.values() if "statistic" in t.columns and "week" in t.columns)
    cell = rates[(rates["statistic"] == "responder_rate") & (rates["week"] == 4) & (rates["threshold"] == 30)]
    assert len(cell) == 1 and cell["suppressed"].all()
    summary = R.panels["summary"].tables["summary"]
    s4 = summary[(summary["statistic"] == "responder_rate") & (summary["week"] == 4)]
    assert len(s4) == 1 and s4["suppressed"].all() and s4["estimate"].isna().all()
    imm = summary[summary["statistic"] == "immediate_relief_pct"].iloc[0]
    # the group itself (six patients, all with an immediate score) is shown, with its counts
    assert not imm["suppressed"] and (imm["n"], imm["n_patients"], imm["group_patients"]) == (9, 6, 6)


def test_every_note_of_the_suppressed_group_says_which_patients_it_counts(load):
    """A clinician reads "5 patients" in Table 1 and "fewer than 5 patients" beside the relief tables:
    the words say which patients each count is (every patient of the group vs those with an analysable
    episode)."""
    from analysis.methods import describe, methods_blocks
    from analysis.present.report import compute_results
    ds = load(_five_treated_four_analysable())
    R = compute_results(ds)
    assert R.panels["selection"].warnings == [
        "Suppressed (fewer than 5 patients with an analysable episode): ketamine_iv."]
    assert ("Not shown: ketamine_iv (fewer than 5 patients with an analysable episode;"
            in R.panels["relief_over_time"].notes[0])
    t1 = R.panels["overview"].tables["table1"].set_index(["group", "variable"])
    assert t1.loc[("ketamine_iv", "Patients"), "n"] == 5            # every patient of the group, shown
    assert any("5 patients with an analysable episode" in s for s in describe(R.definitions))
    text = " ".join(str(x) for _, x in methods_blocks(ds, R, "today", demo=False))
    assert "Patients: 5, of whom 4 with an analysable episode; treatment episodes: 5, of which 4 analysable" in text
    assert "Table 1 and `group_counts` (`n_patients`) count every patient of the group" in text
