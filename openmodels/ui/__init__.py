"""What the Streamlit pages share, one concern per module: db (the served database and cached queries),
links (URL values checked before widgets read them), sidebar (the shared filters), routing, widgets
(page controls bound to the URL), downloads (charts with the CSV of what they draw)."""
