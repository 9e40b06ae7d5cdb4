"""``python -m bench sessions``: how the server copes with many users at once, without their browsers.

`python -m bench browser` runs ten Chromium tabs on the same two cores as the server, and there the
tabs use four to five times the server's CPU (drawing charts is each user's own computer's work in
real use). This bench speaks Streamlit's own websocket protocol instead, as the browser does: each
session connects, runs the app, then switches pages, sending the hashes of the messages it already
holds as the browser does (so the server sends references, not the same charts again). A switch is
timed from the request to the server's "script finished": what the server does for one user while
the others are at it too. The browser's drawing time is the single-user 'page warm' figures.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import browser
from bench.blocks import replace_block

SESSIONS = int(os.environ.get("REGIONAL_BENCH_SESSIONS", 10))
SWITCHES = int(os.environ.get("REGIONAL_BENCH_SWITCHES", 2))  # times round every page, per session
THINK_S = browser.THINK_S
TIMEOUT_S = 60.0
START, END = "<!-- sessions: written by python -m bench sessions -->", "<!-- /sessions -->"


@dataclass
class Session:
    """One user's connection: the pages the app offers, and the messages it holds."""
    ws: object
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    held: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


async def _run(session: Session, page_hash: str, page_name: str = "") -> float:
    """Ask for a run of a page and wait for it to finish; seconds taken."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = ""
    state.page_script_hash = page_hash
    state.page_name = page_name
    state.cached_message_hashes.extend(sorted(session.held))
    started = time.perf_counter()
    await session.ws.send(msg.SerializeToString())
    while True:
        data = await asyncio.wait_for(session.ws.recv(), timeout=TIMEOUT_S)
        fwd = ForwardMsg()
        fwd.ParseFromString(data)
        kind = fwd.WhichOneof("type")
        if fwd.metadata.cacheable and fwd.hash:
            session.held.add(fwd.hash)
        if kind == "navigation":
            session.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" \
                and fwd.delta.new_element.WhichOneof("type") == "exception":
            session.errors.append(fwd.delta.new_element.exception.message[:200])
        elif kind == "script_finished":
            if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter() - started


async def user(url: str, n: int, think: float) -> tuple[list[float], list[str]]:
    """Connect, open the Overview, then switch through every page ``SWITCHES`` times, starting at a
    different page for each user, pausing ``think`` seconds (on average) between switches."""
    import websockets

    async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=TIMEOUT_S) as ws:
        session = Session(ws)
        await _run(session, "")
        paths = sorted(session.pages)
        order = paths[n % len(paths):] + paths[:n % len(paths)]
        times = []
        for _ in range(SWITCHES):
            for path in order:
                await asyncio.sleep(think * (0.5 + (n * 7919 + len(times) * 104729) % 1000 / 1000))
                try:
                    times.append(await _run(session, session.pages[path]))
                except (asyncio.TimeoutError, OSError) as exc:
                    times.append(float("inf"))
                    session.errors.append(f"{path}: {type(exc).__name__}")
        return times, session.errors


async def measure(url: str, server_pid: int) -> list[browser.Timing]:
    out = []
    for think in (0.0, THINK_S):
        rss_before = browser._process_rss_mb(server_pid)
        cpu_before, server_before, t0 = browser._cpu_seconds(), browser._process_cpu(server_pid), time.perf_counter()
        results = await asyncio.gather(*(user(url, n, think) for n in range(SESSIONS)))
        wall = time.perf_counter() - t0
        machine = browser._cpu_seconds() - cpu_before
        server = browser._process_cpu(server_pid) - server_before
        every = sorted(t for times, _ in results for t in times)
        errors = [e for _, errs in results for e in errs]
        p95 = every[min(len(every) - 1, int(round(0.95 * (len(every) - 1))))]
        how = ("one after another, no pause" if not think else
               f"each reading a page {think * 0.5:.1f}-{think * 1.5:.1f} s before the next")
        out.append(browser.Timing(
            f"{SESSIONS} sessions at once switching pages, server only ({how}): 95th percentile", [p95],
            note=f"{len(every)} page runs in {wall:.0f} s; median {statistics.median(every):.2f} s, slowest "
                 f"{every[-1]:.2f} s; server CPU {server:.0f} s ({server / max(len(every), 1):.2f} s a page), "
                 f"machine busy {machine:.0f} of {wall * browser.CPUS:.0f} core-seconds; server memory "
                 f"{rss_before:,.0f} -> {browser._process_rss_mb(server_pid):,.0f} MB"
                 + (f"; {len(errors)} errors: {errors[:2]}" if errors else "")))
        print(f"bench sessions: {out[-1].what}: {p95:.2f} s ({out[-1].note})", flush=True)
    return out


def main() -> int:
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="regional-bench-sessions-") as tmp:
        proc, url = browser.start_server(Path(tmp))
        try:
            # the first visit's load and each page's first preparation are not what this measures: one user
            # goes round first, as the browser bench visits every page before timing
            asyncio.run(user(url, 0, 0.0))
            timings = asyncio.run(measure(url, proc.pid))
        finally:
            browser._stop(proc)
    text = browser.render(timings, load_before, " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(text)
    if browser.APP_DIR != browser.PROJECT_DIR:
        print(f"bench sessions: measured {browser.APP_DIR}; bench/results.md left as it is")
        return 0
    block = (f"{START}\n## Many users at once, the server alone, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
             f"\n\n`python -m bench sessions`: {__doc__.splitlines()[0].split(': ', 1)[1]} {SESSIONS} sessions, "
             f"every page {SWITCHES} times each.\n\n{text}\n{END}")
    replace_block(browser.RESULTS, START, END, block)
    print(f"bench sessions: written to {browser.RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
