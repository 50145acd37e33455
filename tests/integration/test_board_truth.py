#!/usr/bin/env python3
"""The kiosk board in headless Chromium: "暂无数据" rather than a number when counts are unknown,
names rather than ids, a remembered language switch that changes every interface string, axe
clean in both languages, a silent link noticed, and a reconnect after the daemon restarts."""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SOURCE_ROOT, Daemon, IntegrationTestCase, free_port,  # noqa: E402
                     main, sample_lot, wait_for)

BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")


class BoardTruthTest(IntegrationTestCase):
    def setUp(self):
        # A fixed port, so that the page reconnects to the restarted daemon.
        self.daemon_under_test = Daemon(
            settings={"listen": f"127.0.0.1:{free_port()}"},
            environment={"PARKSHARE_TEST_STREAM_PING_MS": "500"})
        self.addCleanup(self.daemon_under_test.cleanup)
        self.daemon_under_test.start()
        self.addCleanup(lambda: self.daemon_under_test.process.poll() is None
                        and self.daemon_under_test.stop())
        daemon = self.daemon_under_test
        for lot_id, name, english, group, occupied in [
                ("blank-1", "空白一", None, "truth-unknown", None),
                ("blank-2", "空白二", None, "truth-unknown", None),
                ("north-1", "北一停车场", "North One", "truth-named", 10),
                ("north-2", "北二停车场", None, "truth-named", 5)]:
            body = sample_lot(name=name, groups=[group], capacity=40, hours=None,
                              names={"en": english} if english else None)
            self.assertEqual(daemon.put_lot(lot_id, body).status, 201)
            if occupied is not None:
                self.assertEqual(daemon.post_occupancy(lot_id, {"occupied": occupied}).status, 200)
        response = daemon.as_admin("PUT", "/v1/groups/truth-named",
                                   {"name": "北区停车", "names": {"en": "North Parking"}})
        self.assertEqual(response.status, 201)
        wait_for(lambda: daemon.get("/v1/totals?group=truth-named").json()["occupied"] == 15)

    def test_board_truth_names_language_and_link(self):
        daemon = self.daemon_under_test
        screenshot = os.path.join(BUILD_ROOT, "board-truth.png")
        process = subprocess.Popen(
            ["node", "board-truth.mjs", daemon.base_url, daemon.admin_token(), screenshot],
            cwd=BROWSER_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        output = []
        try:
            for line in process.stdout:
                output.append(line)
                print(line, end="")
                word = line.strip()
                if word == "stop":
                    daemon.signal(signal.SIGSTOP)
                elif word == "cont":
                    daemon.signal(signal.SIGCONT)
                elif word == "restart":
                    daemon.stop()
                    daemon.start()
                else:
                    continue
                process.stdin.write("done\n")
                process.stdin.flush()
            self.assertEqual(process.wait(timeout=180), 0, "".join(output))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        text = "".join(output)
        self.assertIn("English remembered", text)
        self.assertIn("silent link noticed", text)
        self.assertIn("reconnected after the restart", text)
        self.assertGreater(os.path.getsize(screenshot), 10000)


if __name__ == "__main__":
    main()
