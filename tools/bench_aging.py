#!/usr/bin/env python3
"""bench_aging.py: the daemon's CPU while many lots' counts turn stale, one build against another.

usage: bench_aging.py [LOTS [STALE_SECONDS [OTHER_SERVER]]]

Fills LOTS lots (default 50,000) through the API as `make bench` does, on a
daemon whose stale_after is STALE_SECONDS (default 40), then sits idle while
every count turns stale at its own instant (they were written over the
fill's seconds) and reports the daemon's CPU time over that window, read
from /proc. With OTHER_SERVER (another build's parkshare-server), the same
runs for it right after, so that the two are compared side by side.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def aging_cpu(server, lots, stale_seconds):
    bench.SERVER = server
    bench.LOT_COUNT = lots
    with tempfile.TemporaryDirectory() as workdir:
        daemon = bench.Daemon(workdir, ["--set", f"stale_after={stale_seconds}",
                                        "--set", "workers=1"])
        try:
            started = time.monotonic()
            fill = bench.fill_lots(daemon)
            # Idle until the last count written has turned stale, and a little more.
            cpu_before = cpu_seconds(daemon.process.pid)
            window_start = time.monotonic()
            time.sleep(max(0.0, started + fill + stale_seconds + 2 - window_start))
            window = time.monotonic() - window_start
            cpu = cpu_seconds(daemon.process.pid) - cpu_before
            return fill, window, cpu
        finally:
            daemon.stop()


def main():
    lots = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    stale_seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    servers = [("this build", bench.SERVER)]
    if len(sys.argv) > 3:
        servers.append(("other build", sys.argv[3]))
    for label, server in servers:
        fill, window, cpu = aging_cpu(server, lots, stale_seconds)
        print(f"{label}: {lots:,} lots filled in {fill:.1f} s; while their counts turned stale "
              f"(stale_after {stale_seconds} s): {cpu:.2f} s of daemon CPU in {window:.1f} s "
              f"({100 * cpu / window:.0f} %)")


if __name__ == "__main__":
    main()
