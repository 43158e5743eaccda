#!/usr/bin/env python3
"""The status page as a person sees it: loaded in headless Chromium.

Two cases, each with the built exporter on 127.0.0.1:

  scenario  upgrade_simulator plays tests/browser/status_scenario.yml. Once the
            API says the held upgrade is stalled, the page is loaded in
            Chromium, and what it built must show each
            upgrade in progress with its percentage, the failed one with its
            reason, the stalled badge on the held one only, the settled
            objects folded, both targets, nothing fetched from elsewhere but
            the page's own style sheet, and the security headers. Over the
            DevTools protocol the page must have applied that sheet (computed
            styles, light, dark and on a 390 px phone) with no Content
            Security Policy violation; a control page with an inline style
            shows that a violation would be seen. Screenshots (1280 px light
            and dark, 390 px phone) and the DOMs are kept in --artifacts. The same checks
            run on the document as served, parsed as it stands: that is the
            page without JavaScript (headless Chromium cannot dump a DOM with
            scripts off, and the page has none: the CSP forbids them).
  hostile   an in-test gateway names its applications, versions, nodes and
            partitions with markup, quotes, control characters and invalid
            UTF-8. No element, attribute or script of theirs may exist in the
            DOM (Chromium's, and the document as served), and every name must
            appear as text.

Usage: status_page_test.py --exporter=BIN --simulator=BIN [--chromium=BIN]
       [--artifacts=DIR] [--screenshot=PNG] [--keep]
--screenshot also writes the 1280 px light screenshot there (docs/status-page.png).
Standard library only.
"""
import argparse
import html.parser
import http.server
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from binaries import Child, http_get  # noqa: E402

SCENARIO = ROOT / "tests" / "browser" / "status_scenario.yml"
STALL_WINDOW_SECONDS = 30
CSP = "default-src 'none'; style-src 'self'"
STYLESHEET = "static/status.css"  # as the page links it, relative to /
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
EXPORTER_PORT = r"msg=listening .*port=(\d+)"  # the ports the children logged they bound
SIMULATOR_PORT = r"listening.* address=127[.]0[.]0[.]1:(\d+)"
SANITIZER = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|"
                       r":\d+:\d+: runtime error: ")


# --- the DOM as Chromium serialized it -------------------------------------------------------------

class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()

    def find_all(self, tag=None, cls=()):
        cls = (cls,) if isinstance(cls, str) else cls
        return [n for n in self.walk() if (tag is None or n.tag == tag) and all(c in n.classes() for c in cls)]

    def find(self, tag=None, cls=()):
        found = self.find_all(tag, cls)
        return found[0] if found else None


class DomBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_dom(text):
    builder = DomBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


