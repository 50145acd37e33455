#!/usr/bin/env python3
"""Server-Sent Events: the current state on connect, lot and totals events on change (also from
another daemon), 1,000 clients served while a stalled one is dropped."""

import os
import resource
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ClusterTestCase, EventStream, main, sample_lot  # noqa: E402


class StreamTest(ClusterTestCase):
    # The second daemon serves a thousand streams to one test address.
    cluster_settings = [{}, {"stream_buffer": "4k", "max_connections_per_client": "2000",
                             "max_streams_per_client": "2000", "max_streams": "2000"}]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index in range(3):
            body = sample_lot(groups=["streamed"], capacity=10, hours=None)
            assert cls.first.put_lot(f"stream-{index}", body).status == 201
        body = sample_lot(groups=["flood"], capacity=100000, hours=None)
        assert cls.first.put_lot("flood-lot", body).status == 201
        cls.wait_on_every_daemon(
            lambda daemon: daemon.get("/v1/totals?group=streamed").json()["lots"] == 3)

    def test_current_state_then_changes_from_another_daemon(self):
        stream = EventStream(self.second, "group=streamed")
        self.assertEqual(stream.response.status, 200)
        self.assertEqual(stream.response.getheader("Content-Type"), "text/event-stream")
        first = [stream.next_event() for _ in range(4)]
        self.assertEqual([name for name, _ in first], ["lot", "lot", "lot", "totals"])
        self.assertEqual([data["id"] for _, data in first[:3]],
                         ["stream-0", "stream-1", "stream-2"])
        self.assertEqual(first[3][1]["lots"], 3)
        written = time.monotonic()
        response = self.first.post_occupancy("stream-1", {"occupied": 4})
        self.assertEqual(response.status, 200)
        name, lot = stream.next_event()
        lot_latency = time.monotonic() - written
        self.assertEqual((name, lot["id"], lot["occupied"], lot["free"], lot["state"]),
                         ("lot", "stream-1", 4, 6, "open"))
        name, totals = stream.next_event()
        self.assertEqual(name, "totals")
        self.assertEqual(totals["occupied"], 4)
        print(f"write on one daemon → lot event on the other after {lot_latency * 1000:.0f} ms")
        stream.close()

    def test_lot_filter_and_unknown_lot(self):
        stream = EventStream(self.first, "lot=stream-2")
        name, lot = stream.next_event()
        self.assertEqual((name, lot["id"]), ("lot", "stream-2"))
        self.assertEqual(stream.next_event()[0], "totals")
        stream.close()
        response = self.first.get("/v1/stream?lot=no-such")
        self.assertProblem(response, 404, "not-found")
        self.assertProblem(self.first.get("/v1/stream?colour=red"), 422, "validation")

    def test_thousand_clients_served_while_a_stalled_one_is_dropped(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
        selector = selectors.DefaultSelector()
        request = (f"GET /v1/stream?group=streamed HTTP/1.1\r\nHost: x\r\n\r\n").encode()
        clients = []
        for _ in range(1000):
            client = socket.create_connection(("127.0.0.1", self.second.port))
            client.sendall(request)
            client.setblocking(False)
            selector.register(client, selectors.EVENT_READ, bytearray())
            clients.append(client)
        # The stalled sign: a tiny receive window, and it never reads.
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        stalled.connect(("127.0.0.1", self.second.port))
        stalled.sendall(b"GET /v1/stream?group=flood HTTP/1.1\r\nHost: x\r\n\r\n")

        def drain(seconds):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                for key, _ in selector.select(timeout=0.05):
                    try:
                        chunk = key.fileobj.recv(65536)
                    except BlockingIOError:
                        continue
                    key.data.extend(chunk)

        drain(1.0)
        self.assertTrue(all(b"event: totals" in key.data
                            for key in selector.get_map().values()))
        # Flood the stalled client's selection until the daemon lets it go.
        for batch in range(80):
            updates = [{"id": "flood-lot", "delta": 1 if i % 2 == 0 else -1} for i in range(500)]
            self.first.as_admin("POST", "/v1/occupancy", {"updates": updates})
            drain(0.05)
            if "dropping a stream client that stopped reading" in self.second.log_text():
                break
        self.assertIn("dropping a stream client that stopped reading", self.second.log_text())
        # Everyone else still hears about a change of their selection.
        for key in selector.get_map().values():
            key.data.clear()
        self.first.post_occupancy("stream-0", {"occupied": 7})
        drain(3.0)
        heard = sum(b'"id":"stream-0","occupied":7' in key.data
                    for key in selector.get_map().values())
        self.assertEqual(heard, 1000)
        self.assertTrue(self.second.is_ready())
        for client in clients:
            client.close()
        stalled.close()


if __name__ == "__main__":
    main()
