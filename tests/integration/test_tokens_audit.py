#!/usr/bin/env python3
"""Tokens (admin only, shown once, stored as hashes) and the audit trail."""

import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main, sample_lot  # noqa: E402


class TokensAuditTest(DaemonTestCase):
    def test_create_list_revoke(self):
        response = self.shared.create_attendant_token(["gate-1", "gate-2"],
                                                      "Wang at the north gate")
        self.assertEqual(response.status, 201, response.body)
        created = response.json()
        self.assertRegex(created["token"], r"^ps_[A-Za-z0-9_-]{43}$")
        self.assertRegex(created["id"], r"^tok_[0-9a-f]{12}$")
        self.assertEqual(created["lots"], ["gate-1", "gate-2"])
        self.assertEqual(created["role"], "attendant")
        digest = hashlib.sha256(created["token"].encode()).hexdigest()
        self.assertEqual(created["id"], "tok_" + digest[:12])
        # Only the hash is stored; the secret appears nowhere in Redis or the log.
        self.assertEqual(self.shared.redis_cli("HGET", f"ps:token:{digest}", "role"), "attendant")
        self.assertNotIn(created["token"], self.shared.redis_cli("--no-raw", "KEYS", "*"))
        self.assertNotIn(created["token"], self.shared.log_text())
        listed = self.shared.as_admin("GET", "/v1/tokens").json()["tokens"]
        mine = [token for token in listed if token["id"] == created["id"]]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("token", mine[0])
        self.assertEqual(mine[0]["name"], "Wang at the north gate")
        self.assertTrue(all(set(token) == {"id", "role", "lots", "name", "created_at"}
                            for token in listed))
        self.assertEqual(self.shared.as_admin("DELETE", f"/v1/tokens/{created['id']}").status, 204)
        self.assertEqual(self.shared.redis_cli("EXISTS", f"ps:token:{digest}"), "0")

    def test_token_validation(self):
        cases = [
            ({"role": "boss", "name": "x"}, "role"),
            ({"role": "attendant", "name": "x"}, "lots"),
            ({"role": "attendant", "name": "x", "lots": []}, "lots"),
            ({"role": "attendant", "name": "x", "lots": ["Bad Id"]}, "lots[0]"),
            ({"role": "admin", "name": "x", "lots": ["a"]}, "lots"),
            ({"role": "admin"}, "name"),
            ({"role": "admin", "name": "x", "scope": "all"}, "scope"),
        ]
        before = self.shared.redis_cli("HLEN", "ps:tokens")
        for body, field in cases:
            with self.subTest(body=body):
                document = self.assertProblem(self.shared.as_admin("POST", "/v1/tokens", body), 422,
                                              "validation")
                self.assertEqual(document["errors"][0]["field"], field)
        self.assertEqual(self.shared.redis_cli("HLEN", "ps:tokens"), before)

    def test_admin_only(self):
        attendant = self.shared.create_attendant_token(["x"]).json()["token"]
        for method, path in (("GET", "/v1/tokens"), ("POST", "/v1/tokens"),
                             ("DELETE", "/v1/tokens/tok_000000000000"), ("GET", "/v1/audit")):
            with self.subTest(path=path, method=method):
                body = {"role": "admin", "name": "me"} if method == "POST" else None
                response = self.shared.with_token(attendant, method, path, body)
                self.assertProblem(response, 403, "forbidden")
                self.assertProblem(self.shared.request(method, path), 401, "unauthorized")

    def test_audit_by_lot_since_limit_cursor(self):
        self.shared.put_lot("audited", sample_lot(capacity=20))
        start = time.time()
        for delta in (1, 2, 3, -1):
            self.assertEqual(self.shared.post_occupancy("audited", {"delta": delta}).status, 200)
        entries = self.shared.as_admin("GET", "/v1/audit?lot=audited").json()["entries"]
        self.assertEqual([e["kind"] for e in entries], ["create", "delta", "delta", "delta",
                                                        "delta"])
        updates = entries[1:]
        self.assertEqual([(e["old"], e["new"], e["requested"]) for e in updates],
                         [(None, 1, 1), (1, 3, 2), (3, 6, 3), (6, 5, -1)])
        admin_id = "tok_" + hashlib.sha256(self.shared.admin_token().encode()).hexdigest()[:12]
        self.assertTrue(all(e["token"] == admin_id for e in entries))
        self.assertTrue(all(e["client"] == "127.0.0.1" for e in entries))
        self.assertTrue(all(e["clamped"] is False for e in entries))
        self.assertRegex(entries[0]["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        page = self.shared.as_admin("GET", "/v1/audit?lot=audited&limit=2").json()
        self.assertEqual(len(page["entries"]), 2)
        rest = self.shared.as_admin("GET", f"/v1/audit?lot=audited&cursor={page['next_cursor']}"
                                    ).json()
        self.assertEqual([e["id"] for e in page["entries"] + rest["entries"]],
                         [e["id"] for e in entries])
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 3600))
        self.assertEqual(self.shared.as_admin("GET", f"/v1/audit?lot=audited&since={future}"
                                              ).json()["entries"], [])
        everything = self.shared.as_admin("GET", "/v1/audit?limit=1000").json()["entries"]
        self.assertTrue(set(e["id"] for e in entries) <= set(e["id"] for e in everything))
        self.assertProblem(self.shared.as_admin("GET", "/v1/audit?limit=0"), 422, "validation")
        self.assertProblem(self.shared.as_admin("GET", "/v1/audit?since=yesterday"), 422,
                           "validation")
        self.assertProblem(self.shared.as_admin("GET", "/v1/audit?cursor=abc"), 400, "bad-request")

    def test_a_lots_entries_are_found_in_pages_of_bounded_work(self):
        """One stream for every lot: a lot's read looks at a bounded number of entries and
        says where to go on, so following next_cursor finds exactly the lot's entries."""
        daemon = self.daemon(environment={"PARKSHARE_TEST_AUDIT_SCAN": "3"}).start()
        for lot_id in ("quiet", "busy"):
            self.assertEqual(daemon.put_lot(lot_id, sample_lot(capacity=50)).status, 201)
        for round_number in range(4):
            for _ in range(3):
                self.assertEqual(daemon.post_occupancy("busy", {"delta": 1}).status, 200)
            self.assertEqual(daemon.post_occupancy("quiet", {"delta": 1}).status, 200)
        found, pages, cursor = [], [], None
        while True:
            path = "/v1/audit?lot=quiet&limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = daemon.as_admin("GET", path).json()
            pages.append(len(page["entries"]))
            found += page["entries"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual([(e["lot"], e["kind"], e["new"]) for e in found],
                         [("quiet", "create", None)] + [("quiet", "delta", n) for n in (1, 2, 3, 4)])
        # 18 entries in all, at most 3 looked at per read: pages with none of the lot's
        # entries still carry the cursor on.
        self.assertIn(0, pages)
        self.assertGreaterEqual(len(pages), 6)
        everything = daemon.as_admin("GET", "/v1/audit?limit=1000").json()["entries"]
        self.assertEqual(len(everything), 18)
        # No stream per lot: each would cost Redis some 4 KB.
        self.assertEqual(daemon.redis_cli("EXISTS", "ps:audit:quiet", "ps:audit:busy"), "0")

    def test_revoked_admin_token_stays_revoked_after_restart(self):
        extra = self.daemon()
        extra.settings["redis"] = f"unix:{os.path.join(self.shared.data_dir, 'redis.sock')}"
        extra.start()
        extra_id = "tok_" + hashlib.sha256(extra.admin_token().encode()).hexdigest()[:12]
        self.assertEqual(extra.as_admin("GET", "/v1/tokens").status, 200)
        self.assertEqual(self.shared.as_admin("DELETE", f"/v1/tokens/{extra_id}").status, 204)
        self.assertEqual(extra.as_admin("GET", "/v1/tokens").status, 401)
        self.assertEqual(extra.stop(), 0)
        extra.start()
        self.assertEqual(extra.as_admin("GET", "/v1/tokens").status, 401)
        self.assertIn("was revoked", extra.log_text())
        self.assertEqual(extra.stop(), 0)


if __name__ == "__main__":
    main()
