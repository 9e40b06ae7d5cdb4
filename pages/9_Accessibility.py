"""Accessibility statement, as DfE's own tools publish one."""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Accessibility statement · Regional Care Benchmark", layout="wide")

st.title("Accessibility statement")
st.markdown("""
Regional Care Benchmark is used by council and regional staff who work under the Public Sector Bodies
(Websites and Mobile Applications) Accessibility Regulations 2018. We aim to meet the Web Content
Accessibility Guidelines (WCAG) 2.2 at level AA.

**What we do**
- Every chart has a table beside it (the *Table* tab) and a CSV download of exactly what it shows,
  with the source and period of each figure.
- Colours come from a colour-blind-safe palette (Okabe-Ito; a cividis-like ramp on maps), and colour
  never carries meaning alone: the council of interest also has a marker and a label, reference
  lines are labelled, map colours have a legend table and a tooltip with the figure.
- Suppressed and unpublished figures are written as words ("suppressed", "not published"), never
  shown as zero or left to a blank bar.
- Pages reflow at 200% zoom; the sidebar collapses on narrow screens.
- Maps draw council boundaries themselves and load nothing from outside the service.

**Known limitations**
- Charts are drawn as SVG with their labels as text, but a screen reader cannot follow a chart's
  structure (which bar is which council); use the *Table* tab or the CSV, which hold the same figures.
- Maps are drawn on a canvas a screen reader cannot read, and their tooltips need a pointer; the same
  figures are in the table and legend beside each map.

**Feedback** — tell the platform's data team (your RCC's data lead) about any barrier you meet;
we aim to reply within 10 working days.

*This statement was prepared on 23 November 2026 from a self-assessment against WCAG 2.2 AA.*
""")
