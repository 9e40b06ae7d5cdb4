"""bench/results.md is shared by several bench commands and notes kept by hand: each command replaces
only its own block (a full `python -m bench` used to rewrite the file and drop the others)."""
from __future__ import annotations

from bench.blocks import replace_block


def test_a_block_replaces_only_itself_and_keeps_everything_else(tmp_path):
    path = tmp_path / "results.md"
    path.write_text("notes kept by hand\n\n<!-- a -->\nold figures\n<!-- /a -->\n\n<!-- b -->\nB\n<!-- /b -->\nmore notes\n")
    replace_block(path, "<!-- a -->", "<!-- /a -->", "<!-- a -->\nnew figures\n<!-- /a -->")
    text = path.read_text()
    assert "new figures" in text and "old figures" not in text
    assert text.startswith("notes kept by hand") and "<!-- b -->\nB\n<!-- /b -->" in text and "more notes" in text
    replace_block(path, "<!-- c -->", "<!-- /c -->", "<!-- c -->\nC\n<!-- /c -->", at_top=True)
    assert path.read_text().startswith("<!-- c -->\nC\n<!-- /c -->\n\nnotes kept by hand")
    replace_block(path, "<!-- d -->", "<!-- /d -->", "<!-- d -->\nD\n<!-- /d -->")
    assert path.read_text().endswith("more notes\n\n<!-- d -->\nD\n<!-- /d -->\n")


def test_the_full_bench_and_the_browser_bench_own_different_blocks():
    from bench import __main__ as full
    from bench import browser

    assert {full.START, full.END}.isdisjoint({browser.START, browser.END})
    text = full.RESULTS_FILE.read_text()
    for start, end in ((full.START, full.END), (browser.START, browser.END)):
        assert text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end)
