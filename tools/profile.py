#!/usr/bin/env python3
"""profile.py: where the daemon spends a cached read, by perf.

  BUILD=build python3 tools/profile.py [PATH]

Starts the built daemon with its embedded Redis and the demo city (as
tools/bench.py does), loads it with wrk on PATH (default the single-lot
read) for BENCH_DURATION, records the daemon with `perf record -g` meanwhile,
and prints the top entries of `perf report` (self time, by symbol, kernel
included). A report, never a test: it changes nothing and always exits 0
once it ran.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the daemon and wrk helpers)


def main():
    if shutil.which("perf") is None:
        sys.exit("profile: perf is missing (make bench installs linux-perf)")
    path = sys.argv[1] if len(sys.argv) > 1 else "/v1/lots/gov-city-hall"
    workdir = tempfile.mkdtemp(prefix="parkshare-profile-")
    daemon = bench.Daemon(workdir)
    data = os.path.join(workdir, "perf.data")
    try:
        recorder = subprocess.Popen(["perf", "record", "-g", "-o", data, "-p",
                                     str(daemon.process.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rate, errors = bench.wrk(daemon.url(path))
        recorder.send_signal(2)
        recorder.wait(timeout=60)
        print(f"profile of GET {path}: {rate:,.0f} req/s ({errors} not 2xx), "
              f"wrk -t1 -c{bench.CONNECTIONS} -d{bench.DURATION}")
        report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio",
                                 "--sort", "symbol", "-g", "none", "--percent-limit", "0.8"],
                                capture_output=True, text=True, check=True).stdout
        print("\n".join(line for line in report.splitlines()
                        if line.strip() and not line.startswith("#")))
        by_object = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio",
                                    "--sort", "dso", "-g", "none", "--percent-limit", "0.5"],
                                   capture_output=True, text=True, check=True).stdout
        print("by object:")
        print("\n".join(line for line in by_object.splitlines()
                        if line.strip() and not line.startswith("#")))
    finally:
        daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
