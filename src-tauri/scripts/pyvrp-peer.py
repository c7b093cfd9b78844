#!/usr/bin/env python3
"""PyVRP 0.14.1 as the peer of `routemate bench vrp --peer pyvrp`: solves one Solomon (.txt) or
VRPLIB (.vrp) instance under the distance-only convention of shared/bench/data/vrp/README.md
(integer tenths with one-decimal truncation for VRPTW, nearest integer for CVRP; travel time =
distance; fleet unlimited) and prints {"routes": [[customer numbers]], "cost", "elapsed_ms"}.

usage: pyvrp-peer.py INSTANCE [--budget-ms N] [--seed S]
Install: src-tauri/scripts/pyvrp-peer.sh (a venv at target/py-pyvrp with pyvrp==0.14.1).
Only the solve call is timed: building the matrices is not part of the budget.
"""
import argparse
import json
import math
import re
import sys
import time

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime


def read(path):
    text = open(path).read()
    if path.lower().endswith(".vrp"):
        hdr, sec, rows = {}, None, {}
        for line in text.splitlines():
            s = line.strip()
            if not s or s == "EOF":
                continue
            f = s.split()
            if f[0].endswith("_SECTION"):
                sec = f[0]
                rows.setdefault(sec, [])
            elif ":" in s and not re.match(r"^-?\d", s):
                k, v = s.split(":", 1)
                hdr[k.strip().upper()] = v.strip()
                sec = None
            elif sec:
                rows[sec].append([int(float(x)) for x in f])
        n = int(hdr["DIMENSION"])
        tw = "TW" in hdr.get("TYPE", "")
        xy = [(r[1], r[2]) for r in sorted(rows["NODE_COORD_SECTION"])]
        demand = [r[1] for r in sorted(rows["DEMAND_SECTION"])]
        if tw:
            win = sorted(rows["TIME_WINDOW_SECTION"])
            ready, due = [r[1] for r in win], [r[2] for r in win]
            st = int(float(hdr.get("SERVICE_TIME", "0")))
            service = [0] + [st] * (n - 1)
        else:
            ready, due, service = [0] * n, [None] * n, [0] * n
        return dict(tw=tw, cap=int(hdr["CAPACITY"]), xy=xy, demand=demand, ready=ready, due=due,
                    service=service)
    lines = [l.split() for l in text.splitlines()]
    cap, rows, cust = None, [], False
    for i, f in enumerate(lines):
        if not f:
            continue
        if f[0].upper() == "NUMBER" and cap is None:
            nxt = next(g for g in lines[i + 1:] if g)
            cap = int(nxt[1])
        elif f[0].upper() == "CUSTOMER":
            cust = True
        elif cust and len(f) == 7 and re.match(r"^\d+$", f[0]):
            rows.append([int(x) for x in f])
    rows.sort()
    return dict(tw=True, cap=cap, xy=[(r[1], r[2]) for r in rows], demand=[r[3] for r in rows],
                ready=[r[4] for r in rows], due=[r[5] for r in rows],
                service=[0] + [r[6] for r in rows[1:]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--budget-ms", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    inst = read(a.instance)
    xy = np.array(inst["xy"], dtype=np.int64)
    dx = xy[:, None, 0] - xy[None, :, 0]
    dy = xy[:, None, 1] - xy[None, :, 1]
    sq = dx * dx + dy * dy
    if inst["tw"]:
        # floor(10 * sqrt(s)) exactly: isqrt(100 s), via float then corrected.
        d = np.floor(np.sqrt(100.0 * sq)).astype(np.int64)
        d -= (d * d > 100 * sq)
        d += ((d + 1) * (d + 1) <= 100 * sq)
        scale = 10
    else:
        d = np.floor(np.sqrt(sq.astype(np.float64)) + 0.5).astype(np.int64)
        scale = 1
    n = len(inst["xy"])
    big = np.iinfo(np.int64).max
    locs = [pyvrp.Location(int(x), int(y)) for x, y in inst["xy"]]
    horizon = inst["due"][0] * scale if inst["tw"] else big
    depot = pyvrp.Depot(0, tw_early=inst["ready"][0] * scale, tw_late=horizon)
    clients = []
    for c in range(1, n):
        if inst["tw"]:
            clients.append(pyvrp.Client(c, delivery=[inst["demand"][c]],
                                        service_duration=inst["service"][c] * scale,
                                        tw_early=inst["ready"][c] * scale,
                                        tw_late=inst["due"][c] * scale))
        else:
            clients.append(pyvrp.Client(c, delivery=[inst["demand"][c]]))
    vt = pyvrp.VehicleType(num_available=n - 1, capacity=[inst["cap"]],
                           tw_early=inst["ready"][0] * scale if inst["tw"] else 0,
                           tw_late=horizon)
    data = pyvrp.ProblemData(locs, clients, [depot], [vt], [d], [d])
    t0 = time.perf_counter()
    res = pyvrp.solve(data, stop=MaxRuntime(a.budget_ms / 1000.0), seed=a.seed,
                      collect_stats=False, display=False)
    elapsed = time.perf_counter() - t0
    best = res.best
    routes = [[int(a.idx) + 1 for a in r if (a.is_client() if callable(a.is_client) else a.is_client)] for r in best.routes()]
    print(json.dumps(dict(routes=routes, cost=best.distance() / scale, feasible=best.is_feasible(),
                          elapsed_ms=int(elapsed * 1000))))
    return 0 if best.is_feasible() else 1


if __name__ == "__main__":
    sys.exit(main())
