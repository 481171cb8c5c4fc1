"""Safe defaults wherever the server was started: the app refuses to serve when Streamlit runs without the
project's settings (.streamlit/config.toml or the flags of `make run`), instead of listening on every network
interface and reporting usage statistics unnoticed."""

from __future__ import annotations

import streamlit as st


def unsafe_settings() -> list[str]:
    """What in the running server's settings departs from the project's safe defaults."""
    problems = []
    if not st.get_option("server.address"):  # Streamlit's default, '', listens on every interface
        problems.append("it listens on every network interface (server.address is not set)")
    if st.get_option("browser.gatherUsageStats"):
        problems.append("it reports usage statistics (browser.gatherUsageStats is on)")
    return problems


def check() -> None:
    """Called by app.py before anything else: stop with instructions if the settings are unsafe."""
    problems = unsafe_settings()
    if problems:
        st.title("Started without the project's settings")
        st.error("This server was started without .streamlit/config.toml, so " + " and ".join(problems) + ". "
                 "Stop it and start it with `make run` in the project folder, or pass "
                 "`--server.address 127.0.0.1 --browser.gatherUsageStats false` to `streamlit run` "
                 "(behind a reverse proxy, set server.address explicitly).", icon=":material/error:")
        st.stop()
