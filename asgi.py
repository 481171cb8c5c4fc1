"""The server: the dashboard (app.py) and its data API (/api, openmodels/api.py) in one ASGI app, every
response with the security headers. `make run` starts it with `streamlit run asgi.py` (Streamlit serves an
st.App with uvicorn); `uvicorn asgi:app` from this folder works too."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from openmodels.api import SecurityHeaders, routes

app = st.App(Path(__file__).resolve().parent / "app.py", routes=routes(), middleware=[Middleware(SecurityHeaders)])
