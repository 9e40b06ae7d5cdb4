"""``python -m bench browser``: how fast the app is in a real browser (Debian's Chromium driven by
Playwright), as a user meets it. A fresh Streamlit server on a free loopback port with an empty
SQLite file, then:

- first load: the first visit to an empty database, the moment the server answers, goal < 5 s: as
  `make run` serves it (postcode index built once into var/cache; `serve.py` loads the embedded data
  while the server starts), and again as a bare `streamlit run app.py` (index built and data loaded
  when the first visitor arrives);
- every page, warm: from clicking its link in the navigation until its title, charts and maps are
  drawn and the script has finished, goal < 2 s;
- widget changes: a control on each page and the sidebar's council, until redrawn, goal < 1 s;
- 10 browser sessions at once, each switching through the pages, 95th percentile < 3 s: once with
  no pause between switches, once with each user reading a page for a while (REGIONAL_BENCH_THINK,
  mean 5 s). The ten Chromium tabs share the machine's cores with the server, so the row says how
  much of the busy CPU time was the server's.

The control a step clicks is found before the clock starts (Playwright's role query walks the
whole page's accessibility tree, 0.1-0.3 s on a long page, which is the bench's work, not the
app's); the click itself, with Playwright's checks that the element is visible and still, is timed.

"Interactive" is Streamlit's own script state (``data-test-script-state="notRunning"``, connected,
no status widget, nothing stale) and every visible chart and map drawn: the same wait as the
browser test suite (tests/browser/_browser_support.py).
"""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: The app to measure; another checkout (e.g. the commit before a change) for a before/after pair.
APP_DIR = Path(os.environ.get("REGIONAL_BENCH_APP_DIR", PROJECT_DIR)).resolve()
sys.path.insert(0, str(PROJECT_DIR / "tests" / "browser"))

from _browser_support import (_ALL_DRAWN_JS, _SNAPSHOT_JS, CHART, CHROMIUM, LAUNCH_ARGS, MAIN, MAP,  # noqa: E402
                              STATUS, VIEWPORT, discover_pages, url_path)

#: deck.gl maps too, so a before/after pair with a commit from before the maps became Vega-Lite
#: (REGIONAL_BENCH_APP_DIR) waits for its maps as this one does for its own.
MAP = f'{MAP}, [data-testid="stDeckGlJsonChart"]'

RESULTS = PROJECT_DIR / "bench" / "results.md"
START, END = "<!-- browser: written by python -m bench browser -->", "<!-- /browser -->"
GOALS = {"first load": 5.0, "page warm": 2.0, "widget": 1.0, "concurrent p95": 3.0}
#: One control per page to change (label of a radio and the option to pick), as a user would.
WIDGETS = {"overview": ("toggle", "Start the axis at zero", None),
           "1_Children_in_care": ("radio", "Show", "Number of children"),
           "2_Fostering": ("radio", "Households", "All types"),
           "3_Residential": ("radio", "Measure", "Places"),
           "4_Placement_distance": ("form", "Unaccompanied asylum-seeking children", "Apply filters")}

_WATCH_JS = """() => {
  window.__runs = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return;
  if (window.__observer) window.__observer.disconnect();
  window.__observer = new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'running') window.__runs += 1;
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1; });
  window.__observer.observe(app, {attributes: true, attributeOldValue: true,
                                  attributeFilter: ['data-test-script-state']});
}"""


