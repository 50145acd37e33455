#!/usr/bin/env python3
"""Limits keyed by who is asking (token, client address, proxies) and idempotency per lot."""

import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DaemonTestCase, IntegrationTestCase, main,  # noqa: E402
                     sample_lot)

# Well-formed (ps_ and 43 base64url characters) but never issued.
UNKNOWN_TOKEN = "ps_" + "A" * 43


def attendant(daemon, lots, name="gate"):
    """A new attendant token for lots: (id, secret)."""
    response = daemon.create_attendant_token(lots, name)
    assert response.status == 201, response.body
    created = response.json()
    return created["id"], created["token"]


def occupied(daemon, lot_id):
    """The count stored in Redis (the snapshot follows it a moment later), or None."""
    value = daemon.redis_cli("HGET", f"ps:lot:{lot_id}", "occupied")
    return int(value) if value else None


def update(daemon, token, lot_id, body, headers=None):
    return daemon.with_token(token, "POST", f"/v1/lots/{lot_id}/occupancy", body, headers)


def batch(daemon, token, updates):
    return daemon.with_token(token, "POST", "/v1/occupancy", {"updates": updates})


class PerTokenTest(IntegrationTestCase):
    """One attendant's writes never use up another's, whatever address they share."""

    def start(self, **settings):
        daemon = self.daemon(settings=settings)
        daemon.start()
        for lot_id in ("lot-a", "lot-b"):
            self.assertEqual(daemon.put_lot(lot_id, sample_lot(capacity=1000)).status, 201)
        return daemon

    def test_each_token_has_its_own_budget(self):
        daemon = self.start(rate_limit_writes="1", rate_limit_burst="3",
                            auth_failures_per_minute="0")
        id_a, token_a = attendant(daemon, ["lot-a"], "a")
        _, token_b = attendant(daemon, ["lot-b"], "b")
        # A flood without a valid token from the same address uses up nobody's budget.
        for headers in ({}, {"Authorization": f"Bearer {UNKNOWN_TOKEN}"}):
            for _ in range(10):
                response = daemon.request("POST", "/v1/lots/lot-a/occupancy", {"delta": 1},
                                          headers)
                self.assertEqual(response.status, 401)
        statuses = [update(daemon, token_a, "lot-a", {"delta": 1}).status for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 200])
        response = update(daemon, token_a, "lot-a", {"delta": 1})
        self.assertProblem(response, 429, "rate-limited",
                           f"too many writes with the token {id_a}; retry after 1 s")
        self.assertEqual(response.header("Retry-After"), "1")
        # B, from the same address, is untouched; A's refused write changed nothing.
        self.assertEqual(update(daemon, token_b, "lot-b", {"delta": 1}).status, 200)
        self.assertEqual(occupied(daemon, "lot-a"), 3)
        # Reads are never limited.
        self.assertTrue(all(daemon.get("/v1/lots/lot-a").status == 200 for _ in range(10)))

    def test_a_batch_counts_as_its_updates(self):
        daemon = self.start(rate_limit_writes="1", rate_limit_burst="3")
        id_a, token_a = attendant(daemon, ["lot-a", "lot-b"], "a")
        two = [{"id": "lot-a", "delta": 1}, {"id": "lot-b", "delta": 1}]
        self.assertEqual(batch(daemon, token_a, two).status, 200)
        # One write is left: a batch of two is refused whole and applies nothing...
        response = batch(daemon, token_a, two)
        self.assertProblem(response, 429, "rate-limited")
        self.assertEqual(response.header("Retry-After"), "1")
        self.assertEqual(occupied(daemon, "lot-b"), 1)
        # ...while a single update still fits.
        self.assertEqual(update(daemon, token_a, "lot-a", {"delta": 1}).status, 200)
        self.assertEqual(update(daemon, token_a, "lot-a", {"delta": 1}).status, 429)
        # A batch larger than the burst goes through on a full bucket, and empties it.
        _, token_b = attendant(daemon, ["lot-b"], "b")
        five = [{"id": "lot-b", "delta": 1}] * 5
        response = batch(daemon, token_b, five)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual([item["status"] for item in response.json()["results"]], [200] * 5)
        self.assertEqual(occupied(daemon, "lot-b"), 6)
        self.assertEqual(update(daemon, token_b, "lot-b", {"delta": 1}).status, 429)

    def test_admin_import_of_300_lots_at_the_default_admin_limit(self):
        # The attendants' limit is tiny; the admin's is its own (1000/s, bursts of 2000).
        daemon = self.daemon(settings={"rate_limit_writes": "1", "rate_limit_burst": "3",
                                       "rate_limit_admin": "1000"})
        daemon.start()
        statuses = [daemon.put_lot(f"import-{i:03d}", sample_lot(capacity=10)).status
                    for i in range(300)]
        self.assertEqual(statuses, [201] * 300)
        self.assertEqual(daemon.redis_cli("SCARD", "ps:lots"), "300")

    def test_admin_tokens_have_their_own_limit(self):
        daemon = self.daemon(settings={"rate_limit_admin": "2"})
        daemon.start()
        # Two a second, bursts of four.
        statuses = [daemon.put_lot(f"lot-{i}", sample_lot()).status for i in range(4)]
        self.assertEqual(statuses, [201] * 4)
        response = daemon.put_lot("lot-5", sample_lot())
        self.assertProblem(response, 429, "rate-limited")
        self.assertEqual(daemon.redis_cli("EXISTS", "ps:lot:lot-5"), "0")
        # Admin reads are not writes.
        self.assertEqual(daemon.as_admin("GET", "/v1/tokens").status, 200)


