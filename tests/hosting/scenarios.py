"""The hosting scenarios (issue 14) against the set-up tests/hosting/run.sh starts: two
`routemate serve` processes (HOSTING_A, HOSTING_B) on one PostgreSQL behind nginx (HOSTING_LB).
Standard library only. Each check says what a user would see; the first failure exits 1."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

WORK = os.environ["HOSTING_WORK"]
BIN = os.environ["HOSTING_BIN"]
LB, A, B = os.environ["HOSTING_LB"], os.environ["HOSTING_A"], os.environ["HOSTING_B"]


def call(method, url, body=None, token=None, timeout=30):
    """(status, headers with lower-case names, JSON or text body); status 0 when the
    connection failed."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
        return 0, {}, str(e)
    hdrs = {k.lower(): v for k, v in hdrs.items()}
    try:
        return status, hdrs, json.loads(raw)
    except ValueError:
        return status, hdrs, raw.decode(errors="replace")


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def cli(*args):
    out = subprocess.run([BIN, "--data", f"{WORK}/cli", *args], capture_output=True, text=True)
    check(out.returncode == 0, f"routemate {' '.join(args)}"
          + ("" if out.returncode == 0 else f": {out.stderr.strip()[:300]}"))
    return json.loads(out.stdout)


def token(base, cred):
    s, _, b = call("POST", base + "/v1/integration-token",
                   {"client_id": cred["client_id"], "client_secret": cred["client_secret"]})
    check(s == 200, f"token from {base}" + ("" if s == 200 else f": {s} {b}"))
    return b["access_token"]


