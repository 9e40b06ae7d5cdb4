"""The scorecard: its cells checked against figures computed here, independently, from the raw
published files (DfE's CSVs, LAIT's parquet, DfE's neighbour model, Ofsted's ODS); the page for
BCP, Dorset and B&NES with every column; the XLSX and CSV hold the same figures; the CLI."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from regional import exports, scorecard
from tests.conftest import PROJECT_DIR

PAGE = "pages/6_Scorecard.py"
COUNCILS = {"E06000058": "Bournemouth, Christchurch and Poole", "E06000059": "Dorset",
            "E06000022": "Bath and North East Somerset"}
#: Measure -> where an independent reading finds it: DfE's CLA CSV or a LAIT item.
RAW_MEASURES = {
    "cic_rate_per_10k": ("dfe", None),
    "pct_three_plus_placements": ("lait", "LACStable_2016on"),
    "pct_uasc": ("lait", "Unacc_Asylmn_Seek_Childn%"),
    "pct_care_leavers_eet": ("lait", "CareLeaverEET"),
    "pct_placed_over_20_miles_outside_la": ("lait", "LACDistance"),
}
YEAR = 2025


# --- independent readings of the raw files (no project code) ---------------------------------
@pytest.fixture(scope="module")
def raw(shared_data) -> dict:
    cla = pd.read_csv(shared_data / "dfe" / "cla_number_and_rate_per_10k_children.csv", dtype=str,
                      encoding="utf-8-sig")
    las = cla[cla["geographic_level"] == "Local authority"]
    old_to_new = dict(zip(las["old_la_code"].astype(int), las["new_la_code"]))
    on_31_march = cla[(cla["population_type"] == "Children looked after on 31 March each year")
                      & (cla["time_period"] == str(YEAR))]
    dfe_rate = pd.to_numeric(on_31_march[on_31_march["geographic_level"] == "Local authority"]
                             .set_index("new_la_code")["rate_per_10000"], errors="coerce")
    england_rate = float(on_31_march.loc[on_31_march["geographic_level"] == "National", "rate_per_10000"].iloc[0])
    lait = pd.read_parquet(shared_data / "lait" / "bds_long_0.parquet")
    lait = lait[(lait["Years"] == str(YEAR)) & lait["LA Number"].notna()]
    lait = lait.assign(code=lait["LA Number"].astype(int).map(old_to_new),
                       value=pd.to_numeric(lait["Values"], errors="coerce"))
    values = {"cic_rate_per_10k": dfe_rate}
    for measure, (kind, item) in RAW_MEASURES.items():
        if kind == "lait":
            rows = lait[(lait["Short Desc"] == item) & lait["code"].notna()]
            values[measure] = rows.drop_duplicates("code").set_index("code")["value"]
    sn = pd.read_csv(shared_data / "dfe" / "sn_model_2025_wide.csv", encoding="utf-8-sig")
    neighbours = {old_to_new[int(r["old_la_code"])]: [old_to_new[int(r[f"SN_{i}"])] for i in range(1, 11)]
                  for _, r in sn.iterrows() if int(r["old_la_code"]) in old_to_new}
    ilacs = pd.read_excel(shared_data / "ofsted" / "LA_Inspection_Outcomes_as_at_31_March_2025.ods",
                          engine="odf", sheet_name="Inspections_as_at_31_March", header=2)
    good_plus = ilacs.loc[ilacs["Overall effectiveness"].isin(["Good", "Outstanding"]), "Local authority area code"]
    return {"values": values, "neighbours": neighbours, "good_plus": list(good_plus), "england_rate": england_rate}


def independent_mean(raw: dict, measure: str, codes: list[str]) -> float:
    return float(raw["values"][measure].reindex(codes).dropna().mean())


def number(cell: str) -> float:
    """The figure at the start of a page cell such as '58.3 (2025)  ▲ higher' or '12% (2025)'."""
    match = re.match(r"\s*(-?[\d,]+(?:\.\d+)?)", cell)
    assert match, f"no figure in cell {cell!r}"
    return float(match.group(1).replace(",", ""))


# --- the page ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def page_tables(engine) -> dict[str, pd.DataFrame]:
    """The Scorecard page run for each of the three councils; its table per council."""
    from streamlit.testing.v1 import AppTest

    tables = {}
    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=90).run()
    assert not at.exception, at.exception
    for code in COUNCILS:
        at.selectbox(key="sc_council").set_value(code).run()
        assert not at.exception, at.exception
        tables[code] = at.table[0].value.reset_index()  # the scorecard is the first table on the page
        assert at.subheader[0].value == COUNCILS[code]
    tables["_downloads"] = [b.label for b in at.get("download_button")]
    return tables


@pytest.mark.parametrize("code", list(COUNCILS))
def test_page_shows_every_column_for_the_council(page_tables, code, store):
    table = page_tables[code]
    assert list(table.columns) == ["Measure", *scorecard.COLUMNS.values(), "Quartile among councils"]
    assert len(table) == len(scorecard.default_measures(store)) >= 9
    rate = table[table["Measure"].str.startswith("Children in care rate")].iloc[0]
    for column in ("Council latest (DfE)", "England", "Region", "Statistical neighbours", "Good+ councils"):
        assert "(2025)" in rate[column], (column, rate[column])
    assert re.match(r"Q[1-4].* of \d{3} councils", rate["Quartile among councils"])
    # comparisons are words and arrows, by the catalogue's polarity (3+ placements: lower is better)
    stability = table[table["Measure"].str.startswith("% with 3 or more placements")].iloc[0]
    assert re.search(r"[▲▼] (higher|lower), (better|worse)|= same", stability["England"])
    # a measure DfE does not publish here says so rather than showing a number
    seventeen = table[table["Measure"].str.contains("aged 17-18 in education")].iloc[0]
    assert seventeen["England"] == "not held" and seventeen["Good+ councils"] == "not held"


def test_page_cells_match_the_raw_files_for_three_councils_and_five_measures(page_tables, raw, store):
    labels = dict(zip(store.indicators["id"], store.indicators["label"]))
    checked = 0
    for code in COUNCILS:
        table = page_tables[code].set_index("Measure")
        for measure in RAW_MEASURES:
            row = table.loc[labels[measure]]
            own = raw["values"][measure].get(code)
            assert number(row["Council latest (DfE)"]) == pytest.approx(own)
            sn = independent_mean(raw, measure, raw["neighbours"][code])
            assert number(row["Statistical neighbours"]) == pytest.approx(round(sn, 1), abs=0.051), (code, measure)
            gp = independent_mean(raw, measure, raw["good_plus"])
            assert number(row["Good+ councils"]) == pytest.approx(round(gp, 1), abs=0.051), (code, measure)
            checked += 1
        assert number(table.loc[labels["cic_rate_per_10k"], "England"]) == raw["england_rate"]
    assert checked == 15


def test_page_offers_csv_and_xlsx(page_tables):
    labels = page_tables["_downloads"]
    assert any(label.startswith("Download CSV") for label in labels)
    assert any(label.startswith("Download XLSX") for label in labels)


def test_group_view_puts_every_member_side_by_side(engine, store):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_DIR / PAGE), default_timeout=90).run()
    at.radio(key="sc_scope").set_value("Every member of the group").run()
    assert not at.exception, at.exception
    side = at.table[0].value.reset_index()
    members = [store.name(c) for c in store.group_members("rcc:south-west")]
    assert set(members) <= set(side.columns) and "England" in side.columns
    assert len(at.expander) >= len(members)


# --- the library, the downloads and the CLI -------------------------------------------------------
@pytest.fixture(scope="module")
def card(store) -> pd.DataFrame:
    return scorecard.group_scorecard(store, list(COUNCILS))


def test_xlsx_holds_the_same_figures_one_sheet_per_council(card, store):
    book = openpyxl.load_workbook(io.BytesIO(scorecard.to_xlsx(card, store)))
    assert book.sheetnames == [n[:31] for n in COUNCILS.values()] + ["Notes"]  # Excel's 31-character limit
    columns = {"council": 3, "council_return": 6, "england": 8, "region": 11, "neighbours": 14, "good_plus": 17}
    compared = 0
    for code, name in COUNCILS.items():
        sheet = book[name[:31]]
        assert sheet["A1"].value == f"{name}: scorecard"
        header = [c.value for c in sheet[3]]
        assert header[:3] == ["Measure", "Unit", "Council latest (DfE)"]
        rows = {r[0].value: r for r in sheet.iter_rows(min_row=4) if r[0].value}
        mine = card[card["council_code"] == code]
        for r in mine.itertuples():
            cell = rows[r.measure][columns[r.column] - 1]
            if pd.isna(r.value):
                assert cell.value is None
            else:
                assert cell.value == pytest.approx(r.value)
                compared += 1
    assert compared > 60
    notes = [c.value for row in book["Notes"].iter_rows() for c in row if c.value]
    assert "Definitions" in notes and "Sources" in notes and "Comparator groups" in notes
    judged = [row for row in book["Notes"].iter_rows(values_only=True) if row[4] in ("yes", "no")]
    assert sum(r[4] == "yes" for r in judged) > 90 and all(r[1] for r in judged)
    assert any("Ofsted" in str(v) for v in notes) and any("Open Government Licence" in str(v) for v in notes)


def test_csv_is_the_long_card(card):
    back = pd.read_csv(io.BytesIO(scorecard.to_csv(card)))
    assert list(back.columns) == scorecard.LONG_COLUMNS and len(back) == len(card)
    both = back["value"].notna()
    assert back.loc[both, "value"].to_numpy() == pytest.approx(card.loc[both.to_numpy(), "value"].astype(float).to_numpy())
    assert set(back["column"]) == set(scorecard.COLUMNS)


def test_text_a_spreadsheet_would_run_is_neutralised(card, store):
    """Both downloads are written by regional.exports: hostile text in a measure, a source or a
    note reaches them as plain text, never as a formula."""
    hostile = card.copy()
    hostile.loc[hostile.index[0], "measure"] = '=HYPERLINK("http://evil.example/","x")'
    hostile.loc[hostile.index[1], "source"] = "+cmd|' /C calc'!A0"
    hostile.loc[hostile.index[2], "note"] = "@SUM(1+1)"
    data = scorecard.to_csv(hostile)
    assert exports.formula_cells(data) == []
    assert "'=HYPERLINK(" in data.decode("utf-8-sig")
    book = scorecard.to_xlsx(hostile, store)
    assert exports.xlsx_formula_cells(book) == []
    cells = [c.value for ws in openpyxl.load_workbook(io.BytesIO(book)).worksheets for row in ws.iter_rows()
             for c in row]
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells


def test_polarity_reads_both_spellings_and_compare_never_relies_on_colour():
    assert scorecard.polarity("low_good") == scorecard.polarity("lower_better") == "lower_better"
    assert scorecard.polarity("neutral") == "neither"
    assert scorecard.compare(9, 10, "lower_better") == "▼ lower, better"
    assert scorecard.compare(9, 10, "higher_better") == "▼ lower, worse"
    assert scorecard.compare(11, 10, "neither") == "▲ higher"
    assert scorecard.compare(None, 10, "neither") == ""


def test_cli_writes_csv_and_xlsx(tmp_path, engine):
    out = tmp_path / "dorset.xlsx"
    done = subprocess.run([sys.executable, "-m", "regional", "scorecard", "--council", "Dorset", "--measures",
                           "cic_rate_per_10k", "pct_uasc", "--out", str(out)], capture_output=True, text=True,
                          cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Dorset", "Notes"]
    group = tmp_path / "gm.csv"
    done = subprocess.run([sys.executable, "-m", "regional", "scorecard", "--group", "Greater Manchester RCC",
                           "--statistic", "pooled", "--out", str(group)], capture_output=True, text=True,
                          cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(group)
    assert frame["council_name"].nunique() == 10
    pooled = frame[(frame["indicator_id"] == "cic_rate_per_10k") & (frame["column"] == "neighbours")]
    assert set(pooled["statistic"]) == {"pooled"}
    bad = subprocess.run([sys.executable, "-m", "regional", "scorecard", "--council", "Narnia", "--out",
                          str(tmp_path / "x.csv")], capture_output=True, text=True, cwd=PROJECT_DIR)
    assert bad.returncode != 0 and "Narnia" in bad.stderr and not (tmp_path / "x.csv").exists()


def test_more_comparator_columns_from_any_group(store):
    options = scorecard.Options(extra_groups=("rcc:greater-manchester",))
    card = scorecard.council_scorecard(store, "Dorset", ["cic_rate_per_10k", "pct_three_plus_placements"], options)
    extra = card[card["column"] == "group:rcc:greater-manchester"].set_index("indicator_id")
    assert set(extra["column_label"]) == {"Greater Manchester RCC (RCC)"}
    members = store.group_members("rcc:greater-manchester")
    rate = store.preferred("cic_rate_per_10k", members)
    rate = rate[rate["period"] == extra.loc["cic_rate_per_10k", "period"]]
    assert extra.loc["cic_rate_per_10k", "value"] == pytest.approx(rate["value"].mean())
    assert extra.loc["cic_rate_per_10k", "n"] == 10
    table = scorecard.wide(card)
    assert "Greater Manchester RCC (RCC)" in table.columns
    book = openpyxl.load_workbook(io.BytesIO(scorecard.to_xlsx(card, store, options)))
    header = [c.value for c in book["Dorset"][3]]
    assert header[19] == "Greater Manchester RCC (RCC)"
    assert book["Dorset"].cell(4, 20).value == pytest.approx(extra.loc["cic_rate_per_10k", "value"])


def test_an_older_own_return_is_not_compared_as_if_it_were_newer(store):
    card = scorecard.council_scorecard(store, "Dorset", ["cic_rate_per_10k"])
    own = card[card["column"] == "council_return"].iloc[0]
    dfe = card[card["column"] == "council"].iloc[0]
    assert own["period"] < dfe["period"]  # Dorset's 2023 document against DfE's 2025 figure
    assert own["comparison"] == "older than DfE's latest"
    newer = scorecard.council_scorecard(store, "BCP", ["cic_rate_per_10k"])
    own = newer[newer["column"] == "council_return"].iloc[0]
    assert own["comparison"].startswith("vs DfE's latest: ")
