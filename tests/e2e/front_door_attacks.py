#!/usr/bin/env python3
"""Attacks on `sshca serve`'s front door, for tests/e2e/serve_front_door.sh.

Each scenario opens real sockets on loopback, checks that GET /health still
answers while the attack holds its connections, and that the server closes
the attack's connections by their deadline (plus a generous slack: the
machine is shared and slow). Prints "ok - ..." / "FAIL - ..." lines and
exits 1 on any failure.

usage: front_door_attacks.py SCENARIO PORT ROOT_PEM [ARGS...]
"""
import base64
import json
import os
import resource
import select
import socket
import sqlite3
import ssl
import sys
import threading
import time

HOST = "127.0.0.1"
SLACK = 15.0  # seconds past a deadline before a still-open connection fails the test
HEALTH_BOUND = 10.0  # an answer within this counts as "answers" (latency is printed, not asserted)
FAILS = 0


def ok(what):
    print("ok - " + what, flush=True)


def fail(what):
    global FAILS
    FAILS += 1
    print("FAIL - " + what, file=sys.stderr, flush=True)


def check(what, cond):
    ok(what) if cond else fail(what)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Ca:
    def __init__(self, port, root):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=root)
        self.ctx.check_hostname = False  # the served name is the CA's DNS name, not 127.0.0.1

    def tcp(self, source=None, timeout=10.0):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        if source:
            s.bind((source, 0))
        s.connect((HOST, self.port))
        return s

    def tls(self, source=None, timeout=10.0):
        return self.ctx.wrap_socket(self.tcp(source, timeout), server_hostname="ca")

    def request(self, raw, source=None, timeout=HEALTH_BOUND):
        """Sends raw bytes on a fresh TLS connection; returns (status, headers, body) or None."""
        s = self.tls(source, timeout)
        try:
            s.sendall(raw)
            return read_response(s)
        finally:
            s.close()

    def health(self, source=None):
        """(answered with 200, seconds taken)."""
        t0 = time.monotonic()
        try:
            r = self.request(b"GET /health HTTP/1.1\r\nHost: ca\r\nConnection: close\r\n\r\n", source)
            return r is not None and r[0] == 200, time.monotonic() - t0
        except (OSError, ssl.SSLError):
            return False, time.monotonic() - t0


