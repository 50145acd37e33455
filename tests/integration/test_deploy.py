#!/usr/bin/env python3
"""docs/deploy: the alert rules pass promtool (and fire when they should), and the nginx
configuration the guide shows passes nginx -t and, in front of a running daemon, serves it
over TLS and HTTP/2, passes event streams on unbuffered and forwards the client's address."""

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_ATTENDANT_LOT, DEMO_LOT_COUNT, SOURCE_ROOT,  # noqa: E402
                     DaemonTestCase, IntegrationTestCase, free_port, main, wait_for)

DEPLOY_DIR = os.path.join(SOURCE_ROOT, "docs", "deploy")
GUIDE = os.path.join(SOURCE_ROOT, "docs", "deploy.md")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SERVER_NAME = "parking.example.org"
# The test's client connects from another loopback address than nginx's, so that the
# daemon can tell the forwarded client from the proxy.
CLIENT_ADDRESS = "127.0.0.2"


def run(command, **options):
    return subprocess.run(command, capture_output=True, text=True, timeout=60, **options)


def fenced_blocks(text):
    """The bodies of the guide's fenced code blocks."""
    blocks, current = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append("".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


class AlertRulesTest(IntegrationTestCase):
    def test_promtool_checks_the_rules(self):
        result = run(["promtool", "check", "rules", os.path.join(DEPLOY_DIR, "alerts.yml")])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("SUCCESS: 3 rules found", result.stdout)

    def test_each_rule_fires_on_its_series_and_not_on_healthy_ones(self):
        result = run(["promtool", "test", "rules",
                      os.path.join(SOURCE_ROOT, "tests", "deploy", "alerts_test.yml")])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("SUCCESS", result.stdout)

    def test_the_guide_shows_the_files_as_they_are(self):
        with open(GUIDE) as guide:
            blocks = fenced_blocks(guide.read())
        for name in ("alerts.yml", "nginx.conf"):
            with open(os.path.join(DEPLOY_DIR, name)) as shown:
                self.assertIn(shown.read(), blocks, f"docs/deploy.md must quote {name} whole")


class NginxTest(DaemonTestCase):
    load_demo = True
    daemon_settings = {"trusted_proxies": "127.0.0.1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix="parkshare-nginx-")
        cls.addClassCleanup(shutil.rmtree, cls.workdir, True)
        cls.certificate, cls.key = cls.make_certificate()
        cls.tls_port, cls.http_port = free_port(), free_port()
        cls.config = cls.render()
        cls.check = run([NGINX, "-t", "-c", cls.config, "-p", cls.workdir, "-e",
                         os.path.join(cls.workdir, "error.log")])
        if cls.check.returncode != 0:
            raise AssertionError("nginx -t failed:\n" + cls.check.stderr)
        cls.nginx = subprocess.Popen([NGINX, "-c", cls.config, "-p", cls.workdir, "-e",
                                      os.path.join(cls.workdir, "error.log"), "-g",
                                      "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        cls.addClassCleanup(cls.stop_nginx)
        wait_for(cls.nginx_listens, what="nginx to listen")

    @classmethod
    def stop_nginx(cls):
        if cls.nginx.poll() is None:
            cls.nginx.terminate()
            cls.nginx.wait(timeout=10)

    @classmethod
    def nginx_listens(cls):
        if cls.nginx.poll() is not None:
            raise AssertionError("nginx exited:\n" + open(os.path.join(cls.workdir,
                                                                      "error.log")).read())
        try:
            socket.create_connection(("127.0.0.1", cls.tls_port), timeout=1).close()
            return True
        except OSError:
            return False

    @classmethod
    def make_certificate(cls):
        certificate = os.path.join(cls.workdir, "fullchain.pem")
        key = os.path.join(cls.workdir, "privkey.pem")
        result = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                      f"/CN={SERVER_NAME}", "-addext",
                      f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1", "-keyout", key,
                      "-out", certificate])
        if result.returncode != 0:
            raise AssertionError("openssl req failed:\n" + result.stderr)
        return certificate, key

    @classmethod
    def render(cls):
        """docs/deploy/nginx.conf with loopback ports, the test's certificate and the daemon's
        port, inside a main configuration whose files are all in the temporary directory."""
        with open(os.path.join(DEPLOY_DIR, "nginx.conf")) as shown:
            site = shown.read()
        replacements = {
            "server 127.0.0.1:8080;": f"server 127.0.0.1:{cls.shared.port};",
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl http2;\n": "",
            "listen 80;": f"listen 127.0.0.1:{cls.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{cls.tls_port} ssl http2;",
            f"/etc/letsencrypt/live/{SERVER_NAME}/fullchain.pem": cls.certificate,
            f"/etc/letsencrypt/live/{SERVER_NAME}/privkey.pem": cls.key,
        }
        for shown_text, local in replacements.items():
            if site.count(shown_text) != 1:
                raise AssertionError(f"nginx.conf no longer has {shown_text!r} once")
            site = site.replace(shown_text, local)
        with open(os.path.join(cls.workdir, "parkshare.conf"), "w") as out:
            out.write(site)
        work = cls.workdir
        main_config = os.path.join(work, "nginx.conf")
        with open(main_config, "w") as out:
            out.write(("user root;\n" if os.geteuid() == 0 else "")
                      + f"pid {work}/nginx.pid;\nworker_processes 1;\n"
                      "events { worker_connections 256; }\n"
                      f"http {{\n  access_log {work}/access.log;\n"
                      f"  client_body_temp_path {work}/body;\n"
                      f"  proxy_temp_path {work}/proxy;\n"
                      f"  fastcgi_temp_path {work}/fastcgi;\n"
                      f"  include {work}/parkshare.conf;\n}}\n")
        return main_config

    def tls_context(self, protocols=("http/1.1",)):
        context = ssl.create_default_context(cafile=self.certificate)
        context.set_alpn_protocols(list(protocols))
        return context

    def through_nginx(self, method, path, body=None, headers=None, timeout=10):
        connection = http.client.HTTPSConnection("127.0.0.1", self.tls_port,
                                                 context=self.tls_context(), timeout=timeout,
                                                 source_address=(CLIENT_ADDRESS, 0))
        connection.request(method, path, body=body, headers=headers or {})
        return connection, connection.getresponse()

    def fetch(self, method, path, body=None, headers=None):
        connection, response = self.through_nginx(method, path, body, headers)
        try:
            return response.status, response, response.read()
        finally:
            connection.close()

    def test_nginx_accepts_the_configuration(self):
        self.assertIn("syntax is ok", self.check.stderr)
        self.assertIn("test is successful", self.check.stderr)

    def test_lots_answer_through_nginx_over_tls_as_the_daemon_gives_them(self):
        status, response, body = self.fetch("GET", "/v1/lots?limit=500",
                                            headers={"Accept-Encoding": "gzip"})
        direct = self.shared.get("/v1/lots?limit=500", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(response.getheader("Strict-Transport-Security"), "max-age=31536000")
        # gzip off: nginx passes the daemon's answer on untouched, encoding and ETag too.
        self.assertEqual(response.getheader("ETag"), direct.header("ETag"))
        self.assertEqual(response.getheader("Content-Encoding"), direct.header("Content-Encoding"))
        self.assertEqual(body, direct.body)
        if direct.header("Content-Encoding") is None:
            self.assertEqual(len(json.loads(body)["lots"]), DEMO_LOT_COUNT)

    def test_plain_http_is_redirected_to_https(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        connection.request("GET", "/v1/lots", headers={"Host": SERVER_NAME})
        response = connection.getresponse()
        connection.close()
        self.assertEqual(response.status, 301)
        self.assertEqual(response.getheader("Location"), f"https://{SERVER_NAME}/v1/lots")

    def test_http2_is_offered_and_spoken(self):
        with socket.create_connection(("127.0.0.1", self.tls_port), timeout=10) as raw:
            with self.tls_context(("h2", "http/1.1")).wrap_socket(
                    raw, server_hostname=SERVER_NAME) as tls:
                self.assertEqual(tls.selected_alpn_protocol(), "h2")
                # The client's preface, then an empty SETTINGS frame (length 0, type 4).
                tls.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                            b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
                frame = b""
                while len(frame) < 9:
                    frame += tls.recv(9 - len(frame))
                # The server's connection preface is a SETTINGS frame (type 4) on stream 0.
                self.assertEqual(frame[3], 4)
                self.assertEqual(int.from_bytes(frame[5:9], "big"), 0)

    def test_a_long_poll_is_answered_through_nginx(self):
        status, response, _ = self.fetch("GET", "/v1/totals")
        started = time.monotonic()
        polled, _, _ = self.fetch("GET", "/v1/totals?wait=2",
                                  headers={"If-None-Match": response.getheader("ETag")})
        self.assertEqual((status, polled), (200, 304))
        self.assertGreaterEqual(time.monotonic() - started, 1.9)

    def read_event(self, response):
        """(name, data) of the next event of an SSE answer."""
        name = None
        while True:
            line = response.readline().decode()
            if line == "":
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name is not None:
                response.readline()
                return name, json.loads(line[6:])

    def test_a_stream_event_comes_through_at_once_and_the_client_address_is_forwarded(self):
        with open(self.shared.demo_token_path()) as token_file:
            token = token_file.read().strip()
        started = time.monotonic()
        connection, stream = self.through_nginx("GET", f"/v1/stream?lot={DEMO_ATTENDANT_LOT}")
        self.addCleanup(connection.close)
        self.assertEqual(stream.status, 200)
        self.assertEqual(stream.getheader("Content-Type"), "text/event-stream")
        name, lot = self.read_event(stream)
        first_event = time.monotonic() - started
        self.assertEqual(name, "lot")
        self.assertLess(first_event, 1.0)
        self.assertEqual(self.read_event(stream)[0], "totals")
        # A write through nginx, with an X-Forwarded-For the client made up.
        status, _, body = self.fetch(
            "POST", f"/v1/lots/{DEMO_ATTENDANT_LOT}/occupancy", body=b'{"occupied": 7}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "X-Forwarded-For": "203.0.113.9"})
        written = time.monotonic()
        self.assertEqual(status, 200, body)
        connection.sock.settimeout(5)
        while True:
            name, event = self.read_event(stream)
            if name == "lot" and event["version"] > lot["version"]:
                break
        changed = time.monotonic() - written
        self.assertEqual(event["occupied"], 7)
        self.assertLess(changed, 1.0, "the event was held back")
        print(f"through nginx: first event {first_event * 1000:.1f} ms after the request, "
              f"the change's event {changed * 1000:.1f} ms after the write's answer")
        entries = self.shared.as_admin("GET", f"/v1/audit?lot={DEMO_ATTENDANT_LOT}").json()
        last = entries["entries"][-1]
        self.assertEqual((last["kind"], last["new"]), ("recount", 7))
        self.assertEqual(last["client"], CLIENT_ADDRESS)


class BackupTest(IntegrationTestCase):
    """The guide's backup of the embedded Redis: rewrites paused, appendonlydir and
    admin.token copied, then restored into a stopped daemon's data_dir."""

    def test_a_copy_taken_as_the_guide_says_restores_the_data_of_that_moment(self):
        daemon = self.daemon(settings={"demo": os.path.join(SOURCE_ROOT, "config", "demo",
                                                             "lots.json")})
        daemon.start()
        daemon.wait_for_demo()
        self.assertEqual(daemon.post_occupancy(DEMO_ATTENDANT_LOT, {"occupied": 11}).status, 200)
        self.assertEqual(daemon.redis_cli("BGREWRITEAOF").split()[0], "Background")
        self.assertEqual(daemon.redis_cli("CONFIG", "SET", "auto-aof-rewrite-percentage", "0"),
                         "OK")
        wait_for(lambda: "aof_rewrite_in_progress:0" in daemon.redis_cli("INFO", "persistence"),
                 what="the AOF rewrite to end")
        backup = os.path.join(daemon.workdir, "backup.tar.gz")
        result = run(["tar", "-C", daemon.data_dir, "-czf", backup, "appendonlydir",
                      "admin.token"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(daemon.redis_cli("CONFIG", "SET", "auto-aof-rewrite-percentage", "100"),
                         "OK")
        admin_token = daemon.admin_token()
        # After the copy: a later count and a new lot, which the restore must not bring back.
        self.assertEqual(daemon.post_occupancy(DEMO_ATTENDANT_LOT, {"occupied": 12}).status, 200)
        self.assertEqual(daemon.put_lot("after-backup", {"name": "Later", "kind": "public",
                                                          "location": {"lat": 26.5, "lon": 106.4},
                                                          "capacity": 10}).status, 201)
        self.assertEqual(daemon.stop(), 0)
        shutil.rmtree(os.path.join(daemon.data_dir, "appendonlydir"))
        result = run(["tar", "-C", daemon.data_dir, "-xzf", backup])
        self.assertEqual(result.returncode, 0, result.stderr)
        daemon.settings.pop("demo")
        daemon.start()
        self.assertEqual(daemon.get(f"/v1/lots/{DEMO_ATTENDANT_LOT}").json()["occupied"], 11)
        self.assertEqual(daemon.get("/v1/lots/after-backup").status, 404)
        self.assertEqual(daemon.admin_token(), admin_token)
        self.assertEqual(daemon.as_admin("GET", "/v1/tokens").status, 200)


if __name__ == "__main__":
    main()
