"""The built site as a reader sees it: headless Chromium opens the main pages from ``file://``.

For each main page (index, getting started, physics, sharp bits, API, CLI, every gallery page,
and the API pages with formulas): the math is rendered by the MathJax bundled with the site (every math element holds
rendered output, no TeX error, no raw TeX delimiter left in the visible text), every image loaded,
every internal link resolves to an existing file and anchor, and no request left the machine (only
``file:``, ``data:``, ``blob:``, ``about:`` or localhost URLs; the site works offline). The search
page finds a word from ``file://``.  A second test checks the links of *every* page of the site
without a browser.

Needs the built site (``docs/_build/html``, or the folder in ``$LINDHYDRO_DOCS_HTML``)::

    python -m sphinx -W --keep-going -q -b html docs docs/_build/html
    python -m pytest -q -m slow tests/test_docs_browser.py

and Chromium (Debian package ``chromium``; ``$LINDHYDRO_CHROMIUM`` names another binary); each
test skips with its reason where one is missing.  Chromium is driven over the DevTools protocol on
a pipe (``--remote-debugging-pipe``): no WebDriver and no Python package beyond the standard
library.  ``python tests/test_docs_browser.py [SITE]`` prints the same checks as a report.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("LINDHYDRO_DOCS_HTML", ROOT / "docs" / "_build" / "html"))
BUILD_COMMAND = "python -m sphinx -W --keep-going -q -b html docs docs/_build/html"

#: Prose pages every reader meets; every gallery page and the API pages with math are added.
MAIN_PAGES = ["index", "getting_started", "physics", "sharp_bits", "api", "cli",
              "auto_examples/index"]

#: Schemes a self-contained page may request; anything else (http, https, ws, ...) is the network.
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "devtools"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--window-size=1280,1024", "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    """The Chromium binary: ``$LINDHYDRO_CHROMIUM``, else ``chromium``/``chromium-browser`` on PATH."""
    named = os.environ.get("LINDHYDRO_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def main_pages(site: Path) -> list[Path]:
    """The pages opened in the browser: :data:`MAIN_PAGES`, every gallery section and tutorial,
    and the API pages that hold math."""
    pages = [site / f"{name}.html" for name in MAIN_PAGES]
    for section in sorted((site / "auto_examples").glob("[0-9]*")):
        pages.append(section / "index.html")
        pages += sorted(section.glob("plot_*.html"))
    for api in sorted((site / "generated" / "api").glob("*.html")):
        if 'class="math' in api.read_text(encoding="utf-8", errors="replace"):
            pages.append(api)
    return pages


# -- Chromium over the DevTools protocol on a pipe -------------------------------------------------


class Chromium:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out).

    Messages are JSON objects separated by NUL bytes; :meth:`call` sends a command and returns its
    result, keeping the events that arrive meanwhile in :attr:`events`.
    """

    def __init__(self, binary: str, profile: Path, timeout: float = 60.0):
        self.timeout = timeout
        self.events: list[dict] = []
        self._targets: dict[str, str] = {}
        self._next_id = 0
        self._buffer = b""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def pipes_on_3_and_4():  # in the child: its ends of the pipes become fds 3 and 4
            inbound = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            outbound = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        self._log = open(profile / "chromium.log", "wb")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            pass_fds=(3, 4), preexec_fn=pipes_on_3_and_4,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._write, self._read = to_child_w, from_child_r

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe (see chromium.log)")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        """Send one DevTools command (to the browser, or to a page's ``session``)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._write, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") != self._next_id:
                self.events.append(reply)
            elif "error" in reply:
                raise RuntimeError(f"{method}: {reply['error'].get('message')}")
            else:
                return reply.get("result", {})

    def wait_for(self, method: str, session: str) -> dict:
        """Wait for (and consume) the next event ``method`` of ``session``."""
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._receive(deadline))

    def new_page(self) -> str:
        """Open a tab and return its session id, with page, network and runtime events on."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._targets[session] = target
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session)
        return session

    def close_page(self, session: str) -> None:
        """Close the tab of ``session`` and forget its events."""
        self.call("Target.closeTarget", targetId=self._targets.pop(session))
        self.events = [e for e in self.events if e.get("sessionId") != session]

    def open(self, session: str, url: str) -> None:
        """Navigate and wait for the load event."""
        self.events = [e for e in self.events if e.get("sessionId") != session]
        reply = self.call("Page.navigate", session, url=url)
        if reply.get("errorText"):
            raise RuntimeError(f"{url}: {reply['errorText']}")
        self.wait_for("Page.loadEventFired", session)

    def evaluate(self, session: str, expression: str):
        """Evaluate JavaScript in the page (awaiting a promise) and return its JSON value."""
        reply = self.call(
            "Runtime.evaluate", session, expression=expression, awaitPromise=True,
            returnByValue=True, timeout=int(self.timeout * 1000),
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def requests(self, session: str) -> list[str]:
        """URLs the page requested so far."""
        return [
            e["params"]["request"]["url"] for e in self.events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session
        ]

    def failed_loads(self, session: str) -> list[str]:
        """Requests of the page that failed (a missing script, style sheet, font or image)."""
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"}
        return [
            f"{urls.get(e['params']['requestId'], '?')} ({e['params'].get('errorText')})"
            for e in self.events
            if e.get("method") == "Network.loadingFailed" and e.get("sessionId") == session
            and not e["params"].get("canceled")
        ]

    def exceptions(self, session: str) -> list[str]:
        """Uncaught JavaScript errors of the page."""
        out = []
        for e in self.events:
            if e.get("method") == "Runtime.exceptionThrown" and e.get("sessionId") == session:
                details = e["params"]["exceptionDetails"]
                where = f"{details.get('url', '?')}:{details.get('lineNumber', '?')}"
                out.append(f"{details.get('text', '')} "
                           f"{details.get('exception', {}).get('description', '')} ({where})")
        return out

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._write, self._read):
            os.close(fd)
        self._log.close()


# -- What a page shows -----------------------------------------------------------------------------

#: Runs in the page once it has loaded: waits for MathJax to finish typesetting and for every
#: image (lazy ones are made eager), then reports what a reader sees.
INSPECT_PAGE = r"""
(async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; }
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done);
                            setTimeout(done, 20000); })));
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'TEXTAREA', 'NOSCRIPT', 'MJX-CONTAINER']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let e = node.parentElement; e; e = e.parentElement) {
        if (skip.has(e.tagName.toUpperCase())) { return NodeFilter.FILTER_REJECT; }
      }
      return NodeFilter.FILTER_ACCEPT;
    }});
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) { texts.push(n.nodeValue); }
  const math = [...document.querySelectorAll('.math')];
  return {
    title: document.title,
    text: texts.join(' '),
    mathjax: mj ? (mj.version || 'configured only') : null,
    math: math.length,
    mathUnrendered: math.filter(m => !m.querySelector('mjx-container'))
                        .map(m => m.textContent.trim().slice(0, 80)),
    mathErrors: [...document.querySelectorAll('mjx-merror, [data-mml-node="merror"]')]
                    .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80)),
    rendered: document.querySelectorAll('mjx-container').length,
    images: images.map(img => ({src: img.currentSrc || img.src, ok: img.complete &&
                                img.naturalWidth > 0})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
  };
})()
"""

#: Raw TeX a reader must never see: MathJax delimiters, and ``$...$`` holding a TeX command.
RAW_TEX = re.compile(
    r"\\\((?:.{0,400}?\\\))?|\\\[(?:.{0,4000}?\\\])?|\\\)|\\\]"  # \(..\), \[..\], strays
    r"|\$\$(?:.{0,4000}?\$\$)?"  # $$..$$
    r"|\$[^$\n]{0,200}?\\[A-Za-z]+[^$\n]{0,200}?\$",  # $..\cmd..$
    re.S,
)


def raw_tex(text: str) -> list[str]:
    """Raw TeX spans left in a page's visible text (one per formula or stray delimiter)."""
    return [m.group(0)[:120].replace("\n", " ") for m in RAW_TEX.finditer(text)]


