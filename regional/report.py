"""The meeting pack: one self-contained HTML file (and a PDF of it) for a group, its councils of
interest and a meeting date, built from the same section preparations the pages show.

Self-contained means no outside request of any kind: charts are inline SVG drawn by
``vl-convert`` (Vega-Lite compiled in-process, no browser and no CDN), styles are inline, no
web fonts, no images by URL. The print stylesheet lays it out on A4. The PDF is Chromium's
own rendering of that HTML (``page.pdf``), so the two cannot differ.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import altair as alt
import pandas as pd

from regional.errors import DataError

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
TABLE_ROWS = 60  # a pack table stops here and says so; the page and its CSV have every row
PAGE_TITLES = {"overview.py": "Overview", "pages/1_Children_in_care.py": "Children in care",
               "pages/2_Fostering.py": "Fostering", "pages/3_Residential.py": "Residential and supported accommodation",
               "pages/4_Placement_distance.py": "Placement distance", "pages/5_Action_plans.py": "Action plans",
               "pages/5_Sufficiency_plan.py": "Sufficiency plan", "pages/6_Scorecard.py": "Scorecard",
               "pages/7_Groups.py": "Comparator groups"}


def resolve_group(store, group: str) -> str:
    """A group's id from its id or its name ('rcc:south-west' or 'South West RCC'), or 'neighbours'."""
    from regional.selection import NEIGHBOURS_CHOICE

    if group == NEIGHBOURS_CHOICE:
        return group
    ids = dict(zip(store.groupings["id"].str.lower(), store.groupings["id"]))
    names = dict(zip(store.groupings["name"].str.lower(), store.groupings["id"]))
    key = group.strip().lower()
    if key in ids:
        return ids[key]
    if key in names:
        return names[key]
    raise DataError(f"unknown group '{group}'", column="--group",
                    expected="a group id or name, e.g. " + ", ".join(store.groupings["id"].head(4)))


def section_period(section) -> str:
    """The period a section covers: what its view says, else the span of its table's period column."""
    said = (getattr(section, "extra", None) or {}).get("period")
    if said:
        return str(said)
    for frame in (getattr(section, "table", None), getattr(section, "frame", None)):
        if frame is None or not len(frame):
            continue
        for column in ("period", "period_label", "year", "Year", "date", "extract_date"):
            if column in frame.columns:
                values = sorted({v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)
                                 for v in frame[column].dropna() if str(v).strip()})
                if values:
                    return values[0] if len(values) == 1 else f"{values[0]} to {values[-1]}"
    return ""


