#!/usr/bin/env python3
"""`workers N`: several event loops on one port. Reads of a lot are answered by whichever loop
accepted the connection, from the view the first loop publishes; writes, streams and long polls
on a worker's connection are handed to the first loop; the caps hold across loops; SIGTERM stops
them all."""

import gzip
import http.client
import json
import os
import re
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import EventStream, IntegrationTestCase, Wire, main, sample_lot, wait_for  # noqa: E402

# SO_REUSEPORT spreads connections by a hash of their ports: with this many fresh
# connections, the chance that one loop gets none is 2^-39.
CONNECTIONS = 40


def metric(text, name, **labels):
    """The value of one sample of the Prometheus text, 0 when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.split(" ")[-1])
    return 0.0


class WorkersTest(IntegrationTestCase):
    def start(self, **settings):
        options = {"workers": "2"}
        options.update({key: str(value) for key, value in settings.items()})
        daemon = self.daemon(settings=options).start()
        self.assertEqual(daemon.put_lot("w-1", sample_lot(capacity=50, hours=None,
                                                                   calendar=None)).status, 201)
        return daemon

    def worker_answered(self, daemon):
        """Stop daemon with SIGTERM; the requests worker 1 answered, from its last log line."""
        self.assertEqual(daemon.stop(), 0, daemon.log_text())
        found = re.search(r"worker 1 stopped: answered (\d+) request\(s\), handed (\d+)",
                          daemon.log_text())
        self.assertIsNotNone(found, daemon.log_text())
        return int(found.group(1)), int(found.group(2))

    def fresh_get(self, daemon, path):
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def test_both_loops_answer_reads_and_the_metrics_add_up(self):
        daemon = self.start()
        before = daemon.get("/metrics").body.decode()
        labels = {"route": "/v1/lots/{id}", "method": "GET", "status": "200"}
        bodies = set()
        for _ in range(CONNECTIONS):
            status, body = self.fresh_get(daemon, "/v1/lots/w-1")
            self.assertEqual(status, 200, body)
            bodies.add(body)
        # Every loop answers the same bytes.
        self.assertEqual(len(bodies), 1)
        self.assertEqual(json.loads(bodies.pop())["id"], "w-1")
        # A scrape right after the answers counts every one of them, whichever loop answered.
        after = daemon.get("/metrics").body.decode()
        self.assertEqual(metric(after, "parkshare_http_requests_total", **labels)
                         - metric(before, "parkshare_http_requests_total", **labels), CONNECTIONS)
        answered, _ = self.worker_answered(daemon)
        print(f"worker 1 answered {answered} of {CONNECTIONS} reads", file=sys.stderr)
        self.assertGreater(answered, 0)
        self.assertLess(answered, CONNECTIONS)

    def test_concurrent_scrapes_each_count_every_answer(self):
        """/metrics waits for the workers' counts off the owner's loop: scrapes at once are each
        answered with every request answered before them, and say that no worker was missing."""
        daemon = self.start()
        labels = {"route": "/v1/lots/{id}", "method": "GET", "status": "200"}
        before = metric(daemon.get("/metrics").body.decode(), "parkshare_http_requests_total",
                        **labels)
        for _ in range(CONNECTIONS):
            self.assertEqual(self.fresh_get(daemon, "/v1/lots/w-1")[0], 200)
        texts = []

        def scrape():
            status, body = self.fresh_get(daemon, "/metrics")
            texts.append((status, body.decode()))

        scrapes = [threading.Thread(target=scrape) for _ in range(8)]
        for started in scrapes:
            started.start()
        # Reads go on being answered by every loop while the scrapes wait.
        for _ in range(8):
            self.assertEqual(self.fresh_get(daemon, "/v1/lots/w-1")[0], 200)
        for started in scrapes:
            started.join(timeout=15)
            self.assertFalse(started.is_alive(), "a scrape was never answered")
        self.assertEqual(len(texts), 8)
        for status, text in texts:
            self.assertEqual(status, 200)
            self.assertEqual(metric(text, "parkshare_metrics_workers_missing"), 0)
            self.assertIn("\nparkshare_metrics_workers_missing 0\n", text)
            counted = metric(text, "parkshare_http_requests_total", **labels) - before
            self.assertGreaterEqual(counted, CONNECTIONS)
            self.assertLessEqual(counted, CONNECTIONS + 8)
        after = metric(daemon.get("/metrics").body.decode(), "parkshare_http_requests_total",
                       **labels)
        self.assertEqual(after - before, CONNECTIONS + 8)

    def test_one_loop_has_no_workers_gauge(self):
        daemon = self.start(workers=1)
        self.assertNotIn("parkshare_metrics_workers_missing",
                         daemon.get("/metrics").body.decode())

    def fresh(self, daemon, method, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            kept = {name: response.getheader(name) for name in
                    ("ETag", "Content-Encoding", "Content-Length", "Vary", "Cache-Control",
                     "Access-Control-Allow-Origin", "Content-Type")}
            return response.status, kept, body
        finally:
            connection.close()

    def variants(self, daemon, paths):
        """Each path asked plainly, as HEAD, gzipped and conditionally (with its ETag now)."""
        asks = []
        for path in paths:
            etag = daemon.get(path).header("ETag")
            asks += [("GET", path, {}), ("HEAD", path, {}),
                     ("GET", path, {"Accept-Encoding": "gzip"}),
                     ("GET", path, {"If-None-Match": etag})]
        return asks

    def test_every_loop_answers_alike(self):
        """HEAD, gzip, 304 and 404 are answered the same whichever loop accepted: every
        answer over many fresh connections is one of a single set."""
        daemon = self.start()
        # Long texts make the answer worth compressing (over 1 KB).
        self.assertEqual(daemon.put_lot("w-2", sample_lot(name="停" * 200, address="车" * 200,
                                                          hours=None, calendar=None)).status,
                         201)
        etag = daemon.get("/v1/lots/w-2").header("ETag")
        asks = [("GET", "/v1/lots/w-2", {}),
                ("HEAD", "/v1/lots/w-2", {}),
                ("GET", "/v1/lots/w-2", {"Accept-Encoding": "gzip"}),
                ("GET", "/v1/lots/w-2", {"If-None-Match": etag}),
                ("GET", "/v1/lots/no-such-lot", {})]
        for method, path, headers in asks:
            answers = {repr(self.fresh(daemon, method, path, headers)) for _ in range(16)}
            self.assertEqual(len(answers), 1, (method, path, headers, answers))
        status, kept, body = self.fresh(daemon, "HEAD", "/v1/lots/w-2")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(self.fresh(daemon, "GET", "/v1/lots/w-2",
                                    {"Accept-Encoding": "gzip"})[1]["Content-Encoding"], "gzip")
        self.assertEqual(self.fresh(daemon, "GET", "/v1/lots/w-2",
                                    {"If-None-Match": etag})[0], 304)
        status, _, body = self.fresh(daemon, "GET", "/v1/lots/no-such-lot")
        self.assertEqual((status, json.loads(body)["detail"]), (404, "no lot 'no-such-lot'"))
        answered, _ = self.worker_answered(daemon)
        self.assertGreater(answered, 0)

    def test_gzip_copies_made_at_once_by_both_loops_are_the_same(self):
        """The gzip copy is made by the first request that asks for it, on whichever loop: after
        each count, fresh connections ask for the new version gzipped all at once (so both loops
        race to make its one copy), and every answer is the same bytes, decoding to the identity
        body, with the identity tag's gzip variant."""
        daemon = self.start()
        self.assertEqual(daemon.put_lot("w-2", sample_lot(name="停" * 200, address="车" * 200,
                                                          capacity=50, hours=None,
                                                          calendar=None)).status, 201)
        for occupied in (3, 4, 5):
            self.assertEqual(daemon.post_occupancy("w-2", {"occupied": occupied}).status, 200)
            answers = []

            def ask():
                answers.append(self.fresh(daemon, "GET", "/v1/lots/w-2",
                                          {"Accept-Encoding": "gzip"}))

            askers = [threading.Thread(target=ask) for _ in range(16)]
            for asker in askers:
                asker.start()
            for asker in askers:
                asker.join(timeout=15)
            identity = self.fresh(daemon, "GET", "/v1/lots/w-2")
            self.assertEqual(len(answers), 16)
            self.assertEqual(len({repr(answer) for answer in answers}), 1, answers)
            status, kept, body = answers[0]
            self.assertEqual((status, kept["Content-Encoding"]), (200, "gzip"))
            self.assertEqual(gzip.decompress(body), identity[2])
            self.assertEqual(json.loads(identity[2])["occupied"], occupied)
            self.assertEqual(kept["ETag"], identity[1]["ETag"][:-1] + '-gzip"')
        answered, _ = self.worker_answered(daemon)
        self.assertGreater(answered, 0)

    def test_totals_are_answered_alike_by_every_loop(self):
        """/v1/totals and /v1/totals.txt with their query parameters: every answer over many
        fresh connections, whichever loop accepted it, is one of a single set, and the worker
        answers some of them itself (from the totals the first loop published)."""
        daemon = self.start()
        self.assertEqual(daemon.put_lot("w-2", sample_lot(capacity=30, groups=["east-side"],
                                                          hours=None, calendar=None)).status, 201)
        self.assertEqual(daemon.post_occupancy("w-2", {"occupied": 7}).status, 200)
        paths = ["/v1/totals", "/v1/totals?group=admin-centre", "/v1/totals?group=east-side",
                 "/v1/totals?group=east%2Dside&kind=government", "/v1/totals?city=qingzhen",
                 "/v1/totals.txt", "/v1/totals.txt?group=admin-centre",
                 "/v1/totals?group=admin-centre&city=qingzhen&kind=government"]
        for path in paths:
            # The first loop keeps (and publishes) each selection once asked.
            self.assertEqual(daemon.get(path).status, 200, path)
        asks = self.variants(daemon, paths)
        asks += [("GET", "/v1/totals?group=nobody", {}), ("GET", "/v1/totals?colour=red", {}),
                 ("GET", "/v1/totals?group=admin-centre&group=east-side", {}),
                 ("GET", "/v1/totals?space=nothing", {})]
        for method, path, headers in asks:
            answers = {repr(self.fresh(daemon, method, path, headers)) for _ in range(12)}
            self.assertEqual(len(answers), 1, (method, path, headers, answers))
        status, _, body = self.fresh(daemon, "GET", "/v1/totals?group=east%2dside")
        self.assertEqual((status, json.loads(body)["occupied"]), (200, 7))
        status, kept, _ = self.fresh(daemon, "GET", "/v1/totals",
                                     {"If-None-Match": daemon.get("/v1/totals").header("ETag")})
        self.assertEqual(status, 304)
        self.assertEqual(self.fresh(daemon, "GET", "/v1/totals?colour=red")[0], 422)
        answered, _ = self.worker_answered(daemon)
        print(f"worker 1 answered {answered} totals reads", file=sys.stderr)
        self.assertGreater(answered, 0)

    def list_city(self, daemon):
        """Six lots around the first, in two groups, some with counts, names long enough for
        a list worth compressing."""
        for number in range(2, 8):
            lot = sample_lot(name=f"停车场 {number} " + "东" * 60, capacity=10 * number,
                             groups=["east-side"] if number % 2 else ["admin-centre"],
                             location={"lat": 26.5705 + number / 1000, "lon": 106.4707},
                             hours=None, calendar=None)
            self.assertEqual(daemon.put_lot(f"w-{number}", lot).status, 201)
            if number % 3:
                self.assertEqual(daemon.post_occupancy(f"w-{number}",
                                                       {"occupied": number}).status, 200)

    def test_lists_are_answered_alike_by_every_loop(self):
        """/v1/lots and /v1/lots.geojson with their filters, near, bbox and cursors: every
        answer over many fresh connections, whichever loop accepted it, is one of a single
        set, and the worker answers some of them itself (from the lot index and view the
        first loop published); a query the first loop refuses is refused alike."""
        daemon = self.start()
        self.list_city(daemon)
        second_page = json.loads(daemon.get("/v1/lots?limit=3").body)["next_cursor"]
        self.assertIsNotNone(second_page)
        paths = ["/v1/lots", "/v1/lots?group=east-side", "/v1/lots?group=east%2Dside&limit=2",
                 "/v1/lots?near=26.5705,106.4707&radius=3500", "/v1/lots?near=26.574,106.4707",
                 "/v1/lots?open=true&min_free=25", "/v1/lots?city=qingzhen&kind=government",
                 f"/v1/lots?limit=3&cursor={second_page}",
                 "/v1/lots.geojson?bbox=106.4,26.5,106.5,26.6", "/v1/lots.geojson"]
        asks = self.variants(daemon, paths)
        asks += [("GET", "/v1/lots?colour=red", {}), ("GET", "/v1/lots?limit=0", {}),
                 ("GET", "/v1/lots?group=a&group=b", {}), ("GET", "/v1/lots?cursor=forged", {}),
                 ("GET", "/v1/lots?City=qingzhen", {})]
        for method, path, headers in asks:
            answers = {repr(self.fresh(daemon, method, path, headers)) for _ in range(12)}
            self.assertEqual(len(answers), 1, (method, path, headers, answers))
        status, _, body = self.fresh(daemon, "GET", "/v1/lots?group=east-side")
        self.assertEqual([lot["id"] for lot in json.loads(body)["lots"]], ["w-3", "w-5", "w-7"])
        status, _, body = self.fresh(daemon, "GET", "/v1/lots?near=26.5745,106.4707&radius=250")
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in json.loads(body)["lots"]],
                         [("w-4", 0), ("w-3", 111), ("w-5", 111), ("w-2", 222), ("w-6", 222)])
        status, kept, _ = self.fresh(daemon, "GET", "/v1/lots", {"Accept-Encoding": "gzip"})
        self.assertEqual((status, kept["Content-Encoding"]), (200, "gzip"))
        self.assertEqual(self.fresh(daemon, "GET", "/v1/lots?colour=red")[0], 422)
        answered, _ = self.worker_answered(daemon)
        print(f"worker 1 answered {answered} list reads", file=sys.stderr)
        self.assertGreater(answered, 0)

    def test_a_write_or_a_new_lot_shows_in_the_next_list_on_any_connection(self):
        """The view and the lot index are published before a write is answered: a count, a
        new lot and a deleted one show in the very next list read, whichever loop has it."""
        daemon = self.start()
        self.list_city(daemon)
        stale = []
        for count in range(1, 9):
            self.assertEqual(daemon.post_occupancy("w-2", {"occupied": count}).status, 200)
            self.assertEqual(daemon.put_lot(f"n-{count}", sample_lot(hours=None,
                                                                     calendar=None)).status, 201)
            for _ in range(6):
                lots = json.loads(self.fresh_get(daemon, "/v1/lots?limit=500")[1])["lots"]
                by_id = {lot["id"]: lot for lot in lots}
                if by_id.get("w-2", {}).get("occupied") != count or f"n-{count}" not in by_id:
                    stale.append((count, sorted(by_id)))
        self.assertEqual(daemon.as_admin("DELETE", "/v1/lots/n-1").status, 204)
        for _ in range(6):
            lots = json.loads(self.fresh_get(daemon, "/v1/lots.geojson")[1])["features"]
            if "n-1" in [lot["id"] for lot in lots]:
                stale.append(("deleted", "n-1"))
        self.assertEqual(stale, [])
        answered, _ = self.worker_answered(daemon)
        self.assertGreater(answered, 0)

    def test_no_loop_answers_totals_older_than_one_already_answered(self):
        """Totals are recomputed on the first loop after each change and published before it
        answers from them: once any connection has seen a write in the totals, every later
        read on any connection sees it too."""
        daemon = self.start()
        path = "/v1/totals.txt?group=admin-centre"
        self.assertEqual(daemon.get(path).status, 200)
        readers = [http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
                   for _ in range(6)]
        for reader in readers:
            self.addCleanup(reader.close)
        older = []
        for count in range(1, 21):
            self.assertEqual(daemon.post_occupancy("w-1", {"occupied": count}).status, 200)
            wanted = f"{50 - count}"
            wait_for(lambda: wanted in self.fresh_get(daemon, path)[1].decode(),
                     what=f"the totals after writing {count}")
            for number, reader in enumerate(readers):
                reader.request("GET", path)
                answer = reader.getresponse().read().decode()
                if wanted not in answer:
                    older.append((number, count, answer))
            for _ in range(4):
                answer = self.fresh_get(daemon, path)[1].decode()
                if wanted not in answer:
                    older.append(("fresh", count, answer))
        self.assertEqual(older, [])
        answered, _ = self.worker_answered(daemon)
        self.assertGreater(answered, 0)

    def test_stale_answers_are_marked_alike_by_every_loop(self):
        """With Redis gone, lots and totals are answered from memory on every loop with the same
        stale marks: `"stale": true` in the body, Warning and Age."""
        redis = self.redis()
        daemon = self.daemon(settings={"redis": redis.url(), "workers": "2"}).start()
        self.assertEqual(daemon.put_lot("w-1", sample_lot(hours=None, calendar=None)).status,
                         201)
        self.assertEqual(daemon.get("/v1/totals?group=admin-centre").status, 200)
        redis.stop()
        wait_for(lambda: daemon.get("/v1/totals?group=admin-centre").json().get("stale") is True,
                 timeout=10, what="stale totals")
        for path in ("/v1/lots/w-1", "/v1/totals?group=admin-centre",
                     "/v1/totals.txt?group=admin-centre"):
            answers = set()
            for _ in range(12):
                connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    self.assertRegex(response.getheader("Age") or "", r"^\d+$", path)
                    answers.add((response.status, response.getheader("Warning"),
                                 response.getheader("ETag"), body))
                finally:
                    connection.close()
            self.assertEqual(len(answers), 1, (path, answers))
            status, warning, _, body = answers.pop()
            self.assertEqual((status, warning), (200, '110 - "Response is Stale"'), path)
            if not path.startswith("/v1/totals.txt"):
                self.assertIs(json.loads(body)["stale"], True, path)
        answered, _ = self.worker_answered(daemon)
        self.assertGreater(answered, 0)

    def test_a_write_is_seen_by_the_next_read_on_any_connection(self):
        daemon = self.start()
        # Readers that only read stay on the loop that accepted them.
        readers = [http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
                   for _ in range(8)]
        for reader in readers:
            self.addCleanup(reader.close)
        stale = []
        for count in range(1, 31):
            # Each write on a connection of its own: on a worker's, it is handed over.
            response = daemon.post_occupancy("w-1", {"occupied": count})
            self.assertEqual(response.status, 200, response.body)
            status, body = self.fresh_get(daemon, "/v1/lots/w-1")
            self.assertEqual(status, 200)
            if json.loads(body)["occupied"] != count:
                stale.append(("fresh", count, json.loads(body)["occupied"]))
            for number, reader in enumerate(readers):
                reader.request("GET", "/v1/lots/w-1")
                answer = reader.getresponse()
                seen = json.loads(answer.read())["occupied"]
                if seen != count:
                    stale.append((number, count, seen))
        self.assertEqual(stale, [])
        answered, handed = self.worker_answered(daemon)
        self.assertGreater(answered, 0)
        # The writes that landed on the worker went to the first loop.
        self.assertGreater(handed, 0)

    def test_a_write_on_a_kept_connection_is_handed_over_with_its_pipelined_read(self):
        daemon = self.start()
        token = daemon.admin_token()
        for count in range(1, 13):
            body = json.dumps({"occupied": count}).encode()
            wire = Wire(daemon.port)
            self.addCleanup(wire.close)
            # A read, then a write and a read sent at once: answered in order, the write seen.
            wire.send(b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(wire.answer()[0], 200)
            wire.send(b"POST /v1/lots/w-1/occupancy HTTP/1.1\r\nHost: x\r\n"
                      b"Authorization: Bearer " + token.encode() + b"\r\n"
                      b"Content-Type: application/json\r\n"
                      b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                      + b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, answer = wire.answer()
            self.assertEqual(status, 200, answer)
            status, _, answer = wire.answer()
            self.assertEqual((status, json.loads(answer)["occupied"]), (200, count))

    def test_streams_and_long_polls_on_any_connection_hear_of_changes(self):
        daemon = self.start(max_streams_per_client=32)
        streams = []
        for _ in range(14):
            stream = EventStream(daemon, "lot=w-1")
            self.addCleanup(stream.close)
            self.assertEqual(stream.response.status, 200)
            self.assertEqual(stream.next_named("lot")["id"], "w-1")
            streams.append(stream)
        etag = daemon.get("/v1/totals").header("ETag")
        answers = []

        def poll():
            connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
            try:
                connection.request("GET", "/v1/totals?wait=20", headers={"If-None-Match": etag})
                response = connection.getresponse()
                answers.append((response.status, json.loads(response.read())))
            finally:
                connection.close()

        polls = [threading.Thread(target=poll) for _ in range(8)]
        for waiting in polls:
            waiting.start()
        wait_for(lambda: metric(daemon.get("/metrics").body.decode(),
                                "parkshare_long_poll_waiters") == 8, what="8 waiting long polls")
        self.assertEqual(daemon.post_occupancy("w-1", {"occupied": 17}).status, 200)
        for stream in streams:
            self.assertEqual(stream.next_named("lot")["occupied"], 17)
        for waiting in polls:
            waiting.join(timeout=15)
            self.assertFalse(waiting.is_alive(), "a long poll was never answered")
        self.assertEqual(len(answers), 8)
        for status, document in answers:
            self.assertEqual((status, document["occupied"]), (200, 17))

    def test_the_per_client_cap_holds_across_loops(self):
        daemon = self.start(max_connections_per_client=6)
        accepted, refused = [], 0
        for _ in range(16):
            wire = Wire(daemon.port)
            self.addCleanup(wire.close)
            wire.send(b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _ = wire.answer()
            if status == 200:
                accepted.append(wire)
            else:
                self.assertEqual((status, headers["retry-after"]), (503, "5"))
                refused += 1
        # Counted per loop, each of two loops would take up to 6.
        self.assertEqual((len(accepted), refused), (6, 10))
        # A connection closed gives its place back, whichever loop held it.
        accepted.pop().close()

        def served_again():
            again = Wire(daemon.port)
            self.addCleanup(again.close)
            again.send(b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
            if again.answer()[0] == 200:
                return True
            again.close()
            return False

        wait_for(served_again, timeout=5, what="the closed connection's place")

    def test_sigterm_stops_every_loop_and_refuses_new_requests(self):
        daemon = self.start()
        kept = []
        for _ in range(10):
            wire = Wire(daemon.port)
            self.addCleanup(wire.close)
            wire.send(b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(wire.answer()[0], 200)
            kept.append(wire)
        daemon.signal(signal.SIGTERM)
        wait_for(lambda: "worker 1: no new connections" in daemon.log_text(),
                 what="the worker to begin its shutdown")
        # Whichever loop holds a kept connection answers its next request 503 or closes it.
        for wire in kept:
            try:
                wire.send(b"GET /v1/lots/w-1 HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(wire.answer()[0], 503)
            except (EOFError, ConnectionResetError, BrokenPipeError):
                pass
        self.assertEqual(daemon.process.wait(timeout=30), 0, daemon.log_text())
        daemon.stop()  # exited already: only closes the log
        self.assertIn("worker 1 stopped", daemon.log_text())
        self.assertIn("stopped", daemon.log_text().splitlines()[-1])

    def test_workers_0_is_one_loop_per_core_the_daemon_may_use(self):
        allowed = os.sched_getaffinity(0)
        self.addCleanup(os.sched_setaffinity, 0, allowed)
        # The daemon inherits the affinity it is started with (as from taskset or a cpuset).
        os.sched_setaffinity(0, {min(allowed)})
        one = self.start(workers=0)
        os.sched_setaffinity(0, allowed)
        self.assertEqual(one.stop(), 0)
        self.assertNotIn("event loops", one.log_text())
        if len(allowed) < 2:
            return
        os.sched_setaffinity(0, set(sorted(allowed)[:2]))
        two = self.start(workers=0)
        os.sched_setaffinity(0, allowed)
        self.assertEqual(two.stop(), 0)
        self.assertIn("2 event loops: this one and 1 worker(s)", two.log_text())

    def test_one_worker_is_one_loop(self):
        daemon = self.start(workers=1)
        self.assertEqual(self.fresh_get(daemon, "/v1/lots/w-1")[0], 200)
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("event loops", daemon.log_text())
        self.assertNotIn("worker 1", daemon.log_text())


if __name__ == "__main__":
    main()
