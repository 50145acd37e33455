#!/usr/bin/env python3
"""Daemon lifecycle with the embedded Redis: start, child restart, SIGTERM, SIGKILL."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IntegrationTestCase, main, pid_alive, wait_for  # noqa: E402


class EmbeddedRedisTest(IntegrationTestCase):
    def test_comes_up_ready_with_its_own_redis(self):
        daemon = self.daemon().start()
        ready = daemon.get("/readyz")
        self.assertEqual(ready.status, 200)
        self.assertEqual(ready.json(), {"status": "ready", "redis": "ok", "snapshot": "loaded"})
        health = daemon.get("/healthz")
        self.assertEqual(health.status, 200)
        self.assertEqual(health.json(), {"status": "ok"})
        # The child listens on a unix socket in data_dir and on no TCP port.
        config = open(os.path.join(daemon.data_dir, "redis.conf")).read()
        self.assertIn("\nport 0\n", config)
        self.assertIn(f"unixsocket {os.path.realpath(daemon.data_dir)}/redis.sock\n", config)
        self.assertIn("\nappendonly yes\n", config)
        self.assertIn("\nappendfsync always\n", config)
        self.assertTrue(stat.S_ISSOCK(os.stat(os.path.join(daemon.data_dir, "redis.sock")).st_mode))
        pid = daemon.redis_pid()
        self.assertTrue(pid_alive(pid))
        listening = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
        self.assertNotIn(f"pid={pid},", listening)
        self.assertEqual(daemon.stop(), 0)

    def test_admin_token_created_once_with_mode_0600_and_never_logged(self):
        daemon = self.daemon().start()
        path = os.path.join(daemon.data_dir, "admin.token")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        token = open(path).read()
        self.assertRegex(token, r"^ps_[A-Za-z0-9_-]{43}\n$")
        self.assertEqual(daemon.stop(), 0)
        log = daemon.log_text()
        self.assertIn(f"created the admin token: {os.path.realpath(path)}", log)
        self.assertNotIn(token.strip(), log)
        # A second start keeps the same token.
        again = self.daemon(workdir=daemon.workdir).start()
        self.assertEqual(open(path).read(), token)
        self.assertEqual(again.stop(), 0)
        self.assertNotIn(token.strip(), again.log_text())

    def test_redis_child_restarted_after_kill_9(self):
        daemon = self.daemon().start()
        first = daemon.redis_pid()
        self.assertGreater(first, 0)
        os.kill(first, signal.SIGKILL)
        second = wait_for(lambda: daemon.redis_pid() not in (0, first) and daemon.redis_pid(),
                          timeout=15, what="a new redis-server")
        self.assertTrue(pid_alive(second))
        self.assertFalse(pid_alive(first))
        daemon.wait_ready(timeout=15)
        self.assertIn("redis-server was killed by signal 9", daemon.log_text())
        self.assertEqual(daemon.stop(), 0)

    def test_sigterm_exits_0_and_leaves_no_child(self):
        daemon = self.daemon().start()
        child = daemon.redis_pid()
        self.assertTrue(pid_alive(child))
        self.assertEqual(daemon.stop(), 0)
        self.assertFalse(pid_alive(child))
        self.assertFalse(os.path.exists(os.path.join(daemon.data_dir, "redis.pid")))
        self.assertIn("stopped", daemon.log_text().splitlines()[-1])

    def test_sigterm_with_an_idle_keep_alive_connection_open(self):
        # An idle connection is no request in flight: it must not hold the
        # daemon for shutdown_timeout, let alone forever.
        daemon = self.daemon(settings={"shutdown_timeout": "60"}).start()
        with socket.create_connection(("127.0.0.1", daemon.port), timeout=5) as connection:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertIn(b"200 OK", connection.recv(4096))
            self.assertEqual(daemon.stop(timeout=30), 0)
            self.assertIn("no request in flight; stopping", daemon.log_text())
            # The listening socket is closed: a new connection is refused.
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", daemon.port), timeout=5)

    def test_sigint_also_stops_cleanly(self):
        daemon = self.daemon().start()
        child = daemon.redis_pid()
        daemon.signal(signal.SIGINT)
        self.assertEqual(daemon.stop(), 0)
        self.assertFalse(pid_alive(child))

    def test_sigkill_leaves_nothing_that_blocks_the_next_start(self):
        daemon = self.daemon().start()
        child = daemon.redis_pid()
        daemon.kill()
        # The child dies with its parent.
        wait_for(lambda: not pid_alive(child), timeout=15, what="the orphaned redis to exit")
        again = self.daemon(workdir=daemon.workdir).start()
        self.assertNotEqual(again.redis_pid(), child)
        self.assertEqual(again.stop(), 0)

    def test_data_survives_a_restart(self):
        daemon = self.daemon().start()
        socket_path = os.path.join(daemon.data_dir, "redis.sock")
        self.assertEqual(subprocess.run(["redis-cli", "-s", socket_path, "SET", "probe", "kept"],
                                        capture_output=True, text=True).stdout.strip(), "OK")
        self.assertEqual(daemon.stop(), 0)
        again = self.daemon(workdir=daemon.workdir).start()
        value = subprocess.run(["redis-cli", "-s", socket_path, "GET", "probe"],
                               capture_output=True, text=True).stdout.strip()
        self.assertEqual(value, "kept")
        self.assertEqual(again.stop(), 0)

    def test_second_daemon_on_the_same_data_dir_is_refused(self):
        daemon = self.daemon().start()
        second = subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30)
        self.assertEqual(second.returncode, 1)
        self.assertIn(f"data_dir {os.path.realpath(daemon.data_dir)} is in use by another "
                      "parkshare-server", second.stderr)
        self.assertTrue(daemon.is_ready())
        self.assertEqual(daemon.stop(), 0)

    def test_missing_redis_program_stops_start_up_with_a_clear_message(self):
        daemon = self.daemon(settings={"redis_server": "no-such-redis-server"})
        result = subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn("embedded Redis: cannot run no-such-redis-server: No such file or directory",
                      result.stderr)


if __name__ == "__main__":
    main()
