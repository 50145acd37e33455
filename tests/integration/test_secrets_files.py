#!/usr/bin/env python3
"""Secrets and private files: a Redis password never reaches a message or the log, it can
come from a private redis_password_file, and data_dir is the daemon's user's alone."""

import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IntegrationTestCase, main, wait_for  # noqa: E402

WRONG = "wrong-battery-staple-7"
RIGHT = "right-horse-correct-9"


def environment_without_parkshare(extra=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
    environment.update(extra or {})
    return environment


class SecretsTest(IntegrationTestCase):
    def run_daemon(self, daemon, environment=None):
        """Run a daemon that is expected to stop at start; returns the completed process."""
        return subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30,
                              env=environment_without_parkshare(environment), cwd=daemon.workdir)

    def password_file(self, daemon, content, mode=0o600):
        path = os.path.join(daemon.workdir, "redis.password")
        with open(path, "w") as out:
            out.write(content)
        os.chmod(path, mode)
        return path

    def test_wrong_password_never_reaches_the_log(self):
        redis = self.redis(tcp=True, password=RIGHT)
        url = f"redis://reader:{WRONG}@127.0.0.1:{redis.port}/0"
        daemon = self.daemon(settings={"redis": url}).start(wait_ready=False)
        wait_for(lambda: "Redis refused AUTH" in daemon.log_text(), timeout=10,
                 what="the AUTH refusal in the log")
        self.assertProblem(daemon.get("/readyz"), 503, "store-unavailable",
                           "Redis is not reachable")
        self.assertEqual(daemon.stop(), 0)
        log = daemon.log_text()
        self.assertNotIn(WRONG, log)
        self.assertNotIn(RIGHT, log)

    def test_password_file_makes_the_daemon_ready(self):
        redis = self.redis(tcp=True, password=RIGHT)
        daemon = self.daemon()
        path = self.password_file(daemon, RIGHT + "\n")
        # The file's password replaces a wrong one in the URL.
        daemon.settings.update({"redis": f"redis://:{WRONG}@127.0.0.1:{redis.port}/2",
                                "redis_password_file": path})
        daemon.start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertRegex(redis.cli("CLIENT", "LIST"), r"flags=N db=2 ")
        self.assertEqual(daemon.stop(), 0)
        log = daemon.log_text()
        self.assertIn("the Redis password from redis_password_file replaces the URL's", log)
        self.assertNotIn(RIGHT, log)
        self.assertNotIn(WRONG, log)

    def test_password_file_with_crlf_and_more_lines(self):
        redis = self.redis(tcp=True, password=RIGHT)
        daemon = self.daemon()
        path = self.password_file(daemon, RIGHT + "\r\nsecond line is ignored\n", mode=0o400)
        daemon.settings.update({"redis": f"redis://127.0.0.1:{redis.port}",
                                "redis_password_file": path})
        daemon.start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertEqual(daemon.stop(), 0)

    def test_password_file_open_to_others_is_refused(self):
        redis = self.redis(tcp=True, password=RIGHT)
        daemon = self.daemon()
        path = self.password_file(daemon, RIGHT + "\n", mode=0o644)
        daemon.settings.update({"redis": f"redis://127.0.0.1:{redis.port}",
                                "redis_password_file": path})
        result = self.run_daemon(daemon)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"redis_password_file {path} is open to group or others (mode 0644): "
                      "make it private to the daemon's user (chmod 600)", result.stderr)
        self.assertNotIn(RIGHT, result.stderr + result.stdout)

    def test_missing_or_empty_password_file_stops_the_daemon(self):
        daemon = self.daemon()
        missing = os.path.join(daemon.workdir, "no-such.password")
        daemon.settings.update({"redis": "redis://127.0.0.1:1", "redis_password_file": missing})
        result = self.run_daemon(daemon)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"redis_password_file {missing}: No such file or directory", result.stderr)
        empty = self.password_file(daemon, "\n")
        daemon.settings["redis_password_file"] = empty
        result = self.run_daemon(daemon)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"redis_password_file {empty}: the first line is empty", result.stderr)

    def test_password_file_is_not_used_with_the_embedded_redis(self):
        daemon = self.daemon()
        path = self.password_file(daemon, RIGHT + "\n")
        daemon.settings["redis_password_file"] = path
        daemon.start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertEqual(daemon.stop(), 0)
        self.assertIn("warning main: redis_password_file is not used: the embedded Redis has no "
                      "password", daemon.log_text())
        self.assertNotIn(RIGHT, daemon.log_text())

    def test_bad_redis_urls_with_a_password_are_not_echoed(self):
        cases = {
            # No '@': the parser would take the password for a port.
            f"redis://reader:{WRONG}": "redis: the port is not a number from 1 to 65535",
            f"rediss://reader:{WRONG}@cache.example:6379":
                "redis: 'rediss://reader:***@cache.example:6379' is not 'embedded'",
            f"redis://:{WRONG}@cache.example:0": "redis: port '0' is not a number",
        }
        for url, expected in cases.items():
            with self.subTest(url=url):
                daemon = self.daemon(settings={"redis": url})
                result = self.run_daemon(daemon)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"--set redis: {expected}", result.stderr)
                self.assertNotIn(WRONG, result.stderr + result.stdout)
                # The same value from a file and from the environment.
                daemon = self.daemon(config_text=f"redis {url}\n")
                result = self.run_daemon(daemon)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"test.conf:1: {expected}", result.stderr)
                self.assertNotIn(WRONG, result.stderr + result.stdout)
                daemon = self.daemon()
                result = self.run_daemon(daemon, {"PARKSHARE_REDIS": url})
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(f"environment PARKSHARE_REDIS: {expected}", result.stderr)
                self.assertNotIn(WRONG, result.stderr + result.stdout)


