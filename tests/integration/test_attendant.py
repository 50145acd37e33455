#!/usr/bin/env python3
"""The attendant's phone page: GET /v1/tokens/self, the page and its parts as served, the
sign-in link and QR code from parkshare-cli, and the page itself in headless Chromium
(tests/browser/attendant-page.mjs): sign-in by link, taps online and offline, a lost reply,
a revoked token, accessibility."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD_ROOT, SOURCE_ROOT, DaemonTestCase, main, sample_lot  # noqa: E402

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")
BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")

# What each terminal character shows: (top module light, bottom module light).
HALF_BLOCKS = {"\u2588": (True, True), "\u2580": (True, False), "\u2584": (False, True),
               " ": (False, False)}


def qr_rows(lines):
    """The terminal QR code as rows of modules, True for dark."""
    rows = []
    for line in lines:
        top, bottom = [], []
        for character in line:
            light_top, light_bottom = HALF_BLOCKS[character]
            top.append(not light_top)
            bottom.append(not light_bottom)
        rows += [top, bottom]
    return rows


def write_pbm(rows, path, scale=6):
    """A plain PBM image of the modules (1 is black), each module scale pixels square."""
    width = len(rows[0]) * scale
    with open(path, "w") as out:
        out.write(f"P1\n{width} {len(rows) * scale}\n")
        for row in rows:
            line = " ".join("1" if dark else "0" for dark in row for _ in range(scale))
            for _ in range(scale):
                out.write(line + "\n")


class TokenSelfTest(DaemonTestCase):
    def test_an_attendant_sees_its_own_token_without_the_secret(self):
        created = self.shared.create_attendant_token(["self-a", "self-b"], "Li at gate 3").json()
        response = self.shared.with_token(created["token"], "GET", "/v1/tokens/self")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Cache-Control"), "no-store")
        document = response.json()
        self.assertEqual(document, {"id": created["id"], "role": "attendant",
                                    "name": "Li at gate 3", "lots": ["self-a", "self-b"],
                                    "created_at": created["created_at"]})
        self.assertNotIn(created["token"].encode(), response.body)
        digest = hashlib.sha256(created["token"].encode()).hexdigest()
        self.assertNotIn(digest.encode(), response.body)

    def test_an_admin_token_describes_itself(self):
        response = self.shared.as_admin("GET", "/v1/tokens/self")
        self.assertEqual(response.status, 200, response.body)
        document = response.json()
        self.assertEqual(document["role"], "admin")
        self.assertEqual(document["lots"], [])
        self.assertEqual(set(document), {"id", "role", "name", "lots", "created_at"})
        self.assertNotIn(self.shared.admin_token().encode(), response.body)

    def test_no_token_unknown_or_revoked_is_401(self):
        self.assertProblem(self.shared.get("/v1/tokens/self"), 401, "unauthorized")
        self.assertProblem(self.shared.with_token("ps_" + "A" * 43, "GET", "/v1/tokens/self"),
                           401, "unauthorized")
        created = self.shared.create_attendant_token(["self-c"]).json()
        self.assertEqual(self.shared.as_admin("DELETE", f"/v1/tokens/{created['id']}").status,
                         204)
        self.assertProblem(self.shared.with_token(created["token"], "GET", "/v1/tokens/self"),
                           401, "unauthorized")

    def test_self_is_not_a_token_id_to_revoke(self):
        # DELETE takes a token id; "self" is none, and revokes nothing.
        before = self.shared.as_admin("GET", "/v1/tokens").json()["tokens"]
        response = self.shared.as_admin("DELETE", "/v1/tokens/self")
        self.assertProblem(response, 404, "not-found")
        self.assertEqual(self.shared.as_admin("GET", "/v1/tokens").json()["tokens"], before)
        self.assertEqual(self.shared.as_admin("GET", "/v1/tokens/self").status, 200)

    def test_the_page_and_its_parts_are_served(self):
        expected = {
            "/attendant": "text/html; charset=utf-8",
            "/attendant.js": "text/javascript; charset=utf-8",
            "/attendant-sw.js": "text/javascript; charset=utf-8",
            "/attendant.webmanifest": "application/manifest+json",
        }
        for path, content_type in expected.items():
            with self.subTest(path=path):
                response = self.shared.get(path)
                self.assertEqual(response.status, 200)
                self.assertEqual(response.header("Content-Type"), content_type)
                self.assertIsNotNone(response.header("ETag"))
                self.assertNotIn(b"http://", response.body)
                self.assertNotIn(b"https://", response.body)
        page = self.shared.get("/attendant")
        policy = page.header("Content-Security-Policy")
        self.assertTrue(policy.startswith("default-src 'self';"), policy)
        # The page keeps a token: no inline script may run beside it.
        self.assertNotIn("script-src", policy)
        self.assertNotIn(b"<script>", page.body)
        self.assertIn(b'<script src="/attendant.js"', page.body)
        manifest = json.loads(self.shared.get("/attendant.webmanifest").body)
        self.assertEqual(manifest["start_url"], "/attendant")
        gzip = self.shared.get("/attendant.js", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(gzip.header("Content-Encoding"), "gzip")
        etag = page.header("ETag")
        self.assertEqual(self.shared.get("/attendant", headers={"If-None-Match": etag}).status,
                         304)


class SignInLinkTest(DaemonTestCase):
    def cli(self, *arguments):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        return subprocess.run([CLI, "-u", self.shared.base_url + "/", "-t",
                               self.shared.admin_token()] + list(arguments),
                              capture_output=True, text=True, timeout=60, env=environment)

    def token_of(self, link):
        prefix = self.shared.base_url + "/attendant#token="
        self.assertTrue(link.startswith(prefix), link)
        return link[len(prefix):]

    def test_link_signs_in_as_the_new_attendant(self):
        result = self.cli("token", "create", "--role", "attendant", "--lots", "link-a,link-b",
                          "--name", "Zhao", "--link")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 1, result.stdout)
        token = self.token_of(lines[0])
        self.assertRegex(token, r"^ps_[A-Za-z0-9_-]{43}$")
        self.assertIn("created; the link carries it", result.stderr)
        document = self.shared.with_token(token, "GET", "/v1/tokens/self").json()
        self.assertEqual((document["name"], document["lots"]), ("Zhao", ["link-a", "link-b"]))

    def test_qr_code_decodes_to_the_link(self):
        result = self.cli("token", "create", "--role", "attendant", "--lots", "qr-a",
                          "--name", "Qian", "--qr")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        link = lines[0]
        self.token_of(link)
        code = lines[1:]
        # Not a terminal: no colour escapes, only half blocks and spaces, in a square.
        self.assertNotIn("\033", result.stdout)
        self.assertTrue(all(set(line) <= set(HALF_BLOCKS) for line in code), code)
        widths = {len(line) for line in code}
        self.assertEqual(len(widths), 1)
        width = widths.pop()
        # A version 4 to 6 symbol (33 to 41 modules) and its four-module quiet zone.
        self.assertIn(width, range(33 + 8, 41 + 9, 4))
        self.assertEqual(len(code), (width + 1) // 2)
        self.assertTrue(all(line == "\u2588" * width for line in code[:2]))
        rows = qr_rows(code)[:width]
        self.assertGreater(sum(map(sum, rows)), width * width // 5)
        if shutil.which("zbarimg") is None:
            self.skipTest("zbarimg is not installed: the code's shape is checked, not its text")
        image = os.path.join(self.shared.workdir, "link.pbm")
        write_pbm(rows, image)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", image], capture_output=True,
                                 text=True, timeout=60)
        self.assertEqual(decoded.returncode, 0, decoded.stderr)
        self.assertEqual(decoded.stdout.strip(), link)

    def test_without_link_the_bare_token_as_before(self):
        result = self.cli("token", "create", "--role", "attendant", "--lots", "bare-a",
                          "--name", "Sun")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^ps_[A-Za-z0-9_-]{43}\n$")


class AttendantPageTest(DaemonTestCase):
    def node(self, *arguments):
        result = subprocess.run(["node"] + list(arguments), capture_output=True, text=True,
                                cwd=BROWSER_DIR, timeout=300)
        print(result.stdout, end="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def test_attendant_page_in_chromium(self):
        for lot_id, name, occupied in (("gate-east", "东门停车场 East Gate", 10),
                                       ("gate-west", "西门停车场 West Gate", 0)):
            body = sample_lot(name=name, capacity=120, hours=None)
            self.assertEqual(self.shared.put_lot(lot_id, body).status, 201)
            self.assertEqual(self.shared.post_occupancy(lot_id, {"occupied": occupied}).status,
                             200)
        created = self.shared.create_attendant_token(["gate-east", "gate-west"],
                                                     "Zhou at the east gate").json()
        screenshot = os.path.join(BUILD_ROOT, "attendant-page.png")
        output = self.node("attendant-page.mjs", self.shared.base_url, created["token"],
                           created["id"], self.shared.admin_token(), screenshot)
        self.assertIn("all attendant page checks passed", output)
        self.assertGreater(os.path.getsize(screenshot), 10000)


if __name__ == "__main__":
    main()
