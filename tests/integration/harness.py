"""harness.py: start the built parkshare-server (and, for external mode, a
redis-server) on loopback with a private data directory, and talk HTTP to it.

Standard library only. Every process is started in its own temporary
directory and stopped by the test that started it (or at interpreter exit).

Test classes derive from one of three bases:
- IntegrationTestCase starts nothing; each test starts what it needs with
  self.daemon() and self.redis(), which are cleaned up after the test.
- DaemonTestCase starts one embedded-Redis daemon for the whole class
  (self.shared), with the settings in daemon_settings and, if load_demo is
  true, the demo city loaded.
- ClusterTestCase starts one redis-server shared by two daemons for the whole
  class (self.redis_server, self.first, self.second).
"""

import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BUILD_ROOT = os.environ.get("PARKSHARE_BUILD_ROOT", os.path.join(os.getcwd(), "build"))
SOURCE_ROOT = os.environ.get("PARKSHARE_SOURCE_ROOT", os.getcwd())
SERVER = os.path.join(BUILD_ROOT, "server", "parkshare-server")
DEMO_LOTS = os.path.join(SOURCE_ROOT, "config", "demo", "lots.json")
DEMO_LOT_COUNT = 29
DEMO_ATTENDANT_LOT = "gov-city-hall"

_LIVE_PROCESSES = []


def _kill_leftovers():
    for process in _LIVE_PROCESSES:
        if process.poll() is None:
            process.kill()
            process.wait()


atexit.register(_kill_leftovers)


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Poll predicate until it returns a true value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def pid_alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self):
        return json.loads(self.body)


