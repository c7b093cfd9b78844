"""End-to-end steps of issue 12's remaining part (a plan to its drivers): the plan view's
Export writes every driver's pack into a folder, and its Print writes all run sheets into one
PDF (run.sh sets ROUTEMATE_NO_VIEWER=1, so no viewer opens over the app). The native folder
dialog cannot be driven over WebDriver, so the step calls the command the dialog's answer feeds
(`export_plan_to`) with a folder. Screenshots: 20-plan-export.png, 21-plan-run-sheet-page1.png.
Runs after steps_plan (the sample day is planned)."""

import os
import subprocess
import sys
import tempfile

Fail = getattr(sys.modules.get("__main__"), "Fail", AssertionError)

PACK_FILES = {"run-sheet.pdf", "route.gpx", "stops.csv", "stops.xlsx"}


def invoke(s, command, args):
    """A command's answer, or {"error": …} when it was refused."""
    return s.call("POST", "/execute/async", {
        "script": "const done = arguments[arguments.length - 1];"
                  " window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
                  ".then(done, e => done({error: e}));",
        "args": [command, args]})


def run(s, a):
    print("step: the plan view exports every driver's pack and prints all run sheets")
    s.click("#nav-plan")
    s.wait("plan view", lambda: s.js("return window.__routemate.route() === 'plan'"))
    s.wait("plan buttons", lambda: s.find_all("#plan-export") and s.find_all("#plan-print"))
    plan = invoke(s, "latest_plan", {})
    if not isinstance(plan, dict) or "plan_id" not in plan:
        raise Fail(f"latest_plan answered {plan!r}")
    drivers = len(plan["jobs"])
    folder = tempfile.mkdtemp(prefix="rm-e2e-packs-")
    packs = invoke(s, "export_plan_to", {"planId": plan["plan_id"], "folder": folder})
    if not isinstance(packs, dict) or "packs" not in packs:
        raise Fail(f"export_plan_to answered {packs!r}")
    if packs["failed"] or len(packs["packs"]) != drivers:
        raise Fail(f"{len(packs['packs'])} packs for {drivers} drivers, failed: {packs['failed']}")
    for p in packs["packs"]:
        found = set(os.listdir(p))
        if found != PACK_FILES:
            raise Fail(f"pack {p} holds {sorted(found)}")
        if open(os.path.join(p, "run-sheet.pdf"), "rb").read(5) != b"%PDF-":
            raise Fail(f"{p}/run-sheet.pdf is not a PDF")
    print(f"  {drivers} driver packs in {folder}: {sorted(os.path.basename(p) for p in packs['packs'])}")

    s.click("#plan-print")
    path = s.wait("the plan's run sheets written", lambda: (s.js(
        "const e = document.getElementById('plan-export-status'); return e && e.textContent") or "")
        .endswith(".pdf") and s.js("return document.getElementById('plan-export-status').textContent"), timeout=90)
    if not os.path.isfile(path):
        raise Fail(f"no PDF at {path}")
    pages = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    count = int(next(l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")))
    if count < drivers:
        raise Fail(f"{count} pages for {drivers} drivers' run sheets")
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    for job in plan["jobs"]:
        if job["driver"] not in text:
            raise Fail(f"driver {job['driver']} has no run sheet in {path}")
    s.settle()
    s.screenshot(f"{a.out}/20-plan-export.png")
    png = f"{a.out}/21-plan-run-sheet-page1"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", path, png], check=True)
    print(f"  {count} pages for {drivers} drivers in {path} -> {png}.png")
