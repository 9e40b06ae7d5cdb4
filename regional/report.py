"""The meeting pack: one self-contained HTML file (and a PDF of it) for a group, its councils of
interest and a meeting date, built from the same section preparations the pages show.

Self-contained means no outside request of any kind: charts are inline SVG drawn by
``vl-convert`` (Vega-Lite compiled in-process, no browser and no CDN), styles are inline, no
web fonts, no images by URL. The print stylesheet lays it out on A4. The PDF is Chromium's
own rendering of that HTML (``page.pdf``), so the two cannot differ.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import altair as alt
import pandas as pd

from regional import action_plan_view, metrics
from regional.authorities import ENGLAND_CODE
from regional.errors import DataError
from regional.indicators import format_value

CHROMIUM = os.environ.get("REGIONAL_CHROMIUM", "/usr/bin/chromium")
CHART_WIDTH = 620  # CSS pixels: fits an A4 page between 15 mm margins
SMALL_NUMBER = 5  # counts under this, from child-level data, are suppressed in anything shared (as DfE does)


@dataclass
class Figure:
    """A section of the pack: a chart drawn as an image and/or a table, with what a reader needs to trust it."""

    title: str
    table: pd.DataFrame | None = None
    chart: alt.TopLevelMixin | None = None
    caption: str = ""
    source: str = ""
    period: str = ""
    synthetic: bool = False
    svg: str = ""


@dataclass
class Chapter:
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    new_page: bool = True
    kind: str = "page"  # "page", "council": a council of interest's own page


@dataclass
class Pack:
    group_id: str
    group_name: str
    members: list[str]
    councils: list[str]
    meeting_date: date
    generated_at: datetime
    chapters: list[Chapter]
    member_names: list[str] = field(default_factory=list)


# --- building -----------------------------------------------------------------------------
def resolve_group(store, group: str) -> str:
    """A group's id from its id or its name ('rcc:south-west' or 'South West RCC')."""
    ids = dict(zip(store.groupings["id"].str.lower(), store.groupings["id"]))
    names = dict(zip(store.groupings["name"].str.lower(), store.groupings["id"]))
    key = group.strip().lower()
    if key in ids:
        return ids[key]
    if key in names:
        return names[key]
    raise DataError(f"unknown group '{group}'", column="--group",
                    expected="a group id or name, e.g. " + ", ".join(store.groupings["id"].head(4)))


def from_section(section) -> Figure:
    """A page's section (a view's output) as a pack figure: same chart, same table, same words."""
    return Figure(title=getattr(section, "title", ""), table=getattr(section, "table", None),
                  chart=getattr(section, "chart", None), caption=getattr(section, "caption", ""),
                  source=getattr(section, "source", ""), period=getattr(section, "period", ""),
                  synthetic=bool(getattr(section, "synthetic", False)))


COUNT_WORDS = ("count", "children", "child", "episodes", "placements", "number", "households", "young people")


def count_columns(table: pd.DataFrame) -> list[str]:
    """Whole-number columns that count people or placements (not years, ranks or references)."""
    return [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])
            and any(w in str(c).lower() for w in COUNT_WORDS)]


