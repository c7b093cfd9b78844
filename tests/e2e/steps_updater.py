"""E2E steps for real updates (issue 13): a throwaway signing key made here (`tauri signer
generate`), a signed package and a tampered copy served with a manifest by an HTTP server on
loopback, and the app pointed at it through ROUTEMATE_UPDATE_ENDPOINT / ROUTEMATE_UPDATE_PUBKEY
(read at start, so `prepare` runs before the app is launched). Settings -> About and updates:
up to date; 0.2.0 available, downloaded with progress, signature verified (the debug build is no
packaged install, so the verified package is saved, byte for byte); the tampered one refused with
the reason, nothing saved, the app still running; the server gone: "Offline"."""

import hashlib
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time

from e2e import Fail

VERSION = "0.2.0"
PACKAGE = f"RouteMate_{VERSION}_amd64.deb"


class State:
    mode = "current"  # "current" (204), "good", "tampered"
    files = {}  # path -> bytes
    port = 0
    server = None
    good = b""


def _handler():
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.startswith("/update/"):
                if State.mode == "current":
                    self.send_response(204)
                    self.end_headers()
                    return
                folder = "good" if State.mode == "good" else "tampered"
                body = json.dumps({
                    "version": VERSION, "notes": "Faster day plans", "pub_date": "2026-12-01T00:00:00Z",
                    "url": f"http://127.0.0.1:{State.port}/files/{folder}/{PACKAGE}",
                    "signature": State.files["sig"].decode(),
                }).encode()
                self._send(body, "application/json")
            elif self.path in State.files:
                # Slowly, in pieces, so the progress bar has something to show.
                data = State.files[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for i in range(0, len(data), 128 * 1024):
                    self.wfile.write(data[i:i + 128 * 1024])
                    self.wfile.flush()
                    time.sleep(0.08)
            else:
                self._send(b"not found", "text/plain", 404)

        def _send(self, body, ctype, status=200):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _tauri_cli(root, *args):
    r = subprocess.run(["npx", "--prefix", os.path.join(root, "ui"), "tauri", "signer", *args],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise Fail(f"tauri signer {args[0]}: {r.stderr.strip() or r.stdout.strip()}")
    return r


def _package(work):
    """A real (small) .deb of version 0.2.0 with 4 MiB of payload, built with dpkg-deb."""
    tree = os.path.join(work, "pkg")
    os.makedirs(os.path.join(tree, "DEBIAN"))
    os.makedirs(os.path.join(tree, "usr", "share", "routemate-e2e"))
    with open(os.path.join(tree, "DEBIAN", "control"), "w") as f:
        f.write(f"Package: routemate-e2e-update\nVersion: {VERSION}\nArchitecture: amd64\n"
                "Maintainer: RouteMate E2E <e2e@example.com>\nDescription: E2E update payload\n")
    with open(os.path.join(tree, "usr", "share", "routemate-e2e", "payload.bin"), "wb") as f:
        f.write(os.urandom(4 << 20))
    out = os.path.join(work, PACKAGE)
    subprocess.run(["dpkg-deb", "-Znone", "--build", tree, out], check=True, capture_output=True)
    return out


def prepare(a):
    """Key, packages, server, and the app's environment; before tauri-driver starts the app."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    work = tempfile.mkdtemp(prefix="e2e-updater-")
    key = os.path.join(work, "throwaway.key")
    _tauri_cli(root, "generate", "--ci", "-p", "e2e", "-w", key)
    deb = _package(work)
    _tauri_cli(root, "sign", "-f", key, "-p", "e2e", "--app-version", VERSION, deb)
    good = open(deb, "rb").read()
    tampered = bytearray(good)
    tampered[len(tampered) // 2] ^= 0x01  # one bit, in the payload
    State.good = good
    State.files = {f"/files/good/{PACKAGE}": good, f"/files/tampered/{PACKAGE}": bytes(tampered),
                   "sig": open(deb + ".sig", "rb").read()}
    State.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler())
    State.port = State.server.server_address[1]
    threading.Thread(target=State.server.serve_forever, daemon=True).start()
    os.environ["ROUTEMATE_UPDATE_ENDPOINT"] = f"http://127.0.0.1:{State.port}/update/{{{{current_version}}}}"
    os.environ["ROUTEMATE_UPDATE_PUBKEY"] = open(key + ".pub").read().strip()
    print(f"  update server on 127.0.0.1:{State.port}; throwaway key {key}.pub; package {len(good)} bytes")


def _show(s):
    """The update controls at the foot of the window, for a screenshot."""
    s.js("document.getElementById('updates').scrollIntoView({block: 'end'})")


def _check(s, expect):
    s.js("document.getElementById('update-result').textContent = ''")
    s.click("#check-update")
    return s.wait(f"check: {expect}", lambda: (lambda t: t if expect in t else None)(s.text("#update-result")), timeout=30)


def _install(s, done, shot_path=None):
    """Clicks install and records every line the result shows until one contains `done`; the
    first mid-download frame is kept as a screenshot."""
    s.click("#install-update")
    seen = []
    shot = shot_path is None
    deadline = time.time() + 60
    while time.time() < deadline:
        t = s.text("#update-result")
        if t and (not seen or seen[-1] != t):
            seen.append(t)
        pct = re.search(r"\((\d+)%\)", t or "")
        if not shot and pct and 10 <= int(pct.group(1)) < 100:
            _show(s)
            s.screenshot(shot_path)
            shot = True
        if seen and done in seen[-1]:
            return seen
        time.sleep(0.15)
    raise Fail(f"install did not end with {done!r}; saw {seen}")


def run(s, a):
    print("step: updates: check, download with progress, signature verified; a tampered package refused")
    if not State.server:
        raise Fail("steps_updater.prepare(a) did not run before the app started")
    saved = os.path.join(os.environ["ROUTEMATE_DATA"], "updates", PACKAGE)
    try:
        s.js("location.hash = '#/settings'")
        s.wait("the update button", lambda: s.find("#check-update"))

        State.mode = "current"
        print("  " + _check(s, "Up to date"))

        State.mode = "good"
        print("  " + _check(s, f"Version {VERSION} is available"))
        seen = _install(s, "signature verified", f"{a.out}/18-update-progress.png")
        progress = [t for t in seen if t.startswith("Downloading…") and "%" in t]
        if not progress or not any("(100%)" not in t for t in progress):
            raise Fail(f"no download progress was shown: {seen}")
        if not any("Checking the signature" in t for t in seen):
            print(f"  (the 'Checking the signature' step passed between two polls: {seen})")
        if not os.path.exists(saved) or hashlib.sha256(open(saved, "rb").read()).digest() != hashlib.sha256(State.good).digest():
            raise Fail(f"the verified package was not saved whole at {saved}")
        print(f"  progress shown ({progress[0]} … {progress[-1]}); verified and saved: {saved}")
        _show(s)
        s.screenshot(f"{a.out}/19-update-verified.png")
        os.remove(saved)

        State.mode = "tampered"
        _check(s, f"Version {VERSION} is available")
        seen = _install(s, "refused")
        msg = seen[-1]
        if "does not match the file" not in msg or "Nothing was installed" not in msg:
            raise Fail(f"the refusal does not say why: {msg!r}")
        if os.path.exists(saved):
            raise Fail("the tampered package was saved")
        if "error" not in s.js("return document.getElementById('update-result').className"):
            raise Fail("the refusal is not shown as an error")
        _show(s)
        s.screenshot(f"{a.out}/20-update-refused.png")
        # The app keeps running: it still answers and renders.
        jobs = s.call("POST", "/execute/async", {"script": (
            "const done = arguments[0]; window.__TAURI_INTERNALS__.invoke('list_jobs', {args: {}})"
            ".then(r => done(r.jobs.length), e => done('error: ' + JSON.stringify(e)));"), "args": []})
        if not isinstance(jobs, int) or s.js("return document.body.dataset.ready") != "true":
            raise Fail(f"the app is not answering after the refusal: {jobs}")
        print(f"  tampered package refused: {msg!r}; app still answering ({jobs} jobs)")
    finally:
        State.server.shutdown()
        State.server.server_close()

    print("  " + _check(s, "Offline"))
