"""End-to-end steps of issue 13, items 3 and 4 (the native app): the application menu and its
shortcuts drive import and undo; keyboard use of the stop table; undo history per job; the depot
address found in Settings; the port in use under ROUTEMATE_LISTEN; dragging a dot in the dense
view of a big job; the tray; closing the window keeps the watcher importing; a second launch
focuses the first.

How the native parts are driven: the menu is opened and its shortcuts pressed with real X key
events (xdotool), which GTK turns into the same menu events a dispatcher's keys and clicks make;
the native file dialog is answered by typing a path into it. Closing the window is the window's
close request: WM_DELETE_WINDOW sent to it, as a window manager does when the title bar's close
button is clicked (there is no window manager under Xvfb to draw one). The tray needs an XEmbed tray host: run.sh starts `trayer`
(tests/e2e/with_tray.sh) inside a D-Bus session (dbus-run-session), which single instance uses.
"""

import base64
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

Fail = getattr(sys.modules["__main__"], "Fail", RuntimeError)


def xdo(*args, check=True):
    r = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise Fail(f"xdotool {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


def app_window():
    ids = xdo("search", "--onlyvisible", "--name", "^RouteMate$", check=False).split()
    return ids[0] if ids else None


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def close_window(win):
    """What a window manager does for the close button: a WM_DELETE_WINDOW client message."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    d = x11.XOpenDisplay(None)
    if not d:
        raise Fail("cannot open the X display")
    ev = _XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = int(win)
    ev.xclient.message_type = x11.XInternAtom(d, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x11.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(d, int(win), 0, 0, ctypes.byref(ev))
    x11.XFlush(d)
    x11.XCloseDisplay(d)


def keys(*combo):
    """Real key presses into the app window (GTK sees them as a user's)."""
    win = app_window()
    if not win:
        raise Fail("the RouteMate window is not on screen")
    xdo("windowfocus", "--sync", win)
    xdo("key", "--clearmodifiers", *combo)


def open_job(s, job, name):
    content = base64.b64encode(json.dumps(job).encode()).decode()
    s.js("return window.__TAURI_INTERNALS__.invoke('import_dropped', {name: arguments[1], contentBase64: arguments[0]})"
         ".then(function (r) { location.hash = '#/job/' + r.jobs[0].outcome.job.job_id; });", content, name)
    s.wait(f"job {job['title']} open", lambda: s.js(
        "return window.__routemate.route() === 'job' && document.querySelector('.job-view h1').textContent")
        == job["title"])
    return s.js("return location.hash.split('/')[2]")


def small_job(ext, title, n=6):
    return {"external_job_id": ext, "title": title, "driver_email": "kb@example.com",
            "depot": {"lat": -27.4698, "lng": 153.0251},
            "stops": [{"external_stop_id": f"{ext}-{i}", "label": f"Stop {i}", "address": f"{i} Key St",
                       "lat": -27.46 - (i % 3) * 0.01, "lng": 153.01 + (i // 3) * 0.013} for i in range(1, n + 1)]}


def order(s):
    return s.js("return [...document.querySelectorAll('table.stops tbody tr[data-stop]')].map(r => r.dataset.stop)")


def run(s, a):
    menu_and_shortcuts(s, a)
    keyboard_table(s, a)
    history_per_job(s, a)
    settings_depot_and_port(s, a)
    dense_drag(s, a)
    keep_watching_and_second_launch(s, a)


def menu_and_shortcuts(s, a):
    print("step: the File menu opens from the keyboard; Ctrl+O imports through the native dialog")
    s.wait("the UI", lambda: s.js("return document.body.dataset.ready === 'true'"))
    s.js("document.getElementById('welcome')?.remove()")
    keys("alt+f")
    time.sleep(0.8)
    s.screenshot(f"{a.out}/native-01-file-menu.png")
    keys("Escape")
    time.sleep(0.3)

    path = os.path.join(tempfile.mkdtemp(prefix="rm-menu-"), "menu-import.json")
    with open(path, "w") as f:
        json.dump(small_job("MENU-1", "Imported from the menu"), f)
    keys("ctrl+o")
    dialog = s.wait("the file dialog", lambda: xdo("search", "--onlyvisible", "--name", "Import a job file",
                                                   check=False).split(), timeout=15)[0]
    xdo("windowfocus", "--sync", dialog)
    time.sleep(0.5)
    # Typing "/" in a GTK file chooser opens its location field.
    xdo("type", "--delay", "30", path)
    time.sleep(0.5)
    s.screenshot(f"{a.out}/native-02-import-dialog.png")
    xdo("key", "Return")
    s.wait("the imported job open", lambda: s.js(
        "return window.__routemate.route() === 'job' && document.querySelector('.job-view h1').textContent")
        == "Imported from the menu", timeout=30)
    if s.js("return document.body.dataset.lastMenuAction") != "import":
        raise Fail("the import did not come through the menu action")
    print("  Ctrl+O → menu action 'import' → native dialog → job opened")

    print("step: Ctrl+Z undoes a reorder, Ctrl+Y and Ctrl+Shift+Z redo it")
    before = order(s)
    s.click("table.stops tbody tr:first-child button[data-action=down]")
    s.wait("the reorder", lambda: order(s) != before)
    moved = order(s)
    keys("ctrl+z")
    s.wait("undo by Ctrl+Z", lambda: order(s) == before)
    if s.js("return document.body.dataset.lastMenuAction") != "undo":
        raise Fail("Ctrl+Z did not reach the Edit → Undo action")
    keys("ctrl+y")
    s.wait("redo by Ctrl+Y", lambda: order(s) == moved)
    keys("ctrl+z")
    s.wait("undo again", lambda: order(s) == before)
    keys("ctrl+shift+z")
    s.wait("redo by Ctrl+Shift+Z", lambda: order(s) == moved)
    print("  reorder undone by Ctrl+Z, redone by Ctrl+Y and by Ctrl+Shift+Z")

    print("step: View → Geocode triage from the menu; Ctrl+F finds in the jobs list")
    keys("alt+v")
    time.sleep(0.6)
    s.screenshot(f"{a.out}/native-03-view-menu.png")
    keys("t")
    s.wait("triage from the View menu", lambda: s.js("return window.__routemate.route()") == "triage")
    keys("ctrl+1")
    s.wait("jobs from Ctrl+1", lambda: s.js("return window.__routemate.route()") == "jobs")
    keys("ctrl+f")
    s.wait("the search field focused", lambda: s.js("return document.activeElement && document.activeElement.id")
           == "job-search")
    keys("ctrl+comma")
    s.wait("settings from Ctrl+,", lambda: s.js("return window.__routemate.route()") == "settings")
    print("  View → Geocode triage, Ctrl+1 jobs, Ctrl+F in the list, Ctrl+, settings")


def keyboard_table(s, a):
    print("step: the stop table works from the keyboard: move focus, reorder, lock")
    open_job(s, small_job("KB-1", "Keyboard job"), "kb.json")
    first = order(s)
    s.js("document.querySelector('table.stops tbody tr[data-stop]').focus()")
    keys("Down")
    focused = s.wait("focus on row 2", lambda: s.js("return document.activeElement.dataset.stop"))
    if focused != first[1]:
        raise Fail(f"↓ put the focus on {focused}, expected {first[1]}")
    keys("alt+Down")
    s.wait("row 2 moved to 3", lambda: order(s)[2] == first[1])
    s.wait("focus kept on the moved stop", lambda: s.js("return document.activeElement.dataset.stop") == first[1])
    keys("l")
    s.wait("the stop locked", lambda: s.js(
        "return document.activeElement.querySelector('button[data-action=lock]').classList.contains('on')"))
    outline = s.js("return getComputedStyle(document.activeElement.cells[1]).boxShadow")
    if outline in ("none", ""):
        raise Fail("the focused row has no visible focus frame")
    s.screenshot(f"{a.out}/native-04-keyboard-table.png")
    print(f"  ↓ focus, Alt+↓ moved {first[1]} to place 3, L locked it; focus frame {outline}")


def history_per_job(s, a):
    print("step: undo history survives switching to another job and back")
    a_id = open_job(s, small_job("HIST-A", "History A"), "hist-a.json")
    before = order(s)
    s.click("table.stops tbody tr:first-child button[data-action=down]")
    s.wait("the reorder", lambda: order(s) != before)
    open_job(s, small_job("HIST-B", "History B"), "hist-b.json")
    if s.js("return document.getElementById('undo').disabled") is not True:
        raise Fail("job B offers an undo of job A's edit")
    s.js("location.hash = '#/job/' + arguments[0]", a_id)
    s.wait("job A again", lambda: s.js("return document.querySelector('.job-view h1').textContent") == "History A")
    s.wait("undo offered again", lambda: s.js("return document.getElementById('undo').disabled") is False)
    s.click("#undo")
    s.wait("job A's order restored", lambda: order(s) == before)
    print("  job A's reorder undone after visiting job B")


def settings_depot_and_port(s, a):
    print("step: Settings finds the depot address and shows the port ROUTEMATE_LISTEN put in use")
    s.click("#nav-settings")
    s.wait("settings", lambda: s.find("#find-depot"))
    port = a.api.rsplit(":", 1)[1]
    note = s.wait("the port in use", lambda: s.text("#local-api-port-in-use"))
    if f"port {port}" not in note:
        raise Fail(f"Settings says {note!r}, expected port {port}")
    s.type("#depot-address", "Fortitude Valley QLD")
    s.click("#find-depot")
    s.wait("candidates", lambda: s.find_all("#depot-candidates button[data-candidate]"), timeout=30)
    first = s.text("#depot-candidates button[data-candidate='0']")
    if "Fortitude Valley" not in first:
        raise Fail(f"the first candidate is {first!r}")
    s.js("document.getElementById('depot-candidates').scrollIntoView({block: 'center'})")
    s.screenshot(f"{a.out}/native-05-depot-candidates.png")
    s.click("#depot-candidates button[data-candidate='0']")
    lat = float(s.js("return document.getElementById('depot-lat').value"))
    lng = float(s.js("return document.getElementById('depot-lng').value"))
    if not (-27.47 < lat < -27.44 and 153.02 < lng < 153.05):
        raise Fail(f"the chosen depot is at {lat}, {lng}, not Fortitude Valley")
    print(f"  {note}; depot candidate {first!r} → {lat:.4f}, {lng:.4f}")


def dense_drag(s, a):
    print("step: in a big job's dense view, a dot can be dragged once zoomed in")
    n = 600
    job = {"external_job_id": "DENSE-1", "title": "Dense job", "driver_email": "d@example.com",
           "depot": {"lat": -27.4698, "lng": 153.0251},
           "stops": [{"external_stop_id": f"D{i}", "address": f"{i} Dense St",
                      "lat": -27.40 - (i % 25) * 0.006, "lng": 152.95 + (i // 25) * 0.006} for i in range(n)]}
    open_job(s, job, "dense.json")
    s.wait("dots", lambda: s.js("return window.__routemate.probe().markers") == n, timeout=60)
    # Zoom in on stop 300 (street level, still the dense view: dots, no numbers).
    if not s.js("return window.__routemate.zoomTo('300', 13)"):
        raise Fail("no marker 300")
    s.wait("zoom 13", lambda: s.js("return window.__routemate.zoom()") == 13)
    dots = s.js("return window.__routemate.probe().markers")
    s.settle()
    s.js("""
      const p = window.__routemate.markerPoint('300');
      const canvas = document.querySelector('#map .leaflet-overlay-pane canvas');
      const ev = (type, x, y, target) => target.dispatchEvent(new MouseEvent(type,
        {bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, view: window}));
      ev('mousedown', p.x, p.y, canvas);
      ev('mousemove', p.x + 20, p.y + 10, document);
      ev('mousemove', p.x + 40, p.y + 30, document);
      ev('mouseup', p.x + 40, p.y + 30, document);
    """)
    s.wait("the dragged stop pinned", lambda: s.js(
        "return window.__routemate.job().stops.filter(x => x.geocode.source === 'pin').length") == 1, timeout=30)
    s.screenshot(f"{a.out}/native-06-dense-drag.png")
    print(f"  zoom 13 (dense view, {dots} dots): dot 300 dragged and pinned")


def keep_watching_and_second_launch(s, a):
    print("step: the tray shows the watched folder; closing the window keeps the watcher importing")
    folder = tempfile.mkdtemp(prefix="rm-keep-")
    s.js("window.__TAURI_INTERNALS__.invoke('get_settings').then(function (st) {"
         " st.ui.watched_folder = arguments[0]; return window.__TAURI_INTERNALS__.invoke('update_settings', {settings: st}); });"
         .replace("arguments[0]", json.dumps(folder)))
    s.click("#nav-jobs")
    s.click("#nav-settings")
    s.wait("watching", lambda: "Watching" in s.text("#watch-status"))
    if s.js("return document.getElementById('keep-watching').checked") is not True:
        raise Fail("keep watching is not on by default")
    time.sleep(2.5)  # the tray refreshes every 2 s
    tray_menu(a, "native-07-tray-menu.png")
    marker = os.path.join(os.environ["ROUTEMATE_DATA"], "told-keep-watching")
    if os.path.exists(marker):
        raise Fail("the keep-watching notice was marked as told before any close")
    close_window(app_window())
    s.wait("the window hidden", lambda: app_window() is None, timeout=10)
    s.wait("the notice told once", lambda: os.path.exists(marker), timeout=10)
    rows = ["external_job_id,title,driver_email,external_stop_id,address,lat,lng"]
    rows += [f"KEEP-1,Arrived while closed,k@example.com,K{i},{i} Closed St,{-27.47 - i * 0.003},{153.02 + i * 0.002}"
             for i in range(1, 4)]
    tmp = os.path.join(folder, ".incoming.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(rows) + "\n")
    os.rename(tmp, os.path.join(folder, "closed.csv"))
    s.wait("the file imported while the window is closed",
           lambda: os.path.exists(os.path.join(folder, "imported", "closed.csv.result.json")), timeout=30)
    time.sleep(2.5)  # the tray's next refresh
    tray_menu(a, "native-08-window-closed-tray.png")
    print("  window hidden, notice told once, closed.csv imported to imported/")

    print("step: a second launch focuses the first and exits")
    second = subprocess.run([a.app], capture_output=True, text=True, timeout=60, env=os.environ.copy())
    if second.returncode != 0:
        raise Fail(f"the second launch exited {second.returncode}: {second.stderr[-500:]}")
    s.wait("the window shown again", lambda: app_window() is not None, timeout=10)
    s.wait("the first told of the launch", lambda: s.js("return document.body.dataset.secondLaunches") == "1")
    s.click("#nav-jobs")
    s.wait("the job that arrived while closed", lambda: "Arrived while closed" in s.text("table.jobs"))
    s.screenshot(f"{a.out}/native-09-second-launch.png")
    print(f"  second process exited 0; the first window is back and lists KEEP-1")


def tray_menu(a, name):
    """Clicks the tray icon in the tray host and screenshots its menu."""
    trays = xdo("search", "--onlyvisible", "--class", "trayer", check=False).split()
    if not trays:
        raise Fail("no tray host (trayer) on screen: run through tests/e2e/run.sh")
    # No window manager stacks it: raise the tray host above the app window, then click the icon
    # (trayer packs icons to its right end).
    xdo("windowraise", trays[0])
    geo = dict(line.split("=", 1) for line in xdo("getwindowgeometry", "--shell", trays[0]).splitlines())
    x, y = int(geo["X"]) + int(geo["WIDTH"]) - 12, int(geo["Y"]) + int(geo["HEIGHT"]) // 2
    xdo("mousemove", "--sync", str(x), str(y))
    xdo("click", "1")
    time.sleep(1)
    subprocess.run(["import", "-window", "root", f"{a.out}/{name}"], check=True, timeout=30)
    print(f"  screenshot {a.out}/{name}")
    xdo("key", "Escape")
    time.sleep(0.3)
