"""Every run goes through the router (app.py), even a first visitor's deep link."""

from __future__ import annotations

import streamlit as st

ROUTED_KEY = "_routed"


def mark_routed() -> None:
    """Called by app.py: this session's runs go through the router."""
    st.session_state[ROUTED_KEY] = True


def ensure_routed() -> None:
    """Streamlit keeps a process-wide flag: while a folder named pages/ exists and st.navigation has
    not run yet, a first visitor who opens a deep link (/releases) gets that page run alone, without
    app.py (no sidebar filters). Clear the flag and rerun the same URL through the router."""
    if not st.session_state.get(ROUTED_KEY):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
