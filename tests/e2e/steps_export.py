"""End-to-end steps of issue 12 (from plan to driver): the job view's Export menu and its Print
button. The run sheet the app writes is rendered with poppler (pdftoppm) into the screenshots
folder, so a person sees its first page; pdftotext checks every stop is on it in order.

The native save dialog of Export cannot be driven over WebDriver; the menu's formats are checked,
and the Print path (same export code, written to the app's data folder) is followed to the file.
run.sh sets ROUTEMATE_NO_VIEWER=1 so no PDF viewer opens over the app under Xvfb.
"""

import base64
import json
import os
import subprocess
import sys

# The running e2e.py's own Fail (it runs as __main__; importing `e2e` would make a second class
# its main() does not catch).
Fail = getattr(sys.modules["__main__"], "Fail", RuntimeError)

STREETS = ["Queen St", "Müllerstraße", "Ταχυδρόμου", "Rue de l'Église"]


def run(s, a):
    print("step: a job's run sheet is printed from the job view; its first page renders")
    stops = [{"external_stop_id": f"P{i}", "label": f"Customer {i}",
              "address": f"{i} {STREETS[i % len(STREETS)]}, Brisbane QLD 4000",
              "parcel_count": i % 3 + 1, "phone": f"+61 7 3000 {i:04d}",
              "lat": -27.44 - (i % 4) * 0.01, "lng": 153.00 + (i // 4) * 0.012}
             for i in range(1, 13)]
    stops[0]["notes"] = "Gate code 1234"
    stops[2]["time_window"] = {"start": "09:00", "end": "11:00"}
    job = {"external_job_id": "E2E-RUN-SHEET", "title": "E2E run sheet", "driver_email": "sam@example.com",
           "date": "2026-11-30", "depot": {"lat": -27.4698, "lng": 153.0251}, "stops": stops}
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: 'run-sheet.json', contentBase64: arguments[0]})"
         ".then(function (r) { location.hash = '#/job/' + r.jobs[0].outcome.job.job_id; });", content)
    s.wait("the job open", lambda: s.js("return window.__routemate.route() === 'job' && "
                                        "document.querySelector('.job-view h1').textContent") == "E2E run sheet")
    options = s.js("return [...document.querySelectorAll('#export-job option')].map(o => o.value)")
    if options != ["", "pdf", "gpx", "csv", "xlsx"]:
        raise Fail(f"the Export menu offers {options}")
    s.click("#print-run-sheet")
    path = s.wait("the run sheet written", lambda: s.js(
        "const e = document.getElementById('print-status'); return e && e.textContent"), timeout=60)
    if not os.path.isfile(path) or not open(path, "rb").read(5) == b"%PDF-":
        raise Fail(f"no PDF at {path}")
    s.screenshot(f"{a.out}/10-print-run-sheet.png")

    text = subprocess.run(["pdftotext", "-x", "86", "-y", "0", "-W", "164", "-H", "842", path, "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    job_id = s.js("return location.hash.split('/')[2]")
    view = s.call("POST", "/execute/async", {
        "script": "const done = arguments[arguments.length - 1];"
                  " window.__TAURI_INTERNALS__.invoke('get_job', {jobId: arguments[0]}).then(done, () => done(null));",
        "args": [job_id]})
    if not isinstance(view, dict) or "stops" not in view:
        raise Fail(f"get_job answered {view!r}")
    ordered = sorted((x for x in view["stops"] if x["sequence"]), key=lambda x: x["sequence"])
    at = 0
    for st in ordered:
        found = flat.find(st["address"], at)
        if found < 0:
            raise Fail(f"stop {st['sequence']} ({st['address']}) is not on the run sheet in order")
        at = found + len(st["address"])
    print(f"  all {len(ordered)} stops on the run sheet in driving order")
    png = f"{a.out}/11-run-sheet-page1"
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", path, png], check=True)
    if os.path.getsize(png + ".png") < 20_000:
        raise Fail("the run sheet's first page rendered nearly empty")
    print(f"  run sheet {path} -> {png}.png")
