"""End-to-end steps against the running desktop app, over WebDriver (tauri-driver).

Run by tests/e2e/run.sh inside Xvfb. Python standard library only: the WebDriver protocol is a
few JSON calls, so no selenium install is needed. Each step asserts what a dispatcher would
check on screen; screenshots go to --out.
"""

import argparse
import base64
import http.client as http_client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import steps_export

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
# Ports of tauri-driver and WebKitWebDriver (E2E_DRIVER_PORT and the next one; 4444 by default).
DRIVER_PORT = int(os.environ.get("E2E_DRIVER_PORT", "4444"))
DRIVER = f"http://127.0.0.1:{DRIVER_PORT}"


class Fail(Exception):
    pass


def http(method, url, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Session:
    def __init__(self, app):
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry", "tauri:options": {"application": app}}}}
        for attempt in range(3):
            try:
                status, r = http("POST", f"{DRIVER}/session", caps, timeout=120)
                break
            except (ConnectionResetError, http_client.RemoteDisconnected) as e:
                if attempt == 2:
                    raise Fail(f"no WebDriver session: {e}")
                time.sleep(1)
        if status != 200:
            raise Fail(f"no WebDriver session: {r}")
        self.base = f"{DRIVER}/session/{r['value']['sessionId']}"

    def call(self, method, path, body=None):
        # tauri-driver sometimes forwards a request on a keep-alive connection WebKitWebDriver has
        # just closed ("client error (SendRequest)": the request never reached the driver) and
        # drops ours without an answer. Such a request was not executed, so it is safe to resend.
        for attempt in range(4):
            try:
                status, r = http(method, self.base + path, body)
                break
            except (ConnectionResetError, http_client.RemoteDisconnected) as e:
                if attempt == 3:
                    raise Fail(f"{method} {path}: driver connection lost ({e})")
                print(f"  (driver dropped {method} {path}; resending)")
                time.sleep(0.3)
        if status != 200:
            raise Fail(f"{method} {path}: {r.get('value', r) if isinstance(r, dict) else r}")
        return r["value"]

    def js(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css):
        return [e[ELEMENT] for e in self.call("POST", "/elements", {"using": "css selector", "value": css})]

    def click(self, css):
        self.call("POST", f"/element/{self.find(css)}/click", {})

    def text(self, css):
        return self.call("GET", f"/element/{self.find(css)}/text")

    def type(self, css, text):
        el = self.find(css)
        self.call("POST", f"/element/{el}/clear", {})
        self.call("POST", f"/element/{el}/value", {"text": text})

    def wait(self, what, predicate, timeout=20):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                last = predicate()
                if last:
                    return last
            except Fail as e:
                last = e
            time.sleep(0.2)
        raise Fail(f"timed out waiting for {what} (last: {last})")

    def settle(self):
        """Two animation frames, so a screenshot shows the current frame, not a stale one."""
        self.call("POST", "/execute/async", {"script": "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));", "args": []})

    def screenshot(self, path):
        """The X screen as the user sees the window (ImageMagick). WebDriver's own screenshot
        needs WebKit's accelerated compositing, which the app turns off (see lib.rs)."""
        self.settle()
        subprocess.run(["import", "-window", "root", path], check=True, timeout=30)
        print(f"  screenshot {path}")

    def close(self):
        try:
            http("DELETE", self.base)
        except Exception:
            pass


def curl(*args):
    r = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", *args], capture_output=True, text=True, timeout=60)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise Fail(f"nothing listening on {port}")


def steps(s, a):
    sample = json.load(open(a.sample))
    placed = [x for x in sample["stops"] if "lat" in x]
    unplaced = len(sample["stops"]) - len(placed)

    print("step: first run shows the welcome and imports the sample")
    s.wait("the UI", lambda: s.js("return document.body.dataset.ready === 'true'"))
    s.wait("welcome", lambda: s.find("#welcome-sample"))
    s.screenshot(f"{a.out}/01-welcome.png")
    s.click("#welcome-sample")
    probe = s.wait(f"{len(placed)} markers", lambda: (lambda p: p if p and p["markers"] == len(placed) else None)(
        s.js("return window.__routemate.route() === 'job' ? window.__routemate.probe() : null")))
    s.wait("basemap", lambda: s.js("return document.getElementById('map').dataset.basemap === 'ready'"))
    s.settle()
    probe = s.js("return window.__routemate.probe()")
    expected_labels = [str(i) for i in range(1, len(placed) + 1)]
    if sorted(probe["labels"], key=int) != expected_labels:
        raise Fail(f"marker numbers {probe['labels']} are not 1..{len(placed)}")
    if probe["painted"] != len(placed):
        raise Fail(f"only {probe['painted']} of {len(placed)} markers are painted on the canvas")
    if not probe["depot"] or probe["routePoints"] != len(placed) + 2:
        raise Fail(f"route line has {probe['routePoints']} points, expected depot + {len(placed)} stops + depot")
    rows = s.find_all("table.stops tbody tr")
    if len(rows) != len(sample["stops"]):
        raise Fail(f"stop table has {len(rows)} rows, expected {len(sample['stops'])}")
    if len(s.find_all("table.stops tr.unplaced")) != unplaced:
        raise Fail("the unplaced stop is not marked")
    print(f"  {probe['markers']} numbered markers painted, route line of {probe['routePoints']} points, {unplaced} unplaced")
    s.screenshot(f"{a.out}/02-job-view.png")

    print("step: reordering two stops changes the totals; undo restores them")
    km0 = s.js("return document.getElementById('totals').dataset.km")
    first = s.js("return document.querySelector('table.stops tbody tr').dataset.stop")
    s.click("table.stops tbody tr:first-child button[data-action=down]")
    km1 = s.wait("new totals", lambda: (lambda k: k if k != km0 else None)(s.js("return document.getElementById('totals').dataset.km")))
    second = s.js("return document.querySelectorAll('table.stops tbody tr')[1].dataset.stop")
    if second != first:
        raise Fail(f"stop {first} did not move to position 2 (found {second})")
    print(f"  total {km0} km -> {km1} km after swapping stops 1 and 2")
    s.screenshot(f"{a.out}/03-job-reordered.png")
    s.click("#undo")
    s.wait("totals restored by undo", lambda: s.js("return document.getElementById('totals').dataset.km") == km0)
    s.click("table.stops tbody tr:first-child select.status option[value=completed]")
    s.wait("job in progress", lambda: s.text(".job-view .view-head .pill") == "in progress")
    s.click("#undo")
    s.wait("status undone", lambda: s.text(".job-view .view-head .pill") == "assigned")
    print("  status change shows the job in progress; undo brings it back")
    s.click("#reoptimize")
    s.wait("re-optimize report", lambda: s.js("const b = document.getElementById('reopt-banner'); return !b.hidden && b.textContent"))

    print("step: dropping a pin places the unplaced stop on the route")
    s.click("table.stops tr.unplaced button[data-action=pin]")
    s.click("#map")  # the centre of the map
    s.wait("the pinned stop on the map", lambda: s.js("return window.__routemate.probe().markers") == len(placed) + 1)
    s.wait("no unplaced row", lambda: len(s.find_all("table.stops tr.unplaced")) == 0)
    print(f"  {len(placed) + 1} markers after the pin")

    print("step: dragging a marker on the map pins that stop where it is dropped")
    pinned_before = len(s.find_all("table.stops span.geo.pinned"))
    s.js("""
      const p = window.__routemate.markerPoint('1');
      const canvas = document.querySelector('#map .leaflet-overlay-pane canvas');
      const ev = (type, x, y, target) => target.dispatchEvent(new MouseEvent(type,
        {bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, view: window}));
      ev('mousedown', p.x, p.y, canvas);
      ev('mousemove', p.x + 20, p.y + 10, document);
      ev('mousemove', p.x + 45, p.y + 25, document);
      ev('mouseup', p.x + 45, p.y + 25, document);
    """)
    s.wait("a second pinned stop", lambda: len(s.find_all("table.stops span.geo.pinned")) == pinned_before + 1)
    print(f"  pinned stops {pinned_before} -> {pinned_before + 1} after dragging marker 1")

    print("step: Settings -> API access creates credentials that work with curl on the local API")
    s.click("#nav-settings")
    s.wait("settings", lambda: s.find("#create-credential"))
    s.type("#cred-name", "E2E integration")
    s.click("#create-credential")
    client_id = s.wait("client id", lambda: s.text("#new-client-id"))
    secret = s.text("#new-client-secret")
    if not client_id.startswith("rm_ci_") or not secret.startswith("rm_cs_"):
        raise Fail(f"unexpected credential shapes {client_id[:8]}… {secret[:8]}…")
    status = s.text("#local-api-status")
    if a.api not in status:
        raise Fail(f"Settings says '{status}', expected the local API on {a.api}")
    s.screenshot(f"{a.out}/04-settings-api-access.png")
    # Watch the jobs list while the integration sends a job: it must appear without a reload.
    s.click("#nav-jobs")
    s.wait("jobs list", lambda: len(s.find_all("table.jobs tbody tr")) == 1)

    base = f"http://{a.api}"
    code, body = curl("-X", "POST", f"{base}/v1/integration-token", "-H", "Content-Type: application/json",
                      "-d", json.dumps({"client_id": client_id, "client_secret": secret}))
    if code != 200:
        raise Fail(f"token request answered {code}: {body}")
    token = json.loads(body)["access_token"]
    job = {"external_job_id": "E2E-CURL-1", "title": "Sent with curl", "driver_email": "curl@example.com",
           "stops": [{"external_stop_id": f"C{i}", "address": f"{i} Test St", "lat": -27.47 + i * 0.004,
                      "lng": 153.02 + (i % 3) * 0.004} for i in range(1, 6)]}
    code, body = curl("-X", "POST", f"{base}/v1/integration-import", "-H", f"Authorization: Bearer {token}",
                      "-H", "Content-Type: application/json", "-d", json.dumps(job))
    if code != 201:
        raise Fail(f"import answered {code}: {body}")
    code, _ = curl("-H", "Host: evil.example", f"{base}/v1/integration-jobs")
    if code < 400:
        raise Fail(f"a non-loopback Host header was answered with {code}")
    code, _ = curl("-X", "POST", f"{base}/v1/integration-import", "-H", "Authorization: Bearer rm_at_forged",
                   "-H", "Content-Type: application/json", "-d", json.dumps(job))
    if code != 401:
        raise Fail(f"a forged token got {code}")
    print("  token 200, import 201, foreign Host refused, forged token 401")

    s.wait("the curl job to appear live", lambda: len(s.find_all("table.jobs tbody tr")) == 2)
    if "Sent with curl" not in s.text("table.jobs"):
        raise Fail("the job sent with curl is not listed")
    s.screenshot(f"{a.out}/05-jobs-list.png")

    print("step: revoking the credentials in Settings stops them at once")
    s.click("#nav-settings")
    s.wait("credential row", lambda: s.find(f"tr[data-client='{client_id}'] button[data-action=revoke]"))
    s.click(f"tr[data-client='{client_id}'] button[data-action=revoke]")
    s.click(f"tr[data-client='{client_id}'] button[data-action=revoke]")
    s.wait("row gone", lambda: not s.find_all(f"tr[data-client='{client_id}']"))
    code, body = curl("-X", "POST", f"{base}/v1/integration-token", "-H", "Content-Type: application/json",
                      "-d", json.dumps({"client_id": client_id, "client_secret": secret}))
    if code != 401:
        raise Fail(f"a revoked credential got {code}: {body}")
    code, _ = curl(f"{base}/v1/integration-jobs", "-H", f"Authorization: Bearer {token}")
    if code != 401:
        raise Fail(f"a token of a revoked credential got {code}")
    print("  revoked: new token 401, old token 401")

    print("step: geocode triage is empty once the stop is pinned")
    s.click("#nav-triage")
    s.wait("triage list", lambda: "Nothing to fix" in s.text("#app"))
    s.screenshot(f"{a.out}/06-triage.png")

    print("step: the log view shows the app's log; the update check answers without an error")
    s.click("#nav-logs")
    s.wait("log lines", lambda: "job imported" in s.text("pre.log"))
    s.screenshot(f"{a.out}/07-logs.png")
    s.click("#nav-settings")
    s.click("#check-update")
    answer = s.wait("update answer", lambda: (lambda t: t if t and t != "Checking…" else None)(s.text("#update-result")), timeout=40)
    if not (answer.startswith("Offline") or answer.startswith("Up to date") or answer.startswith("Version")):
        raise Fail(f"unexpected update answer: {answer}")
    print(f"  update check: {answer}")

    print("step: a CSV saved into the watched folder is imported and shown in the activity list")
    import tempfile
    folder = tempfile.mkdtemp(prefix="rm-watch-")
    s.js("window.__TAURI_INTERNALS__.invoke('get_settings').then(function (st) {"
         " st.ui.watched_folder = arguments[0]; return window.__TAURI_INTERNALS__.invoke('update_settings', {settings: st}); });"
         .replace("arguments[0]", json.dumps(folder)))
    s.click("#nav-jobs")
    s.click("#nav-settings")
    s.wait("watching", lambda: "Watching" in s.text("#watch-status"))
    rows = ["external_job_id,title,driver_email,external_stop_id,address,lat,lng"]
    rows += [f"WATCH-1,Dropped file,w@example.com,W{i},{i} Drop St,{-27.47 - i * 0.003},{153.02 + i * 0.002}"
             for i in range(1, 5)]
    tmp_path = os.path.join(folder, ".incoming.tmp")
    with open(tmp_path, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.rename(tmp_path, os.path.join(folder, "wms-export.csv"))
    s.wait("activity row", lambda: "wms-export.csv: imported 1 job (WATCH-1)" in s.text("#watch-activity"), timeout=30)
    if not os.path.exists(os.path.join(folder, "imported", "wms-export.csv.result.json")):
        raise Fail("the file was not moved to imported/ with its result")
    s.js("document.getElementById('watch-activity').scrollIntoView()")
    s.screenshot(f"{a.out}/08-watched-folder.png")
    print("  wms-export.csv imported, listed in the activity, moved to imported/")

    hostile_labels(s, a)
    __import__("steps_plan").run(s, a)
    __import__("steps_sync").run(s, a)
    __import__("steps_webhooks").run(s, a)
    steps_export.run(s, a)
    __import__("steps_basemap").run(s, a)
    __import__("steps_roads").run(s, a)
    __import__("steps_native").run(s, a)
    __import__("steps_updater").run(s, a)


HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'


def hostile_labels(s, a):
    print("step: a job with HTML in its labels shows them as text, and the window cannot leave the app")
    start_url = s.call("GET", "/url")
    job = {"external_job_id": "E2E-HOSTILE", "title": HOSTILE_META, "driver_email": "h@example.com",
           "stops": [{"external_stop_id": f"H{i}", "label": HOSTILE_IMG if i == 1 else HOSTILE_META,
                      "address": f"{i} Markup St", "lat": -27.46 - i * 0.004, "lng": 153.01 + i * 0.003}
                     for i in range(1, 4)]}
    # As a dropped file arrives: its bytes, base64.
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: 'hostile.json', contentBase64: arguments[0]})"
         ".then(function (r) { location.hash = '#/job/' + r.jobs[0].outcome.job.job_id; });", content)
    s.wait("the hostile job open", lambda: s.js("return window.__routemate.route() === 'job' && "
                                                "document.querySelector('.job-view h1').textContent") == HOSTILE_META)
    s.wait("its markers", lambda: s.js("return window.__routemate.probe().markers") == 3)
    # Hover marker 1: Leaflet makes its tooltip then.
    s.js("""
      const p = window.__routemate.markerPoint('1');
      const canvas = document.querySelector('#map .leaflet-overlay-pane canvas');
      canvas.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: p.x, clientY: p.y, view: window}));
    """)
    tip = s.wait("the tooltip", lambda: s.js("const t = document.querySelector('#map .leaflet-tooltip'); return t && t.textContent"))
    if tip != f"1. {HOSTILE_IMG} — 1 Markup St":
        raise Fail(f"the tooltip reads {tip!r}")
    labels = s.js("return [...document.querySelectorAll('table.stops td.label .strong')].map(e => e.textContent)")
    if HOSTILE_IMG not in labels or HOSTILE_META not in labels:
        raise Fail(f"the stop table shows {labels}")
    parsed = s.js("return document.querySelectorAll('img[src=\"x\"], meta[http-equiv], form').length")
    if parsed or s.js("return window.__pwned === 1"):
        raise Fail(f"hostile markup was parsed ({parsed} elements) or ran")
    s.screenshot(f"{a.out}/09-hostile-labels.png")
    # Should markup ever get in, the navigation guard keeps the window on the app.
    s.js("const m = document.createElement('meta'); m.httpEquiv = 'refresh';"
         " m.content = '0;url=https://evil.example/'; document.head.append(m);")
    s.js("setTimeout(function () { location.href = 'https://evil.example/landing'; }, 0);")
    time.sleep(2)
    url = s.call("GET", "/url")
    if not url.startswith("tauri://localhost") or url.split("#")[0] != start_url.split("#")[0]:
        raise Fail(f"the window navigated away to {url}")
    if s.js("return document.body.dataset.ready") != "true" or not s.find_all("table.stops"):
        raise Fail("the app page is gone after a navigation attempt")
    print(f"  labels shown as text (tooltip {tip[:30]!r}…), window still on {url.split('#')[0]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--api", required=True)
    p.add_argument("--sample", required=True)
    a = p.parse_args()
    __import__("steps_updater").prepare(a)  # its update server and key: in the app's environment
    driver = subprocess.Popen(["tauri-driver", "--port", str(DRIVER_PORT), "--native-port", str(DRIVER_PORT + 1)],
                              stdout=open(f"{a.out}/tauri-driver.log", "w"), stderr=subprocess.STDOUT)
    s = None
    try:
        wait_port(DRIVER_PORT)
        if driver.poll() is not None:
            raise Fail("tauri-driver exited at start")
        s = Session(a.app)
        steps(s, a)
        print("E2E PASSED")
        return 0
    except Fail as e:
        print(f"E2E FAILED: {e}", file=sys.stderr)
        if s:
            try:
                s.screenshot(f"{a.out}/failure.png")
            except Exception:
                pass
        return 1
    finally:
        if s:
            s.close()
        driver.terminate()
        try:
            driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver.kill()


if __name__ == "__main__":
    sys.exit(main())
