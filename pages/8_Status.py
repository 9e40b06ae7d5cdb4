"""Data status, for administrators: what the database serves and whether reloading data/ failed.

A bad file in data/ never stops the app (regional.resilience): the last good load keeps
serving and the problem is reported here, naming the file, row and column, to regional admins.
"""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Data status · Regional Care Benchmark", layout="wide")

from regional import resilience  # noqa: E402

st.title("Data status")
try:
    engine = resilience.ready_engine()
    status = resilience.load_status(engine)
except (resilience.StorageUnavailable, resilience.DataError) as exc:
    st.error(f"The app cannot open its data. {exc}", icon=":material/error:")
    st.stop()
import signin  # noqa: E402

person = signin.actor(engine)
if person is None or person.role != "admin":
    st.info("The load status (files, rows, failures) is for regional admins: sign in as one (sidebar).")
    st.stop()
lines = resilience.status_lines(status)
if status["failure"]:
    st.error("Reloading the files in data/ failed; the app keeps serving the last good load. "
             f"{status['failure']['detail']}", icon=":material/error:")
else:
    st.success("The database serves the files in data/ as they are.", icon=":material/check_circle:")
st.markdown("\n".join(f"- {line}" for line in lines))
st.caption("A failed reload is not retried until a file in data/ changes again; fix the file named above and "
           "the next page load reloads it.")
