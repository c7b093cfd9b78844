"""Drives the installed app for tests/package/smoke.sh (inside Xvfb, clean environment): the data
dir starts empty, the bundled localities load from the package's resource folder, and an
address-only job's suburbs are placed. Uses the WebDriver helpers of tests/e2e/e2e.py."""

import argparse
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
import e2e  # noqa: E402

# Suburb + state + postcode only, as a dispatcher pastes them; where each must land (lat, lng).
STOPS = [
    ("S1", "Fortitude Valley QLD 4006", (-27.457, 153.032)),
    ("S2", "Newtown NSW 2042", (-33.898, 151.178)),
    ("S3", "Fitzroy VIC 3065", (-37.798, 144.978)),
    ("S4", "Parap NT 0804", (-12.431, 130.841)),
]
UNKNOWN = ("S5", "12 Nowhere Lane, Atlantis QLD 4999")


def log_lines(s):
    tail = s.call("POST", "/execute/async", {"script": (
        "const done = arguments[0];"
        "window.__TAURI_INTERNALS__.invoke('read_log', {maxLines: 400}).then(done, e => done({error: e}));"),
        "args": []})
    if "error" in tail:
        raise e2e.Fail(f"read_log: {tail['error']}")
    return tail.get("lines", [])


def run(s, a):
    s.wait("the UI", lambda: s.js("return document.body.dataset.ready === 'true'"), timeout=60)
    info = s.call("POST", "/execute/async", {"script": (
        "const done = arguments[0]; window.__TAURI_INTERNALS__.invoke('app_info').then(done, e => done({error: e}));"),
        "args": []})
    data_dir = info["paths"]["data_dir"]
    if not data_dir.startswith(a.home):
        raise e2e.Fail(f"the data dir {data_dir} is not under the empty home {a.home}")
    print(f"  installed app {info['version']} up; data dir {data_dir}")
    # The geocoder opens in the background after the first paint: wait for it, and for the
    # localities it loaded from the package.
    lines = s.wait("the geocoder", lambda: (lambda ls: ls if any("geocoder attached" in x for x in ls) else None)(
        log_lines(s)), timeout=60)
    loaded = [x for x in lines if "bundled localities loaded" in x]
    if not loaded:
        raise e2e.Fail("no 'bundled localities loaded' in the log: " + " | ".join(lines[-15:]))
    print(f"  {loaded[-1].split('INFO')[-1].strip()}")

    job = {"external_job_id": "SMOKE-1", "title": "Installed package smoke test",
           "depot": {"lat": -27.4698, "lng": 153.0251},
           "stops": [{"external_stop_id": i, "address": addr} for i, addr, _ in STOPS]
           + [{"external_stop_id": UNKNOWN[0], "address": UNKNOWN[1]}]}
    report = s.call("POST", "/execute/async", {"script": (
        "const [name, contentBase64, done] = arguments;"
        "window.__TAURI_INTERNALS__.invoke('import_dropped', {name, contentBase64}).then(done, e => done({error: e}));"),
        "args": ["smoke.json", base64.b64encode(json.dumps(job).encode()).decode()]})
    outcome = (report.get("jobs") or [{}])[0].get("outcome") if "error" not in report else None
    if not outcome:
        raise e2e.Fail(f"the import failed: {report}")
    stops = {x["external_stop_id"]: x for x in outcome["job"]["stops"]}
    for sid, addr, (lat, lng) in STOPS:
        st = stops[sid]
        if st.get("lat") is None or st["geocode"]["level"] not in ("locality", "postcode"):
            raise e2e.Fail(f"{addr!r} not placed: {json.dumps(st['geocode'])}")
        off_km = ((st["lat"] - lat) ** 2 + (st["lng"] - lng) ** 2) ** 0.5 * 111
        if off_km > 5:
            raise e2e.Fail(f"{addr!r} placed {off_km:.0f} km away at {st['lat']},{st['lng']}")
        print(f"  {addr}: {st['geocode']['level']} at {st['lat']:.4f},{st['lng']:.4f} ({off_km:.1f} km off)")
    if stops[UNKNOWN[0]].get("lat") is not None:
        raise e2e.Fail(f"{UNKNOWN[1]!r} was placed: {stops[UNKNOWN[0]]}")
    print(f"  {UNKNOWN[1]}: left unplaced, as it should")
    job_id = outcome["job"]["job_id"]
    s.js(f"location.hash = '#/job/{job_id}'")
    s.wait("its markers", lambda: s.js("return window.__routemate.probe().markers") == len(STOPS))
    s.screenshot(f"{a.out}/package-smoke.png")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True)
    p.add_argument("--home", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    port = e2e.DRIVER_PORT
    driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(port + 1)],
                              stdout=open(f"{a.out}/package-smoke-driver.log", "w"), stderr=subprocess.STDOUT)
    s = None
    try:
        e2e.wait_port(port)
        if driver.poll() is not None:
            raise e2e.Fail("tauri-driver exited at start")
        start = time.time()
        s = e2e.Session(a.app)
        run(s, a)
        print(f"PACKAGE SMOKE PASSED in {time.time() - start:.0f} s")
        return 0
    except e2e.Fail as e:
        print(f"PACKAGE SMOKE FAILED: {e}", file=sys.stderr)
        if s:
            try:
                s.screenshot(f"{a.out}/package-smoke-failure.png")
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
