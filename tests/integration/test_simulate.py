#!/usr/bin/env python3
"""parkshare-cli simulate: for a few seconds it moves counts through the public API with a token,
only on the lots open now, arrivals and departures both, within capacity."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD_ROOT, DaemonTestCase, main, sample_lot, wait_for  # noqa: E402

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")
CLOSED_HOURS = {"workday": "off", "weekend": "off"}


class SimulateTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, group, capacity, hours, occupied in [
                ("sim-open-a", "sim", 6, None, 3), ("sim-open-b", "sim", 40, None, None),
                ("sim-closed", "sim", 30, CLOSED_HOURS, 7), ("sim-elsewhere", "other", 30, None, 9)]:
            body = sample_lot(groups=[group], capacity=capacity, hours=hours)
            assert cls.shared.put_lot(lot_id, body).status == 201
            if occupied is not None:
                assert cls.shared.post_occupancy(lot_id, {"occupied": occupied}).status == 200
        wait_for(lambda: cls.shared.get("/v1/totals?group=sim").json()["lots"] == 3)

    def run_cli(self, *arguments, token=True):
        command = [CLI, "-u", self.shared.base_url]
        if token:
            command += ["-t", self.shared.admin_token()]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        return subprocess.run(command + list(arguments), capture_output=True, text=True,
                              timeout=60, env=environment)

    def audit_of(self, lot_id):
        return self.shared.as_admin("GET", f"/v1/audit?lot={lot_id}&limit=1000").json()["entries"]

    def test_moves_only_open_lots_of_the_group(self):
        before = {lot: len(self.audit_of(lot)) for lot in ("sim-closed", "sim-elsewhere")}
        result = self.run_cli("simulate", "--rate", "40", "--group", "sim", "--duration", "3",
                              "--seed", "7")
        self.assertEqual(result.returncode, 0, result.stderr)
        updates = [line.split() for line in result.stdout.splitlines()]
        self.assertGreater(len(updates), 20)
        self.assertEqual({lot for lot, _, _ in updates}, {"sim-open-a", "sim-open-b"})
        self.assertEqual({step for _, step, _ in updates}, {"+1", "-1"})
        for lot, _, count in updates:
            occupied, capacity = map(int, count.split("/"))
            self.assertTrue(0 <= occupied <= capacity, (lot, count))
        # What it printed last is what the daemon holds; nothing else moved.
        last = {lot: int(count.split("/")[0]) for lot, _, count in updates}
        wait_for(lambda: all(self.shared.get(f"/v1/lots/{lot}").json()["occupied"] == value
                             for lot, value in last.items()), what="the simulated counts")
        self.assertEqual(self.shared.get("/v1/lots/sim-closed").json()["occupied"], 7)
        self.assertEqual(self.shared.get("/v1/lots/sim-elsewhere").json()["occupied"], 9)
        self.assertEqual({lot: len(self.audit_of(lot)) for lot in before}, before)
        self.assertRegex(result.stderr, r"simulate: \d+ arrivals, \d+ departures")
        print(f"simulate: {len(updates)} updates in 3 s at --rate 40")

    def test_refusals_and_usage(self):
        result = self.run_cli("simulate", "--duration", "1", token=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("simulate needs a token", result.stderr)
        result = self.run_cli("simulate", "--rate", "0")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--rate must be a whole number from 1 to 100", result.stderr)
        result = self.run_cli("simulate", "extra")
        self.assertEqual(result.returncode, 2)
        attendant = self.shared.create_attendant_token(["sim-open-a"]).json()["token"]
        command = [CLI, "-u", self.shared.base_url, "-t", attendant, "simulate", "--rate", "40",
                   "--group", "sim", "--duration", "2", "--seed", "3"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("leaving sim-open-b alone (403)", result.stderr)
        lots = {line.split()[0] for line in result.stdout.splitlines()}
        self.assertEqual(lots, {"sim-open-a"})


if __name__ == "__main__":
    main()
