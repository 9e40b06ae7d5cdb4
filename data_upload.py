"""The one upload component: the Data page and the Fostering, Residential and Placement distance
pages all use it. Check a file (nothing stored), read its validation report, preview the change
against what is held, and store it as a new version only when the person confirms.

Streamlit glue only: reading, checking, previewing and storing are ``regional.returns``'; the rule
that an editor writes only their own council is enforced there too, not only here.
"""
from __future__ import annotations

import contextlib

import streamlit as st

import signin
import ui
from regional import returns
from regional.errors import DataError
from regional.exports import csv_bytes, template_bytes
from regional.store import Store

AUTO = "recognise"
FILE_TYPES = ["csv", "xlsx", "xml"]


def kind_label(kind: str) -> str:
    return "Recognise from the headers" if kind == AUTO else returns.REGISTRY[kind].label


def upload_block(store: Store, person, *, kind: str | None = None, key: str = "data") -> None:
    """The whole path for one file (or an SSDA903 return's several tables)."""
    names = dict(zip(store.areas["code"], store.areas["name"]))
    state = st.session_state
    done = f"{key}_stored"
    if done in state:
        st.success(state.pop(done))
    if person is None:
        st.info("You can check a file here without signing in: nothing is stored. To store it, sign in (sidebar) as "
                "your council's editor or as a regional admin." if signin.signed_in_as() is None else
                f"You can check a file here, but nothing is stored: {_unregistered()}")
    if kind is None:
        kind = st.selectbox("Return type", [AUTO, *returns.REGISTRY], format_func=kind_label, key=f"{key}_kind")
    councils = list(store.councils()["code"])
    if person is not None and person.role == "editor":
        council = person.council
        st.caption(f"Council: **{names.get(council, council)}** (your council; rows for any other council are refused).")
    else:
        council = st.selectbox("Council", ["", *councils], key=f"{key}_council",
                               format_func=lambda c: names.get(c, "the council the file is about"))
    files = st.file_uploader("Return file(s)", type=FILE_TYPES, accept_multiple_files=True, key=f"{key}_files",
                             help="One CSV or XLSX file; an SSDA903 return may be its XML or one file per table.")
    if files and st.button("Check the file", key=f"{key}_check"):
        _check(store, files, kind, council or None, key)
    held = state.get(f"{key}_prepared")
    if held is None:
        return
    prepared, change = held
    _report(prepared, change, names, key)
    _store(store, person, prepared, change, names, key)


def _unregistered() -> str:
    """For someone signed in (their organisation's account) whom the users table does not know."""
    return (f"you are signed in as {signin.signed_in_as()}, who is not registered to change data; a regional admin "
            "adds you with `python -m regional users add`.")


def _check(store: Store, files, kind: str, council: str | None, key: str) -> None:
    state = st.session_state
    state.pop(f"{key}_prepared", None)
    with contextlib.ExitStack() as stack:
        paths = [stack.enter_context(ui.saved_upload(f)) for f in files]
        try:
            chosen = returns.recognise(paths[0]) if kind == AUTO else kind
            if len(paths) > 1 and chosen != "ssda903":
                raise DataError(f"{len(paths)} files were given; only an SSDA903 return comes in several files",
                                expected="one file")
            prepared = returns.prepare(chosen, paths if len(paths) > 1 else paths[0], store.engine, council=council,
                                       display_name=[f.name for f in files] if len(files) > 1 else files[0].name,
                                       index=store.index)
            change = returns.preview(prepared, store.engine) if len(prepared.rows) and prepared.storable else None
        except DataError as exc:
            problems = getattr(exc, "problems", [exc])
            st.error(f"Nothing was stored. {len(problems)} problem(s):")
            st.markdown("\n".join(f"- {p}" for p in problems[:50]))
            return
    state[f"{key}_prepared"] = (prepared, change)


