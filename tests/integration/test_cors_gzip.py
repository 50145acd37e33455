#!/usr/bin/env python3
"""Clients on other origins (CORS preflights, exposed headers, cors_origins lists) and gzip:
bodies that decode to exactly the identity bytes, an ETag per encoding, 304 on either,
Accept-Encoding with q=0, small answers left alone, HEAD's gzip Content-Length."""

import gzip
import http.server
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SERVER, SOURCE_ROOT, DaemonTestCase, IntegrationTestCase, Wire,  # noqa: E402
                     main, wait_for)

ALLOW_HEADERS = "Authorization, Content-Type, If-None-Match, Idempotency-Key"
EXPOSE_HEADERS = "ETag, Retry-After, Age, Warning"
GZIP = {"Accept-Encoding": "gzip"}


class PreflightTest(DaemonTestCase):
    def preflight(self, path, origin="https://map.example.org", method="GET"):
        return self.shared.request("OPTIONS", path, headers={
            "Origin": origin, "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, if-none-match"})

    def assertPreflight(self, response, methods):
        self.assertEqual(response.status, 204, response.body)
        self.assertEqual(response.body, b"")
        self.assertIsNone(response.header("Content-Length"))
        self.assertEqual(response.header("Access-Control-Allow-Origin"), "*")
        self.assertEqual(response.header("Access-Control-Allow-Methods"), methods)
        self.assertEqual(response.header("Access-Control-Allow-Headers"), ALLOW_HEADERS)
        self.assertEqual(response.header("Access-Control-Max-Age"), "86400")
        self.assertEqual(response.header("Allow"), methods + ", OPTIONS")
        self.assertIsNone(response.header("Vary"))

    def test_preflight_is_204_with_the_routes_methods_and_headers(self):
        self.assertPreflight(self.preflight("/v1/lots"), "GET, HEAD")
        self.assertPreflight(self.preflight("/v1/lots/some-lot", method="PUT"),
                             "GET, HEAD, PUT, DELETE")
        self.assertPreflight(self.preflight("/v1/lots/some-lot/occupancy", method="POST"), "POST")
        self.assertPreflight(self.preflight("/v1/occupancy", method="POST"), "POST")
        # An admin route: a preflight carries no token and needs none.
        self.assertPreflight(self.preflight("/v1/tokens", method="POST"), "GET, HEAD, POST")
        # A plain OPTIONS (no Origin) gets the same answer.
        self.assertPreflight(self.shared.request("OPTIONS", "/healthz"), "GET, HEAD")

    def test_options_on_an_unknown_path_is_404(self):
        response = self.preflight("/v1/nothing-here")
        self.assertProblem(response, 404, "not-found", "no resource at /v1/nothing-here")
        self.assertEqual(response.header("Access-Control-Allow-Origin"), "*")

    def test_options_asterisk_describes_the_server(self):
        connection = Wire(self.shared.port)
        connection.send(b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = connection.answer()
        connection.close()
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(headers["allow"], "GET, HEAD, POST, PUT, DELETE, OPTIONS")

    def test_exposed_headers_on_an_answer_and_on_a_problem(self):
        ok = self.shared.get("/healthz", {"Origin": "https://map.example.org"})
        self.assertEqual(ok.status, 200)
        self.assertEqual(ok.header("Access-Control-Expose-Headers"), EXPOSE_HEADERS)
        self.assertEqual(ok.header("Access-Control-Allow-Origin"), "*")
        problem = self.shared.get("/v1/lots/no-such-lot", {"Origin": "https://map.example.org"})
        self.assertProblem(problem, 404, "not-found", "no lot 'no-such-lot'")
        self.assertEqual(problem.header("Access-Control-Expose-Headers"), EXPOSE_HEADERS)
        self.assertEqual(problem.header("Access-Control-Allow-Origin"), "*")
        # A write's answer too (a page reads the 401 of a missing token).
        refused = self.shared.request("POST", "/v1/occupancy", body={"updates": []},
                                      headers={"Origin": "https://map.example.org"})
        self.assertEqual(refused.status, 401, refused.body)
        self.assertEqual(refused.header("Access-Control-Allow-Origin"), "*")
        self.assertEqual(refused.header("Access-Control-Expose-Headers"), EXPOSE_HEADERS)


class OriginListTest(DaemonTestCase):
    daemon_settings = {"cors_origins": "https://map.example.org http://127.0.0.1:8080"}
    load_demo = True

    def test_a_listed_origin_is_echoed_with_vary(self):
        for origin in ("https://map.example.org", "http://127.0.0.1:8080"):
            response = self.shared.get("/healthz", {"Origin": origin})
            self.assertEqual(response.status, 200)
            self.assertEqual(response.header("Access-Control-Allow-Origin"), origin)
            self.assertEqual(response.header("Vary"), "Origin")
            self.assertEqual(response.header("Access-Control-Expose-Headers"), EXPOSE_HEADERS)

    def test_an_unlisted_origin_gets_no_allow_origin(self):
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "http://map.example.org"},
                        {"Origin": "null"}, {}):
            response = self.shared.get("/healthz", headers)
            self.assertEqual(response.status, 200)
            self.assertIsNone(response.header("Access-Control-Allow-Origin"), headers)
            self.assertEqual(response.header("Vary"), "Origin")
        preflight = self.shared.request("OPTIONS", "/v1/lots", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual(preflight.status, 204)
        self.assertIsNone(preflight.header("Access-Control-Allow-Origin"))
        self.assertEqual(preflight.header("Vary"), "Origin")

    def test_vary_names_both_when_both_matter(self):
        response = self.shared.get("/v1/lots", {"Origin": "https://map.example.org", **GZIP})
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Vary"), "Origin, Accept-Encoding")
        self.assertEqual(response.header("Content-Encoding"), "gzip")


class CorsOriginsRefusedTest(IntegrationTestCase):
    def test_a_malformed_origin_is_refused_at_start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        result = subprocess.run([SERVER, "--set", "cors_origins=https://map.example.org/app"],
                                capture_output=True, text=True, timeout=30, env=env)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "parkshare-server: --set cors_origins: cors_origins: "
                                        "'https://map.example.org/app' has a path; an origin is "
                                        "scheme://host[:port] alone\n")


