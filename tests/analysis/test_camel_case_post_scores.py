"""Pre/post scores named in camel case on a sheet with one row per infusion (analysis/io/column_words.py,
``CAMEL_TIMING``): 'PainNRSPre' / 'PainNRSPost', 'NRSPre', 'PainPre', 'preNRS', 'postNRS' are read as 'Pain NRS
pre' / 'Pain NRS post' are: pre = the baseline before the infusion, post = the score after it
(analysis/io/post_scores.py). Read as one word each, they were two columns of one measure: a question.

The sheet: two patients, two infusions a week apart (one course each). Worked out by hand, the course's
immediate relief is its first infusion's: P1 8 -> 4 (50%), P2 6 -> 4 (33.3%); mean 41.7%.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.io.column_words import has_word
from analysis.io.propose import inspect
from analysis.summary import summarize


def _sheet(pre: str, post: str) -> dict[str, bytes]:
    text = (f"Patient ID,Infusion date,Drug,{pre},{post}\n"
            "P1,2024-03-06,Ketamine,8,4\nP1,2024-03-13,Ketamine,7,3\n"
            "P2,2024-03-07,Ketamine,6,4\nP2,2024-03-14,Ketamine,6,4\n")
    return {"infusions.csv": text.encode()}


PAIRS = [("PainNRSPre", "PainNRSPost"), ("NRSPre", "NRSPost"), ("PainPre", "PainPost"), ("preNRS", "postNRS"),
         ("Pain NRS pre", "Pain NRS post")]


@pytest.mark.parametrize("pre, post", PAIRS)
def test_camel_case_pre_and_post_are_the_scores_before_and_after_the_infusion(pre, post):
    proposal = inspect(_sheet(pre, post))
    cols = {c.header: c.column for f in proposal.files for c in f.columns}
    assert (cols[pre].role, cols[pre].measure, cols[pre].timing) == ("measure", "pain_nrs", "before_start")
    assert (cols[post].role, cols[post].measure, cols[post].timing) == ("measure", "pain_nrs", "after_start")
    assert not any("all look like pain_nrs" in r for r in proposal.review)


@pytest.mark.parametrize("pre, post", PAIRS)
def test_camel_case_pre_and_post_give_the_relief_of_the_spaced_names(pre, post):
    ds = load_files(_sheet(pre, post), source="export")
    s = summarize(ds, Definitions(), by=(), models=False).to_dict()
    assert s["groups"][0]["immediate_relief_pct"]["estimate"] == pytest.approx((50 + 100 / 3) / 2)


@pytest.mark.parametrize("name", ["SerumNa", "VorName", "PrimaryPain", "PresentPain", "Prescore"])
def test_camel_case_words_that_only_look_like_pre_or_post_name_no_timing(name):
    assert not has_word("before", name) and not has_word("after", name)