def job(ext, n=5):
    stops = [{"external_stop_id": f"S{i}", "address": f"{i + 1} Example St, Brisbane QLD 4000",
              "lat": -27.47 + 0.01 * (i % 7), "lng": 153.02 + 0.01 * (i // 7),
              "parcel_count": 1} for i in range(n)]
    return {"external_job_id": ext, "title": f"Job {ext}", "driver_email": "d@example.com",
            "depot": {"lat": -27.5, "lng": 153.0}, "stops": stops}


def all_jobs(base, tok):
    """Every job of the account: external_job_id → count."""
    counts, cursor = {}, None
    while True:
        url = base + "/v1/integration-jobs?limit=500" + (f"&cursor={cursor}" if cursor else "")
        s, _, page = call("GET", url, token=tok)
        if s != 200:
            check(False, f"job list page: {s} {str(page)[:200]}")
        for j in page["jobs"]:
            counts[j["external_job_id"]] = counts.get(j["external_job_id"], 0) + 1
        cursor = page.get("next_cursor")
        if not cursor:
            return counts


def pid(name):
    return int(open(f"{WORK}/{name}.pid").read())


def restart_serve(name, base):
    port = base.rsplit(":", 1)[1]
    out = open(f"{WORK}/{name}.out", "w")
    p = subprocess.Popen([BIN, "--data", f"{WORK}/{name}", "serve", "--listen",
                          f"127.0.0.1:{port}", "--trusted-proxy", "127.0.0.1"],
                         stdout=out, stderr=open(f"{WORK}/{name}.log", "a"))
    open(f"{WORK}/{name}.pid", "w").write(str(p.pid))
    for _ in range(200):
        if call("GET", base + "/readyz")[0] == 200:
            return
        time.sleep(0.1)
    check(False, f"{name} restarted")


def pg_ctl(*args):
    cmd = [os.environ["HOSTING_PGBIN"] + "/pg_ctl", "-D", f"{WORK}/pg", *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True)


def status_within(method, url, token, want, seconds=5):
    """The status of `url`, polled until it is `want` or `seconds` pass."""
    deadline = time.time() + seconds
    while True:
        st = call(method, url, token=token)[0]
        if st == want or time.time() > deadline:
            return st
        time.sleep(0.1)


def accounts_disabled_while_both_serve():
    """`routemate accounts disable` straight into the database: both processes refuse the
    account's tokens within seconds and issue it none; `enable` lets the same tokens in again."""
    cred = cli("--account", "hosting-off", "credentials", "create", "--name", "off")
    toks = {base: token(base, cred) for base in (A, B)}
    line = cli("accounts", "disable", "hosting-off", "--reason", "hosting test")
    check(line["disabled"] is True, "routemate accounts disable while both serve")
    for base, t in toks.items():
        st = status_within("GET", base + "/v1/integration-jobs", t, 401)
        check(st == 401, f"a disabled account's token is refused by {base} ({st})")
    s, _, b = call("POST", A + "/v1/integration-token",
                   {"client_id": cred["client_id"], "client_secret": cred["client_secret"]})
    check(s == 401 and "disabled" in b.get("error_description", ""),
          f"and gets no new token ({s} {b})")
    listed = {a["account"]: a for a in cli("accounts", "list")}
    check(listed["hosting-off"]["disabled_reason"] == "hosting test", "accounts list shows it")
    cli("accounts", "enable", "hosting-off")
    for base, t in toks.items():
        st = status_within("GET", base + "/v1/integration-jobs", t, 200)
        check(st == 200, f"enabled again: the same token works on {base} ({st})")


def main():
    for base in (A, B, LB):
        check(call("GET", base + "/readyz")[0] == 200, f"{base}/readyz ready")

    # Credentials created while both serve (straight into the database) work at once on both.
    cred = cli("credentials", "create", "--name", "hosting")
    tok_a, tok_b = token(A, cred), token(B, cred)
    tok = token(LB, cred)
    for base, t in ((A, tok_b), (B, tok_a)):
        s, _, _ = call("GET", base + "/v1/integration-jobs", token=t)
        check(s == 200, f"a token issued by one process is accepted by the other ({base})")

    # Revoked straight in the database while both serve: each process trusts a token it resolved
    # for 2 s, so both refuse it within seconds.
    cred2 = cli("credentials", "create", "--name", "revoked-live")
    live = {A: token(A, cred2), B: token(B, cred2)}
    for base, t in live.items():
        check(call("GET", base + "/v1/integration-jobs", token=t)[0] == 200,
              f"a fresh credential's token works on {base}")
    cli("credentials", "revoke", cred2["client_id"])
    revoked_at, refused = time.time(), {}
    while time.time() - revoked_at < 10 and len(refused) < 2:
        for base, t in live.items():
            if base not in refused and call("GET", base + "/v1/integration-jobs", token=t)[0] == 401:
                refused[base] = time.time() - revoked_at
        time.sleep(0.05)
    slowest = max(refused.values(), default=99)
    check(len(refused) == 2 and slowest < 4,
          f"a credential revoked in the database is refused by both processes within "
          f"{slowest:.1f} s")
    accounts_disabled_while_both_serve()

    # Concurrent identical imports, one through each process at the same instant → one job.
    for k in range(10):
        ext, results = f"DUP-{k}", []
        gate = threading.Barrier(4)

        def send(base, ext=ext, gate=gate, results=results):
            gate.wait()
            results.append(call("POST", base + "/v1/integration-import", job(ext), tok))
        threads = [threading.Thread(target=send, args=(b,)) for b in (A, B, LB, LB)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        statuses = sorted(r[0] for r in results)
        ids = {r[2]["job_id"] for r in results if r[0] in (200, 201)}
        check(statuses == [200, 200, 200, 201] and len(ids) == 1,
              f"{ext}: 4 identical imports at once → one 201, three 200, one job_id ({statuses})")
    counts = all_jobs(LB, tok)
    check(all(counts.get(f"DUP-{k}") == 1 for k in range(10)), "each DUP-k listed once")

    # A stream of imports through nginx; SIGKILL process A in the middle.
    acked, failed, stop = [], [], threading.Event()

    def stream(w):
        i = 0
        while not stop.is_set():
            ext = f"KILL-{w}-{i}"
            s, _, b = call("POST", LB + "/v1/integration-import", job(ext), tok)
            (acked if s in (200, 201) else failed).append((ext, s, str(b)[:120]))
            i += 1
    workers = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    [t.start() for t in workers]
    time.sleep(1.5)
    os.kill(pid("a"), signal.SIGKILL)
    killed_at = len(acked)
    time.sleep(3)
    stop.set()
    [t.join() for t in workers]
    check(len(acked) > killed_at + 4, f"imports kept being acknowledged after the SIGKILL "
          f"({killed_at} before, {len(acked) - killed_at} after)")
    print(f"     {len(failed)} of {len(acked) + len(failed)} imports failed around the kill: "
          f"{failed[:3]}")
    check(call("GET", B + "/readyz")[0] == 200, "process B still ready")
    counts = all_jobs(B, tok)
    missing = [e for e, _, _ in acked if counts.get(e) != 1]
    check(not missing, f"every acknowledged import present exactly once ({len(acked)}; "
          f"missing or doubled: {missing[:5]})")
    restart_serve("a", A)

    # The database restarted under load: clean 503s with Retry-After, then recovery.
    seen, stop = [], threading.Event()

    def load(w):
        i = 0
        while not stop.is_set():
            if i % 2:
                r = call("GET", LB + "/v1/integration-jobs?external_job_id=DUP-0", token=tok)
            else:
                r = call("POST", LB + "/v1/integration-import", job(f"PG-{w}-{i}"), tok)
            seen.append((time.time(), r[0], r[1].get("retry-after"), str(r[2])[:120]))
            i += 1
            time.sleep(0.02)
    workers = [threading.Thread(target=load, args=(w,)) for w in range(3)]
    [t.start() for t in workers]
    time.sleep(1)
    pids_before = (pid("a"), pid("b"))
    pg_ctl("-m", "fast", "stop")
    down_at = time.time()
    time.sleep(3)
    pg_ctl("-l", f"{WORK}/pgsock/pg.log", "-w", "start", "-o",
           f"-p {os.environ['HOSTING_PGPORT']} -k {WORK}/pgsock -c listen_addresses=127.0.0.1")
    up_at = time.time()
    recovered = None
    for _ in range(300):
        if all(call("GET", b + "/readyz")[0] == 200 for b in (A, B)):
            s, _, _ = call("POST", LB + "/v1/integration-import", job("PG-AFTER"), tok)
            if s in (200, 201):
                recovered = time.time() - up_at
                break
        time.sleep(0.1)
    time.sleep(1)
    stop.set()
    [t.join() for t in workers]
    during = [x for x in seen if down_at + 0.5 < x[0] < up_at]
    bad = [x for x in seen if x[1] not in (200, 201) and not (x[1] == 503 and x[2])]
    check(any(x[1] == 503 for x in during), f"requests while the database is down get 503 "
          f"({len(during)} requests, statuses {sorted({x[1] for x in during})})")
    check(not bad, f"every failure is a 503 with Retry-After (others: {bad[:3]})")
    check(recovered is not None, f"both processes ready and importing again "
          f"{recovered:.1f} s after the database is back" if recovered else "recovery")
    check((pid("a"), pid("b")) == pids_before, "without restarting the servers")
    for name in ("a", "b"):
        os.kill(pid(name), 0)

    # SIGTERM with an import half on the wire: the process stops taking connections, answers
    # that request, stores it, and exits; the other process has it at once.
    body = json.dumps(job("DRAIN-PG")).encode()
    host = B.split("//", 1)[1]
    port = int(host.rsplit(":", 1)[1])
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(f"POST /v1/integration-import HTTP/1.1\r\nHost: {host}\r\n"
                 f"Authorization: Bearer {tok}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:len(body) // 2])
    time.sleep(0.3)
    b_pid = pid("b")
    os.kill(b_pid, signal.SIGTERM)
    time.sleep(0.5)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        new_refused = False
    except OSError:
        new_refused = True
    check(new_refused, "after SIGTERM the process takes no new connections")
    conn.sendall(body[len(body) // 2:])
    conn.settimeout(30)
    answer = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        answer += chunk
    conn.close()
    check(answer.startswith(b"HTTP/1.1 201"),
          f"the import in flight is answered 201 ({answer[:40]!r})")
    for _ in range(100):
        try:
            os.kill(b_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        check(False, "the process exits after answering")
    s, _, page = call("GET", A + "/v1/integration-jobs?external_job_id=DRAIN-PG", token=tok)
    check(s == 200 and page.get("stop_count") == 5,
          f"the other process has the drained import ({s} {str(page)[:120]})")
    restart_serve("b", B)
    print("hosting: all scenarios passed")


if __name__ == "__main__":
    main()