def _report(prepared, change, names: dict[str, str], key: str) -> None:
    summary = prepared.summary()
    st.markdown(f"**{prepared.file_name}**: {prepared.kind.label} for **{names.get(prepared.council, prepared.council)}**"
                + (f", periods {', '.join(prepared.periods[:6])}{' …' if len(prepared.periods) > 6 else ''}"
                   if prepared.periods else ""))
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows that can be stored", f"{summary['rows_ok']:,}")
    c2.metric("Warnings", f"{summary['warnings']:,}")
    c3.metric("Errors", f"{summary['errors']:,}")
    detail = prepared.detail
    if prepared.kind.id == "ssda903" and detail is not None:
        d1, d2, d3, d4 = st.columns(4)
        d1.metric("Episodes read", f"{detail.rows_read:,}")
        d2.metric("Short breaks (V3/V4)", f"{detail.summary.get('short_breaks', 0):,}")
        d3.metric("UASC episodes (no distance)", f"{detail.summary.get('uasc_episodes', 0):,}")
        d4.metric("Distance not known", f"{detail.summary.get('distance_not_known', 0):,}")
        st.caption("On storing, CHILD is replaced by a keyed hash, full postcodes are dropped (outcode and sector "
                   "are kept) and a date of birth (header table) is kept as its month only; DfE's distance fields "
                   "are derived.")
    if len(prepared.report):
        st.markdown("**Validation report**: every problem with its sheet, row, column, value and what was expected.")
        ui.dataframe(prepared.report.head(2000), hide_index=True, key=f"{key}_report")
        st.download_button("Download the validation report (CSV)", csv_bytes(prepared.report),
                           f"{prepared.kind.id}_validation_report.csv", "text/csv", key=f"{key}_report_csv")
    else:
        st.success("Every row is valid.")
    if change is not None:
        counts = change["change"].value_counts()
        st.markdown("**Preview of the change** against what is held: "
                    f"{counts.get('added', 0):,} added, {counts.get('changed', 0):,} changed, "
                    f"{counts.get('removed', 0):,} removed. Nothing outside the council, documents, periods "
                    "(and household types) this file gives is touched.")
        if len(change):
            ui.dataframe(change.head(2000), hide_index=True, key=f"{key}_preview")


def _store(store: Store, person, prepared, change, names: dict[str, str], key: str) -> None:
    errors = len(prepared.errors)
    accept = False
    if errors and not prepared.accepted_rows_only:
        st.error("Nothing can be stored until every error is fixed: correct the file and check it again.")
        return
    if change is None or change.empty:
        st.info("This file holds exactly what is stored already: storing it would change nothing.")
        return
    if person is None:
        st.warning("Sign in (sidebar) to store this file." if signin.signed_in_as() is None else
                   f"Not stored: {_unregistered()}")
        return
    if not returns.can_write(person, prepared.council):
        mine = names.get(person.council, person.council)
        st.error(f"Not stored: you are the council editor for {mine} and may not change "
                 f"{names.get(prepared.council, prepared.council)}'s data.")
        return
    if errors:
        accept = st.checkbox(f"I accept the report: store the {len(prepared.rows):,} valid rows without the "
                             f"{prepared.summary()['rows_with_errors']:,} refused rows", key=f"{key}_accept")
    confirm = st.checkbox("I have read the report and the preview: store this file as a new version",
                          key=f"{key}_confirm")
    if st.button("Store", key=f"{key}_store", type="primary", disabled=not confirm or (errors and not accept)):
        try:
            result = returns.submit(prepared.kind.id, None, store.engine, who=person, accept=accept, prepared=prepared)
        except DataError as exc:
            st.error(f"Not stored. {exc}")
            return
        st.session_state.pop(f"{key}_prepared", None)
        st.session_state[f"{key}_stored"] = (
            "Nothing changed: the file is identical to what is held." if result.unchanged else
            f"Stored {prepared.file_name} as version {result.number} of {names.get(prepared.council, prepared.council)}'s "
            f"{prepared.kind.label.lower()}: {result.rows:,} rows. Every page shows it from now on.")
        st.rerun()


def templates_block(key: str = "templates") -> None:
    """Every return's template (headers and example rows) and its column guide."""
    for kind in returns.REGISTRY.values():
        st.markdown(f"**{kind.label}**: required columns {', '.join(f'`{h}`' for h in sorted(kind.headers))}.")
        cols = st.columns(2)
        if kind.template is not None and kind.template.exists():
            cols[0].download_button(f"Template with example rows ({kind.template.suffix[1:].upper()})",
                                    template_bytes(kind.template), kind.template.name,
                                    key=f"{key}_{kind.id}_example")
        if kind.guide is not None and kind.guide.exists():
            cols[1].download_button("Column guide (Markdown)", kind.guide.read_bytes(), kind.guide.name,
                                    "text/markdown", key=f"{key}_{kind.id}_guide")
