"""The meeting pack: every section and image for the South West group, nothing fetched from outside,
and a PDF that opens with its title page and a page per council of interest."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from regional import metrics, report
from regional.errors import DataError
from tests.test_cli import run

CHROMIUM = Path(report.CHROMIUM)
#: Namespace declarations in inline SVG name a vocabulary; nothing is fetched from them.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture(scope="module")
def south_west(store):
    pack = report.build_pack(store, "rcc:south-west", ["BCP", "Dorset"])
    return pack, report.render_html(pack)


def test_pack_holds_every_section_and_image(south_west, store):
    pack, document = south_west
    members = store.group_members("rcc:south-west")
    assert pack.members == members and len(members) == 15
    titles = [c.title for c in pack.chapters]
    assert titles[0] == "Overview: every member side by side"
    assert "Action plans: where each council's plan stands" in titles
    assert titles[-2:] == ["Council of interest: Bournemouth, Christchurch and Poole", "Council of interest: Dorset"]
    assert {"Sufficiency plan", "Scorecard", "Comparator groups"} <= set(titles)
    assert not any(t.startswith("pages/") for t in titles), titles  # a page's title, never its file
    # the two maps are in the pack as pictures (Vega-Lite, like the page), not only as tables
    maps = [f for c in pack.chapters for f in c.figures if f.title in ("Map: local places per 10,000 children",
                                                                        "Where children live (synthetic)")]
    assert len(maps) == 2 and all(f.chart is not None and "<path" in f.svg for f in maps)
    for chapter in pack.chapters:
        assert f"<h2>{chapter.title}</h2>".replace("'", "&#x27;") in document
    # the Overview table: every member, the region and England, as on the Overview page
    table = metrics.headline_wide(metrics.headline_table(store, members, region_code="E12000009"))
    for area in table["Area"]:
        assert f"<td>{area}</td>".replace("'", "&#x27;") in document
    # one inline image per chart, each titled, with its period and source inside the image itself
    charted = [f for c in pack.chapters for f in c.figures if f.chart is not None]
    svgs = re.findall(r"<svg\b.*?</svg>", document, re.S)
    assert len(svgs) == len(charted) >= len(metrics.HEADLINE_INDICATORS) + 3  # + group, BCP and Dorset plans
    for figure, svg in zip(charted, svgs):
        assert figure.svg == svg
        text = " ".join(re.findall(r">([^<]+)</(?:text|tspan)>", svg))
        assert figure.title[:30] in html.unescape(text)
        assert "Source:" in text and ("Period:" in text or not figure.period)
    # action plans' status: BCP's tracker counts are in the pack
    assert "29 completed" in document and "19 on track" in document
    assert document.count('class="chapter council"') == 2


def test_pack_makes_no_outside_request(south_west):
    _, document = south_west
    urls = set(re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", document))
    assert urls <= NAMESPACES, urls - NAMESPACES
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#|data:)""", document)
    assert "@import" not in document and not re.search(r"url\((?!#)", document)  # url(#clip): inside the SVG
    ids = re.findall(r'\bid="([^"]+)"', document)
    assert len(ids) == len(set(ids))  # two maps' clip paths cannot be mixed up
    for ref in set(re.findall(r"url\(#([^)]+)\)", document)):
        assert ref in ids
    assert "<script" not in document and "<link" not in document and "<img" not in document


def test_pack_print_stylesheet_is_a4(south_west):
    _, document = south_west
    assert "@page { size: A4" in document and "@media print" in document
    assert "thead { display: table-header-group; }" in document  # long tables repeat their header, not cut


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium is not at {CHROMIUM}")
def test_pack_pdf_opens_with_title_page_and_a_page_per_council(tmp_path, store):
    from pypdf import PdfReader

    out = report.make_pack(store, "South West RCC", ["E06000058", "Dorset"], tmp_path / "pack.pdf")
    reader = PdfReader(str(out))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 6
    assert "Regional Care Benchmark: meeting pack" in pages[0] and "South West RCC" in pages[0]
    assert "Council(s) of interest" in pages[0]
    # the title page lists the contents; after it, each council's heading is on one page only
    assert "Council of interest: Dorset" in pages[0]
    starts = {name: [i for i, text in enumerate(pages) if i and f"Council of interest: {name}" in text]
              for name in ("Bournemouth, Christchurch and Poole", "Dorset")}
    assert all(len(found) == 1 for found in starts.values()), starts
    bcp, dorset = starts["Bournemouth, Christchurch and Poole"][0], starts["Dorset"][0]
    assert 0 < bcp < dorset  # each council starts a page of its own
    assert pages[bcp].lstrip().startswith("Council of interest: Bournemouth")
    assert pages[dorset].lstrip().startswith("Council of interest: Dorset")
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4 portrait, 210 mm


def test_pack_cli_writes_html_and_refuses_bad_input(tmp_path, engine):
    out = tmp_path / "sw.html"
    result = run("pack", "--group", "rcc:south-west", "--council", "BCP", "--date", "2026-06-10", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "Meeting of 10 June 2026" in text and "Council of interest: Bournemouth" in text
    bad = run("pack", "--group", "Atlantis", "--out", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "unknown group 'Atlantis'" in bad.stderr
    bad = run("pack", "--group", "rcc:south-west", "--out", str(tmp_path / "x.docx"))
    assert bad.returncode == 2 and ".html or .pdf" in bad.stderr


def test_small_numbers_suppressed_in_shared_tables():
    import pandas as pd

    table = pd.DataFrame({"council": ["A", "B", "C"], "children": pd.array([3, 12, 0], dtype="Int64"),
                          "rank": [1, 2, 3]})
    shown = report.suppress_small(table)
    assert list(shown["children"]) == ["suppressed (<5)", 12, 0]
    assert list(shown["rank"]) == [1, 2, 3]  # a rank is not a count of children
    with pytest.raises(DataError):
        report.resolve_group(type("S", (), {"groupings": pd.DataFrame({"id": ["x"], "name": ["X"]})})(), "y")

