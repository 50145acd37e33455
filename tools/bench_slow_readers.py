#!/usr/bin/env python3
"""bench_slow_readers.py: the daemon's memory while clients ask a large answer and do not read.

Fills a daemon with BENCH_LOTS lots (20,000 by default, bench.py's fill_lots),
asks GET /datex2/v3/parking-light.json once so the whole-city document is
built and kept, then opens BENCH_SLOW_READERS connections (200) with a 4 KB
receive buffer that each send the GET and never read. Reports the daemon's
resident memory before, while they wait (the daemon holds what the sockets
did not take) and after they close, and how many bytes one of them would
have got. BENCH_SLOW_BEFORE=<build dir> runs the same against that build
first, side by side. Reports; never fails.
"""

import os
import socket
import sys
import tempfile
import time
import urllib.request

os.environ.setdefault("BENCH_LOTS", "20000")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

PATH = "/datex2/v3/parking-light.json"
READERS = int(os.environ.get("BENCH_SLOW_READERS", "200"))


def document_length(daemon):
    with urllib.request.urlopen(daemon.url(PATH), timeout=60) as answer:
        return len(answer.read())


def settled_megabytes(pid, seconds=3.0):
    """Resident memory once it stops moving (the answers are queued at once; this only waits)."""
    last = bench.resident_megabytes(pid)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = bench.resident_megabytes(pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


def open_slow_readers(port, encoding):
    readers = []
    request = (f"GET {PATH} HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: {encoding}\r\n\r\n"
               ).encode()
    for _ in range(READERS):
        reader = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.connect(("127.0.0.1", port))
        reader.sendall(request)
        readers.append(reader)
    return readers


def measure(build):
    bench.SERVER = os.path.join(build, "server", "parkshare-server")
    workdir = tempfile.mkdtemp(prefix="parkshare-bench-slow-")
    daemon = bench.Daemon(workdir)
    figures = {}
    try:
        bench.fill_lots(daemon)
        figures["bytes"] = document_length(daemon)
        pid = daemon.process.pid
        for encoding in ("identity", "gzip"):
            idle = settled_megabytes(pid)
            readers = open_slow_readers(daemon.port, encoding)
            waiting = settled_megabytes(pid)
            for reader in readers:
                reader.close()
            time.sleep(1.0)
            figures[encoding] = (idle, waiting, settled_megabytes(pid))
    finally:
        daemon.stop()
    return figures


def main():
    builds = []
    if os.environ.get("BENCH_SLOW_BEFORE"):
        builds.append(("before", os.environ["BENCH_SLOW_BEFORE"]))
    builds.append(("after", bench.BUILD))
    print(f"bench_slow_readers: {bench.LOT_COUNT:,} lots, {READERS} clients GET {PATH} "
          f"and do not read; load average {os.getloadavg()[0]:.2f}")
    for label, build in builds:
        figures = measure(build)
        print(f"{label}: document {figures['bytes']:,} bytes")
        for encoding in ("identity", "gzip"):
            idle, waiting, closed = figures[encoding]
            print(f"  {encoding:8}: RSS {idle:.0f} MB idle, {waiting:.0f} MB with the readers "
                  f"waiting (+{waiting - idle:.0f} MB), {closed:.0f} MB after they closed")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