def suppress_small(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Counts from child-level data under SMALL_NUMBER read 'suppressed (<5)', as on the pages.

    A table a page has already suppressed passes through unchanged (its small counts are words already)."""
    out = table.copy()
    for column in columns if columns is not None else count_columns(out):
        values = pd.to_numeric(out[column], errors="coerce")
        small = values.notna() & (values > 0) & (values < SMALL_NUMBER)
        if small.any():
            out[column] = out[column].astype(object).where(~small, f"suppressed (<{SMALL_NUMBER})")
    return out


def overview_chapter(store, members: list[str], region_code: str | None, highlight: str | None = None) -> Chapter:
    """The Overview's side-by-side table and one ranked chart per headline measure (as the page draws it)."""
    from regional import charts

    table = metrics.headline_table(store, members, region_code=region_code)
    region_name = store.name(region_code) if region_code else "Region"
    wide = metrics.headline_wide(table)
    chapter = Chapter("Overview: every member side by side",
                      intro="Latest DfE published figure for each measure, with its year (year ending 31 March), "
                            f"{region_name} and England first. Suppressed and unpublished figures are words, never 0.")
    sources = "; ".join(dict.fromkeys(table["source_title"].dropna()))
    chapter.figures.append(Figure("The Overview table", table=wide, source=sources,
                                  period=_periods(table), caption="As on the Overview page."))
    labels = dict(zip(store.indicators["id"], store.indicators["label"]))
    for measure in metrics.HEADLINE_INDICATORS:
        one = table[table["indicator_id"] == measure]
        councils_only = one[one["area_code"].isin(members) & (one["area_code"] != ENGLAND_CODE)
                            & (one["area_code"] != region_code)]
        if councils_only["value"].notna().sum() == 0:
            continue
        bench = one.set_index("area_code")["value"]
        chart = charts.ranked_bars(councils_only, value_label=labels[measure], highlight=highlight,
                                   england=bench.get(ENGLAND_CODE),
                                   region=bench.get(region_code) if region_code else None, region_name=region_name)
        shown = councils_only[["area_name", "value", "status", "period_label", "england", "region", "source_id"]]
        not_drawn = councils_only[councils_only["value"].isna()]
        chapter.figures.append(Figure(labels[measure], table=shown.rename(columns={"area_name": "council", "period_label": "period"}),
                                      chart=chart, source="; ".join(dict.fromkeys(councils_only["source_title"].dropna())),
                                      period=_periods(councils_only),
                                      caption=("Not drawn (no published figure): " + ", ".join(
                                          f"{n} ({s})" for n, s in zip(not_drawn["area_name"], not_drawn["status"])))
                                      if len(not_drawn) else ""))
    return chapter


def action_plan_chapter(store, members: list[str], councils: list[str]) -> Chapter:
    chapter = Chapter("Action plans: where each council's plan stands",
                      intro="Each council's newest sufficiency action plan held, actions counted by status. "
                            "Success measures are counted separately, as councils rate them separately.")
    chapter.figures.append(from_section(action_plan_view.group_status(store, members, highlight=councils[0] if councils else None)))
    return chapter


def council_chapter(store, code: str, members: list[str], region_code: str | None) -> Chapter:
    """A council of interest's own page: its headline figures against England and the region, its plan."""
    name = store.name(code)
    chapter = Chapter(f"Council of interest: {name}", kind="council",
                      intro=f"{name}'s latest published figures beside England and "
                            f"{store.name(region_code) if region_code else 'its region'}, and its action plan.")
    table = metrics.headline_table(store, [code], region_code=region_code)
    mine = table[table["area_code"] == code]
    figures = pd.DataFrame({
        "measure": mine["indicator"],
        "period": mine["period_label"],
        "value": [format_value(v, u, s) for v, u, s in zip(mine["value"], mine["unit"], mine["status"])],
        "England": [format_value(v, u) for v, u in zip(mine["england"], mine["unit"])],
        "region": [format_value(v, u) for v, u in zip(mine["region"], mine["unit"])],
        "against England": mine["vs_england"],
        "source": mine["source_title"],
    })
    chapter.figures.append(Figure(f"{name}: headline measures", table=figures, period=_periods(mine),
                                  source="; ".join(dict.fromkeys(mine["source_title"].dropna()))))
    returns = metrics.council_return_latest(store, [code])
    if len(returns):
        chapter.figures.append(Figure(f"{name}: latest figures from its own returns", table=returns.drop(columns="council"),
                                      caption="What the council publishes between DfE releases: more recent, not "
                                              "validated by DfE, each figure naming its document.",
                                      source="the council's own published documents"))
    plans = action_plan_view.plan_choices(store, [code])
    if plans.empty:
        chapter.figures.append(Figure(f"{name}: action plan", caption="No action plan held for this council."))
    else:
        newest = plans.iloc[-1]
        chapter.figures.append(from_section(action_plan_view.priority_status(store, code, newest["plan"], newest["version"])))
        chapter.figures.append(from_section(action_plan_view.measures_beside_actions(store, code, newest["plan"], newest["version"])))
        mine_plans = plans[plans["plan"] == newest["plan"]]
        if len(mine_plans) >= 2:
            changes = action_plan_view.version_changes(store, code, newest["plan"], mine_plans.iloc[-2]["version"],
                                                       newest["version"])
            summary = changes.frame.pivot_table(index="change", columns="item", values="count", aggfunc="sum",
                                                observed=False).reset_index()
            summary.columns = [str(c) for c in summary.columns]
            chapter.figures.append(Figure(changes.title, table=summary, caption=changes.caption,
                                          source=changes.source, period=changes.period))
    return chapter


def page_chapters(store, selection) -> list[Chapter]:
    """The key charts of every other page, from the pages' own preparations (``regional.views``) when present."""
    try:
        from regional import views  # noqa: F401  (issue 13: one preparation per page)
    except ImportError:
        return []
    return []


def build_pack(store, group: str, councils: list[str] | None = None, meeting_date: date | None = None, *,
               members: list[str] | None = None, group_name: str | None = None) -> Pack:
    """The pack for a stored group (id or name), or for ``members`` given directly (a council and its
    statistical neighbours) with ``group_name``. The first council of interest is highlighted."""
    if members is None:
        group_id = resolve_group(store, group)
        members = store.group_members(group_id)
        name = store.groupings.set_index("id")["name"][group_id]
    else:
        group_id, name = group, group_name or group
    codes = [store.index.resolve(c, column="--council") for c in (councils or [])]
    if not codes:
        codes = [members[0]] if members else []
    region_code = group_id.split(":", 1)[1] if group_id.startswith("region:") else (
        store.region_of(codes[0]) if codes else None)
    chapters = [overview_chapter(store, members, region_code, codes[0] if codes else None), *page_chapters(store, None),
                action_plan_chapter(store, members, codes)]
    chapters += [council_chapter(store, code, members, region_code) for code in codes]
    return Pack(group_id, name, list(members), codes, meeting_date or date.today(), datetime.now(timezone.utc),
                chapters, [store.name(c) for c in members])


def _periods(rows: pd.DataFrame) -> str:
    labels = sorted(set(rows["period_label"].dropna().astype(str))) if "period_label" in rows else []
    if not labels:
        return ""
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


# --- rendering ----------------------------------------------------------------------------
def chart_svg(chart: alt.TopLevelMixin, figure: Figure) -> str:
    """The chart as inline SVG with its title, period, source and synthetic label drawn into it,
    so a copied image still says what it is and where it came from."""
    import vl_convert as vlc

    subtitle = [s for s in (f"Period: {figure.period}" if figure.period else "",
                            f"Source: {_short(figure.source)}" if figure.source else "",
                            "SYNTHETIC DATA: not real children" if figure.synthetic else "") if s]
    titled = chart.properties(width=CHART_WIDTH, title=alt.TitleParams(
        text=figure.title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=10))
    spec = titled.to_json()
    svg = vlc.vegalite_to_svg(spec)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(figure.title)}" ', 1)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _table_html(table: pd.DataFrame, synthetic: bool) -> str:
    shown = suppress_small(table) if synthetic else table
    shown = shown.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = [("" if pd.isna(v) else f"{v:,.1f}".rstrip("0").rstrip(".")) for v in shown[column]]
    shown = shown.astype(object).where(shown.notna(), "")
    shown.columns = [str(c) for c in shown.columns]
    return shown.to_html(index=False, escape=True, border=0, classes="data", na_rep="").replace(
        "\\n", "<br>")


