"""Plan the day, end to end: the sample day (60 Brisbane stops) over the sample fleet of 4
drivers, one colour per driver; a stop moved from one driver to another after the live
feasibility check; undo puts it back. Screenshots: 10-plan-day.png, 11-plan-moved.png."""

import sys

# The runner's own Fail (e2e.py runs as __main__), so a failure here is reported like any step's.
Fail = getattr(sys.modules.get("__main__"), "Fail", AssertionError)


def driver_of(s, stop):
    return s.js(
        "const r = document.querySelector(`.driver-card tr[data-stop='${arguments[0]}']`);"
        "return r ? r.closest('.driver-card').dataset.driver : null;",
        stop,
    )


def error_toast(s):
    """An error toast fails the step at once, with its text."""
    text = s.js("const t = document.querySelector('.toast.error'); return t ? t.textContent : null")
    if text:
        raise Fail(f"the app says: {text}")


def run(s, a):
    print("step: plan the sample day over 4 drivers")
    s.click("#nav-plan")
    s.wait("plan view", lambda: s.js("return window.__routemate.route() === 'plan'"))
    s.click("#plan-sample")
    cards = s.wait("driver cards", lambda: error_toast(s) or s.js("return document.querySelectorAll('.driver-card[data-driver]').length") or None, timeout=60)
    planned = s.js("return document.querySelectorAll('.driver-card[data-driver] tr[data-stop]').length")
    left = s.js("return document.querySelectorAll('#plan-unassigned li').length")
    if planned + left != 60:
        raise Fail(f"{planned} planned + {left} left out is not the 60 stops of the sample day")
    if cards < 2:
        raise Fail(f"the day uses {cards} driver(s); the sample needs several vans")
    colours = s.js(
        "return [...document.querySelectorAll('.driver-card[data-driver] .swatch')].map(e => e.style.background)"
    )
    if len(set(colours)) != cards:
        raise Fail(f"drivers do not have one colour each: {colours}")
    s.settle()
    s.screenshot(f"{a.out}/10-plan-day.png")
    print(f"  {planned} stops over {cards} drivers ({left} left out), colours {colours}")

    print("step: move a stop to another driver (checked live), then undo")
    drivers = s.js("return [...document.querySelectorAll('.driver-card[data-driver]')].map(e => e.dataset.driver)")
    moved = None
    for stop in s.js("return [...document.querySelectorAll('.driver-card[data-driver] tr[data-stop]')].map(e => e.dataset.stop)"):
        src = driver_of(s, stop)
        dst = next(d for d in drivers if d != src)
        s.js(
            "const sel = document.querySelector(`select.move-to[data-stop='${arguments[0]}']`);"
            "sel.value = arguments[1]; sel.dispatchEvent(new Event('change'));",
            stop,
            dst,
        )
        s.wait("move preview", lambda: s.js("const p = document.getElementById('plan-preview'); return p && !document.getElementById('plan-banner').hidden ? p.textContent : null"))
        if s.find_all("#plan-apply"):
            preview = s.text("#plan-preview")
            s.click("#plan-apply")
            s.wait(f"{stop} with {dst}", lambda: driver_of(s, stop) == dst, timeout=30)
            moved = (stop, src, dst, preview)
            break
        print(f"  moving {stop} to {dst} is refused: {s.text('#plan-preview')}")
    if not moved:
        raise Fail("no stop could be moved to another driver")
    stop, src, dst, preview = moved
    s.settle()
    s.screenshot(f"{a.out}/11-plan-moved.png")
    print(f"  {stop}: {src} -> {dst} ({preview.strip()})")
    s.click("#plan-undo")
    s.wait(f"{stop} back with {src}", lambda: driver_of(s, stop) == src, timeout=30)
    print(f"  undo: {stop} is back with {src}")
