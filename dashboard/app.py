"""CRPS Outcomes dashboard: ``streamlit run dashboard/app.py`` (from the repository root).

One ``st.navigation`` entry point. The sidebar (dashboard/state.py) is drawn here, before the
page, so its filters and definitions apply to every page; pages only gather choices, call
``analysis/`` (through the cached wrappers of dashboard/cache.py) and draw.
"""
from __future__ import annotations

import logging

import streamlit as st

from importlib.resources import files

# `analysis` and `dashboard` are imported as installed packages (`pip install -e .`, which `make run`
# does), not from a path added here: see docs/architecture.md#packaging.
from dashboard import state
from dashboard.uploads import keep_uploads_in_memory

# A bundled icon: a `:material/...:` or emoji page icon makes every browser fetch it from the internet.
FAVICON = str(files("dashboard") / "assets" / "favicon.png")
keep_uploads_in_memory()  # uploads never spooled to disk (issue 15)
# The sidebar copies its kept choices into widgets that also have defaults (dashboard/state.py, _KEPT):
# by design, so Streamlit's warning about it (with a stack trace) is noise in a server's log. The
# repository's .streamlit/config.toml turns it off too, but only for a server started in that folder.
logging.getLogger("streamlit.elements.lib.policies").setLevel(logging.ERROR)
st.set_page_config(page_title="CRPS Outcomes", page_icon=FAVICON, layout="wide",
                   initial_sidebar_state="expanded")

OVERVIEW = st.Page("content/overview.py", title="Overview", icon=":material/groups:", url_path="overview")


def _open_overview() -> None:
    """The app's own address ("/") opens the Overview at its address, with the choices in the address bar.

    Streamlit serves its default page at "/" only, so a default Overview made a bookmarked or shared
    "/overview" link show "Page not found"; a hidden default page that moves on keeps both working.
    """
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


START = st.Page(_open_overview, title="CRPS Outcomes", url_path="start", default=True, visibility="hidden")
PAGES = [
    START,
    st.Page("content/data.py", title="Data", icon=":material/database:", url_path="data"),
    OVERVIEW,
    st.Page("content/pain_relief.py", title="Pain relief", icon=":material/healing:", url_path="pain_relief"),
    st.Page("content/relief_over_time.py", title="Relief over time", icon=":material/show_chart:",
            url_path="relief_over_time"),
    st.Page("content/relief_duration.py", title="Relief duration", icon=":material/timer:", url_path="relief_duration"),
    st.Page("content/secondary.py", title="Secondary outcomes", icon=":material/psychology:", url_path="secondary"),
    st.Page("content/compare.py", title="Compare treatments", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("content/published.py", title="Compare with published figures", icon=":material/menu_book:",
            url_path="published"),
    st.Page("content/timeline.py", title="Patient timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("content/export.py", title="Export", icon=":material/download:", url_path="export"),
]

page = st.navigation(PAGES)
if page is START:
    _open_overview()  # before the sidebar reads the address, so its messages show on the Overview
state.render_sidebar()
page.run()
