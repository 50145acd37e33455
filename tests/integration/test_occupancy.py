#!/usr/bin/env python3
"""Attendant writes: atomic updates, clamping, idempotency across instances, scope, revocation,
batches, concurrency against the audit stream."""

import datetime
import json
import os
import random
import socket
import sys
import threading
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ClusterTestCase, EventStream, audit_entries, main, sample_lot  # noqa: E402

LOT = "/v1/lots/gov-a"


def seconds(rfc3339):
    """An RFC 3339 time of the API (to the second, with its offset) in seconds since 1970."""
    return int(datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp())


class OccupancyTest(ClusterTestCase):
    def setUp(self):
        self.redis_server.cli("DEL", "ps:lot:gov-a", "ps:lot:gov-b", "ps:audit")
        for lot_id, capacity in (("gov-a", 10), ("gov-b", 50)):
            response = self.first.put_lot(lot_id, sample_lot(capacity=capacity))
            self.assertIn(response.status, (200, 201), response.body)

    def update(self, body, key=None, daemon=None, token=None, path=LOT):
        headers = {"Idempotency-Key": key} if key else {}
        daemon = daemon or self.first
        if token is None:
            return daemon.as_admin("POST", path + "/occupancy", body, headers)
        return daemon.with_token(token, "POST", path + "/occupancy", body, headers)

    def stored(self, lot_id="gov-a"):
        fields = self.redis_server.cli("HGETALL", f"ps:lot:{lot_id}").split("\n")
        return dict(zip(fields[::2], fields[1::2]))

    def audit_length(self, lot_id="gov-a"):
        return len(audit_entries(self.redis_server.cli, lot_id))

    def attendant(self, lots, daemon=None):
        response = (daemon or self.first).create_attendant_token(lots)
        self.assertEqual(response.status, 201, response.body)
        return response.json()

    def test_delta_recount_and_exact_answer(self):
        response = self.update({"delta": 3})
        self.assertEqual(response.status, 200, response.body)
        answer = response.json()
        self.assertEqual(answer, {"id": "gov-a", "occupied": 3, "free": 7, "capacity": 10,
                                  "version": answer["version"], "clamped": False})
        version = answer["version"]
        answer = self.update({"occupied": 8}).json()
        self.assertEqual((answer["occupied"], answer["free"], answer["version"]),
                         (8, 2, version + 1))
        answer = self.update({"delta": -2}).json()
        self.assertEqual(answer["occupied"], 6)
        self.assertEqual(self.stored()["occupied"], "6")

    def test_clamping_at_zero_and_capacity(self):
        answer = self.update({"delta": -1}).json()
        self.assertEqual((answer["occupied"], answer["clamped"]), (0, True))
        answer = self.update({"delta": 25}).json()
        self.assertEqual((answer["occupied"], answer["free"], answer["clamped"]), (10, 0, True))
        answer = self.update({"delta": -3}).json()
        self.assertEqual((answer["occupied"], answer["clamped"]), (7, False))
        clamped = [entry["clamped"] for entry in audit_entries(self.redis_server.cli, "gov-a")
                   if entry["kind"] == "delta"]
        self.assertEqual(clamped, ["1", "1", "0"])

    def test_recount_above_capacity_is_refused_and_changes_nothing(self):
        self.update({"occupied": 4})
        before, audit = self.stored(), self.audit_length()
        response = self.update({"occupied": 11})
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"][0]["field"], "occupied")
        self.assertIn("capacity 10", document["errors"][0]["rule"])
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.audit_length(), audit)

    def test_invalid_bodies(self):
        self.update({"occupied": 4})
        before, audit = self.stored(), self.audit_length()
        cases = [
            ({"delta": 0}, "delta", "must be a non-zero integer from -100000 to 100000"),
            ({"delta": 1.5}, "delta", "must be an integer (not a string or a fraction)"),
            ({"delta": "1"}, "delta", "must be an integer (not a string or a fraction)"),
            ({"occupied": -1}, "occupied", "must be an integer from 0 to 100000"),
            ({}, "delta", "give exactly one of delta (a change) or occupied (a recount)"),
            ({"delta": 1, "occupied": 2}, "occupied",
             "give exactly one of delta (a change) or occupied (a recount)"),
            ({"delta": 1, "detla": 2}, "detla", "unknown field; expected delta or occupied, and space"),
            ([1], "body", "must be a JSON object"),
        ]
        for body, field, rule in cases:
            with self.subTest(body=body):
                document = self.assertProblem(self.update(body), 422, "validation",
                                              f"{field}: {rule}")
                self.assertEqual(document["errors"], [{"field": field, "rule": rule}])
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.audit_length(), audit)

    def test_framing_errors(self):
        before, audit = self.stored(), self.audit_length()
        response = self.first.as_admin("POST", LOT + "/occupancy", b'{"delta": 1',
                                       {"Content-Type": "application/json"})
        document = self.assertProblem(response, 400, "bad-request")
        self.assertRegex(document["detail"], r"^malformed JSON at line 1, column \d+ \(byte \d+\)")
        response = self.first.as_admin("POST", LOT + "/occupancy", b'{"delta": 1}',
                                       {"Content-Type": "text/plain"})
        self.assertProblem(response, 415, "unsupported-media-type",
                           "the body must be application/json, not text/plain")
        response = self.first.as_admin("POST", LOT + "/occupancy", b'{"delta":1,"delta":2}',
                                       {"Content-Type": "application/json"})
        self.assertProblem(response, 400, "bad-request")
        response = self.update({"delta": 1}, key="k" * 129)
        self.assertProblem(response, 400, "bad-request")
        response = self.update({"delta": 1}, key="has space")
        self.assertProblem(response, 400, "bad-request")
        response = self.first.request("POST", LOT + "/occupancy", {"delta": 1})
        self.assertProblem(response, 401, "unauthorized")
        self.assertEqual(response.header("WWW-Authenticate"), 'Bearer realm="parkshare"')
        response = self.first.with_token("ps_" + "A" * 43, "POST", LOT + "/occupancy",
                                         {"delta": 1})
        self.assertProblem(response, 401, "unauthorized", "unknown or revoked token")
        response = self.first.with_token("nonsense", "POST", LOT + "/occupancy", {"delta": 1})
        self.assertProblem(response, 401, "unauthorized")
        response = self.update({"delta": 1}, path="/v1/lots/no-such-lot")
        self.assertProblem(response, 404, "not-found", "no lot 'no-such-lot'")
        response = self.update({"delta": 1}, path="/v1/lots/Bad!Id")
        self.assertProblem(response, 404, "not-found")
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.audit_length(), audit)

    def test_conflicting_content_length_is_400(self):
        body = b'{"delta": 1}'
        request = (f"POST {LOT}/occupancy HTTP/1.1\r\nHost: x\r\n"
                   f"Authorization: Bearer {self.first.admin_token()}\r\n"
                   "Content-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\nContent-Length: {len(body) + 1}\r\n\r\n")
        before = self.stored()
        with socket.create_connection(("127.0.0.1", self.first.port), timeout=5) as connection:
            connection.sendall(request.encode() + body)
            answer = connection.recv(65536)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer)
        self.assertEqual(self.stored(), before)

    def test_idempotent_retry_counts_once_on_either_instance(self):
        key = str(uuid.uuid4())
        first = self.update({"delta": 2}, key=key)
        self.assertEqual(first.status, 200)
        audit = self.audit_length()
        again = self.update({"delta": 2}, key=key)
        self.assertEqual(again.body, first.body)
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        elsewhere = self.update({"delta": 2}, key=key, daemon=self.second)
        self.assertEqual(elsewhere.status, 200)
        self.assertEqual(elsewhere.body, first.body)
        self.assertEqual(self.stored()["occupied"], "2")
        self.assertEqual(self.audit_length(), audit)
        # The same key with another body is refused and changes nothing.
        response = self.update({"delta": 3}, key=key, daemon=self.second)
        self.assertProblem(response, 422, "validation",
                           f"Idempotency-Key '{key}' was already used for a different update")
        self.assertEqual(self.stored()["occupied"], "2")
        # One string per key and lot: the fingerprint, a newline, the answer, with its expiry.
        record = f"ps:replay:gov-a:{key}"
        self.assertEqual(self.redis_server.cli("TYPE", record), "string")
        self.assertEqual(self.redis_server.cli("GET", record),
                         "gov-a delta 2\n" + first.body.decode())
        ttl = int(self.redis_server.cli("TTL", record))
        self.assertTrue(86000 < ttl <= 86400, ttl)
        self.assertEqual(self.redis_server.cli("KEYS", "ps:idem*"), "")

    def test_updated_at_is_the_time_of_the_audit_entry(self):
        """The stored updated_at is the time of the write's audit entry id (Redis's clock,
        never behind the entry before), to the ms; the lot read back on the instance that
        took the write and the other instance's lot event say the same second."""
        stream = EventStream(self.second, "lot=gov-a")
        self.addCleanup(stream.close)
        times = []
        for delta in (1, 2, -1):
            answer = self.update({"delta": delta})
            self.assertEqual(answer.status, 200)
            entry = json.loads(self.redis_server.cli("--json", "XREVRANGE", "ps:audit", "+", "-",
                                                     "COUNT", "1"))[0]
            self.assertEqual(dict(zip(entry[1][::2], entry[1][1::2]))["requested"], str(delta))
            stored = self.stored()
            self.assertEqual(stored["updated_at"], entry[0].split("-")[0])
            times.append(int(stored["updated_at"]))
        self.assertEqual(times, sorted(times))
        wanted = times[-1] // 1000
        self.assertEqual(seconds(self.first.get(LOT).json()["updated_at"]), wanted)
        # On the other instance, through the change message: its state when the stream
        # opened (maybe not yet this test's lot), then the lot events up to the last write.
        version = answer.json()["version"]
        for _ in range(5):
            event = stream.next_named("lot")
            if event["version"] == version:
                break
        self.assertEqual((event["version"], event["occupied"], seconds(event["updated_at"])),
                         (version, 2, wanted))

    def test_attendant_scope(self):
        token = self.attendant(["gov-a"])["token"]
        self.assertEqual(self.update({"delta": 1}, token=token).status, 200)
        before = self.stored("gov-b")
        response = self.update({"delta": 1}, token=token, path="/v1/lots/gov-b")
        self.assertProblem(response, 403, "forbidden", "this token may not update lot 'gov-b'")
        self.assertEqual(self.stored("gov-b"), before)
        # An attendant cannot administer.
        response = self.first.with_token(token, "PUT", "/v1/lots/gov-c", sample_lot())
        self.assertEqual(response.status, 403)

    def test_revoked_token_refused_at_once_on_both_instances(self):
        created = self.attendant(["gov-a"])
        token = created["token"]
        self.assertEqual(self.update({"delta": 1}, token=token, daemon=self.second).status, 200)
        response = self.first.as_admin("DELETE", f"/v1/tokens/{created['id']}")
        self.assertEqual(response.status, 204)
        for daemon in (self.first, self.second):
            response = self.update({"delta": 1}, token=token, daemon=daemon)
            self.assertProblem(response, 401, "unauthorized", "unknown or revoked token")
        response = self.first.as_admin("DELETE", f"/v1/tokens/{created['id']}")
        self.assertProblem(response, 404, "not-found")

    def test_batch_answers_item_by_item(self):
        token = self.attendant(["gov-a"])["token"]
        key = str(uuid.uuid4())
        body = {"updates": [
            {"id": "gov-a", "delta": 2, "idempotency_key": key},
            {"id": "gov-a", "delta": 2, "idempotency_key": key},
            {"id": "gov-b", "delta": 1},
            {"id": "gov-a", "occupied": 99},
            {"id": "gov-a", "detla": 1},
            {"id": "nope", "delta": 1},
        ]}
        response = self.first.with_token(token, "POST", "/v1/occupancy", body)
        self.assertEqual(response.status, 200, response.body)
        results = response.json()["results"]
        self.assertEqual([r["status"] for r in results], [200, 200, 403, 422, 422, 403])
        self.assertEqual(results[0]["result"]["occupied"], 2)
        self.assertEqual(results[1]["result"], results[0]["result"])
        self.assertEqual((results[0]["replayed"], results[1]["replayed"]), (False, True))
        self.assertEqual(results[4]["problem"]["errors"][0]["field"], "detla")
        self.assertEqual(self.stored()["occupied"], "2")
        # An envelope error refuses the whole batch.
        response = self.first.with_token(token, "POST", "/v1/occupancy",
                                         {"updates": [{"id": "gov-a", "delta": 1}] * 501})
        self.assertProblem(response, 422, "validation",
                           "updates: must be an array of 1 to 500 updates")
        self.assertEqual(self.stored()["occupied"], "2")

    def test_concurrent_deltas_match_the_audit_replay(self):
        acknowledged = []
        lock = threading.Lock()

        def client(seed):
            rng = random.Random(seed)
            done = 0
            for _ in range(500):
                response = self.update({"delta": rng.choice((-1, 1))},
                                       key=str(uuid.uuid4()),
                                       daemon=self.first if seed % 2 else self.second)
                if response.status == 200:
                    done += 1
            with lock:
                acknowledged.append(done)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sum(acknowledged), 4000)
        updates = [entry for entry in audit_entries(self.redis_server.cli, "gov-a")
                   if entry["kind"] in ("delta", "recount")]
        self.assertEqual(len(updates), 4000)
        occupied = 0
        for entry in updates:
            self.assertEqual(int(entry["old"] or 0), occupied)
            occupied = min(10, max(0, occupied + int(entry["requested"])))
            self.assertEqual(int(entry["new"]), occupied)
        self.assertEqual(int(self.stored()["occupied"]), occupied)

    def test_redis_down_answers_503_and_recovers(self):
        self.redis_server.stop()
        try:
            response = self.update({"delta": 1})
            self.assertProblem(response, 503, "store-unavailable")
            self.assertEqual(response.header("Retry-After"), "1")
        finally:
            self.redis_server.start()
            self.first.wait_ready()
            self.second.wait_ready()


if __name__ == "__main__":
    main()
