#!/usr/bin/env python3
"""The OpenAPI document: Redocly's lint passes on docs/openapi.yaml, the daemon serves it at
/v1/openapi.json, every route the daemon registers is in it, every path in it answers on a
running daemon, and its problem types are the daemon's."""

import http.client
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_ATTENDANT_LOT, SERVER, SOURCE_ROOT, DaemonTestCase,  # noqa: E402
                     main)

LINT_DIR = os.path.join(SOURCE_ROOT, "tests", "openapi")
DOCUMENT = os.path.join(SOURCE_ROOT, "docs", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def routed_operations():
    """{("GET", "/v1/lots/{id}"), …} from the daemon's own route table."""
    result = subprocess.run([SERVER, "--list-routes"], capture_output=True, text=True,
                            timeout=10)
    if result.returncode != 0:
        raise AssertionError(f"--list-routes exited {result.returncode}: {result.stderr}")
    operations = set()
    for line in result.stdout.splitlines():
        method, pattern = line.split(" ")
        operations.add((method, pattern))
    return operations


def fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f'"{value:016x}"'


def yaml_python():
    """A python that can import yaml, as the build finds one."""
    for candidate in (sys.executable, "/usr/bin/python3"):
        if subprocess.run([candidate, "-c", "import yaml"], capture_output=True).returncode == 0:
            return candidate
    raise AssertionError("no python here can import yaml (python3-yaml)")


class EmbedTest(unittest.TestCase):
    """server/openapi/embed.py reads the YAML strictly: what it serves is what the YAML says."""

    def embed(self, text, version="0.1.0"):
        with tempfile.TemporaryDirectory() as work:
            source = os.path.join(work, "openapi.yaml")
            with open(source, "w") as out:
                out.write(text)
            result = subprocess.run(
                [yaml_python(), os.path.join(SOURCE_ROOT, "server", "openapi", "embed.py"),
                 version, source, os.path.join(work, "d.h"), os.path.join(work, "d.c")],
                capture_output=True, text=True, timeout=30)
            generated = ""
            if result.returncode == 0:
                with open(os.path.join(work, "d.c")) as out:
                    generated = out.read()
            return result, generated

    HEAD = "openapi: 3.1.0\ninfo:\n  title: t\n  version: 0.1.0\n"

    def test_a_document_becomes_its_compact_json_bytes_and_their_etag(self):
        result, generated = self.embed(self.HEAD + "paths:\n  /a:\n    x: 'é 2026-01-01'\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        identity, packed = generated.split("openapi_document_gzip[", 1)
        data = bytes(int(byte, 16) for byte in re.findall(r"0x([0-9a-f]{2})", identity))
        packed = bytes(int(byte, 16) for byte in re.findall(r"0x([0-9a-f]{2})", packed))
        self.assertEqual(gzip.decompress(packed), data)
        self.assertIn('openapi_document_gzip_etag[] = "%s-gzip\\"";'
                      % fnv1a64(data)[:-1].replace('"', '\\"'), generated)
        self.assertEqual(json.loads(data), {"openapi": "3.1.0",
                                            "info": {"title": "t", "version": "0.1.0"},
                                            "paths": {"/a": {"x": "é 2026-01-01"}}})
        self.assertNotIn(b" ", data.replace(b"\xc3\xa9 2026", b""))
        self.assertIn(f"openapi_document_length = {len(data)};", generated)
        self.assertIn('openapi_document_etag[] = "%s";' % fnv1a64(data).replace('"', '\\"'),
                      generated)

    def test_a_duplicate_key_stops_the_build_naming_its_line(self):
        result, _ = self.embed(self.HEAD + "paths: {}\npaths: {}\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("line 6: duplicate key 'paths'", result.stderr)

    def test_an_unquoted_status_code_stops_the_build(self):
        result, _ = self.embed(self.HEAD + "paths:\n  /a:\n    get:\n      responses:\n"
                                           "        200: {}\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("line 9: key 200 is not a string (quote it)", result.stderr)

    def test_an_unquoted_date_stops_the_build(self):
        result, _ = self.embed(self.HEAD + "paths: {}\nx-example: 2026-11-24\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("datetime.date(2026, 11, 24) (date) has no JSON form", result.stderr)

    def test_a_version_other_than_the_builds_stops_the_build(self):
        result, _ = self.embed(self.HEAD + "paths: {}\n", version="0.2.0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("info.version is '0.1.0'; the build is '0.2.0'", result.stderr)


class OpenApiTest(DaemonTestCase):
    load_demo = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        answer = cls.shared.get("/v1/openapi.json")
        cls.document = json.loads(answer.body) if answer.status == 200 else None

    def setUp(self):
        self.assertIsNotNone(self.document, "GET /v1/openapi.json did not answer 200")

    def documented_operations(self):
        return {(method.upper(), path) for path, item in self.document["paths"].items()
                for method in item if method in METHODS}

    def test_redocly_lint_passes_with_the_strict_recommended_rules(self):
        environment = dict(os.environ, REDOCLY_TELEMETRY="off",
                           REDOCLY_SUPPRESS_UPDATE_NOTICE="true", NO_COLOR="1")
        self.assertTrue(os.path.isdir(os.path.join(LINT_DIR, "node_modules", "@redocly")),
                        "@redocly/cli is not installed: run make openapi-deps")
        result = subprocess.run(
            ["npx", "--no-install", "--prefix", LINT_DIR, "redocly", "lint", "--config",
             os.path.join(LINT_DIR, "redocly.yaml"), DOCUMENT],
            capture_output=True, text=True, cwd=SOURCE_ROOT, env=environment, timeout=120)
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("Your API description is valid", output)
        self.assertNotIn("warning", output.replace("Deprecation warning", "").lower(), output)

    def test_the_document_is_served_as_json_with_an_etag(self):
        answer = self.shared.get("/v1/openapi.json")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.header("Content-Type"), "application/json")
        self.assertEqual(answer.header("Access-Control-Allow-Origin"), "*")
        self.assertRegex(answer.header("ETag"), r'^"[0-9a-f]{16}"$')
        # Computed at build time the way etag_of computes every other ETag.
        self.assertEqual(answer.header("ETag"), fnv1a64(answer.body))
        self.assertEqual(self.document["openapi"], "3.1.0")
        version = subprocess.run([SERVER, "--version"], capture_output=True, text=True,
                                 timeout=10).stdout.split()[-1]
        self.assertEqual(self.document["info"]["version"], version)
        again = self.shared.get("/v1/openapi.json",
                                headers={"If-None-Match": answer.header("ETag")})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        # The gzip copy is built with the binary; it decodes to the same bytes.
        packed = self.shared.get("/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(packed.header("Content-Encoding"), "gzip")
        self.assertEqual(packed.header("ETag"), answer.header("ETag")[:-1] + '-gzip"')
        self.assertEqual(gzip.decompress(packed.body), answer.body)

    def test_list_routes_prints_the_table(self):
        result = subprocess.run([SERVER, "--list-routes"], capture_output=True, text=True,
                                timeout=10)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[:3], ["GET /healthz", "GET /readyz", "GET /v1/lots/{id}"])
        self.assertEqual(len(lines), len(set(lines)))
        for line in lines:
            self.assertRegex(line, r"^(GET|POST|PUT|DELETE) /[a-z0-9./{}_-]*$")
        operations = routed_operations()
        self.assertIn(("GET", "/v1/openapi.json"), operations)
        self.assertIn(("DELETE", "/v1/tokens/{id}"), operations)
        self.assertIn(("POST", "/v1/lots/{id}/occupancy"), operations)

    def test_every_registered_route_is_documented(self):
        # OPTIONS is answered on every path by the dispatcher and described once, in
        # info.description; HEAD comes with GET. Neither is a row of the table.
        documented = self.documented_operations()
        self.assertEqual(sorted(routed_operations() - documented), [],
                         "routes the daemon registers but the document lacks")
        self.assertEqual(sorted(documented - routed_operations()), [],
                         "operations the document describes but the daemon does not route")

    def concrete(self, path):
        """path with its {id} filled by a real id of the demo data."""
        if path.startswith("/v1/lots/"):
            return path.replace("{id}", DEMO_ATTENDANT_LOT).replace("{closure_id}", "1")
        if path.startswith("/v1/groups/"):
            return path.replace("{id}", "admin-centre")
        if path.startswith("/v1/calendars/"):
            return path.replace("{id}", "cn")
        if path.startswith("/v3/parking-sites/"):
            return path.replace("{id}", DEMO_ATTENDANT_LOT)
        if path.startswith("/parkapi/v1/"):
            return path.replace("{city}", "qingzhen")
        if path.startswith("/v1/tokens/"):
            tokens = self.shared.as_admin("GET", "/v1/tokens").json()["tokens"]
            attendant = next(token for token in tokens if token["role"] == "attendant")
            return path.replace("{id}", attendant["id"])
        if path.startswith("/assets/leaflet/images/"):
            return path.replace("{file}", "marker-icon.png")
        if path.startswith("/assets/leaflet/"):
            return path.replace("{file}", "leaflet.js")
        self.assertNotIn("{", path, "a path parameter this test cannot fill")
        return path

    def status_of(self, method, path):
        # Without credentials, so that no write happens: a write route answers 401. A GET
        # is asked as HEAD (same status, no body), so the event stream does not keep us.
        connection = http.client.HTTPConnection("127.0.0.1", self.shared.port, timeout=10)
        try:
            headers = {"Content-Type": "application/json"} if method in ("PUT", "POST") else {}
            body = b"{}" if method in ("PUT", "POST") else None
            connection.request("HEAD" if method == "GET" else method, path, body=body,
                               headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    def test_every_documented_operation_answers_a_documented_status_not_404(self):
        for path, item in self.document["paths"].items():
            for method in (m for m in item if m in METHODS):
                with self.subTest(method=method.upper(), path=path):
                    status = self.status_of(method.upper(), self.concrete(path))
                    self.assertNotIn(status, (404, 405))
                    self.assertIn(str(status), item[method]["responses"])

    def test_problem_types_are_the_daemons(self):
        with open(os.path.join(SOURCE_ROOT, "server", "core", "problem.c")) as source:
            rows = re.findall(r'\{(\d{3}), "([a-z-]+)", "', source.read())
        self.assertGreaterEqual(len(rows), 17)
        problem = self.document["components"]["schemas"]["Problem"]["properties"]
        self.assertEqual(sorted(problem["type"]["enum"]),
                         sorted(f"/problems/{slug}" for _, slug in rows))
        self.assertEqual(sorted(problem["status"]["enum"]),
                         sorted({int(status) for status, _ in rows}))


if __name__ == "__main__":
    main()
