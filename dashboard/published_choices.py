"""The user's choice, per published treatment, of the clinic's treatment its figures are compared with.

Drawn on the Compare with published figures page and read by the Export page, so the bundle compares what the
page showed. Kept like the sidebar's choices (dashboard/state.py, ``_KEPT``): a navigation cannot lose them.
"""
from __future__ import annotations

import streamlit as st

from analysis.escaping import markdown_text as md
from analysis.published_match import NOT_COMPARED
from dashboard import state

AUTO = "__automatic__"
PREFIX = "pub_match_"


def kept_choices() -> dict:
    """Published treatment -> the treatment (or NOT_COMPARED) the user chose; those left automatic are absent."""
    head = state._KEPT + PREFIX
    return {str(k)[len(head):]: v for k, v in st.session_state.items()
            if str(k).startswith(head) and v != AUTO}


def draw_choices(matches, treatments) -> dict:
    """A selectbox per published treatment (``matches``: :func:`analysis.published_match.match_treatments`
    without the user's choices) offering this dataset's ``treatments``; returns :func:`kept_choices` for them."""
    options = [AUTO, *treatments, NOT_COMPARED]
    for m in matches.itertuples():
        key = PREFIX + m.treatment
        state._default(key, AUTO)
        if state._kept(key) not in options:  # a treatment of another dataset or selection: back to the rule
            st.session_state[state._KEPT + key] = AUTO
        auto = (f"automatic: {m.dataset_treatment}" if m.how in ("same name", "by drug name")
                else "automatic: none (choose one)")
        st.selectbox(md(f"Your treatment compared with the figures for '{m.treatment}' ({m.drugs})"), options,
                     format_func=lambda o, auto=auto: auto if o == AUTO else o, **state._bound(key))
    published = set(matches["treatment"])
    return {k: v for k, v in kept_choices().items() if k in published}
