"""E2E steps for webhooks (issue 17): a receiver on loopback (Python, checks the signature as the
README says), a subscription added in Settings -> Webhooks (the secret shown once), a job imported
in the app delivered to it, and the delivery log on screen with the receiver's 200s."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time

from e2e import Fail


class Receiver:
    def __init__(self):
        self.secret = ""
        self.got = []
        self.refused = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if verify(outer.secret, self.headers.get("RouteMate-Signature", ""), body):
                    outer.got.append(json.loads(body))
                    self.send_response(200)
                else:
                    outer.refused += 1
                    self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def verify(secret, header, body, tolerance=300):
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    t = next((v for k, v in parts if k == "t"), None)
    if not secret or t is None or not t.isdigit() or abs(time.time() - int(t)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(mac, v) for k, v in parts if k == "v1")


def run(s, a):
    print("step: Settings -> Webhooks adds a subscription; an imported job is delivered, signed; the log shows it")
    r = Receiver()
    try:
        steps(s, a, r)
    finally:
        r.server.shutdown()


def steps(s, a, r):
    s.click("#nav-settings")
    s.wait("the webhooks card", lambda: s.find("#webhook-url"))
    s.type("#webhook-url", r.url)
    s.type("#webhook-description", "E2E receiver")
    s.click("#webhook-add")
    s.wait("the secret shown once", lambda: s.text("#webhook-secret-value").startswith("whsec_"))
    r.secret = s.text("#webhook-secret-value")

    job = {"external_job_id": "E2E-HOOK-1", "title": "Told to the ERP", "driver_email": "hook@example.com",
           "stops": [{"external_stop_id": f"W{i}", "label": f"Hook stop {i}", "address": f"{i} Hook St",
                      "lat": -27.46 - i * 0.004, "lng": 153.03 + (i % 3) * 0.004} for i in range(1, 4)]}
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: 'hook.json', contentBase64: arguments[0]})",
         content)
    deadline = time.time() + 30
    while not any(e.get("type") == "job.imported" and e["data"]["external_job_id"] == "E2E-HOOK-1" for e in r.got):
        if time.time() > deadline:
            raise Fail(f"no job.imported delivered (received {len(r.got)}, refused {r.refused})")
        time.sleep(0.2)
    if r.refused:
        raise Fail(f"{r.refused} deliveries failed the signature check")

    s.click("#nav-jobs")
    s.click("#nav-settings")
    s.wait("the subscription listed", lambda: s.find(".webhook .webhook-show-log"))
    s.click(".webhook .webhook-show-log")
    s.wait("the delivery log", lambda: "job.imported" in s.text(".webhook-log"))
    if "200" not in s.text(".webhook-log table.deliveries"):
        raise Fail("the delivery log shows no 200: " + s.text(".webhook-log"))
    s.js("document.querySelector('#webhooks').scrollIntoView()")
    time.sleep(0.3)
    s.screenshot(f"{a.out}/12-settings-webhooks.png")
