"""Entry point: page configuration, navigation and the shared sidebar (drawn once, here, for every
page). The Overview is the default page; every file in pages/ is a page, titled from its file name
unless named below, so a new page needs no edit here."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Regional Care Benchmark", page_icon=":bar_chart:", layout="wide")

import ui  # noqa: E402  (set_page_config must run first)

HERE = Path(__file__).parent
TITLES = {
    "Residential": "Residential & supported accommodation",
    "Accessibility": "Accessibility statement",
}


def _title(path: Path) -> str:
    name = path.stem.split("_", 1)[1] if path.stem.split("_", 1)[0].isdigit() else path.stem
    return TITLES.get(name, name.replace("_", " "))


pages = [st.Page("overview.py", title="Overview", default=True)]
pages += [st.Page(f"pages/{p.name}", title=_title(p)) for p in sorted((HERE / "pages").glob("*.py"))
          if not p.name.startswith("_")]
page = st.navigation(pages, expanded=True)  # every page listed (Streamlit folds lists over 10)
with ui.shared_sidebar(ui.get_store()):
    page.run()
