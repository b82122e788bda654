"""LeadScore: the notebook-style app. Run with ``streamlit run app.py``.

This entry point sets up the session once (its project: the one named in the address, else the
sample leads), registers the six pages in journey order with ``st.navigation``, shows the
journey in the sidebar and runs the chosen page, turning any problem into a plain message
instead of a traceback.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _ui

st.set_page_config(page_title="LeadScore", page_icon=":dart:", layout="wide")

_ui.init_session()

pages = [
    st.Page(_ui.PAGE_FILES[step], title=step, icon=_ui.PAGE_ICONS[step], default=(step == "Data"))
    for step in _ui.STEPS
]
page = st.navigation(pages, position="sidebar")
_ui.run_page(page)
