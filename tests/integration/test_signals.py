#!/usr/bin/env python3
"""SIGHUP: the daemon reloads its web pages and shipped calendars, reopens log_file (for
logrotate), logs one line, and goes on serving; it never exits on it."""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_ROOT, Daemon, IntegrationTestCase, main, pid_alive, wait_for  # noqa: E402


def town_calendar(*dates):
    return {"timezone": "Asia/Shanghai",
            "days": [{"date": date, "kind": "holiday", "name": f"Town day {date}"}
                     for date in dates]}


class LogFileDaemon(Daemon):
    """A daemon whose lines go to log_file: the harness reads them there (and from the
    renamed file a rotation left behind), after what standard error got before it opened."""

    def log_text(self):
        text = super().log_text()
        log_file = self.settings["log_file"]
        for path in (log_file + ".1", log_file):
            if os.path.exists(path):
                with open(path, "rb") as log:
                    text += log.read().decode("utf-8", "replace")
        return text


class SignalsTest(IntegrationTestCase):
    def copy_of(self, workdir, source, name):
        target = os.path.join(workdir, name)
        shutil.copytree(source, target)
        return target

    def hang_up(self, daemon, reloads_before):
        """SIGHUP, then wait for one more "reloaded:" line than before."""
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: daemon.log_text().count("main: reloaded: ") == reloads_before + 1,
                 timeout=10, what="the reloaded line")
        self.assertTrue(pid_alive(daemon.process.pid))
        self.assertIsNone(daemon.process.poll())
        self.assertEqual(daemon.get("/readyz").status, 200)

    def test_sighup_serves_changed_pages_and_never_exits(self):
        daemon = self.daemon()
        web_root = self.copy_of(daemon.workdir, os.path.join(SOURCE_ROOT, "client", "web"), "web")
        daemon.settings["web_root"] = web_root
        daemon.start()
        before = daemon.get("/")
        self.assertEqual(before.status, 200)
        with open(os.path.join(web_root, "index.html"), "w") as page:
            page.write("<!doctype html><title>changed</title><p>Changed for the test.</p>\n")
        # Not before the signal: the pages are read at start and on SIGHUP only.
        self.assertEqual(daemon.get("/").body, before.body)
        self.hang_up(daemon, 0)
        after = daemon.get("/")
        self.assertEqual(after.status, 200)
        self.assertEqual(after.body, b"<!doctype html><title>changed</title>"
                                     b"<p>Changed for the test.</p>\n")
        self.assertNotEqual(after.header("ETag"), before.header("ETag"))
        self.assertEqual(daemon.get("/board").status, 200)
        self.assertRegex(daemon.log_text(),
                         r"main: reloaded: 1 calendar \(0 changed\), 3 pages, "
                         r"log on standard error\n")
        # Again and again: still alive, still serving.
        for count in range(1, 4):
            self.hang_up(daemon, count)
        # A page that cannot be read keeps the pages from before.
        board = daemon.get("/board").body
        os.remove(os.path.join(web_root, "board.html"))
        os.mkdir(os.path.join(web_root, "board.html"))
        self.hang_up(daemon, 4)
        self.assertIn(f"main: web_root: {web_root}/board.html: Is a directory; the pages read "
                      "before are kept", daemon.log_text())
        self.assertIn("3 pages (kept from before)", daemon.log_text())
        self.assertEqual(daemon.get("/board").body, board)
        self.assertEqual(daemon.get("/").body, after.body)
        self.assertEqual(daemon.stop(), 0)

    def test_sighup_reopens_the_log_file_after_rotation(self):
        workdir = self.daemon().workdir
        log_file = os.path.join(workdir, "parkshare.log")
        daemon = LogFileDaemon(workdir=workdir, settings={"log_file": log_file})
        self.addCleanup(daemon.cleanup)
        daemon.start()
        self.assertEqual(stat.S_IMODE(os.stat(log_file).st_mode), 0o600)
        with open(log_file) as log:
            self.assertIn("listening on http://127.0.0.1:", log.read())
        # What logrotate does: rename, then signal.
        os.rename(log_file, log_file + ".1")
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: os.path.exists(log_file), timeout=10, what="a new log file")
        def read_log():
            with open(log_file) as log:
                return log.read()
        wait_for(lambda: "main: reloaded: " in read_log(), timeout=10,
                 what="the reloaded line in the new log file")
        with open(log_file) as log:
            self.assertRegex(log.read(), r"main: reloaded: 1 calendar \(0 changed\), 3 pages, "
                                         r"log reopened\n")
        with open(log_file + ".1") as rotated:
            old = rotated.read()
        self.assertIn("listening on", old)
        self.assertNotIn("reloaded", old)
        self.assertEqual(stat.S_IMODE(os.stat(log_file).st_mode), 0o600)
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertEqual(daemon.stop(), 0)
        with open(log_file) as log:
            self.assertTrue(log.read().endswith("main: stopped\n"))

    def test_a_log_file_that_cannot_be_opened_stops_the_start(self):
        daemon = self.daemon()
        log_file = os.path.join(daemon.workdir, "no-such-directory", "parkshare.log")
        daemon.settings["log_file"] = log_file
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        result = subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30,
                                env=environment, cwd=daemon.workdir)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"main: log_file {log_file}: No such file or directory\n", result.stderr)

    def test_sighup_reloads_calendars_and_keeps_a_good_one_over_a_bad_file(self):
        daemon = self.daemon()
        calendar_dir = os.path.join(daemon.workdir, "calendars")
        os.mkdir(calendar_dir)
        town = os.path.join(calendar_dir, "town.json")
        with open(town, "w") as out:
            json.dump(town_calendar("2026-10-01"), out)
        daemon.settings["calendar_dir"] = calendar_dir
        daemon.start()

        def dates():
            response = daemon.get("/v1/calendars/town")
            return [day["date"] for day in response.json()["days"]] if response.status == 200 \
                else None
        wait_for(lambda: dates() == ["2026-10-01"], what="the shipped town calendar")

        with open(town, "w") as out:
            out.write('{"timezone": "Asia/Shanghai", "days": [')  # cut short
        self.hang_up(daemon, 0)
        log = daemon.log_text()
        self.assertIn(f"bootstrap: {town}:1: ", log)
        self.assertIn("; the calendar read before is kept", log)
        self.assertIn("main: reloaded: 1 calendar (0 changed, a bad file's previous version "
                      "kept), 3 pages, log on standard error", log)
        self.assertEqual(dates(), ["2026-10-01"])

        # A changed file wins over what Redis holds: the operator asked for it.
        with open(town, "w") as out:
            json.dump(town_calendar("2026-10-01", "2026-10-02"), out)
        self.hang_up(daemon, 1)
        self.assertIn("main: reloaded: 1 calendar (1 changed), 3 pages", daemon.log_text())
        wait_for(lambda: dates() == ["2026-10-01", "2026-10-02"], what="the changed calendar")
        wait_for(lambda: "replaced the calendar town with its changed file" in daemon.log_text(),
                 what="the replacement in the log")

        # An unchanged file leaves an edit made through the API alone.
        edited = town_calendar("2026-10-01", "2026-10-02", "2026-10-03")
        self.assertEqual(daemon.as_admin("PUT", "/v1/calendars/town", edited).status, 200)
        wait_for(lambda: len(dates()) == 3, what="the edit")
        self.hang_up(daemon, 2)
        self.assertEqual(dates(), ["2026-10-01", "2026-10-02", "2026-10-03"])
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    main()
