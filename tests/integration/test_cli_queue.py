#!/usr/bin/env python3
"""The attendant's offline queue under concurrency: forty `parkshare-cli in` run at once
against a stopped daemon all keep their update, and one sync applies each exactly once."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, DEMO_ATTENDANT_LOT, DEMO_LOTS, IntegrationTestCase,  # noqa: E402
                     audit_entries, free_port, main)

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")
RUNS = 40


class CliQueueTest(IntegrationTestCase):
    def cli_command(self, url, *arguments):
        return [CLI, "-u", url, "--queue", self.queue, "--token-file", self.token_path,
                *arguments]

    def environment(self):
        return {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}

    def occupied(self, daemon):
        value = daemon.redis_cli("HGET", f"ps:lot:{DEMO_ATTENDANT_LOT}", "occupied")
        return int(value) if value else None

    def test_concurrent_runs_against_a_stopped_daemon_lose_nothing(self):
        first = self.daemon(settings={"demo": DEMO_LOTS}).start()
        first.wait_for_demo()
        # The demo starts each lot at a plausible count; this test counts from zero.
        self.assertEqual(first.as_admin("POST", f"/v1/lots/{DEMO_ATTENDANT_LOT}/occupancy",
                                        {"occupied": 0}).status, 200)
        self.token_path = first.demo_token_path()
        self.queue = os.path.join(first.workdir, "state", "parkshare", "queue")
        self.assertEqual(self.occupied(first) or 0, 0)
        audit_before = len(audit_entries(first.redis_cli, DEMO_ATTENDANT_LOT))
        self.assertEqual(first.stop(), 0)

        # Nothing listens on this loopback port: every run finds the daemon away.
        offline = f"http://127.0.0.1:{free_port()}"
        runs = [subprocess.Popen(self.cli_command(offline, "in", DEMO_ATTENDANT_LOT),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=self.environment()) for _ in range(RUNS)]
        outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        queued = [stderr for status, stderr in outcomes if status == 5]
        self.assertEqual(len(queued), RUNS, outcomes)
        self.assertTrue(all("queued" in stderr for stderr in queued))
        with open(self.queue) as queue:
            lines = queue.read().splitlines()
        print(f"{len(queued)} of {RUNS} runs said queued; {len(lines)} lines on disk")
        self.assertEqual(len(lines), len(queued))
        updates = [json.loads(line) for line in lines]
        self.assertEqual({update["id"] for update in updates}, {DEMO_ATTENDANT_LOT})
        self.assertEqual([update["delta"] for update in updates], [1] * RUNS)
        self.assertEqual(len({update["idempotency_key"] for update in updates}), RUNS)
        # No temporary file is left beside the queue; the lock file stays.
        directory = os.path.dirname(self.queue)
        self.assertEqual(sorted(os.listdir(directory)), ["queue", "queue.lock"])

        again = self.daemon(workdir=first.workdir).start()
        sync = subprocess.run(self.cli_command(again.base_url, "sync"), capture_output=True,
                              text=True, timeout=60, env=self.environment())
        self.assertEqual(sync.returncode, 0, sync.stderr)
        self.assertEqual(sync.stdout, f"sent {RUNS} queued update(s)\n")
        self.assertEqual(self.occupied(again), RUNS)
        audit_after = len(audit_entries(again.redis_cli, DEMO_ATTENDANT_LOT))
        self.assertEqual(audit_after - audit_before, RUNS)
        with open(self.queue) as queue:
            self.assertEqual(queue.read(), "")
        self.assertEqual(again.stop(), 0)


if __name__ == "__main__":
    main()