def modes_under(root):
    """Every entry under root (root included) with its permission bits."""
    entries = {".": stat.S_IMODE(os.lstat(root).st_mode)}
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories + files:
            path = os.path.join(directory, name)
            entries[os.path.relpath(path, root)] = (stat.S_IMODE(os.lstat(path).st_mode),
                                                    stat.S_IFMT(os.lstat(path).st_mode))
    return entries


class PrivateFilesTest(IntegrationTestCase):
    def test_data_dir_is_private_even_when_it_existed_open(self):
        daemon = self.daemon()
        os.makedirs(daemon.data_dir)
        os.chmod(daemon.data_dir, 0o755)
        notes = os.path.join(daemon.data_dir, "notes.txt")
        with open(notes, "w") as out:
            out.write("left by an operator\n")
        os.chmod(notes, 0o644)
        os.makedirs(os.path.join(daemon.data_dir, "old"))
        os.chmod(os.path.join(daemon.data_dir, "old"), 0o775)
        daemon.start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        # The embedded Redis has written its append-only files by now.
        wait_for(lambda: os.path.isdir(os.path.join(daemon.data_dir, "appendonlydir")),
                 what="the append-only directory")
        entries = modes_under(daemon.data_dir)
        print(f"{len(entries)} entries under data_dir")
        self.assertEqual(entries["."], 0o700)
        for name, (mode, kind) in ((k, v) for k, v in entries.items() if k != "."):
            with self.subTest(entry=name):
                self.assertEqual(mode & 0o077, 0, f"{name} is {mode:04o}")
                if kind == stat.S_IFDIR:
                    self.assertEqual(mode, 0o700)
                elif kind == stat.S_IFREG:
                    self.assertEqual(mode, 0o600, f"{name} is {mode:04o}")
        for expected in ("notes.txt", "old", "admin.token", "parkshare.lock", "redis.conf",
                         "redis.sock", "appendonlydir"):
            self.assertIn(expected, entries)
        self.assertTrue(any(name.startswith("appendonlydir/") for name in entries), entries)
        log = daemon.log_text()
        self.assertRegex(log, re.escape(f"data_dir: {daemon.data_dir}: removed group and other "
                                        "access from 3 entries (the directory, ")
                         + r"(notes\.txt, old|old, notes\.txt)\)")
        self.assertEqual(daemon.stop(), 0)
        # A second start has nothing left to tighten, and says nothing.
        again = self.daemon(workdir=daemon.workdir).start()
        self.assertNotIn("removed group and other access", again.log_text())
        self.assertEqual(again.stop(), 0)


if __name__ == "__main__":
    main()