CSS = """
:root { --ink:#1b1b1b; --muted:#555; --rule:#ccc; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: var(--ink); margin: 0 auto; max-width: 190mm;
       font-size: 10pt; line-height: 1.35; padding: 8mm; }
h1 { font-size: 22pt; margin: 0 0 4mm; } h2 { font-size: 15pt; border-bottom: 2px solid var(--ink); padding-bottom: 1mm; }
h3 { font-size: 11.5pt; margin: 5mm 0 1.5mm; }
.title-page { min-height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.title-page .meta { font-size: 12pt; } .title-page dl { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; }
.title-page dt { font-weight: bold; }
.label { display: inline-block; border: 1.5px solid var(--ink); padding: 0 2mm; font-weight: bold; font-size: 8.5pt; }
figure { margin: 0 0 5mm; } figure svg { max-width: 100%; height: auto; }
figcaption, .note { color: var(--muted); font-size: 8.5pt; }
table.data { border-collapse: collapse; width: 100%; font-size: 7.5pt; margin: 1mm 0 2mm; }
table.data th, table.data td { border: 1px solid var(--rule); padding: 0.6mm 1.2mm; text-align: left; vertical-align: top;
       overflow-wrap: break-word; word-break: normal; hyphens: auto; }
table.data th { background: #eee; }
.chapter { break-before: page; page-break-before: always; }
.toc li { margin: 0.5mm 0; }
@page { size: A4 portrait; margin: 14mm 12mm 16mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 9.5pt; }
  figure, tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def render_html(pack: Pack) -> str:
    """The whole pack as one HTML document with nothing to fetch."""
    e = html.escape
    councils = ", ".join(e(n) for n in [pack.member_names[pack.members.index(c)] if c in pack.members else c
                                        for c in pack.councils])
    toc = "".join(f"<li>{e(ch.title)}</li>" for ch in pack.chapters)
    parts = [f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(pack.group_name)} meeting pack, {pack.meeting_date:%d %B %Y}</title><style>{CSS}</style></head><body>
<section class="title-page" id="title-page">
<p class="label">Regional Care Benchmark: meeting pack</p>
<h1>{e(pack.group_name)}</h1>
<p class="meta">Meeting of {pack.meeting_date:%d %B %Y}</p>
<dl><dt>Group</dt><dd>{e(pack.group_name)}: {len(pack.members)} councils ({e(', '.join(pack.member_names))})</dd>
<dt>Council(s) of interest</dt><dd>{councils or 'none'}</dd>
<dt>Prepared</dt><dd>{pack.generated_at:%d %B %Y %H:%M} UTC from the platform's data at that time</dd></dl>
<p class="note">Every figure names its source and period. DfE's published figures are used for comparisons
between councils; a council's own return is labelled as such. Suppressed and unpublished figures are words, never 0.
Counts under {SMALL_NUMBER} derived from child-level data are suppressed. Child-level data is synthetic and every chart
or table drawn from it says so.</p>
<h3>Contents</h3><ol class="toc">{toc}</ol>
</section>"""]
    for chapter in pack.chapters:
        cls = "chapter council" if chapter.kind == "council" else "chapter"
        parts.append(f'<section class="{cls}"><h2>{e(chapter.title)}</h2>')
        if chapter.intro:
            parts.append(f"<p>{e(chapter.intro)}</p>")
        for figure in chapter.figures:
            parts.append(_figure_html(figure))
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _figure_html(figure: Figure) -> str:
    e = html.escape
    out = ['<figure class="keep">' if figure.table is None or len(figure.table) <= 20 else "<figure>"]
    if figure.chart is not None:
        figure.svg = figure.svg or chart_svg(figure.chart, figure)
        out.append(figure.svg)
    else:
        out.append(f"<h3>{e(figure.title)}</h3>")
    notes = [figure.caption] if figure.caption else []
    if figure.period:
        notes.append(f"Period: {figure.period}.")
    if figure.source:
        notes.append(f"Source: {figure.source}.")
    if figure.synthetic:
        notes.append("SYNTHETIC DATA: generated to match published aggregates; not real children.")
    if notes:
        out.append(f"<figcaption>{e(' '.join(notes))}</figcaption>")
    out.append("</figure>")
    if figure.table is not None and len(figure.table):
        out.append(_table_html(figure.table, figure.synthetic))
    return "\n".join(out)


