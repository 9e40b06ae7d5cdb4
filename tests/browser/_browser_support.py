"""What the browser tests share: where Chromium is, which pages the app has, and how to
wait for a Streamlit page to finish drawing (charts and maps included) before asserting."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.source_util import page_icon_and_name

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("REGIONAL_CHROMIUM", "/usr/bin/chromium"))
#: Software rendering, no outside requests: what works in a headless container.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOT_DIR = PROJECT_DIR / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}

#: Charts, and maps: a map is a Vega-Lite chart too, inside the container ``ui.show`` keys "map_<section>".
CHART = '[data-testid="stVegaLiteChart"]:not([class*="st-key-map_"] *)'
MAP = '[class*="st-key-map_"] [data-testid="stVegaLiteChart"]'
STATUS = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
MAIN = '[data-testid="stMain"]'

#: Generous: the first visit loads the embedded data into a fresh SQLite file.
LOAD_TIMEOUT_MS = 90_000
SERVER_START_TIMEOUT_S = 60


def main_page() -> Path:
    """The default page, served at '/': overview.py when app.py is only the navigation, else app.py."""
    overview = PROJECT_DIR / "overview.py"
    return overview if overview.exists() else PROJECT_DIR / "app.py"


def discover_pages() -> list[Path]:
    """The Overview and every page file in pages/ (app.py lists them all), in Streamlit's order."""
    pages = sorted((p for p in (PROJECT_DIR / "pages").glob("*.py") if not p.name.startswith("_")),
                   key=lambda p: _sort_key(p.name))
    return [main_page(), *pages]


def _sort_key(name: str) -> tuple[float, str]:
    number, label = re.match(r"([0-9]*)[_ -]*(.*)\.py", name).groups()
    return (float(number) if number else float("inf"), label.lower())


def url_path(page: Path) -> str:
    """The URL path Streamlit serves a page at ('' for the main script), by Streamlit's own rule."""
    if page == main_page():
        return ""
    return page_icon_and_name(page)[1]


def page_id(page: Path) -> str:
    return "overview" if page == main_page() else page.stem


@dataclass
class Visit:
    """A page loaded once and kept open, with the JavaScript errors it raised."""
    page: object
    js_errors: list[str] = field(default_factory=list)


