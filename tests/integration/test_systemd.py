#!/usr/bin/env python3
"""Under systemd: the unit passes systemd-analyze verify, the notify protocol
(READY=1 only once /readyz answers 200, WATCHDOG=1, STOPPING=1), syslog
priorities when standard error is the journal, and the embedded Redis' log
in the daemon's own."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SERVER, SOURCE_ROOT, IntegrationTestCase, RedisServer,  # noqa: E402
                     _LIVE_PROCESSES, free_port, main, wait_for)

UNIT = os.path.join(BUILD_ROOT, "systemd", "parkshare-server.service")


class NotifyListener:
    """A unix datagram socket of the test's own, given to the daemon as NOTIFY_SOCKET."""

    def __init__(self, abstract=False):
        self.workdir = tempfile.mkdtemp(prefix="parkshare-notify-")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"parkshare-test-{os.getpid()}-{id(self)}"
            self.socket.bind("\0" + name)
            self.address = "@" + name
        else:
            self.address = os.path.join(self.workdir, "notify.sock")
            self.socket.bind(self.address)
        self.socket.setblocking(False)
        self.messages = []

    def drain(self):
        """Every datagram that has arrived, each as its list of assignments."""
        while True:
            try:
                data = self.socket.recv(4096)
            except BlockingIOError:
                return self.messages
            self.messages.append(data.decode().split("\n"))

    def count(self, assignment):
        return sum(message.count(assignment) for message in self.drain())

    def wait_for(self, assignment, timeout=10):
        return wait_for(lambda: self.count(assignment) > 0, timeout=timeout,
                        what=f"{assignment} on NOTIFY_SOCKET")

    def close(self):
        self.socket.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class UnitTest(IntegrationTestCase):
    def test_systemd_analyze_verify(self):
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.skipTest("systemd-analyze is missing (Debian package systemd, "
                          "tools/packages-test.txt)")
        with open(UNIT) as unit:
            text = unit.read()
        installed = re.search(r"^ExecStart=(\S+)", text, re.MULTILINE).group(1)
        self.assertTrue(installed.endswith("/bin/parkshare-server"), installed)
        workdir = tempfile.mkdtemp(prefix="parkshare-unit-")
        self.addCleanup(shutil.rmtree, workdir, True)
        # The unit as installed, with the built binary where the installed one will be,
        # and the man page it names where man finds it.
        path = os.path.join(workdir, "parkshare-server.service")
        with open(path, "w") as unit:
            unit.write(text.replace(installed, SERVER))
        os.makedirs(os.path.join(workdir, "man", "man8"))
        shutil.copy(os.path.join(SOURCE_ROOT, "docs", "parkshare-server.8"),
                    os.path.join(workdir, "man", "man8"))
        environment = dict(os.environ, MANPATH=os.path.join(workdir, "man"))
        result = subprocess.run([analyze, "verify", path], capture_output=True, text=True,
                                timeout=60, env=environment)
        # verify exits 0 on a setting it ignores: a clean unit says nothing at all.
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "", ""))

    def test_unit_settings(self):
        with open(UNIT) as unit:
            settings = {}
            for line in unit:
                if "=" in line and not line.startswith("#"):
                    key, value = line.rstrip("\n").split("=", 1)
                    settings.setdefault(key, value)
        expected = {"Type": "notify", "KillMode": "mixed", "StateDirectory": "parkshare",
                    "User": "parkshare", "ProtectSystem": "strict", "NoNewPrivileges": "yes",
                    "PrivateTmp": "yes", "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
                    "ExecReload": "/bin/kill -HUP $MAINPID", "MemoryDenyWriteExecute": "yes",
                    "SystemCallFilter": "@system-service", "CapabilityBoundingSet": "",
                    "UMask": "0077"}
        for key, value in expected.items():
            with self.subTest(key=key):
                self.assertEqual(settings.get(key), value)
        self.assertIn("WatchdogSec", settings)