class Daemon:
    """One parkshare-server process with its own data directory."""

    def __init__(self, workdir=None, settings=None, config_text=None, environment=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="parkshare-test-")
        self.data_dir = os.path.join(self.workdir, "data")
        # Tests hammer one daemon from one address: the write limits and the
        # limit on failed authentications are off unless a test turns them on.
        self.settings = {"listen": "127.0.0.1:0", "data_dir": self.data_dir,
                         "rate_limit_writes": "0", "rate_limit_admin": "0",
                         "auth_failures_per_minute": "0",
                         "calendar_dir": os.path.join(SOURCE_ROOT, "config", "calendars"),
                         "web_root": os.path.join(SOURCE_ROOT, "client", "web")}
        self.settings.update(settings or {})
        self.config_text = config_text
        self.environment = environment or {}
        self.process = None
        self.log_path = None
        self.base_url = None
        self.port = None

    def command(self, extra=()):
        command = [SERVER]
        if self.config_text is not None:
            path = os.path.join(self.workdir, "test.conf")
            with open(path, "w") as config:
                config.write(self.config_text)
            command += ["-c", path]
        for key, value in self.settings.items():
            command += ["--set", f"{key}={value}"]
        return command + list(extra)

    def start(self, wait_ready=True):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        environment.update(self.environment)
        # A log file per start, so a restart in the same workdir never reads
        # the previous process' "listening on" line.
        fd, self.log_path = tempfile.mkstemp(prefix="daemon-", suffix=".log", dir=self.workdir)
        self.log = os.fdopen(fd, "ab")
        self.process = subprocess.Popen(self.command(), stdout=self.log, stderr=self.log,
                                        env=environment, cwd=self.workdir)
        _LIVE_PROCESSES.append(self.process)
        match = wait_for(self._listening_address, timeout=20, what="the daemon to listen")
        self.base_url = match
        self.port = int(match.rsplit(":", 1)[1])
        if wait_ready:
            self.wait_ready()
        return self

    def _listening_address(self):
        if self.process.poll() is not None:
            raise AssertionError(f"daemon exited with {self.process.returncode}:\n{self.log_text()}")
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.log_text())
        return found.group(1) if found else None

    def log_text(self):
        with open(self.log_path, "rb") as log:
            return log.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                headers = dict(headers or {})
                headers.setdefault("Content-Type", "application/json")
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def admin_token(self):
        with open(os.path.join(self.data_dir, "admin.token")) as token_file:
            return token_file.read().strip()

    def as_admin(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Authorization"] = f"Bearer {self.admin_token()}"
        return self.request(method, path, body=body, headers=headers)

    def with_token(self, token, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Authorization"] = f"Bearer {token}"
        return self.request(method, path, body=body, headers=headers)

    def put_lot(self, lot_id, body, headers=None):
        """PUT /v1/lots/{lot_id} as admin; returns the response."""
        return self.as_admin("PUT", f"/v1/lots/{lot_id}", body, headers)

    def post_occupancy(self, lot_id, body, headers=None):
        """POST /v1/lots/{lot_id}/occupancy as admin; returns the response."""
        return self.as_admin("POST", f"/v1/lots/{lot_id}/occupancy", body, headers)

    def create_attendant_token(self, lots, name="gate"):
        """POST /v1/tokens as admin for an attendant of lots; returns the response."""
        return self.as_admin("POST", "/v1/tokens", {"role": "attendant", "lots": lots,
                                                    "name": name})

    def demo_token_path(self):
        """The attendant token file the demo writes for DEMO_ATTENDANT_LOT."""
        return os.path.join(self.data_dir, f"attendant-{DEMO_ATTENDANT_LOT}.token")

    def wait_for_demo(self):
        """Wait until the demo city is listed and its attendant token file exists."""
        wait_for(lambda: len(self.get("/v1/lots?limit=500").json()["lots"]) == DEMO_LOT_COUNT,
                 what="the demo city")
        wait_for(lambda: os.path.exists(self.demo_token_path()),
                 what="the demo attendant token")

    def redis_cli(self, *arguments):
        """redis-cli against the embedded Redis of this daemon."""
        result = subprocess.run(["redis-cli", "-s", os.path.join(self.data_dir, "redis.sock")]
                                + list(arguments), capture_output=True, text=True, timeout=10)
        return result.stdout.strip()

    def is_ready(self):
        try:
            return self.get("/readyz").status == 200
        except OSError:
            return False

    def wait_ready(self, timeout=20):
        wait_for(self.is_ready, timeout=timeout, what="/readyz to answer 200")

    def redis_pid(self):
        try:
            with open(os.path.join(self.data_dir, "redis.pid")) as pid_file:
                return int(pid_file.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.log.close()

    def kill(self):
        self.process.kill()
        self.process.wait()
        self.log.close()

    def cleanup(self):
        if self.process is not None and self.process.poll() is None:
            self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


class RedisServer:
    """A standalone redis-server for external mode: a unix socket or a TCP port."""

    def __init__(self, tcp=False, password=None):
        self.workdir = tempfile.mkdtemp(prefix="parkshare-redis-")
        self.socket_path = os.path.join(self.workdir, "redis.sock")
        self.tcp = tcp
        self.port = free_port() if tcp else 0
        self.password = password
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--dir", self.workdir,
                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                   "--logfile", os.path.join(self.workdir, "redis.log")]
        if self.tcp:
            command += ["--bind", "127.0.0.1"]
        else:
            command += ["--unixsocket", self.socket_path, "--unixsocketperm", "700"]
        if self.password:
            command += ["--requirepass", self.password]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        _LIVE_PROCESSES.append(self.process)
        wait_for(self.answers_ping, timeout=10, what="redis-server to answer PING")
        return self

    def cli(self, *arguments):
        command = ["redis-cli"]
        command += ["-h", "127.0.0.1", "-p", str(self.port)] if self.tcp else ["-s", self.socket_path]
        if self.password:
            command += ["--no-auth-warning", "-a", self.password]
        result = subprocess.run(command + list(arguments), capture_output=True, text=True,
                                timeout=10)
        return result.stdout.strip()

    def answers_ping(self):
        if self.process.poll() is not None:
            raise AssertionError("redis-server exited")
        try:
            return self.cli("PING") == "PONG"
        except subprocess.TimeoutExpired:
            return False

    def url(self, database=0):
        if self.tcp:
            credentials = f":{self.password}@" if self.password else ""
            return f"redis://{credentials}127.0.0.1:{self.port}/{database}"
        return f"unix:{self.socket_path}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Wire:
    """One raw HTTP/1.1 connection, from source (a loopback address) when given."""

    def __init__(self, port, source=None, timeout=5, receive_buffer=None, segment=None):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        if segment is not None:
            # Small segments keep the sender's socket buffer small too (it is sized by them).
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, segment)
        if source is not None:
            self.socket.bind((source, 0))
        self.socket.settimeout(timeout)
        self.socket.connect(("127.0.0.1", port))
        self.buffer = b""

    def send(self, data):
        self.socket.sendall(data)

    def _fill(self):
        chunk = self.socket.recv(65536)
        if not chunk:
            raise EOFError("the connection closed")
        self.buffer += chunk

    def head(self):
        """(status, headers as a lower-case dict) of the next answer; its body stays buffered."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        return int(lines[0].split(" ")[1]), headers

    def answer(self, head_only=False):
        """(status, headers, body) of the next answer framed by Content-Length; a HEAD's has
        no body."""
        status, headers = self.head()
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def read_until(self, marker, timeout=10):
        """Read until marker is in what was received; returns everything received."""
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            self.socket.settimeout(max(0.01, deadline - time.monotonic()))
            self._fill()
        return self.buffer

    def is_closed(self, within=5.0, silently=False):
        """True when the server closes the connection (EOF or reset) within seconds; with
        silently, only when it sends nothing more before it closes."""
        self.socket.settimeout(within)
        try:
            while True:
                chunk = self.socket.recv(65536)
                if not chunk:
                    return not (silently and self.buffer)
                self.buffer += chunk
                if silently:
                    return False
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.socket.close()


class EventStream:
    """A minimal SSE reader over http.client (which undoes the chunking)."""

    def __init__(self, daemon, query):
        self.connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        self.connection.request("GET", "/v1/stream?" + query)
        self.response = self.connection.getresponse()

    def next_event(self):
        name, data = None, None
        while True:
            line = self.response.readline().decode()
            if line == "":
                raise EOFError("stream ended")
            line = line.rstrip("\n")
            if line == "" and name is not None:
                return name, json.loads(data)
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]

    def next_named(self, wanted):
        """The next event called wanted, skipping the others."""
        while True:
            name, data = self.next_event()
            if name == wanted:
                return data

    def close(self):
        self.connection.close()


def audit_entries(cli, lot_id):
    """A lot's audit entries, oldest first, as dicts, read from the stream of every lot
    with a redis-cli function (a daemon's or a RedisServer's cli)."""
    raw = cli("--json", "XRANGE", "ps:audit", "-", "+")
    entries = json.loads(raw) if raw.startswith("[") else []
    found = [dict(zip(fields[::2], fields[1::2])) for _, fields in entries]
    return [entry for entry in found if entry.get("lot") == lot_id]


def sanitized_build():
    """Whether the daemon under test was built with sanitizers (its memory is theirs to judge)."""
    options = os.path.join(BUILD_ROOT, "meson-info", "intro-buildoptions.json")
    with open(options) as source:
        for option in json.load(source):
            if option["name"] == "b_sanitize":
                return option["value"] not in ("none", [])
    return False


def sample_lot(**changes):
    """A valid lot body; keyword arguments replace or (with None) remove fields."""
    lot = {
        "name": "Civic Centre East",
        "kind": "government",
        "operator": "City Hall",
        "city": "qingzhen",
        "district": "centre",
        "groups": ["admin-centre"],
        "location": {"lat": 26.5705, "lon": 106.4707},
        "address": "1 Civic Road",
        "capacity": 120,
        "fee": "free",
        "hours": {"weekend": "24h", "holiday": "24h"},
        "calendar": "cn",
    }
    for key, value in changes.items():
        if value is None:
            lot.pop(key, None)
        else:
            lot[key] = value
    return lot


class Cluster:
    """A standalone redis-server and daemons sharing it (two by default; settings, if
    given, is a list with the extra settings of each daemon). stop() stops the daemons
    and the redis-server and removes their directories; a failed start does the same."""

    def __init__(self, count=2, settings=None):
        self.redis = RedisServer()
        self.daemons = []
        try:
            self.redis.start()
            for extra in (settings or [{}] * count):
                options = {"redis": self.redis.url()}
                options.update(extra)
                daemon = Daemon(settings=options)
                self.daemons.append(daemon)
                daemon.start()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        for daemon in self.daemons:
            if daemon.process is not None:
                daemon.stop()
            daemon.cleanup()
        self.redis.cleanup()


class IntegrationTestCase(unittest.TestCase):
    """Starts nothing itself; gives each test helpers that clean up after it."""

    def daemon(self, **options):
        """A Daemon (not yet started); killed and its directory removed after the test."""
        daemon = Daemon(**options)
        self.addCleanup(daemon.cleanup)
        return daemon

    def redis(self, **options):
        """A started RedisServer; stopped and its directory removed after the test."""
        server = RedisServer(**options).start()
        self.addCleanup(server.cleanup)
        return server

    def assertProblem(self, response, status, problem_type, detail=None):
        self.assertEqual(response.status, status, response.body)
        self.assertEqual(response.header("Content-Type"), "application/problem+json")
        document = response.json()
        self.assertEqual(document["status"], status)
        self.assertEqual(document["type"], f"/problems/{problem_type}")
        self.assertIsInstance(document["title"], str)
        if detail is not None:
            self.assertEqual(document["detail"], detail)
        return document


class DaemonTestCase(IntegrationTestCase):
    """One daemon with its embedded Redis for the whole class, as self.shared.

    Class attributes: daemon_settings, extra --set settings; load_demo, load the demo
    city and wait for it and its attendant token. The daemon is started before the
    first test (a subclass's setUpClass calls super() first, then seeds it) and, after
    the last, stopped with SIGTERM and its data directory removed; that clean-up also
    runs when the set-up fails."""

    daemon_settings = {}
    load_demo = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        settings = dict(cls.daemon_settings)
        if cls.load_demo:
            settings["demo"] = DEMO_LOTS
        cls.shared = Daemon(settings=settings)
        cls.addClassCleanup(cls.shared.cleanup)
        cls.shared.start()
        cls.addClassCleanup(cls.shared.stop)
        if cls.load_demo:
            cls.shared.wait_for_demo()


class ClusterTestCase(IntegrationTestCase):
    """A Cluster for the whole class: one standalone redis-server (self.redis_server)
    shared by two daemons (self.first, self.second).

    Class attribute cluster_settings: None for two plain daemons, or a list with the
    extra settings of each daemon. The cluster is started before the first test (a
    subclass's setUpClass calls super() first, then seeds it) and, after the last, the
    daemons and the redis-server are stopped and their directories removed; that
    clean-up also runs when the set-up fails."""

    cluster_settings = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster = Cluster(settings=cls.cluster_settings)
        cls.addClassCleanup(cls.cluster.stop)
        cls.redis_server = cls.cluster.redis
        cls.first, cls.second = cls.cluster.daemons

    @classmethod
    def wait_on_every_daemon(cls, predicate, what="condition"):
        """Wait until predicate(daemon) holds on each daemon of the cluster in turn."""
        for daemon in cls.cluster.daemons:
            wait_for(lambda: predicate(daemon), what=what)


def main():
    unittest.main(verbosity=2)
