#!/usr/bin/env python3
"""bench_feeds.py: the whole-city DATEX II document at BENCH_LOTS lots (20,000 by default).

Fills a daemon through the public API (bench.py's fill_lots), then measures
GET /datex2/v3/parking-light.json: its size, the time of a request that
builds it (after a write moved the snapshot's revision), of one served as
kept, and the requests per second wrk gets. BENCH_FEEDS_BEFORE=<build dir>
runs the same against that build first, side by side. Reports; never fails.
"""

import os
import sys
import tempfile
import time
import urllib.request

os.environ.setdefault("BENCH_LOTS", "20000")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

PATH = "/datex2/v3/parking-light.json"


def one_get_ms(daemon):
    started = time.monotonic()
    with urllib.request.urlopen(daemon.url(PATH), timeout=60) as answer:
        length = len(answer.read())
    return (time.monotonic() - started) * 1000, length


def kept_build_ms(built):
    """The longest build seen so far, or 300 ms before the first: what the next wait is."""
    return max(built) if built else 300


def write_one(daemon, index):
    token = daemon.admin_token()
    request = urllib.request.Request(
        daemon.url("/v1/lots/bench-000000/occupancy"), method="POST",
        data=f'{{"occupied": {index % 50}}}'.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def measure(build):
    bench.SERVER = os.path.join(build, "server", "parkshare-server")
    workdir = tempfile.mkdtemp(prefix="parkshare-bench-feeds-")
    daemon = bench.Daemon(workdir)
    try:
        fill_seconds = bench.fill_lots(daemon)
        one_get_ms(daemon)
        kept = min(one_get_ms(daemon)[0] for _ in range(5))
        built, length = [], 0
        for index in range(5):
            write_one(daemon, index)
            # Past the wait the last build imposes (ten times its duration).
            time.sleep(max(0.2, 11 * kept_build_ms(built) / 1000))
            elapsed, length = one_get_ms(daemon)
            built.append(elapsed)
        rate, errors = bench.wrk(daemon.url(PATH))
        return {"fill": fill_seconds, "bytes": length, "built_ms": min(built), "kept_ms": kept,
                "rate": rate, "errors": errors}
    finally:
        daemon.stop()


def main():
    builds = []
    if os.environ.get("BENCH_FEEDS_BEFORE"):
        builds.append(("before", os.environ["BENCH_FEEDS_BEFORE"]))
    builds.append(("after", bench.BUILD))
    print(f"bench_feeds: {bench.LOT_COUNT:,} lots, GET {PATH}, wrk -t1 -c{bench.CONNECTIONS} "
          f"-d{bench.DURATION}")
    for label, build in builds:
        figures = measure(build)
        print(f"{label}: {figures['bytes']:,} bytes; a request after a write "
              f"{figures['built_ms']:.1f} ms, a request without one {figures['kept_ms']:.1f} ms; "
              f"{figures['rate']:,.0f} requests/s ({figures['errors']} not 2xx); "
              f"filled in {figures['fill']:.0f} s")


if __name__ == "__main__":
    main()