class NotifyTest(IntegrationTestCase):
    def listener(self, **options):
        listener = NotifyListener(**options)
        self.addCleanup(listener.close)
        return listener

    def test_ready_only_once_readyz_answers_200(self):
        """An external Redis that is not up yet holds readiness back; READY=1 follows it."""
        listener = self.listener()
        redis = RedisServer()
        self.addCleanup(redis.cleanup)
        daemon = self.daemon(settings={"redis": f"unix:{redis.socket_path}"},
                             environment={"NOTIFY_SOCKET": listener.address})
        daemon.start(wait_ready=False)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            self.assertEqual(daemon.get("/readyz").status, 503)
            self.assertEqual(listener.count("READY=1"), 0)
            time.sleep(0.05)
        redis.start()
        listener.wait_for("READY=1", timeout=20)
        # Readiness does not go back while Redis stays: 200 now means 200 when it was sent.
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertEqual(listener.count("READY=1"), 1)
        self.assertEqual(daemon.stop(), 0)

    def test_abstract_socket_and_stopping(self):
        listener = self.listener(abstract=True)
        daemon = self.daemon(environment={"NOTIFY_SOCKET": listener.address})
        daemon.start()
        listener.wait_for("READY=1")
        self.assertEqual(listener.count("STOPPING=1"), 0)
        daemon.signal(signal.SIGTERM)
        listener.wait_for("STOPPING=1")
        self.assertEqual(daemon.stop(), 0)
        self.assertEqual(listener.count("READY=1"), 1)

    def test_watchdog_keeps_arriving(self):
        listener = self.listener()
        daemon = self.daemon(environment={"NOTIFY_SOCKET": listener.address,
                                          "WATCHDOG_USEC": "400000"})
        daemon.start()
        listener.drain()
        listener.messages.clear()
        time.sleep(2)
        # Every 200 ms: about ten in 2 s; a generous floor, no ceiling.
        self.assertGreaterEqual(listener.count("WATCHDOG=1"), 4)
        self.assertEqual(daemon.stop(), 0)

    def test_watchdog_for_another_process_is_not_kept(self):
        listener = self.listener()
        daemon = self.daemon(environment={"NOTIFY_SOCKET": listener.address,
                                          "WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"})
        daemon.start()
        listener.wait_for("READY=1")
        time.sleep(1)
        self.assertEqual(listener.count("WATCHDOG=1"), 0)
        self.assertEqual(daemon.stop(), 0)

    def test_without_notify_socket_nothing_changes(self):
        daemon = self.daemon(environment={"WATCHDOG_USEC": "400000"})
        daemon.start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("notify", daemon.log_text())

    def test_every_message_comes_from_the_main_process(self):
        """NotifyAccess=main: systemd drops what any other process (Redis) sends."""
        listener = self.listener()
        listener.socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        daemon = self.daemon(environment={"NOTIFY_SOCKET": listener.address,
                                          "WATCHDOG_USEC": "400000"})
        daemon.start()
        senders = []

        def ready_seen():
            while True:
                try:
                    data, ancillary, _, _ = listener.socket.recvmsg(4096, socket.CMSG_SPACE(12))
                except BlockingIOError:
                    return any(b"READY=1" in message for message, _ in senders)
                for level, kind, credentials in ancillary:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                        senders.append((data, int.from_bytes(credentials[:4], sys.byteorder)))

        wait_for(ready_seen, what="READY=1 with its sender's credentials")
        self.assertEqual({pid for _, pid in senders}, {daemon.process.pid})
        self.assertEqual(daemon.stop(), 0)


