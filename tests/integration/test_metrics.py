#!/usr/bin/env python3
"""GET /metrics: the Prometheus text checked by promtool, counters that move with real traffic,
gauges read live, and who may read it."""

import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    DaemonTestCase,
    IntegrationTestCase,
    Wire,
    main,
    sample_lot,
    wait_for,
)

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$")


def parse(text):
    """{(name, labels as a sorted tuple of pairs): value} of an exposition's samples."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or "")))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def value(samples, name, **labels):
    """A sample's value; 0 for a label set not shown yet (counters start at zero)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def family(samples, name):
    """{labels as a dict's items: value} of every sample of name."""
    return {labels: number for (found, labels), number in samples.items() if found == name}


class MetricsTraffic(DaemonTestCase):
    """The default metrics_allow (loopback); caps and limits low enough to reach from a test,
    met from loopback addresses of their own so that the scrapes from 127.0.0.1 never are."""

    daemon_settings = {"max_connections_per_client": "2", "auth_failures_per_minute": "2"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, capacity in (("metrics-a", 10), ("metrics-b", 20)):
            response = cls.shared.put_lot(lot_id, sample_lot(capacity=capacity,
                                                             groups=["metrics"]))
            assert response.status == 201, response.body

    def scrape(self):
        response = self.shared.get("/metrics")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Content-Type"), METRICS_TYPE)
        return parse(response.body.decode())

    def test_promtool_accepts_a_live_answer(self):
        if shutil.which("promtool") is None:
            self.fail("promtool is missing: install the Debian package prometheus")
        # Traffic first, so that histograms and labelled counters are in the answer.
        self.shared.get("/v1/lots/metrics-a")
        self.shared.get("/v1/no-such-thing")
        self.shared.post_occupancy("metrics-b", {"delta": 1})
        body = self.shared.get("/metrics").body
        self.assertIn(b"parkshare_http_request_duration_seconds_bucket{route=\"/v1/lots/{id}\","
                      b"le=\"+Inf\"}", body)
        self.assertIn(b"parkshare_redis_script_duration_seconds_count{script=\"occupancy\"}",
                      body)
        checked = subprocess.run(["promtool", "check", "metrics"], input=body,
                                 capture_output=True, timeout=30)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertEqual(checked.stdout + checked.stderr, b"")

    def test_every_family_is_described(self):
        text = self.shared.get("/metrics").body.decode()
        for name, kind in (("parkshare_build_info", "gauge"),
                           ("parkshare_http_requests_total", "counter"),
                           ("parkshare_http_request_duration_seconds", "histogram"),
                           ("parkshare_writes_total", "counter"),
                           ("parkshare_redis_up", "gauge"),
                           ("parkshare_redis_reconnects_total", "counter"),
                           ("parkshare_redis_script_duration_seconds", "histogram"),
                           ("parkshare_lots", "gauge"),
                           ("parkshare_stream_clients", "gauge"),
                           ("parkshare_long_poll_waiters", "gauge"),
                           ("parkshare_connections_open", "gauge"),
                           ("parkshare_connections_refused_total", "counter"),
                           ("parkshare_rate_limited_total", "counter")):
            self.assertIn(f"\n# TYPE {name} {kind}\n", "\n" + text)
            self.assertRegex(text, rf"(?m)^# HELP {name} \S")

    def test_build_info_names_the_version(self):
        version = subprocess.run([self.shared.command()[0], "--version"], capture_output=True,
                                 text=True, timeout=10).stdout
        builds = family(self.scrape(), "parkshare_build_info")
        self.assertEqual(len(builds), 1)
        (labels, number), = builds.items()
        self.assertEqual(number, 1)
        self.assertEqual(labels[0][0], "version")
        self.assertIn(labels[0][1], version)

    def test_gets_of_a_lot_count_exactly_under_its_route_template(self):
        labels = {"route": "/v1/lots/{id}", "method": "GET", "status": "200"}
        before = value(self.scrape(), "parkshare_http_requests_total", **labels)
        for _ in range(7):
            self.assertEqual(self.shared.get("/v1/lots/metrics-a").status, 200)
        self.assertEqual(self.shared.get("/v1/lots/metrics-none").status, 404)
        after = self.scrape()
        self.assertEqual(value(after, "parkshare_http_requests_total", **labels) - before, 7)
        self.assertGreaterEqual(value(after, "parkshare_http_requests_total", route="/v1/lots/{id}",
                                      method="GET", status="404"), 1)
        # Raw paths never become labels: the route template does.
        for (name, found), _ in after.items():
            if name == "parkshare_http_requests_total":
                self.assertNotIn("metrics-a", dict(found)["route"])

    def test_unmatched_paths_count_as_other(self):
        labels = {"route": "other", "method": "GET", "status": "404"}
        before = value(self.scrape(), "parkshare_http_requests_total", **labels)
        for path in ("/nowhere", "/nowhere/else", "/v1/lots/a/b/c/d"):
            self.assertEqual(self.shared.get(path).status, 404)
        self.assertEqual(value(self.scrape(), "parkshare_http_requests_total", **labels) - before,
                         3)

    def test_each_write_outcome_moves_by_one(self):
        before = family(self.scrape(), "parkshare_writes_total")
        key = {"Idempotency-Key": f"metrics-{time.monotonic_ns()}"}
        first = self.shared.post_occupancy("metrics-a", {"occupied": 4}, key)
        self.assertEqual(first.status, 200, first.body)
        replayed = self.shared.post_occupancy("metrics-a", {"occupied": 4}, key)
        self.assertEqual(replayed.header("Idempotent-Replayed"), "true")
        clamped = self.shared.post_occupancy("metrics-a", {"delta": 100})
        self.assertTrue(clamped.json()["clamped"])
        refused = self.shared.post_occupancy("metrics-gone", {"delta": 1})
        self.assertEqual(refused.status, 404)
        after = family(self.scrape(), "parkshare_writes_total")
        moved = {dict(labels)["outcome"]: after[labels] - before[labels] for labels in after}
        self.assertEqual(moved, {"ok": 1, "replay": 1, "clamped": 1, "refused": 1,
                                 "unavailable": 0})

    def test_a_connection_over_the_per_client_cap_is_counted(self):
        labels = {"limit": "max_connections_per_client"}
        before = value(self.scrape(), "parkshare_connections_refused_total", **labels)
        held = [Wire(self.shared.port, source="127.0.0.61") for _ in range(2)]
        try:
            # Both are accepted once one of them has been answered.
            held[0].send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(held[0].answer()[0], 200)
            third = Wire(self.shared.port, source="127.0.0.61")
            try:
                self.assertEqual(third.answer()[0], 503)
            finally:
                third.close()
            self.assertEqual(value(self.scrape(), "parkshare_connections_refused_total",
                                   **labels) - before, 1)
            self.assertGreaterEqual(value(self.scrape(), "parkshare_connections_open"), 2)
        finally:
            for wire in held:
                wire.close()

    def test_failed_authentications_past_the_limit_count_as_rate_limited(self):
        labels = {"limit": "auth_failures"}
        before = value(self.scrape(), "parkshare_rate_limited_total", **labels)
        statuses = []
        for _ in range(3):
            wire = Wire(self.shared.port, source="127.0.0.62")
            try:
                wire.send(b"GET /v1/tokens HTTP/1.1\r\nHost: x\r\n"
                          b"Authorization: Bearer not-a-token\r\n\r\n")
                statuses.append(wire.answer()[0])
            finally:
                wire.close()
        self.assertEqual(statuses, [401, 401, 429])
        self.assertEqual(value(self.scrape(), "parkshare_rate_limited_total", **labels) - before, 1)

    def test_redis_is_up_and_lots_by_state_add_up(self):
        samples = self.scrape()
        self.assertEqual(value(samples, "parkshare_redis_up"), 1)
        lots = len(self.shared.get("/v1/lots?limit=500").json()["lots"])
        states = family(samples, "parkshare_lots")
        self.assertEqual({dict(labels)["state"] for labels in states},
                         {"open", "full", "closed", "unknown"})
        self.assertEqual(sum(states.values()), lots)
        self.assertGreaterEqual(lots, 2)

    def test_a_stream_client_and_a_long_poll_show_in_their_gauges(self):
        self.assertEqual(value(self.scrape(), "parkshare_stream_clients"), 0)
        stream = Wire(self.shared.port, source="127.0.0.63")
        try:
            stream.send(b"GET /v1/stream?group=metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(stream.head()[0], 200)
            self.assertEqual(value(self.scrape(), "parkshare_stream_clients"), 1)
        finally:
            stream.close()
        wait_for(lambda: value(self.scrape(), "parkshare_stream_clients") == 0,
                 what="the stream to be gone from the gauge")

        etag = self.shared.get("/v1/totals?group=metrics").header("ETag")
        answered = {}

        def poll():
            answered["status"] = self.shared.get("/v1/totals?group=metrics&wait=20",
                                                 headers={"If-None-Match": etag}).status

        waiting = threading.Thread(target=poll)
        waiting.start()
        wait_for(lambda: value(self.scrape(), "parkshare_long_poll_waiters") == 1,
                 what="the long poll in the gauge")
        # The long poll and a scrape fill max_connections_per_client (2); a scrape's connection
        # counts until the daemon has read its close, on whichever loop holds it.
        wait_for(lambda: self.shared.post_occupancy("metrics-b", {"delta": 1}).status == 200,
                 what="the write that wakes the long poll")
        waiting.join(timeout=25)
        self.assertEqual(answered.get("status"), 200)
        self.assertEqual(value(self.scrape(), "parkshare_long_poll_waiters"), 0)

    def test_a_scrape_from_an_address_outside_metrics_allow_is_refused(self):
        wire = Wire(self.shared.port, source="127.0.0.64")
        try:
            wire.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, body = wire.answer()
        finally:
            wire.close()
        self.assertEqual(status, 403)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertIn(b"127.0.0.64 is not in metrics_allow", body)


class MetricsAccess(IntegrationTestCase):
    def test_an_empty_allow_list_asks_for_an_admin_token(self):
        daemon = self.daemon(settings={"metrics_allow": ""}).start()
        refused = daemon.get("/metrics")
        self.assertProblem(refused, 403, "forbidden",
                           "/metrics is served to the addresses in metrics_allow or with an admin "
                           "token; 127.0.0.1 is not in metrics_allow")
        admitted = daemon.as_admin("GET", "/metrics")
        self.assertEqual(admitted.status, 200, admitted.body)
        self.assertEqual(admitted.header("Content-Type"), METRICS_TYPE)
        self.assertIn(b"parkshare_redis_up 1\n", admitted.body)
        daemon.put_lot("access-lot", sample_lot())
        token = daemon.create_attendant_token(["access-lot"]).json()["token"]
        self.assertProblem(daemon.with_token(token, "GET", "/metrics"), 403, "forbidden")
        self.assertProblem(daemon.with_token("nonsense", "GET", "/metrics"), 401,
                           "unauthorized")

    def test_a_lost_redis_link_counts_one_reconnect(self):
        daemon = self.daemon().start()
        body = daemon.get("/metrics").body
        self.assertIn(b"\nparkshare_redis_reconnects_total 0\n", body)
        daemon.redis_cli("CLIENT", "KILL", "TYPE", "normal")
        wait_for(lambda: b"\nparkshare_redis_reconnects_total 1\n" in daemon.get("/metrics").body,
                 what="the reconnect to be counted")
        wait_for(daemon.is_ready, what="the store to be ready again")
        self.assertIn(b"\nparkshare_redis_up 1\n", daemon.get("/metrics").body)

    def test_behind_a_trusted_proxy_the_forwarded_client_is_judged(self):
        daemon = self.daemon(settings={"trusted_proxies": "127.0.0.1"}).start()
        direct = daemon.get("/metrics")
        self.assertEqual(direct.status, 200)
        forwarded = daemon.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        self.assertProblem(forwarded, 403, "forbidden")
        self.assertIn("203.0.113.9 is not in metrics_allow", forwarded.json()["detail"])


if __name__ == "__main__":
    main()