class GzipTest(DaemonTestCase):
    load_demo = True

    def test_the_list_in_gzip_decodes_to_the_identity_body(self):
        identity = self.shared.get("/v1/lots")
        packed = self.shared.get("/v1/lots", GZIP)
        self.assertEqual((identity.status, packed.status), (200, 200))
        self.assertGreater(len(identity.body), 1024)
        self.assertIsNone(identity.header("Content-Encoding"))
        self.assertEqual(identity.header("Vary"), "Accept-Encoding")
        self.assertEqual(packed.header("Content-Encoding"), "gzip")
        self.assertEqual(packed.header("Vary"), "Accept-Encoding")
        self.assertEqual(packed.header("Content-Type"), "application/json")
        self.assertEqual(int(packed.header("Content-Length")), len(packed.body))
        self.assertEqual(gzip.decompress(packed.body), identity.body)
        self.assertLess(len(packed.body) * 3, len(identity.body))
        etag = identity.header("ETag")
        self.assertEqual(packed.header("ETag"), etag[:-1] + '-gzip"')
        print(f"/v1/lots: {len(identity.body)} bytes, gzip {len(packed.body)} bytes")

    def test_304_on_the_tag_of_the_encoding_asked_for(self):
        etag = self.shared.get("/v1/lots").header("ETag")
        gzip_etag = self.shared.get("/v1/lots", GZIP).header("ETag")
        again = self.shared.get("/v1/lots", {**GZIP, "If-None-Match": gzip_etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.header("ETag"), gzip_etag)
        self.assertEqual(again.header("Vary"), "Accept-Encoding")
        self.assertEqual(again.body, b"")
        # A cache holding both answers may name both tags: the one that fits wins.
        both = f"{etag}, {gzip_etag}"
        self.assertEqual(self.shared.get("/v1/lots", {"If-None-Match": both}).status, 304)
        self.assertEqual(self.shared.get("/v1/lots", {**GZIP, "If-None-Match": both}).status, 304)
        # The identity tag does not validate the gzip bytes, nor the other way round.
        other = self.shared.get("/v1/lots", {**GZIP, "If-None-Match": etag})
        self.assertEqual((other.status, other.header("Content-Encoding")), (200, "gzip"))
        other = self.shared.get("/v1/lots", {"If-None-Match": gzip_etag})
        self.assertEqual((other.status, other.header("Content-Encoding")), (200, None))

    def test_q_zero_and_other_codings_get_identity(self):
        identity = self.shared.get("/v1/lots")
        for value in ("gzip;q=0", "br, deflate", "identity", "*;q=0", "gzip;q=0, *"):
            response = self.shared.get("/v1/lots", {"Accept-Encoding": value})
            self.assertEqual(response.status, 200)
            self.assertIsNone(response.header("Content-Encoding"), value)
            self.assertEqual(response.body, identity.body, value)
            self.assertEqual(response.header("ETag"), identity.header("ETag"))
        for value in ("gzip;q=0.5, br", "*", "deflate, x-gzip"):
            response = self.shared.get("/v1/lots", {"Accept-Encoding": value})
            self.assertEqual(response.header("Content-Encoding"), "gzip", value)

    def test_a_small_answer_is_not_compressed(self):
        for path in ("/healthz", "/v1/lots/rec-ancient-lane", "/v1/totals"):
            identity = self.shared.get(path)
            response = self.shared.get(path, GZIP)
            self.assertEqual(response.status, 200)
            self.assertLessEqual(len(response.body), 1024, path)
            self.assertIsNone(response.header("Content-Encoding"), path)
            self.assertIsNone(response.header("Vary"), path)
            self.assertEqual(response.body, identity.body, path)
            self.assertEqual(response.header("ETag"), identity.header("ETag"), path)

    def test_head_with_gzip_gives_the_gzip_length(self):
        packed = self.shared.get("/v1/lots", GZIP)
        head = self.shared.request("HEAD", "/v1/lots", headers=GZIP)
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(head.header("Content-Encoding"), "gzip")
        self.assertEqual(int(head.header("Content-Length")), len(packed.body))
        self.assertEqual(head.header("ETag"), packed.header("ETag"))

    def test_geojson_pages_and_answers_built_per_request(self):
        for path in ("/v1/lots.geojson", "/v1/lots/gov-city-hall/schedule", "/"):
            identity = self.shared.get(path)
            packed = self.shared.get(path, GZIP)
            self.assertGreater(len(identity.body), 1024, path)
            self.assertEqual(packed.header("Content-Encoding"), "gzip", path)
            self.assertEqual(gzip.decompress(packed.body), identity.body, path)
            self.assertEqual(packed.header("ETag"), identity.header("ETag")[:-1] + '-gzip"')
            again = self.shared.get(path, {**GZIP, "If-None-Match": packed.header("ETag")})
            self.assertEqual(again.status, 304, path)

    def test_a_change_gives_a_new_gzip_body(self):
        before = self.shared.get("/v1/lots", GZIP)
        with open(self.shared.demo_token_path()) as token_file:
            token = token_file.read().strip()
        lot = self.shared.get("/v1/lots/gov-city-hall").json()
        occupied = 1 if lot["occupied"] != 1 else 2
        response = self.shared.with_token(token, "POST", "/v1/lots/gov-city-hall/occupancy",
                                          {"occupied": occupied})
        self.assertEqual(response.status, 200, response.body)

        def changed():
            answer = self.shared.get("/v1/lots", GZIP)
            return answer if answer.header("ETag") != before.header("ETag") else None

        after = wait_for(changed, what="the list to change")
        identity = self.shared.get("/v1/lots")
        self.assertEqual(gzip.decompress(after.body), identity.body)
        self.assertEqual(after.header("ETag"), identity.header("ETag")[:-1] + '-gzip"')


class MapPage(http.server.BaseHTTPRequestHandler):
    """Another origin: a blank page whose script will call the daemon."""

    def do_GET(self):
        body = b"<!doctype html><title>a map on another origin</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *arguments):
        pass


class CrossOriginBrowserTest(DaemonTestCase):
    load_demo = True

    def test_a_page_on_another_origin_revalidates_and_writes(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MapPage)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        page_url = f"http://127.0.0.1:{server.server_address[1]}/map.html"
        with open(self.shared.demo_token_path()) as token_file:
            token = token_file.read().strip()
        result = subprocess.run(
            ["node", "cross-origin.mjs", self.shared.base_url, page_url, token, "gov-city-hall"],
            capture_output=True, text=True, cwd=os.path.join(SOURCE_ROOT, "tests", "browser"),
            timeout=120)
        print(result.stdout, end="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("200 then 304", result.stdout)
        self.assertEqual(self.shared.get("/v1/lots/gov-city-hall").json()["occupied"], 5)


if __name__ == "__main__":
    main()
