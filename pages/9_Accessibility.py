"""Accessibility statement, as DfE's own tools publish one: what we do, how it was tested, and
what is known not to meet WCAG 2.2 AA."""
from __future__ import annotations

import streamlit as st

st.title("Accessibility statement")
st.markdown("""
Regional Care Benchmark is used by council and regional staff who work under the Public Sector Bodies
(Websites and Mobile Applications) Accessibility Regulations 2018. We aim to meet the Web Content
Accessibility Guidelines (WCAG) 2.2 at level AA.

### What we do
- Every chart has a one-sentence summary (what it shows, and the council of interest's figure and
  place), read out by screen readers as the chart's name and written under it as "In words"; every
  chart also has a table beside it (the *Table* tab) and a CSV download of exactly what it shows,
  with the source and period of each figure.
- Colour never carries meaning alone: the council of interest has a marker and a label, reference
  lines are labelled, the segments of stacked bars carry a number that the legend names, map colours
  have a legend table and a tooltip with the figure. Colours come from a colour-blind-safe palette
  (Okabe-Ito; viridis on maps).
- Text and captions are at least 4.5:1 against their background (captions 7.6:1), and every link
  and control shows a thick black focus ring with a yellow halo when reached with the keyboard.
- Suppressed and unpublished figures are written as words ("suppressed", "not published"), never
  shown as zero or left to a blank bar.
- Links keep the view: the address of a page carries the group, council, neighbour model and the
  page's main choices, so a link can be bookmarked or shared, and a reload keeps what you chose.
- The words the pages use are explained in the [Glossary](/Glossary); table headings are words,
  not the database's column names.
- Pages reflow at 200% zoom; the sidebar collapses on narrow screens. Maps load nothing from
  outside the service.

### How it was tested
- Automatically, on every change: every page, and every tab on every page, is opened in Chromium
  and checked with axe-core 4.12 against the WCAG 2.0, 2.1 and 2.2 A and AA rules. No serious or
  critical problem is allowed; the number of every problem found, of any severity, is written to
  the test report for each page.
- The caption colour and the focus ring are measured as the browser draws them (contrast ratio
  of the rendered colours), and a link with a council and choices in its address is opened,
  reloaded and checked to show the same view.
- By hand, with the keyboard alone and at 200% zoom, on the Overview, Children in care and
  Placement distance pages (November 2026).

### Known limitations
- Maps are drawn like the charts: a screen reader reads the map's summary sentence as its name, but
  not the council shapes, and their tooltips need a pointer; the same figures are in the map's
  legend table, its Table tab and its CSV.
- Tables are Streamlit's data grid: a screen reader reads them cell by cell but announces
  headings inconsistently; each table's CSV opens in a spreadsheet with its headings.
- A screen reader gets a chart's summary and its table, but cannot follow the chart's structure
  (which bar is which council) from the chart itself.
- Opening a page's own address on a server that has just started shows the navigation labelled
  with the file name ("app") until the first choice is made: a Streamlit behaviour we are
  following up.

### Feedback
Tell the platform's data team (your RCC's data lead) about any barrier you meet; we aim to reply
within 10 working days.

*This statement was prepared on 25 November 2026 from the tests above and a self-assessment
against WCAG 2.2 AA.*
""")