# --- the app's own process ------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(folder: Path) -> dict[str, str]:
    """The environment an app process (and a CLI call against its database) runs with: a throwaway
    SQLite file and var/ folder under ``folder``."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite'}",
            "REGIONAL_VAR_DIR": str(folder / "var"), "REGIONAL_PSEUDONYM_KEY": os.environ.get("REGIONAL_PSEUDONYM_KEY", "test-only-key")}


@contextmanager
def streamlit_app(env: dict[str, str], log_name: str, extra_args: tuple[str, ...] = (),
                  port: int | None = None, script: str = "serve.py") -> Iterator[str]:
    """`streamlit run serve.py` (as `make run` serves the app; ``script="app.py"`` for the bare pages),
    headless on loopback (``port`` or a free one), with ``env``; yields its base URL and stops it (its
    whole process group) at the end. Its output goes to artifacts/``log_name``."""
    port = port or free_port()
    log_path = PROJECT_DIR / "artifacts" / log_name
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.runOnSave", "false", *extra_args],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {base_url} within {SERVER_START_TIMEOUT_S} s; "
                                   f"see {log_path}")
            time.sleep(0.3)
        yield base_url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


# --- waiting -----------------------------------------------------------------
_ALL_DRAWN_JS = """([chart, map]) => {
  const visible = e => e.offsetParent !== null && e.getBoundingClientRect().width > 0;
  const drawn = (e, sel) => Array.from(e.querySelectorAll(sel)).some(c => {
      const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const charts = Array.from(document.querySelectorAll(chart)).filter(visible);
  const maps = Array.from(document.querySelectorAll(map)).filter(visible);
  return charts.every(e => drawn(e, 'canvas, svg')) && maps.every(e => drawn(e, 'canvas, svg'));
}"""

_COUNTS_JS = """([chart, map]) => {
  const visible = e => e.offsetParent !== null && e.getBoundingClientRect().width > 0;
  const drawn = (e, sel) => Array.from(e.querySelectorAll(sel)).some(c => {
      const r = c.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const out = {};
  for (const [kind, sel, inner] of [['chart', chart, 'canvas, svg'], ['map', map, 'canvas, svg']]) {
    const all = Array.from(document.querySelectorAll(sel));
    out[kind] = {total: all.length, visible: all.filter(visible).length,
                 drawn: all.filter(e => visible(e) && drawn(e, inner)).length};
  }
  return out;
}"""


#: Polled every 50 ms while waiting: textContent, not innerText, which forces a layout of the whole
#: page on every poll and slowed the pages being timed (Children in care by about 0.3 s, 26 Nov 2026).
_SNAPSHOT_JS = """([main, status]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const m = document.querySelector(main);
  if (!app || !m) return null;
  return [app.getAttribute('data-test-script-state'), app.getAttribute('data-test-connection-state'),
          !!document.querySelector(status), m.querySelectorAll('[data-testid]').length,
          m.querySelectorAll('.stale-element, [data-stale="true"]').length, m.textContent.length];
}"""


def _busy(snap) -> bool:
    return (snap is None or snap[0] != "notRunning" or snap[1] != "CONNECTED" or snap[2] or snap[4] > 0)


def wait_until_idle(page, timeout_ms: int = LOAD_TIMEOUT_MS, quiet_ms: int = 500, *, expect_rerun: bool = False) -> None:
    """Wait until the script run has finished (Streamlit's own script state says so, nothing stale is
    left) and the page has not changed for ``quiet_ms`` (charts draw just after the run ends).

    ``expect_rerun``: a widget was just changed, so first wait (briefly) for the rerun to start.
    """
    step = 100
    if expect_rerun:
        try:
            page.wait_for_function(f"() => {{ const s = ({_SNAPSHOT_JS})({[MAIN, STATUS]!r}); "
                                   "return s === null || s[0] !== 'notRunning' || s[4] > 0; }", timeout=3_000,
                                   polling=50)
        except Exception:  # the rerun may already be over on a fast machine
            pass
    waited, quiet, last = 0, 0, None
    while waited < timeout_ms:
        snap = page.evaluate(_SNAPSHOT_JS, [MAIN, STATUS])
        if not _busy(snap) and snap == last:
            quiet += step
            if quiet >= quiet_ms:
                return
        else:
            quiet = 0
        last = snap
        page.wait_for_timeout(step)
        waited += step
    raise TimeoutError(f"the page was still running or changing after {timeout_ms / 1000:.0f} s: {last}")


def wait_for_drawn(page, timeout_ms: int = 45_000) -> None:
    """Wait until every visible chart and map has its canvas/SVG."""
    page.wait_for_function(_ALL_DRAWN_JS, arg=[CHART, MAP], timeout=timeout_ms)


def map_shapes(page) -> int:
    """How many shapes the page's first map draws (a council, an outline, an arc: each an SVG path): a
    map whose rows did not reach the browser is an empty frame, 'drawn' but with no council in it."""
    return page.locator(f"{MAIN} {MAP}").first.evaluate("e => e.querySelectorAll('svg path').length")


def figure_counts(page) -> dict:
    return page.evaluate(_COUNTS_JS, [CHART, MAP])


def open_page(page, base_url: str, path: Path) -> None:
    """Go to a page and wait until its title is up, its script has finished and its figures are drawn.
    Twice: a first visit can rerun once the URL's parameters are written, and a page caught between
    the two runs (idle for a moment, its later charts not yet sent) is not finished."""
    page.goto(f"{base_url}/{url_path(path)}", wait_until="domcontentloaded")
    page.wait_for_selector(f"{MAIN} h1", timeout=LOAD_TIMEOUT_MS)
    for _ in range(2):
        wait_until_idle(page)
        wait_for_drawn(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox by its label, as a user would (type, then click)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page, expect_rerun=True)
    wait_for_drawn(page)


def print_tables_in_full(page) -> None:
    """Switch on the sidebar's "Print tables in full" (each table's print copy is drawn), as a user
    about to print would, and wait for the page to be drawn again."""
    page.locator('[data-testid="stSidebar"]').get_by_text("Print tables in full", exact=True).click()
    wait_until_idle(page, expect_rerun=True)
    wait_for_drawn(page)


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def headings(page) -> list[str]:
    return [t.strip() for t in page.locator(f'{MAIN} [data-testid="stHeading"]').all_inner_texts()]


def full_page_screenshot(page, name: str) -> Path:
    """Streamlit scrolls inside its main pane, so grow the viewport to the content before shooting."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(f"() => document.querySelector('{MAIN}').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height) + 40, 20_000))})
    page.wait_for_timeout(500)  # charts re-lay out to the new size
    wait_for_drawn(page)
    out = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return out


def metric(page, label_start: str) -> str:
    """The value of the first st.metric whose label starts with (contains) ``label_start``."""
    box = page.locator(f'{MAIN} [data-testid="stMetric"]').filter(has_text=label_start).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def pick_radio(page, group_label: str, option: str, *, sidebar: bool = False) -> None:
    """Choose an option of the st.radio labelled ``group_label`` (in the sidebar or the main pane)."""
    scope = page.locator('[data-testid="stSidebar"]' if sidebar else MAIN)
    radio = scope.locator('[data-testid="stRadio"]').filter(has=page.get_by_text(group_label, exact=True)).first
    radio.get_by_text(option, exact=True).click()
    wait_until_idle(page, expect_rerun=True)
    wait_for_drawn(page)


def press(page, label: str) -> None:
    """Press a button (a form's submit button, for example) and wait for the rerun it starts."""
    page.locator(MAIN).get_by_role("button", name=label, exact=True).click()
    wait_until_idle(page, expect_rerun=True)
    wait_for_drawn(page)


