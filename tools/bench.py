#!/usr/bin/env python3
"""bench.py: measure parkshare-server side by side with a reference, in one run.

Each figure is a ratio of two measurements taken one after the other on the
same machine with the same load generator settings, so the machine's speed
cancels out. The benchmark reports; it never fails.

  1. GET /v1/lots/{id} against nginx serving the same bytes as a static file
     (one worker each; the server pinned to core 0, wrk to core 1).
  2. Occupancy writes (POST /v1/lots/{id}/occupancy with a fresh
     Idempotency-Key each) against redis-benchmark running the same Lua
     script with EVALSHA at the same concurrency, and against
     redis-benchmark running a minimal bounded counter (read, clamp,
     write, one XADD, PUBLISH): what any Redis-backed counter must pay.
  3. GET /v1/totals and /v1/totals.txt against nginx serving the same bytes.
  4. Update-to-stream latency across two daemons on one Redis: a write on the
     first, the lot event read from /v1/stream on the second (p50, p99).
  5. At 100,000 lots written through the public API: Redis memory per
     lot, how long a daemon takes to load them into its snapshot, its
     RSS, the latency (p50, p99) of near queries at random points at about
     1,000 requests a second (and as fast as wrk sends them), and a
     world-wide bbox's first page. BENCH_ONLY=scale runs this part alone.
     BENCH_SCALE_WORKERS=1,2 adds the RSS of a daemon once loaded with each
     `workers` count, and BENCH_SCALE_BEFORE=<build dir> the same for that
     build, side by side on the same Redis.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
SERVER = os.path.join(BUILD, "server", "parkshare-server")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
CORES = os.cpu_count() or 1


def pinned(command, core):
    """Pin to one core (or a taskset list) when the machine has two or more (wrk and server
    apart)."""
    if CORES >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(core)] + command
    return command


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("timed out")


def http_ok(url):
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


def wrk(url, script=None):
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def wrk_latency(url):
    """Requests per second, non-2xx answers and the p99 latency in ms of a GET."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    output = subprocess.run(pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    value, unit = re.search(r"99%\s+([\d.]+)(\w+)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, int(errors.group(1)) if errors else 0, p99


# Every request of the bench comes from one loopback address: the limits an
# anonymous internet client meets (writes per token, connections and streams
# per address) are lifted, as an operator lifts them for a load test.
UNLIMITED = ["--set", "rate_limit_writes=0", "--set", "rate_limit_admin=0",
             "--set", "max_connections_per_client=100000",
             "--set", "max_streams_per_client=100000"]