class JournalTest(IntegrationTestCase):
    """Standard error as the journal's stream: a file whose dev:ino JOURNAL_STREAM names."""

    def start_with_stderr(self, daemon, journal_stream):
        """Start daemon with stderr on a file; journal_stream(stat) gives JOURNAL_STREAM."""
        log_path = os.path.join(daemon.workdir, "stderr.log")
        log = open(log_path, "wb")
        self.addCleanup(log.close)
        status = os.fstat(log.fileno())
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        value = journal_stream(status)
        if value is not None:
            environment["JOURNAL_STREAM"] = value
        process = subprocess.Popen(daemon.command(), stdout=log, stderr=log, env=environment,
                                   cwd=daemon.workdir)
        _LIVE_PROCESSES.append(process)
        self.addCleanup(lambda: process.poll() is None and (process.kill(), process.wait()))
        return process, log_path

    @staticmethod
    def read(path):
        with open(path, "rb") as log:
            return log.read().decode()

    def run_until_ready_and_stop(self, journal_stream, settings=None):
        daemon = self.daemon(settings=dict({"log_level": "debug"}, **(settings or {})))
        process, log_path = self.start_with_stderr(daemon, journal_stream)
        wait_for(lambda: re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.read(log_path)),
                 timeout=20, what="the daemon to listen")
        wait_for(lambda: "loaded 0 lot(s)" in self.read(log_path), timeout=20,
                 what="the lots to load")
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        return self.read(log_path).splitlines()

    def test_priorities_when_stderr_is_the_journal(self):
        lines = self.run_until_ready_and_stop(lambda st: f"{st.st_dev}:{st.st_ino}",
                                              {"redis_password_file": "/nonexistent"})
        priorities = {"debug": "<7>", "info": "<6>", "warning": "<4>", "error": "<3>"}
        seen = set()
        for line in lines:
            match = re.match(r"^(<\d>)\d{4}-\d\d-\d\dT[\d:.]+Z (debug|info|warning|error) ", line)
            self.assertIsNotNone(match, f"no priority on: {line!r}")
            self.assertEqual(match.group(1), priorities[match.group(2)], line)
            seen.add(match.group(2))
        self.assertEqual(seen, {"debug", "info", "warning"})
        self.assertTrue(any(line.startswith("<6>") and " info main: parkshare-server " in line
                            for line in lines))
        self.assertTrue(any(line.startswith("<4>") and "redis_password_file is not used" in line
                            for line in lines))

    def test_error_priority(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            daemon = self.daemon(settings={"listen": f"127.0.0.1:{port}"})
            process, log_path = self.start_with_stderr(
                daemon, lambda st: f"{st.st_dev}:{st.st_ino}")
            self.assertEqual(process.wait(timeout=30), 1)
        errors = [line for line in self.read(log_path).splitlines() if " error " in line]
        self.assertTrue(errors)
        for line in errors:
            self.assertTrue(line.startswith("<3>"), line)

    def test_no_prefix_without_the_journal(self):
        for name, stream in (("unset", lambda st: None),
                             ("another file", lambda st: f"{st.st_dev}:{st.st_ino + 1}"),
                             ("malformed", lambda st: "journal")):
            with self.subTest(JOURNAL_STREAM=name):
                lines = self.run_until_ready_and_stop(stream)
                self.assertTrue(lines)
                for line in lines:
                    self.assertRegex(line, r"^\d{4}-\d\d-\d\dT[\d:.]+Z (debug|info|warning|error) ")


class RedisLogTest(IntegrationTestCase):
    def test_embedded_redis_logs_through_the_daemon(self):
        daemon = self.daemon()
        daemon.start()
        wait_for(lambda: re.search(r"(?i) info redis: .*ready to accept connections",
                                   daemon.log_text()),
                 what="Redis' ready line in the daemon's log")
        log = daemon.log_text()
        # Redis marks its start with '#': a warning, with the version it runs.
        self.assertRegex(log, r" warning redis: Redis version=\d+\.\d+\.\d+")
        # Its own time stamp and pid are gone: the daemon's line has its own.
        self.assertNotRegex(log, r"redis: \d+:[XCSM] \d+ \w{3} \d{4} ")
        self.assertEqual(daemon.stop(), 0)
        # Its last words, written after the loop stopped, are read before exit.
        self.assertRegex(daemon.log_text(), r" redis: Redis is now ready to exit")
        self.assertFalse(os.path.exists(os.path.join(daemon.data_dir, "redis.log")))
        self.assertEqual([name for name in os.listdir(daemon.data_dir) if name.endswith(".log")],
                         [])
        with open(os.path.join(daemon.data_dir, "redis.conf")) as config:
            self.assertIn('logfile ""\n', config.read())


if __name__ == "__main__":
    main()
