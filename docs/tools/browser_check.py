#!/usr/bin/env python3
"""Loads the built documentation site in headless Chromium and checks it like a reader would.

* serves the site from a local HTTP server on 127.0.0.1 (a free port);
* starts Debian's `chromium` headless with the DevTools protocol on a free loopback port and
  drives it over its WebSocket (websocket-client);
* starting at the home page, follows the links of the site's navigation (the sidebar of every
  page) breadth-first, and asserts that every page of the navigation in mkdocs.yml was reached
  that way, including the API reference (Redoc) and the per-language references;
* on every page: the load succeeds, a non-empty <h1> appears (Redoc renders in the browser: up
  to 15 s), and there is no console error, uncaught exception, failed request, HTTP status
  >= 400 for any resource, nor any request outside the local site (the site works offline);
* saves a screenshot of the home page (PNG).

Exit status 1 on any failure, naming the page and the problem.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import websocket  # websocket-client
import yaml


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class Chrome:
    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="docs-chromium-")
        self.log = open(Path(self.profile) / "chromium.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(
                    "chromium did not start:\n" + (Path(self.profile) / "chromium.log").read_text()
                )
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        targets = json.load(
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10)
        )
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)
            if time.monotonic() > deadline:
                raise TimeoutError(method)

    def pump(self, seconds: float) -> None:
        """Collects events for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                return
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e["method"] == name for e in self.events):
                return True
            self.pump(min(0.2, deadline - time.monotonic()))
        return False

    def evaluate(self, expression: str):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def close(self) -> None:
        if getattr(self, "ws", None):
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def problems(events: list[dict], base: str) -> list[str]:
    """Console errors, uncaught exceptions, failed or >= 400 requests, and requests leaving the
    site (it must work offline and send a reader's browser nowhere else) among `events`."""
    out: list[str] = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not url.startswith((base, "data:", "blob:", "about:")):
                out.append(f"request outside the site: {url}")
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", [])
            )
            out.append(f"console.{p['type']}: {text}")
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(
                f"uncaught exception: {d.get('exception', {}).get('description') or d.get('text')}"
            )
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            entry = p["entry"]
            out.append(
                (
                    f"console error ({entry.get('source')}): {entry.get('text')}"
                    f" {entry.get('url', '')}"
                ).rstrip()
            )
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            out.append(f"request failed: {p.get('errorText')} ({p.get('type')})")
        elif m == "Network.responseReceived" and p.get("response", {}).get("status", 0) >= 400:
            r = p["response"]
            out.append(f"HTTP {r['status']} for {r['url']}")
    return out


def nav_urls(nav: list, base: str) -> list[str]:
    """The URL of every entry of mkdocs.yml's nav (use_directory_urls)."""
    urls: list[str] = []
    for item in nav:
        for _title, value in item.items() if isinstance(item, dict) else [(None, item)]:
            if isinstance(value, list):
                urls.extend(nav_urls(value, base))
                continue
            path = str(value)
            if path.endswith(".md"):
                path = path[: -len(".md")]
                path = (
                    ""
                    if path == "index"
                    else (path[: -len("/index")] + "/" if path.endswith("/index") else path + "/")
                )
            urls.append(urljoin(base, path))
    return urls


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--site", required=True, type=Path)
    ap.add_argument(
        "--mkdocs", required=True, type=Path, help="mkdocs.yml (its nav lists the pages)"
    )
    ap.add_argument("--screenshot", required=True, type=Path)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = ap.parse_args()

    handler = functools.partial(Quiet, directory=str(args.site.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with args.mkdocs.open() as f:
        config = yaml.load(f, Loader=yaml.BaseLoader)
    expected = nav_urls(config["nav"], base)

    t0 = time.monotonic()
    chrome = Chrome(args.chromium)
    failures: list[str] = []
    visited: list[str] = []
    try:
        print(f"chromium {chrome.call('Browser.getVersion')['product']}, site served at {base}")
        queue: deque[str] = deque([base])
        seen = {base}
        while queue:
            url = queue.popleft()
            chrome.events.clear()
            started = time.monotonic()
            nav = chrome.call("Page.navigate", {"url": url})
            if nav.get("errorText"):
                failures.append(f"{url}: {nav['errorText']}")
                continue
            if not chrome.wait_event("Page.loadEventFired", 30):
                failures.append(f"{url}: no load event in 30 s")
                continue
            # A rendered page has a non-empty <h1> (Redoc renders it in the browser).
            title = ""
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                title = chrome.evaluate(
                    "(() => { const h = [...document.querySelectorAll('h1')]"
                    ".map(e => e.innerText.trim()).filter(Boolean); return h[0] || ''; })()"
                )
                if title:
                    break
                chrome.pump(0.2)
            chrome.pump(0.3)  # late errors (scripts that run after load)
            found = problems(chrome.events, base)
            if not title:
                found.append("no <h1> rendered")
            visited.append(url)
            status = "ok  " if not found else "FAIL"
            print(
                f"{status} {url[len(base) - 1 :]:45} {title[:40]!r:44}"
                f" {time.monotonic() - started:4.1f} s"
            )
            for p in found:
                failures.append(f"{url}: {p}")
                print(f"     {p}")
            # Follow the site's navigation (mkdocs-material's sidebar) from the site's own pages.
            links = (
                chrome.evaluate(
                    "[...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')]"
                    ".map(a => a.href)"
                )
                or []
            )
            for link in links:
                link = urldefrag(link)[0]
                if link.startswith(base) and link not in seen:
                    seen.add(link)
                    queue.append(link)

        def norm(u: str) -> str:
            return u[: -len("index.html")] if u.endswith("/index.html") else u

        reached = {norm(u) for u in visited}
        missing = [u for u in expected if norm(u) not in reached]
        for u in missing:
            failures.append(
                f"{u}: in mkdocs.yml's nav, but not reached through the site's navigation"
            )
        if len(visited) < len(expected):
            failures.append(f"only {len(visited)} pages reached, the nav lists {len(expected)}")

        # Screenshot of the home page.
        chrome.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        chrome.events.clear()
        chrome.call("Page.navigate", {"url": base})
        chrome.wait_event("Page.loadEventFired", 30)
        chrome.pump(0.5)
        shot = chrome.call("Page.captureScreenshot", {"format": "png"})
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        args.screenshot.write_bytes(base64.b64decode(shot["data"]))
    finally:
        chrome.close()
        server.shutdown()

    print(
        f"browser check: {len(visited)} pages loaded ({len(expected)} in the nav, "
        f"all reached: {'yes' if not any('not reached' in f for f in failures) else 'no'}), "
        f"{len(failures)} problems, {time.monotonic() - t0:.1f} s; screenshot {args.screenshot} "
        f"({args.screenshot.stat().st_size if args.screenshot.exists() else 0} bytes)"
    )
    if failures:
        print("browser check FAILED:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