@dataclass
class Timing:
    what: str
    seconds: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install_index(env: dict) -> None:
    """What `make run` does before starting: build the postcode index into the (fresh) var dir.
    A checkout older than the `postcode-index` command gets a copy of this project's cached index."""
    done = subprocess.run([sys.executable, "-m", "regional", "postcode-index"], cwd=APP_DIR, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        cache = Path(env["REGIONAL_VAR_DIR"]) / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        for path in (PROJECT_DIR / "var" / "cache").glob("postcode_index_*.npz"):
            shutil.copy(path, cache / path.name)


THINK_S = float(os.environ.get("REGIONAL_BENCH_THINK", 5))  # mean pause between page switches, second round
CPUS = os.cpu_count() or 1


def _cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (user + nice + system + irq + softirq, /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def _chromium_cpu() -> float:
    """CPU seconds used by every Chromium process now running, with the children each has reaped
    (renderers of closed tabs), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(") ", 1)
        except OSError:
            continue
        if "chrom" in name.rsplit("(", 1)[-1]:
            fields = rest.split()
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return total / os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int | None) -> float:
    """CPU seconds one process has used (user + system), or -1 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, TypeError, IndexError, ValueError):
        return -1.0


def _process_rss_mb(pid: int | None) -> float:
    """A process's resident memory in MB (VmRSS), or -1 when unknown."""
    try:
        line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except (OSError, TypeError, StopIteration, ValueError):
        return -1.0


def start_server(tmp: Path, *, installed: bool = True) -> tuple[subprocess.Popen, str]:
    """The app on a free loopback port against an empty SQLite file. ``installed``: as `make run` serves
    it (postcode index built first, `streamlit run serve.py`, which loads the data as the server
    starts); else a bare `streamlit run app.py` with no index."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}", "REGIONAL_VAR_DIR": str(tmp / "var"),
           "REGIONAL_PSEUDONYM_KEY": os.environ.get("REGIONAL_PSEUDONYM_KEY", "bench-only-key")}
    if installed:
        _install_index(env)
    script = "serve.py" if installed and (APP_DIR / "serve.py").exists() else "app.py"  # what make run serves
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=APP_DIR, env=env, stdout=(tmp / "server.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"streamlit did not start; see {tmp / 'server.log'}")


async def interactive(page, started: float, *, expect_run: bool, timeout_s: float = 45, quiet_s: float = 0.3,
                      left: str | None = None) -> float:
    """Seconds from ``started`` until the page is interactive: a run was seen (when one is expected; on a
    navigation, the title no longer ``left``'s also shows the new page's run arrived), the script has
    finished, every chart and map is drawn, and it stays so for ``quiet_s``. A short page's run can
    start and finish within one frame, so its 'running' state never reaches the page to be seen."""
    ready_at = None
    while time.perf_counter() - started < timeout_s:
        snap = await page.evaluate(_SNAPSHOT_JS, [MAIN, STATUS])
        busy = snap is None or snap[0] != "notRunning" or snap[1] != "CONNECTED" or snap[2] or snap[4] > 0
        ran = (not expect_run) or await page.evaluate("() => (window.__runs || 0) > 0") or (
            left is not None and await _title(page) not in ("", left))
        drawn = (not busy) and ran and await page.evaluate(_ALL_DRAWN_JS, [CHART, MAP])
        if drawn and await page.locator(f"{MAIN} h1").count():
            ready_at = ready_at or time.perf_counter()
            if time.perf_counter() - ready_at >= quiet_s:
                return ready_at - started
        else:
            ready_at = None
        await asyncio.sleep(0.05)
    raise TimeoutError("the page did not become interactive")


async def _first_visit(page, base_url: str) -> float:
    """Seconds from opening the app's address until the Overview is interactive (a first visit:
    no run is awaited, the page's own load is the run)."""
    started = time.perf_counter()
    await page.goto(f"{base_url}/", wait_until="domcontentloaded")
    return await interactive(page, started, expect_run=False, timeout_s=180)


async def _title(page) -> str:
    titles = await page.locator(f"{MAIN} h1").all_inner_texts()
    return titles[0].strip() if titles else ""


async def _nav_click(page, title: str) -> float:
    left = await _title(page)
    link = await page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).first \
        .element_handle()  # found before the clock starts
    await page.evaluate(_WATCH_JS)
    started = time.perf_counter()
    await link.click()
    return await interactive(page, started, expect_run=True, left=left)


def _titles() -> list[tuple[str, str]]:
    """(page id, navigation title) for every page, in the app's order (titles as app.py gives them)."""
    sys.path.insert(0, str(PROJECT_DIR))
    out = []
    for path in discover_pages():
        if path.name == "overview.py":
            out.append(("overview", "Overview"))
            continue
        name = path.stem.split("_", 1)[1] if path.stem.split("_", 1)[0].isdigit() else path.stem
        titles = {"Residential": "Residential & supported accommodation", "Accessibility": "Accessibility statement"}
        out.append((path.stem, titles.get(name, name.replace("_", " "))))
    return out