class AuthFailureTest(IntegrationTestCase):
    def test_failures_are_limited_per_address_but_valid_tokens_still_work(self):
        daemon = self.daemon(settings={"auth_failures_per_minute": "5"})
        daemon.start()
        self.assertEqual(daemon.put_lot("lot-a", sample_lot()).status, 201)
        revoked_id, revoked = attendant(daemon, ["lot-a"], "old")
        self.assertEqual(daemon.as_admin("DELETE", f"/v1/tokens/{revoked_id}").status, 204)
        _, valid = attendant(daemon, ["lot-a"], "gate")
        failures = [
            daemon.request("POST", "/v1/lots/lot-a/occupancy", {"delta": 1}),
            update(daemon, UNKNOWN_TOKEN, "lot-a", {"delta": 1}),
            update(daemon, revoked, "lot-a", {"delta": 1}),
            update(daemon, "not-a-token", "lot-a", {"delta": 1}),
            daemon.with_token(UNKNOWN_TOKEN, "PUT", "/v1/lots/lot-b", sample_lot()),
        ]
        self.assertEqual([response.status for response in failures], [401] * 5)
        response = update(daemon, UNKNOWN_TOKEN, "lot-a", {"delta": 1})
        self.assertProblem(response, 429, "rate-limited",
                           "too many failed authentications from 127.0.0.1; retry after 12 s")
        self.assertEqual(response.header("Retry-After"), "12")
        self.assertEqual(daemon.request("GET", "/v1/audit").status, 429)
        # A valid token from the same address still works, and an admin's too.
        self.assertEqual(update(daemon, valid, "lot-a", {"delta": 1}).status, 200)
        self.assertEqual(daemon.as_admin("GET", "/v1/tokens").status, 200)
        self.assertEqual(occupied(daemon, "lot-a"), 1)