class Browser:
    def __init__(self, binary, workdir):
        self.binary, self.profile = binary, pathlib.Path(workdir) / "chromium-profile"

    def run(self, url, *flags, timeout=90):
        argv = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", f"--user-data-dir={self.profile}",
                *flags, url]
        done = subprocess.run(argv, capture_output=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"chromium exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
        return done.stdout

    def dom(self, url, save=None):
        """The DOM Chromium built from `url`, serialized; also written to `save`."""
        text = self.run(url, "--dump-dom").decode("utf-8")
        if save:
            pathlib.Path(save).write_text(text)
        return parse_dom(text)

    def screenshot(self, url, path, width, height, dark=False):
        flags = [f"--screenshot={path}", f"--window-size={width},{height}", "--hide-scrollbars"]
        if dark:
            flags.append("--force-dark-mode")
        self.run(url, *flags)
        if not pathlib.Path(path).is_file():
            raise AssertionError(f"chromium wrote no screenshot to {path}")


class DevTools:
    """One headless Chromium driven over --remote-debugging-pipe: the DevTools
    protocol as NUL-terminated JSON on file descriptors 3 (to Chromium) and 4
    (from it). Scripts run through it are DevTools', not the page's: the page's
    CSP, which forbids scripts, does not apply to them."""

    def __init__(self, binary, profile):
        to_chromium, self._to_chromium = os.pipe()
        self._from_chromium, from_chromium = os.pipe()
        argv = ["sh", "-c", f'exec "$0" "$@" 3<&{to_chromium} 4>&{from_chromium}', binary, "--headless",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", f"--user-data-dir={profile}", "--remote-debugging-pipe",
                "about:blank"]
        self.proc = subprocess.Popen(argv, pass_fds=(to_chromium, from_chromium), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer, self._last_id, self.events = b"", 0, []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def _message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chromium], [], [], left)[0]:
                raise AssertionError("chromium did not answer over the DevTools pipe")
            chunk = os.read(self._from_chromium, 65536)
            if not chunk:
                raise AssertionError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, page=False, timeout=60):
        """Calls `method` (on the page's session when `page`); returns its result. Events are kept in .events."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self.session
        os.write(self._to_chromium, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise AssertionError(f"DevTools {method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=60):
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, page=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"DevTools evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chromium)
        os.close(self._from_chromium)


# What a loaded page applied: its style sheets, the violations of its CSP and computed styles.
PAGE_STATE = """JSON.stringify({
  violations: window.__violations,
  sheets: [...document.styleSheets].map(s => ({href: s.href, rules: s.cssRules.length})),
  body: getComputedStyle(document.body).backgroundColor,
  scroll_width: document.documentElement.scrollWidth,
  bars: [...document.querySelectorAll("progress.bar")].map(b => ({
    appearance: getComputedStyle(b).appearance, height: b.getBoundingClientRect().height,
    width: b.getBoundingClientRect().width, track: getComputedStyle(b).backgroundColor})),
  styled: [...document.querySelectorAll("[style]")].length,
  badge: (() => { const b = document.querySelector(".badge.phase");
                  return b ? getComputedStyle(b).backgroundColor : null; })(),
})"""
RECORD_VIOLATIONS = ("window.__violations = []; document.addEventListener('securitypolicyviolation', "
                     "e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));")


def page_state(devtools, url, dark=False, width=1280):
    """Loads `url` in `devtools` as a light or dark, desktop or phone browser; returns PAGE_STATE and the
    console's CSP messages."""
    devtools.send("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]}, page=True)
    devtools.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 1500, "deviceScaleFactor": 1, "mobile": width < 600}, page=True)
    devtools.events.clear()
    devtools.send("Page.navigate", {"url": url}, page=True)
    devtools.wait_event("Page.loadEventFired")
    state = json.loads(devtools.evaluate(PAGE_STATE))
    state["console"] = [e["params"]["entry"]["text"] for e in devtools.events
                        if e.get("method") == "Log.entryAdded" and "Content Security Policy" in e["params"]["entry"]["text"]]
    return state