async def _change(page, page_id: str) -> float | None:
    kind, label, option = WIDGETS.get(page_id, (None, None, None))
    if kind is None:
        return None
    main = page.locator(MAIN)
    if kind == "toggle":
        target = main.locator('[data-testid="stCheckbox"]').filter(has_text=label).locator("label").first
    elif kind == "form":  # change a control inside a form, then time from pressing its button
        radio = main.locator('[data-testid="stRadio"]').filter(has=page.get_by_text(label, exact=True)).first
        options = await radio.locator("label:has(input)").all_inner_texts()  # not the widget's own label
        checked = await radio.locator("input:checked").evaluate("e => e.closest('label').innerText")
        await radio.get_by_text(next(o for o in options if o != checked), exact=True).click()
        target = main.get_by_role("button", name=option, exact=True)
    else:
        radio = main.locator('[data-testid="stRadio"]').filter(has=page.get_by_text(label, exact=True)).first
        options = await radio.locator("label:has(input)").all_inner_texts()  # not the widget's own label
        checked = await radio.locator("input:checked").evaluate("e => e.closest('label').innerText")
        if option is None or option == checked:  # change it: the other option from the one chosen now
            option = next(o for o in options if o != checked)
        target = radio.get_by_text(option, exact=True)
    if not await target.count():
        return None
    handle = await target.first.element_handle()
    await page.evaluate(_WATCH_JS)
    started = time.perf_counter()
    await handle.click()
    return await interactive(page, started, expect_run=True)


async def _sidebar_council(page, name: str) -> float:
    box = page.get_by_role("combobox", name="Council of interest", exact=True)
    await box.click()
    await box.fill(name)
    option = await page.get_by_role("option", name=name, exact=True).element_handle()
    await page.evaluate(_WATCH_JS)
    started = time.perf_counter()
    await option.click()
    return await interactive(page, started, expect_run=True)


async def measure(base_url: str, *, rounds: int = 3, sessions: int = 10, switches: int = 1,
                  server_pid: int | None = None) -> list[Timing]:
    from playwright.async_api import async_playwright

    pages = _titles()
    out: list[Timing] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(viewport=VIEWPORT)
        first = await _first_visit(page, base_url)
        out.append(Timing("first load: Overview on an empty database, served as `make run` does (the server "
                          "loads the embedded data as it starts)", [first]))
        print(f"bench browser: first load {first:.2f} s", flush=True)
        # every page twice round before timing: the first visit of each page fills its caches (cold)
        cold = {}
        for page_id, title in pages[1:] + pages[:1]:
            cold[page_id] = await _nav_click(page, title)
        for page_id, title in pages:
            out.append(Timing(f"page cold (first visit after the load): {title}", [cold[page_id]]))
        warm = {page_id: Timing(f"page warm: {title}") for page_id, title in pages}
        for _ in range(rounds):
            for page_id, title in pages[1:] + pages[:1]:
                warm[page_id].seconds.append(await _nav_click(page, title))
        out += list(warm.values())
        for t in warm.values():
            print(f"bench browser: {t.what}: {t.median:.2f} s ({', '.join(f'{x:.2f}' for x in t.seconds)})", flush=True)
        for page_id, title in pages:
            await _nav_click(page, title)
            changes = Timing(f"widget change: {title} ({WIDGETS.get(page_id, ('', 'none', ''))[1]})")
            for _ in range(2):
                try:
                    seconds = await _change(page, page_id)
                except Exception as exc:  # a finding, not a crash: say so in the table
                    changes.note = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
                    break
                if seconds is not None:
                    changes.seconds.append(seconds)
            if changes.seconds or changes.note:
                out.append(changes)
        await _nav_click(page, "Children in care")
        council = Timing("widget change: sidebar council (Children in care)")
        for name in ("Dorset", "Bournemouth, Christchurch and Poole"):
            council.seconds.append(await _sidebar_council(page, name))
        out.append(council)
        await page.close()

        async def user(n: int, think: float) -> list[float]:
            context = await browser.new_context(viewport=VIEWPORT)
            tab = await context.new_page()
            await tab.goto(f"{base_url}/", wait_until="domcontentloaded")
            await interactive(tab, time.perf_counter(), expect_run=False, timeout_s=180)
            times = []
            order = pages[n % len(pages):] + pages[:n % len(pages)]
            for _ in range(switches):
                for _, title in order:
                    await asyncio.sleep(think * (0.5 + (n * 7919 + len(times) * 104729) % 1000 / 1000))
                    try:
                        times.append(await _nav_click(tab, title))
                    except Exception:  # not interactive within the timeout: counted as such
                        times.append(float("inf"))
            await context.close()
            return times

        if not sessions:
            await browser.close()
            return out
        for think in (0.0, THINK_S):
            cpu_before, server_before, t0 = _cpu_seconds(), _process_cpu(server_pid), time.perf_counter()
            chromium_before = _chromium_cpu()
            results = await asyncio.gather(*(user(n, think) for n in range(sessions)))
            wall = time.perf_counter() - t0
            machine, server = _cpu_seconds() - cpu_before, _process_cpu(server_pid) - server_before
            chromium = _chromium_cpu() - chromium_before
            every = sorted(t for times in results for t in times)
            p95 = every[min(len(every) - 1, int(round(0.95 * (len(every) - 1))))]
            failed = sum(t == float("inf") for t in every)
            how = ("one after another, no pause" if not think else
                   f"each reading a page {think * 0.5:.1f}-{think * 1.5:.1f} s before the next")
            cpu = (f"; CPU busy {machine:.0f} of {wall * CPUS:.0f} core-seconds: the Streamlit server "
                   f"{server:.0f}, Chromium {chromium:.0f}, anything else {machine - server - chromium:.0f}"
                   if server >= 0 else "")
            out.append(Timing(f"{sessions} sessions at once switching pages ({how}): 95th percentile", [p95],
                              note=f"{len(every)} page switches in {wall:.0f} s; median "
                                   f"{statistics.median(every):.2f} s, slowest finished "
                                   f"{max([t for t in every if t != float('inf')], default=float('nan')):.2f} s"
                                   + (f"; {failed} not interactive within 45 s" if failed else "") + cpu))
            print(f"bench browser: {out[-1].what}: {p95:.2f} s ({out[-1].note})", flush=True)
        await browser.close()
    return out