def network_requests(urls: list[str]) -> list[str]:
    """The URLs among ``urls`` that are neither local files nor localhost."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS:
            continue
        out.append(url)
    return out


# -- Links, checked against the files ---------------------------------------------------------------


class _Anchors(HTMLParser):
    """Collects the ``id``/``name`` anchors and the ``href``/``src`` references of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and key == "href" and attrs.get("rel")
                                       in ("canonical", "alternate")):
                self.refs.append(attrs[key])


_ANCHOR_CACHE: dict[Path, set[str]] = {}


def anchors_of(path: Path) -> set[str]:
    """The ids (and ``name`` anchors) of an HTML file, parsed once."""
    if path not in _ANCHOR_CACHE:
        parser = _Anchors()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        _ANCHOR_CACHE[path] = parser.ids
    return _ANCHOR_CACHE[path]


def broken_link(url: str, page: Path, page_ids: set[str] | None = None) -> str | None:
    """Why a local link (absolute ``file:`` URL or a reference relative to ``page``) is broken.

    Returns ``None`` for a link that resolves, and for links that are not local files (web
    addresses are not checked: the build machine may be offline).
    """
    parts = urlsplit(url)
    if parts.scheme and parts.scheme != "file":
        return None
    if parts.scheme == "file":
        target = Path(unquote(parts.path))
    elif parts.path:
        target = (page.parent / unquote(parts.path)).resolve()
    else:
        target = page
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return f"{url}: no file {target}"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html":
        ids = page_ids if (target == page and page_ids is not None) else anchors_of(target)
        if fragment not in ids:
            return f"{url}: no anchor #{fragment} in {target.name}"
    return None


