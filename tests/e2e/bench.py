"""Desktop benchmarks: cold start to first paint, memory with a 1,000-stop job open, time to render
a 2,000-stop job. Prints figures only (no pass/fail: speed goals live in benchmarks, not tests).

Run inside Xvfb after a debug or release build, e.g.
  xvfb-run -a -s "-screen 0 1280x800x24" python3 tests/e2e/bench.py --app target/debug/routemate-desktop
Needs tauri-driver and WebKitWebDriver (see run.sh) and the shared bench data (ROUTEMATE_SHARED or a
parent folder holding shared/bench).
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import e2e  # noqa: E402


def shared_dir():
    if os.environ.get("ROUTEMATE_SHARED"):
        return Path(os.environ["ROUTEMATE_SHARED"])
    d = Path(__file__).resolve()
    for p in d.parents:
        if (p / "shared" / "spec").is_dir():
            return p / "shared"
    sys.exit("shared data not found: set ROUTEMATE_SHARED")


def job_from_instance(path, ext_id):
    """A delivery benchmark instance as an import request (coordinates given, no geocoding)."""
    inst = json.loads(Path(path).read_text())
    return {
        "external_job_id": ext_id,
        "title": inst["name"],
        "depot": {"lat": inst["depot"]["lat"], "lng": inst["depot"]["lon"]},
        "stops": [{"external_stop_id": s["id"], "address": s["id"], "lat": s["lat"], "lng": s["lon"]}
                  for s in inst["stops"]],
    }


def rss_tree_mb(root_pid):
    """RSS of a process and all its descendants, in MB, by process name."""
    out = {}
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        name = re.search(r"Name:\s+(\S+)", status).group(1)
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        out[f"{name}[{pid}]"] = int(rss.group(1)) / 1024 if rss else 0.0
        kids = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout
        pending += [int(k) for k in kids.split()]
    return out


def cold_start(app, runs):
    """Per run: the app's own figure (from `run()` to the UI's first paint, `startup_ms`) and the
    wall time from launching the process to that log line (adds exec, loading the libraries)."""
    times, walls = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, ROUTEMATE_DATA=d, ROUTEMATE_LISTEN="127.0.0.1:0", GSETTINGS_BACKEND="memory")
            launched = time.time()
            p = subprocess.Popen([app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            ms = wall = None
            deadline = time.time() + 60
            for line in p.stderr:
                m = re.search(r"startup_ms=(\d+)", re.sub(r"\x1b\[[0-9;]*m", "", line))
                if m:
                    ms = int(m.group(1))
                    wall = round((time.time() - launched) * 1000)
                    break
                if time.time() > deadline:
                    break
            p.terminate()
            p.wait(timeout=10)
            times.append(ms)
            walls.append(wall)
    return times, walls


def open_job(s, job, timeout=60):
    report = s.call("POST", "/execute/async", {"script": (
        "const [name, contentBase64, done] = arguments;"
        "window.__TAURI_INTERNALS__.invoke('import_dropped', {name, contentBase64})"
        ".then(done, e => done({error: e}));"),
        "args": ["bench.json", base64.b64encode(json.dumps(job).encode()).decode()]})
    outcome = report["jobs"][0]["outcome"]
    if not outcome:
        raise e2e.Fail(f"import failed: {report}")
    job_id = outcome["job"]["job_id"]
    s.js("location.hash = '#/jobs'")
    time.sleep(0.5)
    s.js(f"location.hash = '#/job/{job_id}'")
    n = outcome["job"]["optimization"]["routed_stops"]
    s.wait("render", lambda: (lambda r: r if r and r["stops"] == len(job["stops"]) else None)(
        s.js("return window.__routemate.lastRender()")), timeout=timeout)
    probe = s.js("return window.__routemate.probe()")
    if probe["markers"] != n:
        raise e2e.Fail(f"{probe['markers']} markers for {n} routed stops")
    return s.js("return window.__routemate.lastRender()")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    app = str(Path(a.app).resolve())
    times, walls = cold_start(app, a.runs)
    print("cold start to first paint (ms):", times, "; from process launch (ms):", walls, flush=True)

    bench = shared_dir() / "bench" / "data" / "delivery"
    tmp = tempfile.mkdtemp()
    os.environ.update(ROUTEMATE_DATA=f"{tmp}/data", ROUTEMATE_LISTEN="127.0.0.1:0", GSETTINGS_BACKEND="memory")
    port = e2e.DRIVER_PORT  # E2E_DRIVER_PORT, default 4444
    driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(port + 1)],
                              stdout=open(f"{tmp}/driver.log", "w"), stderr=subprocess.STDOUT)
    s = None
    try:
        e2e.wait_port(port)
        s = e2e.Session(app)
        s.wait("UI", lambda: s.js("return document.body.dataset.ready === 'true'"))
        time.sleep(2)
        app_pid = int(subprocess.run(["pgrep", "-n", "-f", app], capture_output=True, text=True).stdout.split()[0])
        idle = rss_tree_mb(app_pid)
        print(f"RSS at start, jobs list empty (MB): total {sum(idle.values()):.0f} "
              + ", ".join(f"{k} {v:.0f}" for k, v in idle.items()), flush=True)
        r1000 = open_job(s, job_from_instance(bench / "bne-uniform-1000.json", "BENCH-1000"))
        time.sleep(2)
        rss = rss_tree_mb(app_pid)
        print(f"1,000-stop job render: {json.dumps(r1000)}")
        print("RSS with the 1,000-stop job open (MB):")
        for k, v in rss.items():
            print(f"  {k}: {v:.0f}")
        print(f"  total: {sum(rss.values()):.0f}")
        r2000 = open_job(s, job_from_instance(bench / "bne-uniform-2000.json", "BENCH-2000"))
        print(f"2,000-stop job render: {json.dumps(r2000)}")
        s.screenshot(f"{tmp}/bench-2000.png")
        os.makedirs("target/e2e", exist_ok=True)
        subprocess.run(["cp", f"{tmp}/bench-2000.png", "target/e2e/bench-2000.png"])
    finally:
        if s:
            s.close()
        driver.terminate()


if __name__ == "__main__":
    main()