def goal_of(what: str) -> float | None:
    for key, goal in GOALS.items():
        if what.startswith(key) or (key == "concurrent p95" and "sessions at once" in what):
            return goal
    return None


def render(timings: list[Timing], load_before: str, load_after: str) -> str:
    lines = ["| measurement | median (s) | runs | goal | | note |", "|---|---|---|---|---|---|"]
    for t in timings:
        goal = goal_of(t.what) if not t.what.startswith("page cold") else None
        verdict = "" if goal is None else ("ok" if t.median < goal else "over")
        runs = ", ".join(f"{s:.2f}" for s in t.seconds)
        lines.append(f"| {t.what} | {t.median:.2f} | {runs} | {'' if goal is None else f'< {goal:g} s'} | {verdict} "
                     f"| {t.note} |")
    lines += ["", f"Load average (1/5/15 min) before: {load_before}; after: {load_after}."]
    return "\n".join(lines)


def main() -> int:
    if not CHROMIUM.exists():
        print(f"bench browser: {CHROMIUM} not found (apt-get install -y chromium)")
        return 1
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="regional-bench-browser-") as tmp:
        proc, url = start_server(Path(tmp))
        try:
            timings = asyncio.run(measure(url, rounds=int(os.environ.get("REGIONAL_BENCH_ROUNDS", 3)),
                                          sessions=int(os.environ.get("REGIONAL_BENCH_SESSIONS", 10)),
                                          server_pid=proc.pid))
        finally:
            _stop(proc)
    with tempfile.TemporaryDirectory(prefix="regional-bench-browser-") as tmp:
        proc, url = start_server(Path(tmp), installed=False)
        try:
            bare = asyncio.run(first_load(url))
            timings.insert(1, Timing("first load, bare `streamlit run app.py` (no postcode index yet, data "
                                     "loaded when the first visitor arrives)", [bare]))
        finally:
            _stop(proc)
    text = render(timings, load_before, " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(text)
    if APP_DIR != PROJECT_DIR:
        print(f"bench browser: measured {APP_DIR}; bench/results.md left as it is")
        return 0
    write_results(text)
    print(f"bench browser: written to {RESULTS}")
    return 0


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


async def first_load(base_url: str) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        seconds = await _first_visit(await browser.new_page(viewport=VIEWPORT), base_url)
        await browser.close()
    print(f"bench browser: first load without the install step {seconds:.2f} s", flush=True)
    return seconds


def write_results(table: str) -> None:
    """Replace the browser section of bench/results.md (the rest is python -m bench's)."""
    from bench.blocks import replace_block

    block = (f"{START}\n## In the browser (Chromium), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
             f"`python -m bench browser`: {' '.join(__doc__.split(chr(10) * 2)[0].split()).split(': ', 1)[1]}\n\n"
             f"{table}\n{END}")
    replace_block(RESULTS, START, END, block)