def write_pdf(document: str, out: Path) -> Path:
    """Chromium's own print of the HTML to A4 (the same print stylesheet a browser uses)."""
    if not Path(CHROMIUM).exists():
        raise DataError(f"a PDF needs Chromium at {CHROMIUM} (set REGIONAL_CHROMIUM); the HTML pack needs nothing",
                        file=str(out))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                       else route.continue_())
            page.set_content(document, wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template='<div style="font-size:7pt;width:100%;text-align:center;color:#555">'
                                     '<span class="title"></span> · page <span class="pageNumber"></span> of '
                                     '<span class="totalPages"></span></div>')
        finally:
            browser.close()
    return out


def pdf_bytes(document: str) -> bytes:
    """The PDF of a pack's HTML, as bytes (for a download button)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_pdf(document, Path(folder) / "pack.pdf").read_bytes()


def make_pack(store, group: str, councils: list[str] | None, out: Path, meeting_date: date | None = None) -> Path:
    """Build the pack and write it as HTML or PDF, chosen by ``out``'s suffix."""
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise DataError(f"cannot write a pack as '{out.suffix}'", file=str(out), expected=".html or .pdf")
    document = render_html(build_pack(store, group, councils, meeting_date))
    if out.suffix.lower() == ".pdf":
        return write_pdf(document, out)
    out.write_text(document, encoding="utf-8")
    return out
