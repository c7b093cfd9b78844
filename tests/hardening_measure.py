#!/usr/bin/env python3
"""Issue 10 figures: the same attacks as the report, against a `routemate` binary.

Usage: tests/hardening_measure.py [--bin target/release/routemate] [--jobs 25000] [--only NAME...]

Prints one line per figure. Measures: peak resident memory under 200 concurrent bad token
requests; log bytes written by 10 s of flooding bad token requests (64 KiB client ids, keep-alive);
connections the server holds with 1,000 idle sockets open and whether a new client is served;
job-list latency (p50/p99, limit=50 and limit=1) with N stored jobs, and 2,000 concurrent list
calls. Standard library only.
"""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def start(bin_path, data, log_path, env=None):
    e = dict(os.environ)
    e.update(env or {})
    log = open(log_path, "wb")
    p = subprocess.Popen([bin_path, "--data", data, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=log, env=e)
    line = p.stdout.readline().decode()
    addr = line.split("http://")[1].strip()
    host, port = addr.rsplit(":", 1)
    return p, host, int(port)


def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def post(host, port, path, body, headers=None, timeout=60):
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    c.request("POST", path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def credentials(bin_path, data):
    out = subprocess.run([bin_path, "--data", data, "credentials", "create", "--name", "m"],
                         check=True, capture_output=True).stdout
    return json.loads(out)


def memory_under_bad_token_burst(bin_path):
    with tempfile.TemporaryDirectory() as d:
        p, host, port = start(bin_path, d + "/data", d + "/log")
        base = status_kb(p.pid, "VmRSS")
        statuses = []

        def one(i):
            body = json.dumps({"client_id": f"rm_ci_attack{i}", "client_secret": "rm_cs_x"})
            try:
                statuses.append(post(host, port, "/v1/integration-token", body)[0])
            except Exception as e:  # noqa: BLE001 - a refused connection is a figure too
                statuses.append(type(e).__name__)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        peak = status_kb(p.pid, "VmHWM")
        stop(p)
        counts = {s: statuses.count(s) for s in set(statuses)}
        print(f"bad-token burst: 200 concurrent; RSS before {base // 1024} MiB, "
              f"peak {peak // 1024} MiB; answers {counts}")


def log_bytes_of_flood(bin_path, seconds=10.0, conns=8):
    with tempfile.TemporaryDirectory() as d:
        log = d + "/log"
        p, host, port = start(bin_path, d + "/data", log)
        before = os.path.getsize(log)
        huge = "rm_ci_" + "A" * (64 * 1024 - 100)
        body = json.dumps({"client_id": huge, "client_secret": "rm_cs_x"})
        deadline = time.time() + seconds
        sent = [0]

        def flood():
            c = http.client.HTTPConnection(host, port, timeout=30)
            while time.time() < deadline:
                try:
                    c.request("POST", "/v1/integration-token", body=body,
                              headers={"Content-Type": "application/json"})
                    c.getresponse().read()
                    sent[0] += 1
                except Exception:  # noqa: BLE001 - reconnect and go on
                    c.close()
                    c = http.client.HTTPConnection(host, port, timeout=30)

        threads = [threading.Thread(target=flood) for _ in range(conns)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        written = os.path.getsize(log) - before
        stop(p)
        print(f"log flood: {sent[0]} bad token requests in {seconds:.0f} s over {conns} "
              f"keep-alive connections wrote {written} bytes of log")


def idle_sockets(bin_path, n=1000):
    with tempfile.TemporaryDirectory() as d:
        p, host, port = start(bin_path, d + "/data", d + "/log")
        socks = []
        for _ in range(n):
            s = socket.create_connection((host, port))
            socks.append(s)
        time.sleep(1.0)
        held = sum(1 for fd in os.listdir(f"/proc/{p.pid}/fd")
                   if os.readlink(f"/proc/{p.pid}/fd/{fd}").startswith("socket:")) - 1
        t0 = time.time()
        try:
            c = http.client.HTTPConnection(host, port, timeout=30)
            c.request("GET", "/healthz", headers={"Host": "localhost"})
            r = c.getresponse()
            served = f"{r.status} in {1000 * (time.time() - t0):.0f} ms"
        except Exception as e:  # noqa: BLE001
            served = f"failed after {time.time() - t0:.1f} s ({type(e).__name__})"
        for s in socks:
            s.close()
        stop(p)
        print(f"idle sockets: {n} open; server holds {held} connections; new client: {served}")


def seed_jobs(bin_path, data, n):
    """Imports n jobs of 10 stops through `routemate import` (1,000 jobs per file)."""
    with tempfile.TemporaryDirectory() as d:
        for f in range(0, n, 1000):
            jobs = []
            for j in range(f, min(n, f + 1000)):
                stops = [{"external_stop_id": f"S{i}", "address": f"{i} Example St",
                          "lat": -27.4 - 0.001 * i, "lng": 153.0 + 0.001 * (j % 50)}
                         for i in range(10)]
                jobs.append({"external_job_id": f"J{j}", "title": f"Job {j}",
                             "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops})
            path = f"{d}/jobs{f}.json"
            with open(path, "w") as fh:
                json.dump(jobs, fh)
            subprocess.run([bin_path, "--data", data, "import", path], check=True,
                           stdout=subprocess.DEVNULL)


def list_latency(bin_path, jobs, data_dir=None, calls=400, burst=2000):
    with tempfile.TemporaryDirectory() as d:
        data = data_dir or d + "/data"
        if not os.path.exists(data + "/store"):
            t0 = time.time()
            seed_jobs(bin_path, data, jobs)
            print(f"seeded {jobs} jobs in {time.time() - t0:.0f} s")
        cred = credentials(bin_path, data)
        p, host, port = start(bin_path, data, d + "/log")
        _, body = post(host, port, "/v1/integration-token",
                       json.dumps({"client_id": cred["client_id"],
                                   "client_secret": cred["client_secret"]}))
        token = json.loads(body)["access_token"]
        auth = {"Authorization": f"Bearer {token}"}

        def timed(limit, count, threads):
            times, errors = [], {}
            lock = threading.Lock()

            def worker(k):
                c = http.client.HTTPConnection(host, port, timeout=60)
                for _ in range(k):
                    t0 = time.time()
                    try:
                        c.request("GET", f"/v1/integration-jobs?limit={limit}", headers=auth)
                        r = c.getresponse()
                        r.read()
                        ok = r.status == 200
                        why = r.status
                    except Exception as e:  # noqa: BLE001
                        ok = False
                        why = type(e).__name__
                        c.close()
                        c = http.client.HTTPConnection(host, port, timeout=60)
                    with lock:
                        if ok:
                            times.append(time.time() - t0)
                        else:
                            errors[why] = errors.get(why, 0) + 1

            ts = [threading.Thread(target=worker, args=(count // threads,)) for _ in range(threads)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            times.sort()
            pct = lambda q: 1000 * times[min(len(times) - 1, int(q * len(times)))] if times else -1
            return len(times), errors or 0, pct(0.5), pct(0.99)

        for limit in (50, 1):
            ok, err, p50, p99 = timed(limit, calls, 8)
            print(f"list limit={limit} with {jobs} jobs: {ok} ok, {err} failed; "
                  f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (8 clients, {calls} calls)")
        if burst:
            ok, err, p50, p99 = timed(1, burst, burst)
            peak = status_kb(p.pid, "VmHWM")
            print(f"{burst} concurrent list calls (limit=1, 60 s client timeout): {ok} served, "
                  f"{err} failed; p99 {p99:.0f} ms; server peak RSS {peak // 1024} MiB")
        stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/routemate")
    ap.add_argument("--jobs", type=int, default=25000)
    ap.add_argument("--data", help="reuse a seeded data dir for the list figures")
    ap.add_argument("--only", nargs="*", default=["memory", "log", "idle", "list"])
    ap.add_argument("--calls", type=int, default=400, help="timed list calls per limit")
    ap.add_argument("--burst", type=int, default=2000, help="concurrent list calls (0: skip)")
    a = ap.parse_args()
    if "memory" in a.only:
        memory_under_bad_token_burst(a.bin)
    if "log" in a.only:
        log_bytes_of_flood(a.bin)
    if "idle" in a.only:
        idle_sockets(a.bin)
    if "list" in a.only:
        list_latency(a.bin, a.jobs, a.data, a.calls, a.burst)


if __name__ == "__main__":
    sys.exit(main())
