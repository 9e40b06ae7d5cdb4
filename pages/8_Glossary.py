"""Glossary: the words the pages use, in plain English."""
from __future__ import annotations

import streamlit as st

from regional.glossary import terms

st.title("Glossary")
st.markdown("What the words on these pages mean. Each entry can be linked to directly "
            "(for example `/Glossary#uasc`).")
for entry in terms():
    st.subheader(entry.term, anchor=entry.anchor)
    st.markdown(entry.plain_words)
    if entry.more:
        st.caption(entry.more)
