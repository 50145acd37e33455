#!/usr/bin/env python3
"""Redis Sentinel: a master, two replicas and three sentinels on loopback, two daemons, writes
with idempotency keys and write_replicas 1, then kill -9 of the master: writes resume on the
promoted replica, no acknowledged write is lost, retries double nothing, the other daemon's
stream resumes; and WAIT's shortfall answers 503 not-replicated."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (_LIVE_PROCESSES, EventStream, IntegrationTestCase, free_port,  # noqa: E402
                     main, sample_lot, wait_for)

MASTER_NAME = "parkshare"


def redis_cli(port, *arguments, password=None):
    command = ["redis-cli", "-h", "127.0.0.1", "-p", str(port)]
    if password:
        command += ["--no-auth-warning", "-a", password]
    result = subprocess.run(command + list(arguments), capture_output=True, text=True,
                            timeout=10)
    return result.stdout.strip()


class RedisNode:
    """One redis-server on a loopback TCP port: a data node or (sentinel=True) a sentinel."""

    def __init__(self, workdir, name, sentinel=False, lines=(), password=None):
        self.port = free_port()
        self.password = None if sentinel else password
        self.directory = os.path.join(workdir, name)
        os.makedirs(self.directory)
        self.config_path = os.path.join(self.directory, "redis.conf")
        with open(self.config_path, "w") as config:
            config.write(f"port {self.port}\nbind 127.0.0.1\ndir {self.directory}\n"
                         f"logfile {os.path.join(self.directory, 'redis.log')}\n")
            if self.password:
                config.write(f'requirepass "{password}"\nmasterauth "{password}"\n')
            if not sentinel:
                # A replica that needs a full copy gets it at once, not after the default 5 s
                # that a diskless master waits for more replicas to share the transfer.
                config.write('save ""\nappendonly no\nrepl-diskless-sync-delay 0\n')
            config.write("".join(line + "\n" for line in lines))
        self.command = ["redis-server", self.config_path] + (["--sentinel"] if sentinel else [])
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        _LIVE_PROCESSES.append(self.process)
        wait_for(lambda: self.cli("PING") == "PONG", timeout=10,
                 what=f"redis on port {self.port}")
        return self

    def cli(self, *arguments):
        return redis_cli(self.port, *arguments, password=self.password)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Topology:
    """A master, two replicas and three sentinels (quorum 2) that fail over within seconds."""

    def __init__(self, password=None):
        self.workdir = tempfile.mkdtemp(prefix="parkshare-sentinel-")
        self.password = password
        self.nodes = []
        try:
            self._start_nodes()
        except BaseException:
            self.cleanup()
            raise

    def _start_nodes(self):
        password = self.password
        self.master = self._node("master")
        self.replicas = [self._node(f"replica-{index}",
                                    [f"replicaof 127.0.0.1 {self.master.port}"])
                         for index in range(2)]
        monitor = [f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master.port} 2",
                   f"sentinel down-after-milliseconds {MASTER_NAME} 1000",
                   f"sentinel failover-timeout {MASTER_NAME} 5000",
                   f"sentinel parallel-syncs {MASTER_NAME} 2"]
        if password:
            monitor.append(f'sentinel auth-pass {MASTER_NAME} "{password}"')
        self.sentinels = [self._node(f"sentinel-{index}", monitor, sentinel=True)
                          for index in range(3)]

    def _node(self, name, lines=(), sentinel=False):
        node = RedisNode(self.workdir, name, sentinel, lines, self.password)
        self.nodes.append(node)
        return node.start()

    def url(self):
        hosts = ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)
        return f"sentinel://{hosts}/{MASTER_NAME}"

    def wait_settled(self):
        """Every sentinel knows both replicas and the two other sentinels."""
        def settled():
            for sentinel in self.sentinels:
                state = sentinel.cli("SENTINEL", "MASTER", MASTER_NAME).split("\n")
                fields = dict(zip(state[0::2], state[1::2]))
                if fields.get("num-slaves") != "2" or fields.get("num-other-sentinels") != "2":
                    return False
            return all(replica.cli("INFO", "replication").find("master_link_status:up") >= 0
                       for replica in self.replicas)
        wait_for(settled, timeout=30, interval=0.2, what="the sentinels to know each other")

    def master_address(self):
        answer = self.sentinels[0].cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
        return answer.split("\n")

    def node_on(self, port):
        return next(node for node in self.nodes if node.port == int(port))

    def cleanup(self):
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Writer(threading.Thread):
    """Increments one lot by 1 per distinct Idempotency-Key, as fast as answers come; retries
    each key (on 503 or a broken connection) until it is acknowledged."""

    def __init__(self, daemon, lot_id, prefix):
        super().__init__(daemon=True)
        self.daemon_under_test = daemon
        self.lot_id = lot_id
        self.prefix = prefix
        # (sent, answered, key, occupied) of each acknowledged key: when the attempt that was
        # acknowledged was sent and answered (monotonic), and the count it answered.
        self.acknowledged = []
        self.retries = 0
        self.problems = {}      # problem type or "connection" -> count
        self.unexpected = []
        self.halt = threading.Event()

    def post(self, key):
        connection = http.client.HTTPConnection("127.0.0.1", self.daemon_under_test.port,
                                                timeout=15)
        try:
            connection.request("POST", f"/v1/lots/{self.lot_id}/occupancy",
                               body=json.dumps({"delta": 1}),
                               headers={"Content-Type": "application/json",
                                        "Idempotency-Key": key,
                                        "Authorization":
                                            f"Bearer {self.daemon_under_test.admin_token()}"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def run(self):
        number = 0
        while not self.halt.is_set():
            key = f"{self.prefix}-{number}"
            while not self.halt.is_set():
                sent = time.monotonic()
                try:
                    status, body = self.post(key)
                except OSError:
                    self.problems["connection"] = self.problems.get("connection", 0) + 1
                    self.retries += 1
                    time.sleep(0.05)
                    continue
                if status == 200:
                    self.acknowledged.append((sent, time.monotonic(), key,
                                              json.loads(body)["occupied"]))
                    break
                if status == 503:
                    kind = json.loads(body)["type"]
                    self.problems[kind] = self.problems.get(kind, 0) + 1
                    self.retries += 1
                    time.sleep(0.05)
                    continue
                self.unexpected.append((status, body))
                self.halt.set()
            number += 1

    def acknowledged_after(self, moment):
        """The writes acknowledged to an attempt sent after moment."""
        return [entry for entry in self.acknowledged if entry[0] > moment]


@unittest.skipUnless(shutil.which("redis-server"), "redis-server is not installed")
class SentinelFailoverTest(IntegrationTestCase):
    def setUp(self):
        self.topology = Topology()
        self.addCleanup(self.topology.cleanup)
        self.topology.wait_settled()

    def start_daemons(self, count=2):
        settings = {"redis": self.topology.url(), "write_replicas": "1",
                    "write_replica_timeout": "1"}
        return [self.daemon(settings=settings).start() for _ in range(count)]

    def test_failover_loses_no_acknowledged_write(self):
        first, second = self.start_daemons()
        self.assertEqual(first.put_lot("failover", sample_lot(capacity=100000, hours=None)).status,
                         201)
        wait_for(lambda: second.get("/v1/lots/failover").status == 200, what="the lot on both")
        stream = EventStream(second, "lot=failover")
        self.assertEqual(stream.next_event()[0], "lot")
        writer = Writer(first, "failover", "w")
        writer.start()
        wait_for(lambda: len(writer.acknowledged) >= 50, timeout=20, what="50 writes")

        old_host, old_port = self.topology.master_address()
        killed = time.monotonic()
        self.topology.node_on(old_port).process.send_signal(signal.SIGKILL)
        wait_for(lambda: writer.acknowledged_after(killed) or writer.unexpected, timeout=30,
                 interval=0.01, what="a write acknowledged after the kill")
        resumed = writer.acknowledged_after(killed)[0][1] - killed
        wait_for(lambda: len(writer.acknowledged_after(killed)) >= 50, timeout=20,
                 what="50 writes on the new master")
        writer.halt.set()
        writer.join(timeout=30)
        self.assertEqual(writer.unexpected, [])

        new_host, new_port = self.topology.master_address()
        self.assertNotEqual(new_port, old_port)
        print(f"kill -9 of the master → first acknowledged write after {resumed:.2f} s; "
              f"{len(writer.acknowledged)} writes acknowledged, {writer.retries} retries "
              f"({writer.problems})")
        self.assertLess(resumed, 10.0)
        # The outage was seen: the writer had to retry, so the retries are what is checked.
        self.assertGreater(writer.retries, 0)

        # No acknowledged write lost, none doubled: the count is the number of keys.
        acknowledged = len(writer.acknowledged)
        new_master = self.topology.node_on(new_port)
        self.assertEqual(new_master.cli("HGET", "ps:lot:failover", "occupied"), str(acknowledged))
        self.assertEqual(writer.acknowledged[-1][3], acknowledged)
        wait_for(lambda: second.get("/v1/lots/failover").json()["occupied"] == acknowledged,
                 what="the other daemon to read the final count")
        self.assertEqual(first.get("/v1/lots/failover").json()["occupied"], acknowledged)

        # The other daemon's stream resumed: it shows a count written after the failover.
        after = writer.acknowledged_after(killed)[0][3]
        deadline = time.monotonic() + 15
        seen = 0
        while seen < after and time.monotonic() < deadline:
            name, data = stream.next_event()
            if name == "lot":
                seen = data["occupied"]
        stream.close()
        self.assertGreaterEqual(seen, after)

        # The other daemon writes to the new master too.
        response = second.post_occupancy("failover", {"delta": 1},
                                         headers={"Idempotency-Key": "after-failover"})
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["occupied"], acknowledged + 1)
        self.assertIn(f"Sentinel names {new_host}:{new_port}", first.log_text())
        self.assertEqual([first.stop(), second.stop()], [0, 0])

    def test_a_planned_failover_is_followed(self):
        (daemon,) = self.start_daemons(count=1)
        self.assertEqual(daemon.put_lot("moved", sample_lot(capacity=100, hours=None)).status, 201)
        self.assertEqual(daemon.post_occupancy("moved", {"delta": 1},
                                               headers={"Idempotency-Key": "before"}).status, 200)
        old = self.topology.master_address()
        self.assertEqual(self.topology.sentinels[1].cli("SENTINEL", "FAILOVER", MASTER_NAME), "OK")
        wait_for(lambda: self.topology.master_address() != old, timeout=20, interval=0.1,
                 what="the sentinels to promote a replica")
        new_host, new_port = self.topology.master_address()
        # The old master, now a replica, refuses writes: the daemon must be on the new one.
        def written():
            response = daemon.post_occupancy("moved", {"delta": 1},
                                             headers={"Idempotency-Key": "after"})
            return response if response.status == 200 else None
        try:
            response = wait_for(written, timeout=20, interval=0.1,
                                what="a write after the failover")
        except AssertionError as error:
            raise AssertionError(f"{error}; the daemon's log:\n{daemon.log_text()[-4000:]}")
        self.assertEqual(response.json()["occupied"], 2)
        self.assertEqual(self.topology.node_on(new_port).cli("HGET", "ps:lot:moved", "occupied"),
                         "2")
        self.assertIn(f"Sentinel names {new_host}:{new_port}", daemon.log_text())
        self.assertEqual(daemon.stop(), 0)

    def test_too_few_replicas_answer_not_replicated_and_the_retry_applies_once(self):
        (daemon,) = self.start_daemons(count=1)
        self.assertEqual(daemon.put_lot("waited", sample_lot(capacity=100, hours=None)).status,
                         201)
        # Both replicas stop confirming: the master applies the write, WAIT counts none.
        paused = [replica.process for replica in self.topology.replicas]
        for process in paused:
            process.send_signal(signal.SIGSTOP)
        try:
            response = daemon.post_occupancy("waited", {"delta": 2},
                                             headers={"Idempotency-Key": "pause-1"})
        finally:
            for process in paused:
                process.send_signal(signal.SIGCONT)
        self.assertProblem(response, 503, "not-replicated")
        self.assertEqual(response.header("Retry-After"), "1")
        retry = daemon.post_occupancy("waited", {"delta": 2},
                                      headers={"Idempotency-Key": "pause-1"})
        self.assertEqual(retry.status, 200, retry.body)
        self.assertEqual(retry.header("Idempotent-Replayed"), "true")
        self.assertEqual(retry.json()["occupied"], 2)
        _, port = self.topology.master_address()
        master = self.topology.node_on(port)
        self.assertEqual(master.cli("HGET", "ps:lot:waited", "occupied"), "2")
        # A master that lost its scripts: the write is sent again as EVAL, and only the WAIT
        # behind the EVAL counts.
        self.assertEqual(master.cli("SCRIPT", "FLUSH"), "OK")
        again = daemon.post_occupancy("waited", {"delta": 3},
                                      headers={"Idempotency-Key": "after-flush"})
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(again.json()["occupied"], 5)
        self.assertEqual(master.cli("HGET", "ps:lot:waited", "occupied"), "5")
        self.assertEqual(daemon.stop(), 0)

    def test_reads_are_served_stale_while_no_master_answers(self):
        (daemon,) = self.start_daemons(count=1)
        self.assertEqual(daemon.put_lot("kept", sample_lot(hours=None)).status, 201)
        wait_for(lambda: daemon.get("/v1/lots/kept").status == 200, what="the lot")
        # Stop the sentinels' failover (they stay up) and kill the master: no master at all.
        for sentinel in self.topology.sentinels:
            sentinel.cli("SENTINEL", "SET", MASTER_NAME, "down-after-milliseconds", "600000")
        _, port = self.topology.master_address()
        self.topology.node_on(port).process.send_signal(signal.SIGKILL)
        wait_for(lambda: daemon.get("/readyz").status == 503, timeout=10, what="/readyz 503")
        self.assertProblem(daemon.get("/readyz"), 503, "store-unavailable")
        stale = daemon.get("/v1/lots/kept")
        self.assertEqual(stale.status, 200)
        self.assertIs(stale.json()["stale"], True)
        self.assertEqual(stale.header("Warning"), '110 - "Response is Stale"')
        write = daemon.post_occupancy("kept", {"delta": 1}, headers={"Idempotency-Key": "x"})
        self.assertProblem(write, 503, "store-unavailable")
        # It stops cleanly while it has no master and keeps asking the sentinels.
        self.assertEqual(daemon.stop(), 0)


class SentinelPasswordTest(IntegrationTestCase):
    def test_the_password_file_is_the_masters(self):
        topology = Topology(password="master secret")
        self.addCleanup(topology.cleanup)
        topology.wait_settled()
        daemon = self.daemon(settings={"redis": topology.url(), "write_replicas": "1"})
        os.makedirs(daemon.workdir, exist_ok=True)
        path = os.path.join(daemon.workdir, "redis.password")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as secret:
            secret.write("master secret\n")
        daemon.settings["redis_password_file"] = path
        daemon.start()
        self.assertEqual(daemon.put_lot("guarded", sample_lot(capacity=10, hours=None)).status,
                         201)
        response = daemon.post_occupancy("guarded", {"delta": 3},
                                         headers={"Idempotency-Key": "guarded-1"})
        self.assertEqual(response.status, 200, response.body)
        _, port = topology.master_address()
        self.assertEqual(topology.node_on(port).cli("HGET", "ps:lot:guarded", "occupied"), "3")
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("master secret", daemon.log_text())


class ReadOnlyMasterTest(IntegrationTestCase):
    def test_a_write_answered_readonly_is_a_503_to_retry(self):
        primary, other = self.redis(tcp=True), self.redis(tcp=True)
        daemon = self.daemon(settings={"redis": primary.url()}).start()
        self.assertEqual(daemon.put_lot("demoted", sample_lot(capacity=10, hours=None)).status,
                         201)
        # The master becomes a replica behind the daemon's back (a failover it was not told of).
        self.assertEqual(primary.cli("REPLICAOF", "127.0.0.1", str(other.port)), "OK")
        response = daemon.post_occupancy("demoted", {"delta": 1},
                                         headers={"Idempotency-Key": "readonly"})
        self.assertProblem(response, 503, "store-unavailable")
        self.assertEqual(response.header("Retry-After"), "1")
        self.assertIn("is no master now (READONLY", daemon.log_text())
        # It reconnects, and once the server is a master again the retry is applied once.
        self.assertEqual(primary.cli("REPLICAOF", "NO", "ONE"), "OK")
        daemon.wait_ready(timeout=10)
        # As a replica it may have copied the other server's empty data set: store the lot again.
        self.assertIn(daemon.put_lot("demoted", sample_lot(capacity=10, hours=None)).status,
                      (200, 201))
        retry = daemon.post_occupancy("demoted", {"delta": 1},
                                      headers={"Idempotency-Key": "readonly"})
        self.assertEqual(retry.status, 200, retry.body)
        self.assertEqual(retry.json()["occupied"], 1)
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    main()