# -- One page in the browser ------------------------------------------------------------------------


def inspect_page(browser: Chromium, session: str, page: Path) -> dict:
    """Open ``page`` and return what a reader sees and what went wrong."""
    browser.open(session, page.as_uri())
    seen = browser.evaluate(session, INSPECT_PAGE)
    page_ids = set(seen["ids"])
    seen["raw_tex"] = raw_tex(seen.pop("text"))
    seen["broken_images"] = [im["src"] for im in seen["images"] if not im["ok"]]
    seen["broken_links"] = sorted({b for u in seen.pop("links")
                                   if (b := broken_link(u, page, page_ids)) is not None})
    seen["network"] = network_requests(browser.requests(session))
    seen["failed_loads"] = browser.failed_loads(session)
    seen["js_errors"] = browser.exceptions(session)
    del seen["ids"]
    return seen


def problems_of(seen: dict) -> list[str]:
    """The checks of one page, as a list of failures (empty: the page is fine)."""
    out = []
    if seen["math"] and not seen["mathjax"]:
        out.append(f"{seen['math']} math elements but MathJax did not load")
    out += [f"math not rendered: {m!r}" for m in seen["mathUnrendered"][:5]]
    out += [f"TeX error: {m!r}" for m in seen["mathErrors"][:5]]
    out += [f"raw TeX in the text: {s!r}" for s in seen["raw_tex"][:5]]
    out += [f"image did not load: {s}" for s in seen["broken_images"]]
    out += [f"broken link: {b}" for b in seen["broken_links"][:10]]
    out += [f"request to the network: {u}" for u in seen["network"][:5]]
    out += [f"failed to load: {u}" for u in seen["failed_loads"][:5]]
    out += [f"JavaScript error: {u}" for u in seen["js_errors"][:5]]
    return out


#: Runs on ``search.html?q=...``: waits until Sphinx's search has finished, returns the hits.
SEARCH_RESULTS = r"""
new Promise(done => {
  const t0 = Date.now();
  (function poll() {
    const summary = document.querySelector('#search-results .search-summary, .search-summary');
    const hits = document.querySelectorAll('#search-results ul.search li, ul.search li');
    const finished = summary && /\d/.test(summary.textContent);
    if (finished || Date.now() - t0 > 20000) {
      done({summary: summary ? summary.textContent : null, hits: hits.length});
    } else { setTimeout(poll, 100); }
  })();
})
"""


# -- The tests --------------------------------------------------------------------------------------


def test_math_renderer_is_shipped_with_the_site():
    # fast, no browser: conf.py names a MathJax file that the docs dependencies provide, not a URL
    import importlib.util

    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    import lindhydro_docs

    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    (path,) = re.findall(r"^mathjax_path\s*=\s*[\"']([^\"']+)[\"']", conf, re.M)
    assert "://" not in path, f"mathjax_path is fetched from the network: {path}"
    if importlib.util.find_spec(lindhydro_docs.MATHJAX_PACKAGE) is None:
        pytest.skip(f"{lindhydro_docs.MATHJAX_PACKAGE} not installed (pip install -e '.[docs]')")
    assert lindhydro_docs.bundled_mathjax(path).stat().st_size > 100_000
    assert lindhydro_docs.bundled_mathjax("https://cdn.example/mathjax.js") is None
    with pytest.raises(RuntimeError, match="has no"):
        lindhydro_docs.bundled_mathjax("mathjax/no-such-component.js")