def open_devtools(browser):
    devtools = DevTools(browser.binary, browser.profile.with_name("devtools-profile"))
    for method in ("Page.enable", "Runtime.enable", "Log.enable"):
        devtools.send(method, page=True)
    devtools.send("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS}, page=True)
    return devtools


def check_detects_violations(devtools, failures):
    """The violation checks below can fail: a page with an inline style under the same CSP trips both."""
    class Control(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'<!DOCTYPE html><html><head></head><body><p style="color:red">inline</p></body></html>'
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    control = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    try:
        state = page_state(devtools, f"http://127.0.0.1:{control.server_address[1]}/")
        check(state["violations"] and state["console"],
              f"an inline style under the CSP went unnoticed (violations {state['violations']}, "
              f"console {state['console']}): the page's check proves nothing", failures)
    finally:
        control.shutdown()


def check_styled(browser, base, failures):
    """The page applied its own style sheet and nothing violated its CSP: light, dark and on a phone."""
    devtools = open_devtools(browser)
    try:
        check_detects_violations(devtools, failures)
        for mode, dark, width, background in (("light", False, 1280, "rgb(245, 246, 248)"),
                                              ("dark", True, 1280, "rgb(18, 21, 25)"),
                                              ("phone", False, 390, "rgb(245, 246, 248)")):
            state = page_state(devtools, base + "/", dark=dark, width=width)
            check(not state["violations"] and not state["console"],
                  f"{mode}: CSP violations {state['violations']} {state['console']}", failures)
            check([s["href"] for s in state["sheets"]] == [f"{base}/{STYLESHEET}"],
                  f"{mode}: style sheets {state['sheets']}", failures)
            check(all(s["rules"] > 50 for s in state["sheets"]), f"{mode}: an empty style sheet {state['sheets']}",
                  failures)
            check(state["body"] == background, f"{mode}: the body's background is {state['body']}", failures)
            check(state["styled"] == 0, f"{mode}: {state['styled']} elements have a style attribute", failures)
            check(state["badge"] not in (None, "rgba(0, 0, 0, 0)"), f"{mode}: phase badges are not coloured",
                  failures)
            check(state["bars"], f"{mode}: no progress bars", failures)
            for bar in state["bars"]:
                check(bar["appearance"] == "none" and 7 <= bar["height"] <= 11 and bar["width"] >= 100
                      and bar["track"] != "rgba(0, 0, 0, 0)", f"{mode}: a bar is not drawn by the sheet: {bar}",
                      failures)
            check(state["scroll_width"] <= width, f"{mode}: the page is {state['scroll_width']} px wide", failures)
    finally:
        devtools.close()


# --- helpers ---------------------------------------------------------------------------------------

def wait_for(what, condition, timeout=90):
    """Polls condition() until it returns something true; returns it."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, ValueError, KeyError) as e:
            last_error = e
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def api(base, query=""):
    _, body = http_get(f"{base}/api/v1/upgrades{query}")
    return json.loads(body)


def start_exporter(binary, workdir, config_text):
    config = pathlib.Path(workdir) / "exporter.yml"
    config.write_text(config_text)
    exporter = Child("exporter", [binary, f"--config.file={config}", "--web.listen-address=127.0.0.1:0"], workdir)
    return exporter, f"http://127.0.0.1:{exporter.port(EXPORTER_PORT)}"


def upgrades_by_name(document):
    return {a.find(cls="name").text(): a for a in document.find_all("article", "upgrade") if a.find(cls="name")}


def check(condition, message, failures):
    if not condition:
        failures.append(message)


def is_own_stylesheet(node):
    return (node.tag == "link" and node.attrs.get("rel") == "stylesheet" and node.attrs.get("href") == STYLESHEET
            and any(p.tag == "head" for p in ancestors(node)))


def check_self_contained(document, failures):
    """Nothing is fetched but the page's own style sheet: no script, image, other link, inline style or frame."""
    links = [n for n in document.walk() if n.tag == "link"]
    check(len(links) == 1 and is_own_stylesheet(links[0]),
          f"the page links {[n.attrs for n in links]}, not only <link rel=stylesheet href={STYLESHEET}> in its head",
          failures)
    for node in document.walk():
        check(node.tag not in {"script", "img", "iframe", "object", "embed", "video", "audio", "source", "style"},
              f"the page holds a <{node.tag}> element", failures)
        check("style" not in node.attrs, f"<{node.tag}> has a style attribute", failures)
        for attr in ("src", "srcset", "background", "poster"):
            check(attr not in node.attrs, f"<{node.tag}> has a {attr} attribute", failures)
        href = node.attrs.get("href") or ""
        check(not re.match(r"^[a-z]+:", href), f"a link leaves the exporter: {href!r}", failures)


# --- case 1: the simulator's scenario --------------------------------------------------------------

def scenario_case(args, workdir, browser):
    failures = []
    simulator = Child("simulator", [args.simulator, "--web.listen-address=127.0.0.1:0", f"--scenario={SCENARIO}"],
                      workdir)
    children = [simulator]
    try:
        sim = f"http://127.0.0.1:{simulator.port(SIMULATOR_PORT)}"
        exporter, base = start_exporter(args.exporter, workdir, f"""
global: {{poll_interval: 1s, idle_poll_interval: 10s, timeout: 5s, stall_window: {STALL_WINDOW_SECONDS}s}}
targets:
  - {{name: sf-browser, type: service_fabric, url: "{sim}"}}
  - {{name: qumulo-browser, type: qumulo, url: "{sim}"}}
""")
        children.append(exporter)

        def held_is_stalled():
            upgrades = api(base, "?kind=application")["upgrades"]
            return any(u["name"] == "fabric:/web/orders" and u.get("stalled") for u in upgrades)
        wait_for("fabric:/web/orders to be stalled in the API", held_is_stalled, timeout=STALL_WINDOW_SECONDS + 60)

        status, _ = http_get(base + "/")
        check(status == 200, f"/ answered {status}", failures)
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            headers = response.headers
        check(headers.get("Content-Security-Policy") == CSP, f"CSP is {headers.get('Content-Security-Policy')!r}",
              failures)
        check(headers.get("X-Content-Type-Options") == "nosniff", "no X-Content-Type-Options: nosniff", failures)
        check(headers.get("Referrer-Policy") == "no-referrer", "no Referrer-Policy: no-referrer", failures)
        check((headers.get("Content-Type") or "").startswith("text/html"), "the page is not text/html", failures)
        with urllib.request.urlopen(f"{base}/{STYLESHEET}", timeout=10) as response:
            check(response.headers.get("Content-Type") == "text/css; charset=utf-8",
                  f"the style sheet is {response.headers.get('Content-Type')!r}", failures)

        artifacts = pathlib.Path(args.artifacts)
        artifacts.mkdir(parents=True, exist_ok=True)
        before = {u["name"]: u for u in api(base)["upgrades"]}
        for javascript in (True, False):
            mode = "in Chromium" if javascript else "as served (no JavaScript)"
            document = (browser.dom(base + "/", save=artifacts / "scenario-dom.html") if javascript
                        else parse_dom(http_get(base + "/")[1].decode("utf-8")))
            after = {u["name"]: u for u in api(base)["upgrades"]}
            shown = upgrades_by_name(document)
            check_self_contained(document, failures)
            check(len(document.find_all("section", "target")) == 2, f"{mode}: not one section per target", failures)

            in_progress = [n for n, u in before.items() if u["phase"] in ("rolling_forward", "rolling_back")]
            check("fabric:/web/orders" in in_progress and "fabric:/web/catalog" in in_progress,
                  f"the API lists {sorted(in_progress)} in progress", failures)
            for name in in_progress:
                article = shown.get(name)
                if article is None:
                    failures.append(f"{mode}: {name} is in progress but not shown as an upgrade")
                    continue
                percent = article.find(cls="percent")
                text = percent.text().strip() if percent else ""
                expected = {f"{round(100 * u['progress_ratio'])}%" for u in (before.get(name), after.get(name))
                            if u and "progress_ratio" in u}
                if expected:
                    check(text in expected, f"{mode}: {name} shows {text!r}, the API says {sorted(expected)}", failures)
                else:
                    check(percent is None, f"{mode}: {name} shows {text!r} but the API has no progress", failures)
                badge = article.find(cls=("badge", "phase"))
                check(badge is not None and badge.text().strip() == before[name]["phase"],
                      f"{mode}: {name}'s phase badge is not {before[name]['phase']}", failures)

            failed = shown.get("fabric:/web/payments")
            check(failed is not None and "phase-failed" in failed.classes(), f"{mode}: the failed upgrade is not shown",
                  failures)
            reason = failed.find(cls="failure-reason") if failed is not None else None
            check(reason is not None and "UpgradeDomainTimeout" in reason.text(),
                  f"{mode}: the failed upgrade does not show its reason", failures)

            stalled = [n for n, a in shown.items() if a.find(cls=("badge", "stalled"))]
            check("fabric:/web/orders" in stalled, f"{mode}: the held upgrade has no stalled badge", failures)
            api_stalled = {n for n, u in {**before, **after}.items() if u.get("stalled")}
            check(set(stalled) <= api_stalled, f"{mode}: stalled badges on {stalled}, the API says {api_stalled}",
                  failures)

            settled = document.find_all("details", "settled")
            folded = [d for d in settled if "fabric:/web/docs" in d.text() and "fabric:/web/help" in d.text()]
            summary = folded[0].find("summary").text() if folded and folded[0].find("summary") else ""
            check(re.search(r"\b(idle|completed): [2-9]\d*\b", summary),
                  f"{mode}: the never-upgraded applications are not folded into a count per phase ({summary!r})",
                  failures)
            check("fabric:/web/docs" not in shown, f"{mode}: a settled application is listed as an upgrade", failures)
            check(document.find("header", "page-header") is not None, f"{mode}: no page header", failures)
            check_repair_tasks(document, shown, before, mode, failures)

        # A filter is a link: only the failed phase, only that upgrade.
        filtered = upgrades_by_name(browser.dom(base + "/?phase=failed"))
        check(set(filtered) == {"fabric:/web/payments"}, f"/?phase=failed shows {sorted(filtered)}", failures)

        check_styled(browser, base, failures)
        browser.screenshot(base + "/", artifacts / "status-page.png", 1280, 1500)
        browser.screenshot(base + "/", artifacts / "status-page-dark.png", 1280, 1500, dark=True)
        browser.screenshot(base + "/", artifacts / "status-page-phone.png", 390, 1500)
        if args.screenshot:
            shutil.copyfile(artifacts / "status-page.png", args.screenshot)
        for child in children:
            check(not SANITIZER.search(child.text()), f"a sanitizer report in the {child.name} log", failures)
    finally:
        for child in reversed(children):
            child.stop()
    if failures:
        for child in children:
            print(f"--- {child.name} log (tail)\n{child.text()[-2000:]}", file=sys.stderr)
    return failures


def check_repair_tasks(document, shown, api_upgrades, mode, failures):
    """Each repair task has one row in the Repair tasks section, and a node an upgrade waits on names the
    task holding it in the upgrade's node table, as the API's held_by does."""
    tasks = sorted(n for n, u in api_upgrades.items() if u["kind"] == "repair_task")
    check("IM/Node/browser-hold" in tasks and "POS___browser-stuck" in tasks, f"the API lists repair tasks {tasks}",
          failures)
    rows = [r for s in document.find_all("section", "repair-tasks") for r in s.find_all("tr") if r.attrs.get("id")]
    row_names = sorted(r.find("td").text() for r in rows if r.find("td"))
    check(row_names == tasks, f"{mode}: the Repair tasks section lists {row_names}, the API {tasks}", failures)
    for name in tasks:
        brief = shown.get(name).find(cls="repair-brief") if shown.get(name) else None
        link = brief.find("a") if brief else None
        target = (link.attrs.get("href") or "")[1:] if link else ""
        check(target in {r.attrs["id"] for r in rows}, f"{mode}: {name}'s card links to {target!r}, not its row",
              failures)
    orders = api_upgrades.get("fabric:/web/orders", {})
    held = [n["name"] for n in orders.get("current_nodes", []) if "IM/Node/browser-hold" in n.get("held_by", [])]
    check(held, f"the API says no node of fabric:/web/orders is held: {orders.get('current_nodes')}", failures)
    article = shown.get("fabric:/web/orders")
    cell = article.find(cls="hold") if article is not None else None
    check(cell is not None and "IM/Node/browser-hold" in cell.text(),
          f"{mode}: fabric:/web/orders's node table does not name the task holding {held}", failures)


# --- case 2: hostile names from an in-test gateway -------------------------------------------------

HOSTILE = [
    "fabric:/<img src=x onerror=alert(1)>",
    "fabric:/\"'><script>alert(2)</script>",
    "fabric:/</style><marquee>moving</marquee>",
    "fabric:/a&amp;b<!--comment-->",
    "fabric:/ctl\u0001\u001b[31mred",
    "fabric:/\u2028line\u0000nul",
]
INJECTED_TAGS = {"img", "script", "marquee", "style", "link"}  # one <link> in <head>: the page's style sheet


def as_shown(name):
    """The forms a name may take as page text: verbatim, or with control characters as U+FFFD."""
    c0 = re.sub(r"[\u0000-\u001f\u007f]", "\ufffd", name)
    return {name, c0, re.sub(r"[\u0080-\u009f\u2028\u2029]", "\ufffd", c0)}


def hostile_progress(name, index):
    node = f"<b onclick=x>node{index}</b>"
    return {
        "Name": name, "TypeName": "<i>Type</i>", "TargetApplicationTypeVersion": f"1.0<svg onload=alert({index})>",
        "UpgradeState": "RollingForwardInProgress", "RollingUpgradeMode": "Monitored",
        "UpgradeDomains": [{"Name": "UD_0", "State": "Completed"}, {"Name": "<u>UD_1</u>", "State": "InProgress"}],
        "NextUpgradeDomain": "<u>UD_1</u>",
        "UpgradeDescription": {"MonitoringPolicy": {"FailureAction": "Rollback",
                                                    "UpgradeTimeoutInMilliseconds": "PT2H0M0S",
                                                    "UpgradeDomainTimeoutInMilliseconds": "PT1H0M0S"}},
        "UpgradeDurationInMilliseconds": "PT0H10M0S", "UpgradeDomainDurationInMilliseconds": "PT0H2M0S",
        "CurrentUpgradeDomainProgress": {"DomainName": "<u>UD_1</u>", "NodeUpgradeProgressList": [
            {"NodeName": node, "UpgradePhase": "PreUpgradeSafetyCheck", "PendingSafetyChecks": [
                {"SafetyCheck": {"Kind": "EnsurePartitionQuorum",
                                 "PartitionId": f"<a href=javascript:alert({index})>p</a>"}}]}]},
        "StartTimestampUtc": "2026-12-01T09:00:00.000Z", "FailureReason": "None",
        "UpgradeStatusDetails": "<script>alert('details')</script>",
    }


def hostile_case(args, workdir, browser):
    failures = []
    apps = [{"Id": f"hostile~{i}", "Name": name, "TypeName": "<i>Type</i>", "TypeVersion": "1.0",
             "Status": "Upgrading"} for i, name in enumerate(HOSTILE)]
    routes = {"/Applications": json.dumps({"ContinuationToken": "", "Items": apps}).encode()}
    for i, name in enumerate(HOSTILE):
        routes[f"/Applications/hostile~{i}/$/GetUpgradeProgress"] = json.dumps(hostile_progress(name, i)).encode()
    # One more application whose progress body is not UTF-8: counted and skipped, never shown broken.
    routes["/Applications"] = json.dumps({"ContinuationToken": "", "Items": apps + [
        {"Id": "hostile~bytes", "Name": "fabric:/bytes", "TypeName": "T", "TypeVersion": "1", "Status": "Upgrading"}
    ]}).encode()
    routes["/Applications/hostile~bytes/$/GetUpgradeProgress"] = (
        b'{"Name": "fabric:/bytes\xff\xfe<img src=x>", "UpgradeState": "RollingForwardInProgress"}')

    class Gateway(http.server.BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def do_GET(self):
            body = routes.get(urllib.parse.unquote(self.path.split("?", 1)[0]))
            status = 200 if body is not None else 404
            body = body if body is not None else b'{"Error": {"Code": "FABRIC_E_APPLICATION_NOT_FOUND"}}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    children = []
    try:
        exporter, base = start_exporter(args.exporter, workdir, f"""
global: {{poll_interval: 1s, timeout: 5s, stall_window: {STALL_WINDOW_SECONDS}s}}
targets:
  - name: hostile
    type: service_fabric
    url: http://127.0.0.1:{gateway.server_address[1]}
    collect: [applications]
""")
        children.append(exporter)
        wait_for("the exporter to read every hostile application",
                 lambda: len(api(base)["upgrades"]) >= len(HOSTILE))

        artifacts = pathlib.Path(args.artifacts)
        artifacts.mkdir(parents=True, exist_ok=True)
        for javascript in (True, False):
            mode = "in Chromium" if javascript else "as served (no JavaScript)"
            document = (browser.dom(base + "/", save=artifacts / "hostile-dom.html") if javascript
                        else parse_dom(http_get(base + "/")[1].decode("utf-8")))
            for node in document.walk():
                if node.tag in INJECTED_TAGS and not is_own_stylesheet(node):
                    failures.append(f"{mode}: an injected <{node.tag}> exists in the DOM")
                check("style" not in node.attrs, f"{mode}: a style attribute on <{node.tag}>", failures)
                for attr in node.attrs:
                    check(not attr.startswith("on"), f"{mode}: an injected {attr}= attribute on <{node.tag}>",
                          failures)
                href = node.attrs.get("href") or ""
                check("javascript:" not in href.lower(), f"{mode}: a javascript: link {href!r}", failures)
            check(len([n for n in document.walk() if n.tag == "link"]) == 1, f"{mode}: more than one <link>",
                  failures)
            check(document.find_all("svg") == [] and document.find_all("u") == [] and document.find_all("i") == [],
                  f"{mode}: markup from a version, type, node or domain name became elements", failures)
            text = document.text()
            for name in HOSTILE:
                check(any(v in text for v in as_shown(name)), f"{mode}: {name!r} does not appear as text", failures)
            for fragment in ("<svg onload=alert(0)>", "<b onclick=x>node0</b>", "<u>UD_1</u>"):
                check(fragment in text, f"{mode}: {fragment!r} does not appear as text", failures)
            check("fabric:/bytes" not in text, f"{mode}: the object with a non-UTF-8 body is shown", failures)

        # The API carries the same strings, JSON-escaped, and stays valid JSON.
        names = {u["name"] for u in api(base)["upgrades"]}
        for name in HOSTILE:
            check(name in names,
                  f"the API lost {name!r}: {sorted(names)}", failures)
        for child in children:
            check(not SANITIZER.search(child.text()), f"a sanitizer report in the {child.name} log", failures)
    finally:
        for child in children:
            child.stop()
        gateway.shutdown()
    if failures:
        for child in children:
            print(f"--- {child.name} log (tail)\n{child.text()[-2000:]}", file=sys.stderr)
    return failures


def ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--simulator", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--artifacts", default="status-page-artifacts")
    parser.add_argument("--screenshot", help="also copy the 1280 px screenshot here (docs/status-page.png)")
    parser.add_argument("--case", choices=["scenario", "hostile"], action="append")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    if not pathlib.Path(args.chromium).is_file():
        sys.exit(f"chromium not found at {args.chromium}: run scripts/install-deps")

    workdir = tempfile.mkdtemp(prefix="ue-browser-")
    browser = Browser(args.chromium, workdir)
    failures = []
    try:
        for name in args.case or ["scenario", "hostile"]:
            case_failures = {"scenario": scenario_case, "hostile": hostile_case}[name](args, workdir, browser)
            failures += [f"{name}: {f}" for f in case_failures]
            print(f"{name}: {'FAIL' if case_failures else 'ok'}")
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