def intro(page) -> str:
    """The first paragraph under the page title (group, member count, council of interest)."""
    return page.locator(f'{MAIN} [data-testid="stMarkdown"]').first.inner_text()


RAW_DATA = PROJECT_DIR.parent / "shared" / "data"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dfe_children_in_care(year: int | None = None):
    """DfE's children looked after at 31 March, councils only, read straight from the published file
    (or, without ../shared, from the extract build-data wrote from it): code, year, count, rate."""
    import pandas as pd

    raw = RAW_DATA / "dfe" / "cla_number_and_rate_per_10k_children.csv"
    if raw.exists():
        frame = pd.read_csv(raw, dtype=str, encoding="utf-8-sig")
        frame = frame[(frame["geographic_level"] == "Local authority")
                      & (frame["population_type"] == "Children looked after on 31 March each year")]
        out = pd.DataFrame({"code": frame["new_la_code"], "year": frame["time_period"].astype(int),
                            "count": pd.to_numeric(frame["children_count"], errors="coerce"),
                            "rate": pd.to_numeric(frame["rate_per_10000"], errors="coerce")})
    else:
        obs = pd.read_csv(PROJECT_DIR / "data" / "extract" / "observations_dfe_cla.csv", dtype=str)
        obs = obs[obs["area_code"].str.match(r"E0[6-9]|E10")]
        obs = obs.assign(year=obs["period"].str[:4].astype(int), value=pd.to_numeric(obs["value"], errors="coerce"))
        wide = obs[obs["indicator_id"].isin(["cic_count", "cic_rate_per_10k"])].pivot_table(
            index=["area_code", "year"], columns="indicator_id", values="value", aggfunc="first").reset_index()
        out = pd.DataFrame({"code": wide["area_code"], "year": wide["year"], "count": wide.get("cic_count"),
                            "rate": wide.get("cic_rate_per_10k")})
    return out if year is None else out[out["year"] == year]


def download_csv(page, key: str):
    """Click the download button with widget key ``key`` and read the CSV the browser receives."""
    import pandas as pd

    with page.expect_download() as download:
        page.locator(f".st-key-{key} button").click()
    return pd.read_csv(download.value.path())


# --- signing in and uploading ----------------------------------------------------------
SIDEBAR = '[data-testid="stSidebar"]'


def add_user(env: dict[str, str], email: str, role: str, council: str | None = None, password: str | None = None) -> str:
    """``python -m regional users add`` against the app's database (``env``'s DATABASE_URL), as an
    administrator would; the password, if any, on standard input. Returns what the command printed."""
    args = [sys.executable, "-m", "regional", "users", "add", email, "--role", role,
            *(["--council", council] if council else []), "--password-stdin" if password else "--oidc-only"]
    done = subprocess.run(args, cwd=PROJECT_DIR, env=env, input=f"{password}\n" if password else "",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def account_text(page) -> str:
    """What the sidebar's "Your account" block says (who is signed in, as what)."""
    return page.locator(SIDEBAR).inner_text().split("Your account", 1)[-1]


def sign_in_locally(page, email: str, password: str) -> None:
    """The sidebar's sign-in form, as a person would fill it in."""
    sidebar = page.locator(SIDEBAR)
    form = sidebar.locator('[data-testid="stForm"]')
    if not form.get_by_role("textbox", name="Email").is_visible():  # the expander stays open after a failed try
        sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="Sign in").click()
    form.get_by_role("textbox", name="Email").fill(email)
    form.get_by_role("textbox", name="Password").fill(password)
    form.get_by_role("button", name="Sign in", exact=True).click()
    wait_until_idle(page, expect_rerun=True)


def go_to(page, label: str) -> None:
    """Open a page from the sidebar's navigation (the same Streamlit session, so still signed in)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=label, exact=True).click()
    page.wait_for_function(f"() => document.querySelector('{MAIN} h1') !== null", timeout=LOAD_TIMEOUT_MS)
    wait_until_idle(page, expect_rerun=True)
    wait_for_drawn(page)


def check_return(page, name: str, content: str) -> None:
    """On the Data page: give a file to the uploader and press "Check the file"."""
    page.locator(f'{MAIN} [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()})
    page.locator(MAIN).get_by_role("button", name="Check the file", exact=True).wait_for()
    wait_until_idle(page)
    press(page, "Check the file")


def store_checked(page) -> str:
    """Tick the confirmation, press Store and return what the page says then."""
    page.locator(MAIN).get_by_text("I have read the report and the preview: store this file as a new version",
                                   exact=True).click()
    wait_until_idle(page, expect_rerun=True)
    press(page, "Store")
    outcome = page.locator(f'{MAIN} [data-testid="stAlertContentSuccess"]').filter(has_text="Stored ") \
        .or_(page.locator(f"{MAIN} {ERROR_ALERT}")).first
    outcome.wait_for()
    return outcome.inner_text()