@pytest.fixture(scope="module")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.skip(f"no built site at {SITE}; build it first: {BUILD_COMMAND}")
    return SITE


@pytest.fixture(scope="module")
def browser(site):
    binary = find_chromium()
    if binary is None:
        pytest.skip("Chromium not found (Debian: apt-get install chromium; or set "
                    "LINDHYDRO_CHROMIUM); the browser check of the site is skipped")
    with tempfile.TemporaryDirectory(prefix="lindhydro-chromium-") as profile:
        chromium = Chromium(binary, Path(profile))
        try:
            chromium.call("Browser.getVersion")
        except (RuntimeError, TimeoutError) as err:
            chromium.close()
            log = (Path(profile) / "chromium.log").read_text(errors="replace")[-2000:]
            pytest.skip(f"Chromium at {binary} does not start headless ({err}): {log}")
        try:
            yield chromium
        finally:
            chromium.close()


def _page_id(page: Path) -> str:
    return page.relative_to(SITE).as_posix() if page.is_relative_to(SITE) else page.name


@pytest.mark.slow
@pytest.mark.parametrize("name", [_page_id(p) for p in main_pages(SITE)] or ["index.html"])
def test_page_as_a_reader_sees_it(site, browser, name):
    page = site / name
    assert page.exists(), f"{name} is missing from the built site"
    session = browser.new_page()
    try:
        seen = inspect_page(browser, session, page)
    finally:
        browser.close_page(session)
    problems = problems_of(seen)
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
    if name in ("physics.html", "sharp_bits.html"):  # the pages written in math
        assert seen["rendered"] >= 10, f"{name}: only {seen['rendered']} rendered formulas"


@pytest.mark.slow
def test_search_works_from_file_url(site, browser):
    session = browser.new_page()
    try:
        browser.open(session, (site / "search.html").as_uri() + "?q=magnetisation")
        found = browser.evaluate(session, SEARCH_RESULTS)
        network = network_requests(browser.requests(session))
        errors = browser.exceptions(session)
    finally:
        browser.close_page(session)
    assert found["hits"] > 0, f"search from file:// found nothing: {found['summary']!r}"
    assert not network, network
    assert not errors, errors[:3]


@pytest.mark.slow
def test_every_local_link_of_the_site_resolves(site):
    broken = []
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] in ("_static", "_images", "_downloads"):
            continue  # theme templates and downloads, not pages
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        _ANCHOR_CACHE[page] = parser.ids
        for ref in parser.refs:
            why = broken_link(ref, page)
            if why is not None:
                broken.append(f"{page.relative_to(site)}: {why}")
    assert not broken, f"{len(broken)} broken local links:\n" + "\n".join(broken[:30])


# -- A report for people ----------------------------------------------------------------------------


def report(site: Path) -> int:
    """Print the checks of every main page; return the number of pages with problems."""
    binary = find_chromium()
    if binary is None:
        print("Chromium not found")
        return 1
    bad = 0
    with tempfile.TemporaryDirectory(prefix="lindhydro-chromium-") as profile:
        browser = Chromium(binary, Path(profile))
        try:
            for page in main_pages(site):
                t0 = time.monotonic()
                session = browser.new_page()
                seen = inspect_page(browser, session, page)
                browser.close_page(session)
                problems = problems_of(seen)
                bad += bool(problems)
                print(f"{page.relative_to(site)}: {seen['math']} math, {seen['rendered']} "
                      f"rendered, {len(seen['raw_tex'])} raw TeX, {len(seen['images'])} images "
                      f"({len(seen['broken_images'])} broken), {len(seen['broken_links'])} broken "
                      f"links, {len(seen['network'])} network requests "
                      f"[{time.monotonic() - t0:.1f} s]")
                for p in problems:
                    print("   ", p)
        finally:
            browser.close()
    return bad


if __name__ == "__main__":
    sys.exit(report(Path(sys.argv[1]) if len(sys.argv) > 1 else SITE))
