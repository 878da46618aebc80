"""The Compare with published figures page: each quoted figure beside this dataset's estimate and CI."""
from __future__ import annotations

import dataclasses

import pandas as pd

from analysis import published
from analysis.definitions import Definitions
from analysis.published_match import match_treatments
from analysis.summary import summarize

from .formatting import fmt_estimate
from .panel import FigureSpec, Panel


def published_results(ep, filters, summary=None, matches: dict | None = None) -> dict:
    """The headline summary per treatment (``summary``: :func:`analysis.summary.summarize` by treatment,
    when already computed), the published figures and the ``comparison`` of the two (``matches``: the user's
    choice of the treatment each published treatment is compared with, as
    :func:`analysis.published.compare_with_published`)."""
    s = summary if summary is not None else summarize(ep, by=("treatment",), filters=filters)
    # What the comparison reads of the summary (a choice on the page compares again without summarising again);
    # the survival curves and models are not kept.
    light = dataclasses.replace(s, duration=None, models=None)
    pub = published.load_published()
    return {"summary": light, "summary_table": s.table, "counts": s.counts, "published": pub,
            "comparison": published.compare_with_published(s, pub, matches=matches),
            "matches": match_treatments(pub["treatment"], published.dataset_treatments(s), matches)}


def published_panel(res: dict, d: Definitions, matches: dict | None = None) -> Panel:
    """What the page shows, from :func:`published_results`: ``shown["table"]`` (published value, this
    dataset's estimate with its CI and n, verdict), ``matches`` (which treatment of this dataset each published
    treatment is compared with, and why: :func:`analysis.published_match.match_treatments`), ``treatments``
    (this dataset's treatments, to choose from), ``limitations``, ``sources`` and ``definitions`` (Markdown
    lines), and the comparison figure; ``tables["published_comparison"]`` for the export. ``matches`` (the
    user's choices) compares again when given."""
    pub = res["published"]
    if matches:
        res = {**res, "comparison": published.compare_with_published(res["summary"], pub, matches=matches),
               "matches": match_treatments(pub["treatment"], published.dataset_treatments(res["summary"]), matches)}
    cmp = res["comparison"]

    def published_value(r) -> str:
        if r.unit == "proportion":
            return fmt_estimate(r.published_value, r.published_ci_low if pd.notna(r.published_ci_low) else None,
                                      r.published_ci_high if pd.notna(r.published_ci_high) else None,
                                      kind="proportion")
        return fmt_estimate(r.published_value, None, None, kind="days")

    def own_value(r) -> str:
        if pd.isna(r.estimate) and pd.isna(r.ci_low):
            return "-"
        kind = "proportion" if r.unit == "proportion" else "days"
        return fmt_estimate(r.estimate, r.ci_low, r.ci_high, r.n, kind=kind, conf_level=d.conf_level)

    table = pd.DataFrame({
        "Published figure (source)": [f"{q} ({s})" for q, s in zip(cmp["quantity"], cmp["source"])],
        "Published value": [published_value(r) for r in cmp.itertuples()],
        "This dataset": [f"{lab}: {own_value(r)}" for lab, r in zip(cmp["dataset_label"], cmp.itertuples())],
        # the verdict word, then its sentence (once: 'Inconclusive: ...' already says it)
        "Verdict": [t if str(t).casefold().startswith(str(v).casefold()) else f"{v}: {t}"
                    for v, t in zip(cmp["verdict"], cmp["verdict_text"])],
    })
    # The export says which comparisons wait for a choice (the page shows these texts beside its selectboxes).
    P = Panel(warnings=[f"Comparison with published figures: {t}" for t in
                        res["matches"].loc[res["matches"]["how"].isin(["ambiguous", "none"]), "text"]])
    P.shown = {"table": table, "comparison": cmp, "matches": res["matches"],
               "treatments": published.dataset_treatments(res["summary"]), "limitations": list(published.LIMITATIONS),
               "sources": [f"- {r.citation} doi:[{r.doi}](https://doi.org/{r.doi}) — *{r.design}*"
                           for r in pub.drop_duplicates("citation").itertuples()],
               "definitions": [f"- **{r.quantity}** ({r.source}): {r.definition_note}" for r in pub.itertuples()]}
    P.tables = {"published_comparison": cmp}
    P.figures = [FigureSpec("published_comparison", "published_comparison_figure", (cmp,))]
    return P