def read_response(s):
    """One whole HTTP/1.1 response with a Content-Length; None if cut short."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            return None
        body += chunk
    return status, headers, body[:length]


def closed_by_server(s):
    """True once the server has closed `s` (EOF, reset or TLS alert)."""
    try:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            return False
        return s.recv(4096) == b""
    except ssl.SSLWantReadError:
        return False
    except (OSError, ssl.SSLError):
        return True


def wait_closed(socks, deadline_s, what, trickle=None):
    """Checks every socket is closed by the server within deadline_s + SLACK.
    `trickle(sock)` is called about every second on the open ones."""
    t0 = time.monotonic()
    open_ = list(socks)
    while open_ and time.monotonic() - t0 < deadline_s + SLACK:
        still = []
        for s in open_:
            if closed_by_server(s):
                s.close()
                continue
            if trickle:
                try:
                    trickle(s)
                except (OSError, ssl.SSLError):
                    s.close()
                    continue
            still.append(s)
        open_ = still
        time.sleep(1.0 if trickle else 0.2)
    took = time.monotonic() - t0
    check("%s: all %d connections closed by the server (%.1fs, deadline %.0fs)" % (what, len(socks), took, deadline_s),
          not open_)
    for s in open_:
        s.close()


def health_during(ca, what, probes=3):
    results = [ca.health() for _ in range(probes)]
    worst = max(t for _, t in results)
    check("%s: GET /health answers 200 during the attack (%d probes, slowest %.0f ms)" % (what, probes, worst * 1000),
          all(good for good, _ in results))


def scenario_idle(ca, n, deadline):
    socks = [ca.tcp() for _ in range(int(n))]
    ok("idle: %d TCP connections open, sending nothing" % len(socks))
    health_during(ca, "idle")
    wait_closed(socks, float(deadline), "idle")


def scenario_trickle_head(ca, n, deadline):
    socks = []
    for _ in range(int(n)):
        s = ca.tls()
        s.sendall(b"GET /health HTTP/1.1\r\nHost: ca\r\n")
        socks.append(s)
    ok("trickle head: %d TLS connections sending a head one byte a second" % len(socks))
    health_during(ca, "trickle head")
    wait_closed(socks, float(deadline), "trickle head", trickle=lambda s: s.send(b"X"))


def scenario_trickle_body(ca, n, deadline):
    socks = []
    for _ in range(int(n)):
        s = ca.tls()
        s.sendall(b"POST /ssh/sign HTTP/1.1\r\nHost: ca\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 60000\r\n\r\n{")
        socks.append(s)
    ok("trickle body: %d TLS connections sending a 60000-byte body one byte a second" % len(socks))
    health_during(ca, "trickle body")
    wait_closed(socks, float(deadline), "trickle body", trickle=lambda s: s.send(b" "))


def scenario_keepalive(ca, n, idle):
    socks = []
    for _ in range(int(n)):
        s = ca.tls()
        s.sendall(b"GET /health HTTP/1.1\r\nHost: ca\r\n\r\n")
        r = read_response(s)
        if r is None or r[0] != 200:
            fail("keep-alive: a kept-alive client's first request answered")
        socks.append(s)
    ok("keep-alive: %d clients answered and now idle on kept-alive connections" % len(socks))
    health_during(ca, "keep-alive", probes=5)
    # The kept-alive connections still serve a second request.
    s = socks[0]
    s.sendall(b"GET /health HTTP/1.1\r\nHost: ca\r\n\r\n")
    r = read_response(s)
    check("keep-alive: a kept-alive connection answers its next request", r is not None and r[0] == 200)
    wait_closed(socks, float(idle), "keep-alive idle")


def rss_kib(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scenario_headers(ca, count, pid):
    before = rss_kib(pid)
    raw = b"GET /health HTTP/1.1\r\nHost: ca\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(int(count))) + b"\r\n"
    statuses = []
    for _ in range(4):
        try:
            r = ca.request(raw)
            statuses.append(r[0] if r else None)
        except (OSError, ssl.SSLError) as e:
            statuses.append(str(e))
    check("%s headers: refused with 431 (%s)" % (count, statuses), all(s == 431 for s in statuses))
    # A few fields over the count limit but within the byte limit: 431 too.
    few = b"GET /health HTTP/1.1\r\nHost: ca\r\n" + b"".join(b"A%d: v\r\n" % i for i in range(150)) + b"\r\n"
    r = ca.request(few)
    check("150 short headers (over the count limit): 431", r is not None and r[0] == 431)
    grown = (rss_kib(pid) - before) / 1024.0
    check("%s headers x4: server RSS grew %.1f MiB (< 10)" % (count, grown), grown < 10)
    health_during(ca, "after the header floods", probes=1)


def scenario_content_length(ca):
    body = b'{"ott":"x","publicKey":"AAAA"}'
    for what, headers in (("two different Content-Length", b"Content-Length: %d\r\nContent-Length: 5\r\n" % len(body)),
                          ("two equal Content-Length", b"Content-Length: %d\r\nContent-Length: %d\r\n" % (len(body), len(body))),
                          ("Content-Length \"5, 6\"", b"Content-Length: 5, 6\r\n")):
        raw = b"POST /ssh/sign HTTP/1.1\r\nHost: ca\r\nContent-Type: application/json\r\n" + headers + b"\r\n" + body
        r = ca.request(raw)
        check("%s: 400 with a JSON error" % what,
              r is not None and r[0] == 400 and "error" in json.loads(r[2].decode()))


def scenario_handshake_flood(ca, half_open, deadline, seconds):
    # Connections that start a handshake (ClientHello sent) and stall.
    stalled = []
    for _ in range(int(half_open)):
        s = ca.tcp()
        s.setblocking(False)
        t = ca.ctx.wrap_socket(s, server_hostname="ca", do_handshake_on_connect=False)
        try:
            t.do_handshake()
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        stalled.append(t)
    ok("handshake flood: %d handshakes started and stalled" % len(stalled))
    # Meanwhile, threads that complete handshakes as fast as they can.
    stop = time.monotonic() + float(seconds)
    done = [0]

    def flood():
        while time.monotonic() < stop:
            try:
                ca.tls().close()
                done[0] += 1
            except (OSError, ssl.SSLError):
                pass

    threads = [threading.Thread(target=flood) for _ in range(4)]
    for t in threads:
        t.start()
    health_during(ca, "handshake flood")
    for t in threads:
        t.join()
    ok("handshake flood: %d full handshakes in %ss" % (done[0], seconds))
    for t in stalled:
        t.setblocking(True)
    wait_closed(stalled, float(deadline), "stalled handshakes")


def scenario_per_source(ca, cap):
    cap = int(cap)
    held = [ca.tcp(source="127.0.0.2") for _ in range(cap)]
    time.sleep(0.5)
    extra = ca.tcp(source="127.0.0.2")
    extra.settimeout(SLACK)
    try:
        data = extra.recv(1)
        refused = data == b""
    except OSError:
        refused = True
    check("per source: connection %d from 127.0.0.2 closed at once" % (cap + 1), refused)
    extra.close()
    good, took = ca.health(source="127.0.0.3")
    check("per source: 127.0.0.3 served while 127.0.0.2 is at its cap (%.0f ms)" % (took * 1000), good)
    good, took = ca.health(source="127.0.0.1")
    check("per source: 127.0.0.1 served too (%.0f ms)" % (took * 1000), good)
    for s in held:
        s.close()
    time.sleep(0.5)
    good, _ = ca.health(source="127.0.0.2")
    check("per source: 127.0.0.2 served again once its connections closed", good)


def scenario_sigterm(ca, bodies_file, results_file, clients):
    """Posts the sign bodies (one JSON per line) over kept-alive connections
    from `clients` threads until the server goes away; writes what each got:
    a 201's certificate, another status, or "none" (no response byte)."""
    bodies = [line.strip().encode() for line in open(bodies_file) if line.strip()]
    lock = threading.Lock()
    out = []
    half = [0]

    def client(mine):
        s = None
        for b in mine:
            try:
                if s is None:
                    s = ca.tls(timeout=30)
                s.sendall(b"POST /ssh/sign HTTP/1.1\r\nHost: ca\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(b) + b)
                r = read_cut(s)
            except (OSError, ssl.SSLError):
                r = ("none",)
            with lock:
                out.append(r)
            if r[0] in ("none", "cut"):
                if r[0] == "cut":
                    half[0] += 1
                try:
                    s.close()
                except Exception:
                    pass
                s = None
                try:
                    s = ca.tls(timeout=5)
                except (OSError, ssl.SSLError):
                    return  # the server is gone
            elif r[1].get("connection", "").lower() == "close":
                s.close()
                s = None

    n = int(clients)
    threads = [threading.Thread(target=client, args=(bodies[i::n],)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(results_file, "w") as f:
        for r in out:
            if r[0] == 201:
                f.write("201 %s\n" % json.loads(r[2])["crt"])
            else:
                f.write("%s\n" % r[0])
    print("sigterm: %d responses, %d cut in half" % (len(out), half[0]))


def read_cut(s):
    """("none",) if no byte came, ("cut",) if a response started but ended early."""
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except (OSError, ssl.SSLError):
            chunk = b""
        if not chunk:
            return ("none",) if not data else ("cut",)
        data += chunk
        if b"\r\n\r\n" in data:
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0"))
            if len(body) >= length:
                return int(lines[0].split(" ")[1]), headers, body[:length]


def open_idle(ca, n, kind):
    """n connections left idle: "tcp" connects that send nothing, "tls"
    connections with the handshake done and no request, "keepalive" ones
    that were answered one request (GET /health, kept alive)."""
    socks = []
    for _ in range(n):
        if kind == "tcp":
            socks.append(ca.tcp(timeout=30))
            continue
        s = ca.tls(timeout=30)
        socks.append(s)
        if kind == "keepalive":
            s.sendall(b"GET /health HTTP/1.1\r\nHost: ca\r\n\r\n")
            r = read_response(s)
            if r is None or r[0] != 200:
                fail("idle %s: a request before idling answered" % kind)
    return socks


def measure_idle(ca, n, pid, kind):
    """(connections opened, seconds to open them, RSS KiB before, RSS KiB
    with them, /health answered, its latency) ; the connections are closed
    before it returns."""
    before = rss_kib(pid)
    t0 = time.monotonic()
    socks = open_idle(ca, n, kind)
    took = time.monotonic() - t0
    time.sleep(1)
    during = rss_kib(pid)
    good, latency = ca.health()
    for s in socks:
        s.close()
    return len(socks), took, before, during, good, latency


def scenario_idle_rss(ca, n, pid, kinds="tcp,keepalive"):
    """A measurement for scripts/bench.sh: the server's RSS before and with
    n idle connections of each kind (open_idle); prints, asserts nothing
    but that the connections were accepted."""
    for kind in kinds.split(","):
        opened, took, before, during, good, latency = measure_idle(ca, int(n), pid, kind)
        print("idle connections (%s): %d opened in %.1f s; server RSS %.1f MiB before, %.1f MiB with them "
              "(%.1f KiB each); /health %s in %.0f ms" % (kind, opened, took, before / 1024.0, during / 1024.0,
                                                         (during - before) / max(1, opened),
                                                         "answered" if good else "FAILED", latency * 1000))
        time.sleep(2)  # the server closes its side and gives the memory back


def scenario_idle_memory(ca, n, pid, max_kib_each):
    """n idle connections of each kind cost the server at most max_kib_each
    KiB of RSS per connection, and /health answers meanwhile."""
    for kind in ("tcp", "keepalive"):
        opened, _, before, during, good, latency = measure_idle(ca, int(n), pid, kind)
        each = (during - before) / max(1, opened)
        check("idle memory (%s): %d connections cost %.1f KiB each (bound %s KiB)" % (kind, opened, each, max_kib_each),
              opened == int(n) and each < float(max_kib_each))
        check("idle memory (%s): /health answered within %d ms (%.0f ms)" % (kind, HEALTH_BOUND * 1000, latency * 1000),
              good and latency < HEALTH_BOUND)
        time.sleep(2)


def scenario_check_db(results_file, db):
    con = sqlite3.connect(db)
    stored = {bytes(r[0]) for r in con.execute("select certificate from ssh_certificates")}
    lines = [l.split() for l in open(results_file)]
    got = [base64.b64decode(l[1]) for l in lines if l[0] == "201"]
    cut = sum(1 for l in lines if l[0] == "cut")
    check("sigterm: %d certificates received, every one is in the database" % len(got),
          len(got) > 0 and all(c in stored for c in got))
    check("sigterm: no response cut in half (%d of %d)" % (cut, len(lines)), cut == 0)


def main():
    raise_nofile()
    name = sys.argv[1]
    if name == "check_db":
        scenario_check_db(*sys.argv[2:])
    else:
        ca = Ca(int(sys.argv[2]), sys.argv[3])
        globals()["scenario_" + name](ca, *sys.argv[4:])
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