def section_source(section) -> str:
    """The section's own source note, else the sources its table names row by row."""
    if section.source:
        return section.source
    for frame in (section.table, section.frame):
        if frame is None or not len(frame):
            continue
        for column in ("source_title", "source", "document", "source_id"):
            if column in frame.columns:
                named = [str(v) for v in dict.fromkeys(frame[column].dropna()) if str(v).strip()]
                if named:
                    return "; ".join(named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")
    return "not stated on the page"


def from_section(section, title: str | None = None) -> Figure:
    """A page's section as a pack figure: the same chart or map (built by the same builder), table and words."""
    chart = None
    if section.chart and not section.empty:
        chart = section.build_chart()
    caption = " ".join(t for t in (section.markdown if section.chart or section.table is not None else "",
                                   section.caption) if t)
    table = section.table
    if table is not None and len(table) > TABLE_ROWS:
        caption += f" The first {TABLE_ROWS} of {len(table):,} rows; the page and its CSV have them all."
        table = table.head(TABLE_ROWS)
    return Figure(title=title or section.title or "", table=table, chart=chart, caption=caption.strip(),
                  source=section_source(section), period=section_period(section), synthetic=bool(section.synthetic))


def _metrics_table(section) -> pd.DataFrame:
    return pd.DataFrame([{"measure": t["label"], "value": t["value"], "compared": t.get("help") or "",
                          "change": t.get("delta") or ""} for t in section.metrics])


def _selection(store, group_id: str, council: str | None, model: str = "2025"):
    from regional.selection import Selection

    return Selection.from_dict(store, {"group": group_id, "council": council, "model": model})


def overview_chapter(store, sel) -> Chapter:
    """The Overview's side-by-side table and its 'compare one measure' chart for every headline measure."""
    from regional.views import overview

    sections = {x.key: x for x in overview.prepare(store, sel)}
    side = sections["overview_side_by_side"]
    chapter = Chapter("Overview: every member side by side")
    chapter.figures.append(from_section(side, "The Overview table"))
    for measure, label in overview.measures(store).items():
        one = {x.key: x for x in overview.prepare(store, sel, overview.Choices(measure=measure))}["overview_measure"]
        if one.frame is not None and one.frame["value"].notna().any():
            chapter.figures.append(from_section(one, label))
    return chapter


def page_chapters(store, sel) -> list[Chapter]:
    """The key charts of every other page, from the pages' own preparations (``regional.views``)."""
    from regional.views import VIEWS

    chapters = []
    for page, view in VIEWS.items():
        if page in ("overview.py", "pages/5_Action_plans.py"):
            continue
        chapter = Chapter(PAGE_TITLES.get(page, page))
        heading = chapter.title
        for section in view.prepare(store, sel, view.Choices()):
            heading = section.title or heading
            if section.empty or not (section.chart or (section.table is not None and len(section.table))):
                continue
            if not section.chart and not section.title:
                continue  # a page's untitled side table (a flag list) belongs beside its chart, not alone
            # an untitled chart continues the section above it on the page
            chapter.figures.append(from_section(section, None if section.title else f"{heading} (continued)"))
        if chapter.figures:
            chapters.append(chapter)
    return chapters


def action_plan_chapter(store, sel) -> Chapter:
    from regional.views import action_plans

    group = {x.key: x for x in action_plans.prepare(store, sel)}["ap_group"]
    chapter = Chapter("Action plans: where each council's plan stands",
                      intro="Each council's newest sufficiency action plan held, actions counted by status. "
                            "Success measures are counted separately, as councils rate them separately.")
    chapter.figures.append(from_section(group))
    return chapter


def council_chapter(store, sel) -> Chapter:
    """A council of interest's own page: its headline figures, its own returns, its action plan."""
    from regional.views import action_plans, overview

    name = sel.council_name
    chapter = Chapter(f"Council of interest: {name}", kind="council",
                      intro=f"{name}'s latest published figures beside England and {sel.region_name}, its own "
                            "latest returns, and its action plan.")
    sections = {x.key: x for x in overview.prepare(store, sel)}
    headline = sections["overview_headline"]
    chapter.figures.append(Figure(headline.title, table=_metrics_table(headline), source=headline.source))
    returns = sections["overview_council_figures"]
    table = returns.table
    mine = table[table["council"] == name].drop(columns="council") if table is not None and len(table) else None
    if mine is not None and len(mine):
        chapter.figures.append(Figure(f"{name}: latest figures from its own returns", table=mine,
                                      caption=returns.caption, source="the council's own published documents"))
    plans = {x.key: x for x in action_plans.prepare(store, sel, action_plans.Choices(council=sel.council))}
    pick = plans["ap_pick"]
    if pick.empty or pick.extra.get("council") != sel.council:
        chapter.figures.append(Figure(f"{name}: action plan", caption="No action plan held for this council."))
        return chapter
    for key in ("ap_priority", "ap_measures"):
        chapter.figures.append(from_section(plans[key]))
    changes = plans["ap_changes"]
    if not changes.empty:
        figure = from_section(changes)
        figure.table = changes.extra["summary"]
        figure.caption = f"{changes.markdown.replace('**', '')} {changes.caption}"
        chapter.figures.append(figure)
    return chapter


def build_pack(store, group: str, councils: list[str] | None = None, meeting_date: date | None = None, *,
               model: str = "2025") -> Pack:
    """The pack for a group (id or name, or 'neighbours' of the first council) and its councils of interest;
    every part from the pages' own preparations, for the same selection a page would have."""
    group_id = resolve_group(store, group)
    codes = list(dict.fromkeys(store.index.resolve(c, column="--council") for c in (councils or [])))
    if group_id == "neighbours" and len(codes) > 1:
        raise DataError("a council and its statistical neighbours is one council's group", column="--council",
                        expected="one council of interest with 'neighbours'")
    first = _selection(store, group_id, codes[0] if codes else None, model)
    if not codes:
        codes = [first.council]
    elif first.council != codes[0]:
        raise DataError(f"{store.name(codes[0])} is not a member of {first.group_label}", column="--council",
                        expected="a council of the group")
    chapters = [overview_chapter(store, first), *page_chapters(store, first), action_plan_chapter(store, first)]
    for code in codes:
        sel = _selection(store, group_id, code, model)
        if sel.council != code:
            raise DataError(f"{store.name(code)} is not a member of {first.group_label}", column="--council",
                            expected="a council of the group")
        chapters.append(council_chapter(store, sel))
    return Pack(group_id, first.group_label, list(first.members), codes, meeting_date or date.today(),
                datetime.now(timezone.utc), chapters, [store.name(c) for c in first.members])


def _periods(rows: pd.DataFrame) -> str:
    labels = sorted(set(rows["period_label"].dropna().astype(str))) if "period_label" in rows else []
    if not labels:
        return ""
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


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


# --- rendering ----------------------------------------------------------------------------
def chart_svg(chart: alt.TopLevelMixin, figure: Figure) -> str:
    """The chart as inline SVG with its title, period, source and synthetic label drawn into it,
    so a copied image still says what it is and where it came from."""
    import vl_convert as vlc

    subtitle = [s for s in (f"Period: {figure.period}" if figure.period else "",
                            f"Source: {_short(figure.source)}" if figure.source else "",
                            "SYNTHETIC DATA: not real children" if figure.synthetic else "") if s]
    title = alt.TitleParams(text=figure.title or "Chart", subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=10)
    spec = _no_nan(chart.properties(title=title).to_dict())
    single = not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat"))
    spec = _sized(spec, CHART_WIDTH if single else CHART_WIDTH // 2 - 40)
    if single:
        spec["width"] = CHART_WIDTH
    svg = vlc.vegalite_to_svg(json.dumps(spec, allow_nan=False, default=_json_value))
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = _own_ids(svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(figure.title)}" ', 1)


def _own_ids(svg: str) -> str:
    """Every id in one SVG (a map's clip paths: "clip1", ...) made its own, so two maps in one document
    cannot borrow each other's clipping: the renderer numbers them from 1 in every chart."""
    prefix = "f" + hashlib.sha1(svg.encode()).hexdigest()[:10] + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m[1]})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', svg)