class TrustedProxyTest(IntegrationTestCase):
    def failing(self, daemon, forwarded):
        return daemon.request("POST", "/v1/occupancy", {"updates": []},
                              {"X-Forwarded-For": forwarded})

    def test_clients_behind_a_trusted_proxy_are_limited_apart(self):
        daemon = self.daemon(settings={"trusted_proxies": "127.0.0.1",
                                       "auth_failures_per_minute": "2"})
        daemon.start()
        for _ in range(2):
            self.assertEqual(self.failing(daemon, "203.0.113.7").status, 401)
        response = self.failing(daemon, "203.0.113.7")
        self.assertProblem(response, 429, "rate-limited",
                           "too many failed authentications from 203.0.113.7; retry after 30 s")
        # The rightmost entry is the one the trusted proxy saw; what the client wrote is not.
        self.assertEqual(self.failing(daemon, "203.0.113.8, 203.0.113.7").status, 429)
        self.assertEqual(self.failing(daemon, "203.0.113.7, 203.0.113.8").status, 401)
        # One IPv6 /64 is one subscriber: it shares a limit; the next /64 does not.
        for _ in range(2):
            self.assertEqual(self.failing(daemon, "2001:db8:1:2::1").status, 401)
        response = self.failing(daemon, "2001:db8:1:2:ffff:ffff:ffff:ffff")
        self.assertProblem(response, 429, "rate-limited",
                           "too many failed authentications from 2001:db8:1:2::/64; "
                           "retry after 30 s")
        self.assertEqual(self.failing(daemon, "2001:db8:1:3::1").status, 401)
        # The audit records the client, not the proxy.
        self.assertEqual(daemon.put_lot("lot-a", sample_lot(),
                                        {"X-Forwarded-For": "198.51.100.20"}).status, 201)
        entries = daemon.as_admin("GET", "/v1/audit?lot=lot-a").json()["entries"]
        self.assertEqual([entry["client"] for entry in entries], ["198.51.100.20"])

    def test_without_trusted_proxies_the_header_is_ignored(self):
        daemon = self.daemon(settings={"auth_failures_per_minute": "2"})
        daemon.start()
        self.assertEqual(self.failing(daemon, "203.0.113.7").status, 401)
        self.assertEqual(self.failing(daemon, "203.0.113.8").status, 401)
        response = self.failing(daemon, "203.0.113.9")
        self.assertProblem(response, 429, "rate-limited",
                           "too many failed authentications from 127.0.0.1; retry after 30 s")
        self.assertEqual(daemon.put_lot("lot-a", sample_lot(),
                                        {"X-Forwarded-For": "198.51.100.20"}).status, 201)
        entries = daemon.as_admin("GET", "/v1/audit?lot=lot-a").json()["entries"]
        self.assertEqual([entry["client"] for entry in entries], ["127.0.0.1"])

    def test_a_bad_entry_stops_the_daemon_naming_it(self):
        daemon = self.daemon(settings={"trusted_proxies": "127.0.0.1 10.0.0.0/33"})
        process = subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30)
        self.assertEqual(process.returncode, 2)
        self.assertEqual(process.stderr,
                         "parkshare-server: --set trusted_proxies: trusted_proxies: "
                         "'10.0.0.0/33' is not an address or CIDR block\n")


class IdempotencyPerLotTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id in ("idem-a", "idem-b"):
            assert cls.shared.put_lot(lot_id, sample_lot(capacity=100)).status == 201

    def occupied(self, lot_id):
        return occupied(self.shared, lot_id)

    def test_one_key_on_two_lots_applies_to_both(self):
        key = {"Idempotency-Key": str(uuid.uuid4())}
        before_a, before_b = self.occupied("idem-a") or 0, self.occupied("idem-b") or 0
        first = self.shared.post_occupancy("idem-a", {"delta": 1}, key)
        second = self.shared.post_occupancy("idem-b", {"delta": 1}, key)
        self.assertEqual(first.status, 200)
        self.assertEqual(second.status, 200)
        self.assertIsNone(second.header("Idempotent-Replayed"))
        self.assertEqual(second.json()["id"], "idem-b")
        self.assertEqual((self.occupied("idem-a"), self.occupied("idem-b")),
                         (before_a + 1, before_b + 1))
        # In a batch each update's key is scoped to its own lot as well.
        batch_key = str(uuid.uuid4())
        response = self.shared.as_admin("POST", "/v1/occupancy", {"updates": [
            {"id": "idem-a", "delta": 1, "idempotency_key": batch_key},
            {"id": "idem-b", "delta": 1, "idempotency_key": batch_key}]})
        self.assertEqual([(r["status"], r["replayed"]) for r in response.json()["results"]],
                         [(200, False), (200, False)])
        self.assertEqual((self.occupied("idem-a"), self.occupied("idem-b")),
                         (before_a + 2, before_b + 2))

    def test_a_replay_after_the_token_was_rotated_counts_once(self):
        old_id, old = attendant(self.shared, ["idem-a"], "day shift")
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = update(self.shared, old, "idem-a", {"delta": 5}, key)
        self.assertEqual(first.status, 200)
        after = self.occupied("idem-a")
        self.assertEqual(self.shared.as_admin("DELETE", f"/v1/tokens/{old_id}").status, 204)
        _, new = attendant(self.shared, ["idem-a"], "day shift")
        replay = update(self.shared, new, "idem-a", {"delta": 5}, key)
        self.assertEqual(replay.status, 200)
        self.assertEqual(replay.body, first.body)
        self.assertEqual(replay.header("Idempotent-Replayed"), "true")
        self.assertEqual(self.occupied("idem-a"), after)
        # The same key with another update on that lot keeps its existing refusal.
        response = update(self.shared, new, "idem-a", {"delta": 6}, key)
        self.assertProblem(response, 422, "validation",
                           f"Idempotency-Key '{key['Idempotency-Key']}' was already used for "
                           "a different update")
        self.assertEqual(self.occupied("idem-a"), after)


if __name__ == "__main__":
    main()
