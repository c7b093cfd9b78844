"""End-to-end steps of issue 16's remaining part (roads offline): the shared South Brisbane
extract is imported through Settings' one action (road pack and address gazetteer; the path-based
command the file dialog's answer feeds, since the native dialog cannot be driven), a job with
stops there is imported, and its route is drawn along the streets on the app's own offline
street basemap (this machine has no network: no map tiles). Also: live totals while dragging
come from the engine (`preview_order`), on roads. Screenshots: 22-roads-settings.png,
23-roads-offline-streets.png."""

import base64
import csv
import json
import os
import sys

Fail = getattr(sys.modules.get("__main__"), "Fail", AssertionError)

HERE = os.path.dirname(os.path.abspath(__file__))
GEO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "geo"))


def invoke(s, command, args):
    return s.call("POST", "/execute/async", {
        "script": "const done = arguments[arguments.length - 1];"
                  " window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
                  ".then(done, e => done({error: e}));",
        "args": [command, args]})


def run(s, a):
    pbf = os.path.join(GEO, "south_brisbane.osm.pbf")
    if not os.path.isfile(pbf):
        raise Fail(f"the shared extract is missing: {pbf}")
    print("step: Settings imports the South Brisbane extract: road pack and addresses in one action")
    s.click("#nav-settings")
    s.wait("settings", lambda: s.find_all("#import-extract"))
    done = invoke(s, "import_extract_from", {"path": pbf})
    if not isinstance(done, dict) or "roads" not in done:
        raise Fail(f"import_extract_from answered {done!r}")
    if not done["roads"]["loaded"] or done["addresses"] < 150:
        raise Fail(f"the import built {done}")
    # Settings shows the new pack once it reloads.
    s.click("#nav-jobs")
    s.click("#nav-settings")
    s.wait("the pack in Settings", lambda: "south_brisbane.osm.pbf" in (s.text("#road-pack-status") or ""))
    s.js("document.getElementById('roads').scrollIntoView({block: 'center'})")
    s.settle()
    s.screenshot(f"{a.out}/22-roads-settings.png")
    print(f"  {done['roads']['roads']} roads, {done['addresses']} addresses, {done['street_ways']} street pieces")

    print("step: a job in South Brisbane is routed along the streets on the offline street basemap")
    with open(os.path.join(GEO, "south_brisbane_addresses.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    picks = [rows[(i * 17 + 4) % len(rows)] for i in range(8)]
    stops = [{"external_stop_id": f"SB{i}", "label": f"Customer {i}",
              "address": f"{r['housenumber']} {r['street']}, South Brisbane QLD 4101",
              "lat": float(r["lat"]), "lng": float(r["lon"])} for i, r in enumerate(picks)]
    job = {"external_job_id": "E2E-ROADS", "title": "E2E South Brisbane on roads",
           "driver_email": "roads@example.com", "date": "2026-11-30",
           "depot": {"lat": float(rows[0]["lat"]), "lng": float(rows[0]["lon"])}, "stops": stops}
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: 'roads.json', contentBase64: arguments[0]})"
         ".then(function (r) { location.hash = '#/job/' + r.jobs[0].outcome.job.job_id; });", content)
    s.wait("the job open", lambda: s.js("return window.__routemate.route() === 'job' && "
                                        "document.querySelector('.job-view h1').textContent") == job["title"])
    job_id = s.js("return location.hash.split('/')[2]")
    view = invoke(s, "get_job", {"jobId": job_id})
    o = view.get("optimization", {})
    if o.get("distance_source") != "road":
        raise Fail(f"the job was not planned on roads: {o.get('distance_source')}")
    probe = s.wait("route on the map", lambda: s.js("return window.__routemate.probe()"))
    if probe["routePoints"] <= len(stops) + 2:
        raise Fail(f"the route line has {probe['routePoints']} points: straight lines, not streets")
    drawn = s.wait("streets drawn", lambda: int(s.js(
        "return document.querySelector('.job-view .leaflet-container').dataset.streetsDrawn || 0")) or None, timeout=30)
    attribution = s.text(".job-view .leaflet-control-attribution") or ""
    if "OpenStreetMap" not in attribution:
        raise Fail(f"no OpenStreetMap attribution on the map: {attribution!r}")

    # Live totals while dragging: the engine's answer for a proposed order, on roads.
    routed = sorted((x for x in view["stops"] if x["sequence"]), key=lambda x: x["sequence"])
    order = [x["external_stop_id"] for x in routed]
    proposed = order[1:] + order[:1]
    preview = invoke(s, "preview_order", {"jobId": job_id, "order": proposed})
    if preview.get("distance_source") != "road" or preview.get("estimate"):
        raise Fail(f"the live totals are not on roads: {preview}")
    same = invoke(s, "preview_order", {"jobId": job_id, "order": order})
    if abs(same["total_distance_km"] - o["total_distance_km"]) > 1e-9:
        raise Fail(f"the current order previews {same['total_distance_km']} km, the job says {o['total_distance_km']}")
    s.settle()
    s.screenshot(f"{a.out}/23-roads-offline-streets.png")
    print(f"  distance_source road, route line {probe['routePoints']} points, {drawn} streets drawn; "
          f"moving the first stop last: {preview['total_distance_km']} km vs {o['total_distance_km']} km")