def _json_value(value) -> object:
    """Dates and other values a frame may carry, as JSON (dates as ISO text, which Vega reads as dates)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _sized(value, width: int):
    """A browser-width ('container') chart at a fixed width: an image has no container to fill."""
    if isinstance(value, dict):
        return {k: (width if k == "width" and v == "container" else _sized(v, width)) for k, v in value.items()}
    if isinstance(value, list):
        return [_sized(v, width) for v in value]
    return value


def _no_nan(value):
    """A spec with NaN/inf made null: JSON has no NaN (a missing figure is a gap, never 0)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):  # a map's inline rows are a tuple (regional.maps._inline)
        return [_no_nan(v) for v in value]
    return value


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
    """Chromium's own print of the HTML to A4 (the same print stylesheet a browser uses).

    Printed on a worker thread of its own: Playwright's sync API refuses to run on a thread where an
    asyncio loop is running (a caller's own Playwright session, or an async server), and a fresh
    thread never has one."""
    if not Path(CHROMIUM).exists():
        raise DataError(f"a PDF needs Chromium at {CHROMIUM} (set REGIONAL_CHROMIUM); the HTML pack needs nothing",
                        file=str(out))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack-pdf") as worker:
        return worker.submit(_print_pdf, document, out).result()


def _print_pdf(document: str, out: Path) -> Path:
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