class Daemon:
    def __init__(self, workdir, extra=(), cores="0"):
        self.workdir = workdir
        self.port = free_port()
        self.data_dir = os.path.join(workdir, "data")
        self.log = open(os.path.join(workdir, "daemon.log"), "wb")
        command = [SERVER, "--set", f"listen=127.0.0.1:{self.port}", "--set",
                   f"data_dir={self.data_dir}", "--set",
                   f"demo={os.path.join(ROOT, 'config', 'demo', 'lots.json')}",
                   "--set", "log_level=warning",
                   "--set", f"calendar_dir={os.path.join(ROOT, 'config', 'calendars')}"] + UNLIMITED
        command += list(extra)
        self.process = subprocess.Popen(pinned(command, cores), stdout=self.log, stderr=self.log)
        wait_for(lambda: http_ok(f"http://127.0.0.1:{self.port}/readyz"))
        wait_for(lambda: json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{self.port}/v1/lots?limit=1").read())["lots"])

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def admin_token(self):
        """The admin token the daemon wrote into its data directory."""
        with open(os.path.join(self.data_dir, "admin.token")) as token:
            return token.read().strip()

    def first_lot_id(self):
        """The id of the first lot in id order (the demo city is loaded)."""
        with urllib.request.urlopen(self.url("/v1/lots?limit=1")) as answer:
            return json.loads(answer.read())["lots"][0]["id"]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


# How nginx is run against parkshare: as an operator serving small hot files
# configures it. open_file_cache spares the open and fstat of every request;
# sendfile stays off, since for files of a few hundred bytes it costs more
# than it saves; no access log. "memory" answers with `return 200` from the
# configuration: no file at all, the load generator's ceiling.
NGINX_MODES = {
    "static": "open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s; "
              "sendfile off; access_log off",
    "memory": "return 200 from memory; access_log off",
}


# nginx refuses a configuration parameter of 4 KB or more: a larger body has no
# from-memory figure (the ceiling is the load generator's, the same for all).
NGINX_RETURN_MAX = 3500


def nginx_quoted(body):
    """body as a single-quoted nginx string (for return 200 '...')."""
    text = body.decode("utf-8")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def nginx_static(workdir, body, mode="static", content_type="application/json"):
    """nginx (one worker) serving body at /lot.json, as NGINX_MODES[mode] says."""
    root = os.path.join(workdir, "www")
    os.makedirs(root, exist_ok=True)
    # nginx's worker drops root privileges: it must be able to read the file.
    os.chmod(workdir, 0o755)
    with open(os.path.join(root, "lot.json"), "wb") as static:
        static.write(body)
    port = free_port()
    if mode == "memory":
        location = f"location = /lot.json {{ return 200 {nginx_quoted(body)}; }}"
    else:
        location = ("open_file_cache max=1000 inactive=60s; open_file_cache_valid 60s; "
                    "open_file_cache_errors on;")
    config = os.path.join(workdir, "nginx.conf")
    with open(config, "w") as out:
        out.write(f"""worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile off;
    default_type {content_type};
    keepalive_requests 1000000;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    server {{ listen 127.0.0.1:{port}; root {root}; etag on; {location} }}
}}
""")
    process = subprocess.Popen(pinned(["nginx", "-c", config], 0),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/lot.json"))
    return process, f"http://127.0.0.1:{port}/lot.json"


WRITE_SCRIPT = """
local counter = 0
local token = "%s"
request = function()
  counter = counter + 1
  local body = (counter %% 2 == 0) and '{"delta":-1}' or '{"delta":1}'
  return wrk.format("POST", "%s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. math.random(1, 2000000000) .. "-" .. counter,
  }, body)
end
"""


def bench_reads(daemon, workdir, lot_id, path=None):
    """parkshare, the tuned nginx and nginx from memory on the same bytes, one after the other."""
    path = path or f"/v1/lots/{lot_id}"
    with urllib.request.urlopen(daemon.url(path)) as answer:
        body = answer.read()
        content_type = answer.headers.get("Content-Type", "application/json")
    result = {"size": len(body)}
    result["ours"], result["errors"], result["ours_p99"] = wrk_latency(daemon.url(path))
    for mode in NGINX_MODES:
        if mode == "memory" and len(body) > NGINX_RETURN_MAX:
            result[mode] = None
            continue
        nginx, url = nginx_static(workdir, body, mode, content_type.split(";")[0])
        try:
            result[mode], _, result[mode + "_p99"] = wrk_latency(url)
        finally:
            nginx.terminate()
            nginx.wait()
    return result


FLOOR = os.path.join(BUILD, "tools", "floor", "http-floor")


def bench_floor(workdir, body, reads):
    """http-floor's evhttp and raw libevent on the same body, beside the figures in reads."""
    path = os.path.join(workdir, "floor.json")
    with open(path, "wb") as out:
        out.write(body)
    rates = {}
    for mode in ("evhttp", "raw"):
        port = free_port()
        process = subprocess.Popen(pinned([FLOOR, mode, str(port), path], 0))
        try:
            wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/"))
            rates[mode], _, _ = wrk_latency(f"http://127.0.0.1:{port}/")
        finally:
            process.terminate()
            process.wait()
    print(f"floor, a fixed {len(body)}-byte body (tools/floor): evhttp {rates['evhttp']:,.0f} req/s, "
          f"raw libevent {rates['raw']:,.0f} req/s; against nginx static "
          f"{rates['evhttp'] / reads['static']:.2f} and {rates['raw'] / reads['static']:.2f}")


def print_reads(label, reads):
    if reads["errors"]:
        print(f"GET {label}: {reads['errors']} answers were not 2xx; no ratio")
        return
    print(f"GET {label} ({reads['size']} bytes): parkshare {reads['ours']:,.0f} req/s "
          f"(p99 {reads['ours_p99']:.2f} ms), nginx static {reads['static']:,.0f} req/s "
          f"(p99 {reads['static_p99']:.2f} ms)"
          + (f", nginx from memory {reads['memory']:,.0f} req/s" if reads["memory"] else "")
          + f"; ratio {reads['ours'] / reads['static']:.2f} (goal >= 0.9), "
          f"p99 ratio {reads['ours_p99'] / reads['static_p99']:.2f} (goal <= 1.5)"
          + (f", ceiling ratio {reads['ours'] / reads['memory']:.2f}" if reads["memory"] else ""))


def bench_writes(daemon, workdir, lot_id, source=None):
    """(parkshare's writes/s, the occupancy script's EVALSHA/s, the minimal counter's
    EVALSHA/s, non-2xx answers), the last two on the daemon's Redis; source is the
    occupancy script to run under redis-benchmark (default: the work tree's)."""
    token = daemon.admin_token()
    script = os.path.join(workdir, "write.lua")
    with open(script, "w") as out:
        out.write(WRITE_SCRIPT % (token, f"/v1/lots/{lot_id}/occupancy"))
    ours, errors = wrk(daemon.url(f"/v1/lots/{lot_id}/occupancy"), script)

    import hashlib
    socket_path = os.path.join(daemon.data_dir, "redis.sock")
    source = source or occupancy_source()
    sha = redis_benchmark_load(socket_path, source)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    theirs = redis_benchmark_rate(socket_path, ["-r", "100000000", "EVALSHA", sha] +
                                  occupancy_call(source, lot_id, token_hash, "bench-__rand_int__"))
    minimal_sha = redis_benchmark_load(socket_path, MINIMAL_SCRIPT)
    minimal = redis_benchmark_rate(socket_path, ["EVALSHA", minimal_sha, "2", "bench:counter",
                                                 "bench:audit", "1", "100", "bench:changes"])
    subprocess.run(["redis-cli", "-s", socket_path, "DEL", "bench:counter", "bench:audit"],
                   capture_output=True, check=True)
    return ours, theirs, minimal, errors


def redis_benchmark_load(socket_path, source):
    """SCRIPT LOAD of source on the Redis at socket_path; its sha."""
    return subprocess.run(["redis-cli", "-s", socket_path, "SCRIPT", "LOAD", source],
                          capture_output=True, text=True, check=True).stdout.strip()


def redis_benchmark_rate(socket_path, arguments, requests=200000):
    """Calls per second of redis-benchmark (pinned to the load core) at the bench's
    concurrency: arguments are its options and command."""
    command = ["redis-benchmark", "-s", socket_path, "-c", str(CONNECTIONS), "-n",
               str(requests), "-q"] + arguments
    output = subprocess.run(pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    return float(re.findall(r"([\d.]+) requests per second", output)[-1])


def occupancy_source(revision=None):
    """occupancy.lua as the daemon loads it (its --@include lines expanded by
    server/scripts/embed.py), from the work tree or as it was at a git revision."""
    sys.path.insert(0, os.path.join(ROOT, "server", "scripts"))
    import embed
    path = os.path.join("server", "scripts", "occupancy.lua")
    if revision is None:
        return embed.script_text(os.path.join(ROOT, path))

    def read(name):
        return subprocess.run(["git", "-C", ROOT, "show", f"{revision}:{name}"],
                              capture_output=True, text=True, check=True).stdout
    return embed.script_text(path, read)


def occupancy_call(source, lot_id, token_hash, idempotency_key, change="1"):
    """The keys and arguments after EVALSHA's sha for one write of delta `change` to
    lot_id by the token of token_hash, with idempotency_key (redis-benchmark's
    __rand_int__ makes it fresh each call), in the layout of the given source:
    scripts before 2026-11-30 took six keys (a stream per lot, keys not per lot)."""
    replay = f"ps:replay:{lot_id}:{idempotency_key}"
    keys = [f"ps:lot:{lot_id}", replay, f"ps:token:{token_hash}", "ps:audit"]
    if "KEYS[6]" in source:
        keys = [f"ps:lot:{lot_id}", f"ps:idem:{lot_id}:{idempotency_key}",
                f"ps:token:{token_hash}", f"ps:audit:{lot_id}", "ps:audit",
                f"ps:idem:{idempotency_key}"]
    return [str(len(keys))] + keys + [
        lot_id, "delta", change, "1", f"{lot_id} delta {change}", "86400", "127.0.0.1",
        "ps:changes:0", "1000000", f"ps:hist:{lot_id}:", str(400 * 86400), ""]


# The least a Redis-backed bounded counter does per write: read the count,
# clamp the delta to the capacity, write it, append one audit entry, and
# tell the readers. No token, no idempotency, no per-lot history.
MINIMAL_SCRIPT = """
local count = tonumber(redis.call('HGET', KEYS[1], 'occupied')) or 0
local new = count + tonumber(ARGV[1])
if new < 0 then new = 0 elseif new > tonumber(ARGV[2]) then new = tonumber(ARGV[2]) end
redis.call('HSET', KEYS[1], 'occupied', new)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'old', count, 'new', new)
redis.call('PUBLISH', ARGV[3], new)
return new
"""


NEAR_SCRIPT = """
local centre_lat, centre_lon = 26.57, 106.47
math.randomseed(7)
request = function()
  local lat = centre_lat + (math.random() - 0.5) * 0.9
  local lon = centre_lon + (math.random() - 0.5) * 0.9
  return wrk.format("GET", string.format("/v1/lots?near=%.5f,%.5f&radius=2000&limit=50", lat, lon))
end
"""

# The rate for near queries. wrk cannot send at a constant rate; its
# script's delay() holds each of NEAR_CONNECTIONS connections 9 or 10 ms
# (9.5 on average) after every answer, so with answers of about half a
# millisecond each connection sends about 100 a second: about 1,000 in all,
# the rate printed being the one measured. A closed loop: a stall delays the
# requests behind it instead of being counted against them, so its p99 is a
# lower bound of what an open loop at that rate would see.
NEAR_RATE_SCRIPT = NEAR_SCRIPT + """
delay = function()
  return math.random(9, 10)
end
"""
NEAR_CONNECTIONS = 10

LOT_COUNT = int(os.environ.get("BENCH_LOTS", "100000"))


def redis_protocol(*arguments):
    parts = [f"*{len(arguments)}\r\n"]
    for argument in arguments:
        data = argument if isinstance(argument, bytes) else str(argument).encode()
        parts.append(f"${len(data)}\r\n")
        parts.append(data.decode() + "\r\n")
    return "".join(parts)


def fill_lots(daemon):
    """LOT_COUNT lots over a degree square around the demo city, through the public API.

    Each lot is a PUT and a recount POST, as an operator's import and an
    attendant's first count would be: they pay for the audit entries, the
    scripts and the notifications that real writes pay for. Four keep-alive
    connections on the load generator's core. Returns the seconds it took.
    """
    import http.client
    import random
    import threading
    token = daemon.admin_token()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rng = random.Random(100000)
    bodies = []
    for index in range(LOT_COUNT):
        lot = {"name": f"Bench lot {index}", "kind": "public",
               "location": {"lat": round(26.12 + rng.random(), 6),
                            "lon": round(106.02 + rng.random(), 6)},
               "capacity": 100}
        bodies.append((f"bench-{index:06d}", json.dumps(lot), rng.randint(0, 100)))
    failures = []

    def worker(part):
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
        for lot_id, body, occupied in part:
            for method, path, payload in (
                    ("PUT", f"/v1/lots/{lot_id}", body),
                    ("POST", f"/v1/lots/{lot_id}/occupancy", json.dumps({"occupied": occupied}))):
                connection.request(method, path, payload, headers)
                answer = connection.getresponse()
                answer.read()
                if answer.status not in (200, 201):
                    failures.append(f"{method} {path}: {answer.status}")
        connection.close()

    if CORES >= 2 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {1})
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(bodies[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"filling lots: {len(failures)} writes refused, e.g. {failures[0]}")
    return time.monotonic() - started


def redis_used_memory(socket_path):
    output = subprocess.run(["redis-cli", "-s", socket_path, "INFO", "memory"],
                            capture_output=True, text=True, check=True).stdout
    return int(re.search(r"used_memory:(\d+)", output).group(1))


def resident_megabytes(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1)) / 1024


def timed_get(url):
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=60) as answer:
        answer.read()
    return (time.monotonic() - started) * 1000


def log_time(line):
    stamp = line.split(" ", 1)[0]
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + float(stamp[19:23])


def second_daemon(workdir, socket_path, name):
    """Another daemon on the first one's Redis; returns (process, port)."""
    directory = os.path.join(workdir, name)
    os.makedirs(directory)
    port = free_port()
    log = open(os.path.join(directory, "daemon.log"), "wb")
    command = [SERVER, "--set", f"listen=127.0.0.1:{port}", "--set",
               f"data_dir={directory}/data", "--set", f"redis=unix:{socket_path}",
               "--set", f"calendar_dir={os.path.join(ROOT, 'config', 'calendars')}"] + UNLIMITED
    process = subprocess.Popen(pinned(command, 0), stdout=log, stderr=log)
    wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/readyz"), timeout=300)
    return process, port


def bench_stream_latency(daemon, workdir, lot_id, samples=300):
    import http.client
    socket_path = os.path.join(daemon.data_dir, "redis.sock")
    process, port = second_daemon(workdir, socket_path, "stream")
    token = daemon.admin_token()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/v1/stream?lot={lot_id}")
    stream = connection.getresponse()
    latencies = []

    def next_lot_event():
        event = None
        while True:
            line = stream.readline()
            if line.startswith(b"event: "):
                event = line[7:].strip()
            elif line.startswith(b"data: ") and event == b"lot":
                return json.loads(line[6:])

    next_lot_event()  # the current state
    writer = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
    for index in range(samples):
        body = json.dumps({"delta": 1 if index % 2 == 0 else -1})
        started = time.perf_counter()
        writer.request("POST", f"/v1/lots/{lot_id}/occupancy", body=body,
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/json"})
        writer.getresponse().read()
        next_lot_event()
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    writer.close()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]


def near_queries(workdir, port, script_text):
    """wrk's near queries at random points with script_text: p50, p99 (ms) and req/s."""
    script = os.path.join(workdir, "near.lua")
    with open(script, "w") as out:
        out.write(script_text)
    command = ["wrk", "-t1", f"-c{NEAR_CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", script,
               f"http://127.0.0.1:{port}/"]
    output = subprocess.run(pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"p50": p50, "p99": p99, "rate": rate}


def bench_workers(workdir, path):
    """GET path with `workers 1` and `workers N` on the same N cores, wrk on the others.
    Returns None when the machine has no cores to spare for both (2 or fewer)."""
    if CORES <= 2 or not shutil.which("taskset"):
        return None
    loops = CORES // 2
    server_cores = f"0-{loops - 1}"
    load_cores = f"{loops}-{CORES - 1}"
    rates = {}
    for count in (1, loops):
        directory = os.path.join(workdir, f"workers-{count}-{abs(hash(path))}")
        os.makedirs(directory, exist_ok=True)
        daemon = Daemon(directory, ["--set", f"workers={count}"], server_cores)
        try:
            command = ["wrk", f"-t{CORES - loops}", f"-c{CONNECTIONS * loops}", f"-d{DURATION}",
                       "--latency", daemon.url(path)]
            output = subprocess.run(["taskset", "-c", load_cores] + command, capture_output=True,
                                    text=True, check=True).stdout
            rates[count] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        finally:
            daemon.stop()
    return loops, rates[1], rates[loops]


def bench_workers_one_core(workdir, path, rounds=3):
    """GET path with `workers 1` against `workers 2`, both loops on core 0 (wrk on core 1),
    alternating: not a speed-up, the cost of a second loop and of the worker's read path.
    Median req/s."""
    rates = {1: [], 2: []}
    for round_number in range(rounds):
        for count in (1, 2):
            directory = os.path.join(workdir, f"one-core-{count}-{round_number}-{abs(hash(path))}")
            os.makedirs(directory, exist_ok=True)
            daemon = Daemon(directory, ["--set", f"workers={count}"], "0")
            try:
                rates[count].append(wrk(daemon.url(path))[0])
            finally:
                daemon.stop()
    return sorted(rates[1])[rounds // 2], sorted(rates[2])[rounds // 2]


def print_workers(workdir, path):
    """1 loop against N on path: a speed-up where the machine has the cores, else the cost of a
    second loop on one core."""
    workers = bench_workers(workdir, path)
    if workers is None:
        print(f"workers: 1 loop against N needs cores for N loops and for wrk besides; this "
              f"machine has {CORES}: not measured")
        if CORES == 2:
            one, two = bench_workers_one_core(workdir, path)
            print(f"GET {path} with both loops on one core (the cost of a second loop, not a "
                  f"speed-up; median of 3): workers 1 {one:,.0f} req/s, workers 2 {two:,.0f} "
                  f"req/s, ratio {two / one:.2f}")
        return
    loops, one, many = workers
    print(f"GET {path}, {loops} cores for the daemon and {CORES - loops} for wrk: workers 1 "
          f"{one:,.0f} req/s, workers {loops} {many:,.0f} req/s, ratio {many / one:.2f}")


def reader_command(server, port, directory, socket_path, extra=()):
    """A daemon that reads the lots another daemon filled (its Redis, a data directory of its own)."""
    return [server, "--set", f"listen=127.0.0.1:{port}", "--set", f"data_dir={directory}/data",
            "--set", f"redis=unix:{socket_path}",
            "--set", f"calendar_dir={os.path.join(ROOT, 'config', 'calendars')}", *extra]


def resident_at_load(workdir, socket_path):
    """{(build label, workers): RSS in MB once loaded}, for BENCH_SCALE_WORKERS (e.g. "1,2")
    and, with BENCH_SCALE_BEFORE (another build directory), that build too, taking turns."""
    counts = [int(c) for c in os.environ.get("BENCH_SCALE_WORKERS", "").split(",") if c]
    builds = [("this build", SERVER)]
    if os.environ.get("BENCH_SCALE_BEFORE"):
        builds.insert(0, ("before", os.path.join(os.environ["BENCH_SCALE_BEFORE"], "server",
                                                  "parkshare-server")))
    found = {}
    for count in counts:
        for label, server in builds:
            directory = os.path.join(workdir, f"rss-{len(found)}")
            os.makedirs(directory)
            port = free_port()
            with open(os.path.join(directory, "daemon.log"), "wb") as log:
                command = reader_command(server, port, directory, socket_path,
                                         ["--set", f"workers={count}"])
                process = subprocess.Popen(pinned(command, 0), stdout=log, stderr=log)
                try:
                    wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/readyz"), timeout=300)
                    time.sleep(2)  # the workers' view is published just after the load
                    found[(label, count)] = resident_megabytes(process.pid)
                finally:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=60)
            print_index_line(os.path.join(directory, "daemon.log"), label, count)
    return found


def print_index_line(log_path, label, count):
    """The daemon's own line on the lot index its workers list from, when it wrote one."""
    with open(log_path, errors="replace") as log:
        for line in log:
            if "lot index for lists on workers" in line:
                print(f"    {label}, workers {count}: {line.strip()}", flush=True)


def bench_scale(daemon, workdir):
    socket_path = os.path.join(daemon.data_dir, "redis.sock")
    memory_before = redis_used_memory(socket_path)
    fill_seconds = fill_lots(daemon)
    redis_per_lot = (redis_used_memory(socket_path) - memory_before) / LOT_COUNT
    second_dir = os.path.join(workdir, "second")
    os.makedirs(second_dir)
    port = free_port()
    log_path = os.path.join(second_dir, "daemon.log")
    with open(log_path, "wb") as log:
        command = reader_command(SERVER, port, second_dir, socket_path)
        started = time.monotonic()
        process = subprocess.Popen(pinned(command, 0), stdout=log, stderr=log)
        wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/readyz"), timeout=300)
        ready = time.monotonic() - started
    lines = open(log_path).read().splitlines()
    redis_ready = next(log_time(l) for l in lines if "Redis ready" in l)
    loaded = next(log_time(l) for l in lines if "snapshot: loaded" in l)
    paced = near_queries(workdir, port, NEAR_RATE_SCRIPT)
    flat_out = near_queries(workdir, port, NEAR_SCRIPT)
    world = f"http://127.0.0.1:{port}/v1/lots?bbox=-180,-90,180,90&limit=50"
    world_cold = timed_get(world)
    world_cached = timed_get(world)
    rss = resident_megabytes(process.pid)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    loaded_rss = resident_at_load(workdir, socket_path)
    return {"loaded_rss": loaded_rss,
            "ready": ready, "load": loaded - redis_ready, "paced": paced, "flat_out": flat_out,
            "fill": fill_seconds, "redis_per_lot": redis_per_lot, "rss": rss,
            "world_cold": world_cold, "world_cached": world_cached}


def print_scale(scale):
    """The figures of bench_scale, each with the goal of issue 16."""
    print(f"{LOT_COUNT:,} lots written through the API (PUT and a recount each) in "
          f"{scale['fill']:.1f} s; Redis memory {scale['redis_per_lot']:,.0f} bytes per lot "
          f"(goal <= 600)")
    print(f"{LOT_COUNT:,} lots: snapshot load {scale['load']:.2f} s (goal <= 1; start to ready "
          f"{scale['ready']:.2f} s); daemon RSS {scale['rss']:,.0f} MB (goal <= 150)")
    for (label, count), rss in scale["loaded_rss"].items():
        print(f"{LOT_COUNT:,} lots: daemon RSS once loaded, {label}, workers {count}: "
              f"{rss:,.0f} MB (goal <= 150)")
    paced, flat_out = scale["paced"], scale["flat_out"]
    print(f"{LOT_COUNT:,} lots: near queries (2 km, limit 50, random points) at "
          f"{paced['rate']:,.0f} req/s (wrk -c{NEAR_CONNECTIONS}, 9-10 ms between a "
          f"connection's requests): p50 {paced['p50']}, p99 {paced['p99']} "
          f"(goal: p99 <= 2 ms at 1,000 req/s)")
    print(f"{LOT_COUNT:,} lots: near queries as fast as wrk -c{NEAR_CONNECTIONS} sends them: "
          f"{flat_out['rate']:,.0f} req/s, p50 {flat_out['p50']}, p99 {flat_out['p99']}")
    print(f"{LOT_COUNT:,} lots: world-wide bbox, first page of 50: {scale['world_cold']:.1f} ms "
          f"the first time, {scale['world_cached']:.1f} ms cached (goal: a figure)")


def main():
    for tool in ("wrk", "nginx", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (make bench installs it)")
    workdir = tempfile.mkdtemp(prefix="parkshare-bench-")
    daemon = Daemon(workdir)
    try:
        # BENCH_ONLY=scale: the 100,000-lot figures alone (the fill and a second daemon).
        if os.environ.get("BENCH_ONLY") == "scale":
            print_scale(bench_scale(daemon, workdir))
            return
        lot_id = daemon.first_lot_id()
        print(f"parkshare bench: wrk -t1 -c{CONNECTIONS} -d{DURATION}, "
              f"{'server on core 0, load on core 1' if CORES >= 2 else 'one core'}")
        print("nginx static: " + NGINX_MODES["static"] + "; nginx from memory: " +
              NGINX_MODES["memory"] + "; one worker each")
        reads = bench_reads(daemon, workdir, lot_id)
        print_reads(f"/v1/lots/{lot_id}", reads)
        if os.path.exists(FLOOR):
            with urllib.request.urlopen(daemon.url(f"/v1/lots/{lot_id}")) as answer:
                bench_floor(workdir, answer.read(), reads)
        ours, theirs, minimal, errors = bench_writes(daemon, workdir, lot_id)
        if errors:
            print(f"POST occupancy: {errors} answers were not 2xx; no ratio")
        else:
            print(f"POST occupancy: parkshare {ours:,.0f} writes/s, redis-benchmark EVALSHA "
                  f"{theirs:,.0f}/s, ratio {ours / theirs:.2f} (goal >= 0.6)")
            print(f"POST occupancy against a minimal bounded-counter script under "
                  f"redis-benchmark ({minimal:,.0f}/s): ratio {ours / minimal:.2f}; "
                  f"the occupancy script alone runs at {theirs / minimal:.2f} of it")
        for path in ("/v1/totals?group=admin-centre", "/v1/totals.txt?group=admin-centre",
                     "/v1/lots?group=admin-centre"):
            print_reads(path, bench_reads(daemon, workdir, lot_id, path))
        for path in (f"/v1/lots/{lot_id}", "/v1/lots?group=admin-centre"):
            print_workers(workdir, path)
        p50, p99 = bench_stream_latency(daemon, workdir, lot_id)
        print(f"update to stream across two daemons (write answered, then the lot event read): "
              f"p50 {p50:.2f} ms, p99 {p99:.2f} ms")
        print_scale(bench_scale(daemon, workdir))
    finally:
        daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
