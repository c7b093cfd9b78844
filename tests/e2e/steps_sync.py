"""E2E steps for sync with the hosted API (issue 11): a real `routemate serve` as the hosted side,
login from Settings -> Sync (Test connection, then Save), a job imported in the app reaches the
hosted side (badge "synced"), a stop completed there with curl shows up in the app."""

import base64
import json
import os
import subprocess
import tempfile
import time

from e2e import Fail, curl


def routemate_bin(a):
    root = os.path.dirname(os.path.dirname(os.path.abspath(a.app)))  # target/
    path = os.path.join(root, "debug", "routemate")
    if not os.path.exists(path):
        raise Fail(f"{path} is missing: tests/e2e/run.sh builds it (cargo build --bin routemate)")
    return path


def start_hosted(a):
    binary = routemate_bin(a)
    data = tempfile.mkdtemp(prefix="e2e-hosted-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUTEMATE_")}
    cred = json.loads(subprocess.run([binary, "--data", data, "credentials", "create", "--name", "depot"],
                                     check=True, capture_output=True, text=True, env=env).stdout)
    proc = subprocess.Popen([binary, "--data", data, "serve", "--listen", "127.0.0.1:0"], env=env,
                            stdout=subprocess.PIPE, stderr=open(f"{a.out}/hosted-serve.log", "w"), text=True)
    line = proc.stdout.readline()
    if "http://" not in line:
        raise Fail(f"hosted serve did not start: {line!r}")
    return proc, line[line.index("http://"):].strip(), cred


def run(s, a):
    print("step: Settings -> Sync logs in to a hosted routemate serve; a job syncs; hosted progress comes back")
    proc, url, cred = start_hosted(a)
    try:
        steps(s, a, url, cred)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def steps(s, a, url, cred):
    s.click("#nav-settings")
    s.wait("the sync card", lambda: s.find("#sync-url"))
    s.type("#sync-url", url)
    s.type("#sync-client-id", cred["client_id"])
    s.type("#sync-secret", cred["client_secret"])
    s.click("#sync-test")
    s.wait("test connection", lambda: "Connected" in s.text("#sync-result"))
    s.click("#sync-save")
    s.wait("the sync state", lambda: s.find_all("#sync-state"))
    s.screenshot(f"{a.out}/10-settings-sync.png")

    job = {"external_job_id": "E2E-SYNC-1", "title": "Synced to the office", "driver_email": "sync@example.com",
           "stops": [{"external_stop_id": f"Y{i}", "label": f"Sync stop {i}", "address": f"{i} Sync St",
                      "lat": -27.47 - i * 0.004, "lng": 153.02 + (i % 3) * 0.004} for i in range(1, 5)]}
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: 'sync.json', contentBase64: arguments[0]})",
         content)
    s.click("#nav-jobs")
    def badge():
        return s.js("return [...document.querySelectorAll('table.jobs tbody tr')].find("
                    "r => r.textContent.includes('E2E-SYNC-1'))?.querySelector('[data-sync-job]')?.dataset.badge")

    s.wait("the job synced", lambda: badge() == "synced", timeout=40)

    code, body = curl("-X", "POST", f"{url}/v1/integration-token", "-H", "Content-Type: application/json",
                      "-d", json.dumps({"client_id": cred["client_id"], "client_secret": cred["client_secret"]}))
    if code != 200:
        raise Fail(f"hosted token: {code} {body}")
    token = json.loads(body)["access_token"]
    code, body = curl(f"{url}/v1/integration-jobs?external_job_id=E2E-SYNC-1", "-H", f"Authorization: Bearer {token}")
    if code != 200:
        raise Fail(f"the job is not on the hosted side: {code} {body}")
    hosted = json.loads(body)
    if len(hosted["stops"]) != 4:
        raise Fail(f"the hosted copy has {len(hosted['stops'])} stops, not 4")
    first = hosted["stops"][0]["external_stop_id"]
    code, body = curl("-X", "POST", f"{url}/v1/integration-jobs/{hosted['job_id']}/stops/{first}/status",
                      "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
                      "-d", json.dumps({"status": "completed", "note": "delivered (E2E)"}))
    if code != 200:
        raise Fail(f"hosted status: {code} {body}")
    started = time.time()

    def completed_here():
        return s.js("return [...document.querySelectorAll('table.jobs tbody tr')].find("
                    "r => r.textContent.includes('E2E-SYNC-1'))?.textContent.includes('1/4')")

    s.wait("the hosted completion in the app", completed_here, timeout=40)
    print(f"  hosted completion of {first} shown in the app after {time.time() - started:.1f} s")
    indicator = s.text("#sync-indicator")
    if "Synced" not in indicator and "Syncing" not in indicator:
        raise Fail(f"status bar says {indicator!r}")
    s.screenshot(f"{a.out}/11-jobs-synced.png")
    print(f"  logged in ({url}), job synced, status bar: {indicator.splitlines()[0]!r}")
