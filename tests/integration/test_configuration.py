#!/usr/bin/env python3
"""Command line and configuration: errors name file and line; precedence holds."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_LOTS, SERVER, SOURCE_ROOT, IntegrationTestCase, main,  # noqa: E402
                     wait_for)


def run(arguments, environment=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
    env.update(environment or {})
    return subprocess.run([SERVER] + arguments, capture_output=True, text=True, timeout=30,
                          env=env, cwd=cwd)


class ConfigurationTest(IntegrationTestCase):
    def write(self, text):
        daemon = self.daemon()
        path = os.path.join(daemon.workdir, "bad.conf")
        with open(path, "w") as config:
            config.write(text)
        return path

    def test_unknown_key_names_file_and_line(self):
        path = self.write("# comment\nlisten 127.0.0.1:0\nlisen 127.0.0.1:1\n")
        result = run(["-c", path])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, f"parkshare-server: {path}:3: unknown key 'lisen'\n")

    def test_bad_value_names_file_line_and_rule(self):
        path = self.write("\n\nstale_after soon\n")
        result = run(["-c", path])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         f"parkshare-server: {path}:3: stale_after: 'soon' is not a duration "
                         "(whole seconds, or a number with s, m, h or d)\n")

    def test_bad_environment_value(self):
        result = run([], {"PARKSHARE_LOG_FORMAT": "xml"})
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "parkshare-server: environment PARKSHARE_LOG_FORMAT: "
                                        "log_format: 'xml' is not 'text' or 'json'\n")

    def test_bad_set(self):
        result = run(["--set", "max_body=lots"])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "parkshare-server: --set max_body: max_body: 'lots' is not "
                                        "a size (whole bytes, or a number with k or m)\n")

    def test_unknown_timezone(self):
        result = run(["--set", "timezone=Mars/Olympus_Mons"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("timezone: no zone 'Mars/Olympus_Mons'", result.stderr)

    def test_missing_file(self):
        result = run(["-c", "/nonexistent/parkshare.conf"])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         "parkshare-server: /nonexistent/parkshare.conf: No such file or directory\n")

    def test_usage_errors(self):
        result = run(["--frobnicate"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("Usage: parkshare-server [-c FILE] [--set key=value]... [-t] [-h] [-v]",
                      result.stderr)
        result = run(["stray"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("unexpected argument 'stray'", result.stderr)

    def test_help_and_version(self):
        result = run(["-h"])
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.startswith("Usage: parkshare-server"))
        result = run(["--version"])
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^parkshare-server \d+\.\d+\.\d+\n$")

    def test_shipped_example_config_starts_and_loads_the_demo(self):
        daemon = self.daemon()
        text = open(os.path.join(SOURCE_ROOT, "config", "parkshare.conf")).read()
        # The example's relative paths (demo, web_root) are from the source root.
        daemon.config_text = text.replace("demo config/demo/lots.json", "demo " + DEMO_LOTS)
        daemon.start()
        lots = wait_for(lambda: (lambda page: len(page) == 29 and page)(
            daemon.get("/v1/lots?limit=500").json()["lots"]), what="the demo lots")
        government = [lot for lot in lots if lot["kind"] == "government"]
        self.assertEqual(len(government), 15)
        self.assertEqual(sum(lot["capacity"] for lot in government), 976)
        self.assertEqual(sum(lot["capacity"] for lot in lots if lot["kind"] == "reclaimed"), 3050)
        token_path = daemon.demo_token_path()
        wait_for(lambda: os.path.exists(token_path), what="the demo attendant token")
        token = open(token_path).read().strip()
        # The demo starts each lot at a plausible count.
        before = daemon.get("/v1/lots/gov-city-hall").json()["occupied"]
        self.assertGreater(before, 0)
        response = daemon.with_token(token, "POST", "/v1/lots/gov-city-hall/occupancy",
                                     {"delta": 1})
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["occupied"], before + 1)
        self.assertEqual(daemon.with_token(token, "POST", "/v1/lots/gov-police/occupancy",
                                           {"delta": 1}).status, 403)
        self.assertEqual(daemon.stop(), 0)
        # A restart does not load the demo again, even after a lot was deleted.
        again = self.daemon(workdir=daemon.workdir, config_text=daemon.config_text).start()
        self.assertEqual(again.as_admin("DELETE", "/v1/lots/rec-ancient-lane").status, 204)
        self.assertEqual(again.stop(), 0)
        third = self.daemon(workdir=daemon.workdir, config_text=daemon.config_text).start()
        self.assertEqual(len(third.get("/v1/lots?limit=500").json()["lots"]), 28)
        self.assertEqual(third.stop(), 0)

    def test_bad_demo_file_names_the_lot_and_field(self):
        daemon = self.daemon()
        path = os.path.join(daemon.workdir, "demo.json")
        with open(path, "w") as demo:
            demo.write('{"lots": [{"id": "ok-1", "name": "A", "kind": "public", '
                       '"location": {"lat": 1, "lon": 2}, "capacity": 0}]}')
        result = run(daemon.command()[1:] + ["--set", f"demo={path}"])
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"demo {path}: lot 'ok-1': capacity: must be an integer from 1 to 100000",
                      result.stderr)

    def test_precedence_file_environment_set(self):
        # The file says json, the environment says text, --set says debug level:
        # the environment must beat the file and --set must beat the environment.
        daemon = self.daemon(config_text="log_format json\nlog_level error\n",
                             environment={"PARKSHARE_LOG_FORMAT": "text",
                                          "PARKSHARE_LOG_LEVEL": "warning"},
                             settings={"log_level": "info"})
        daemon.start()
        self.assertEqual(daemon.stop(), 0)
        log = daemon.log_text()
        self.assertRegex(log, r"\d{4}-\d\d-\d\dT[\d:.]+Z info http: listening on ")
        self.assertNotIn('{"time"', log)

    def test_json_log_lines(self):
        daemon = self.daemon(settings={"log_format": "json"}).start()
        self.assertEqual(daemon.stop(), 0)
        import json
        for line in daemon.log_text().splitlines():
            record = json.loads(line)
            self.assertEqual(sorted(record), ["component", "level", "message", "time"])


if __name__ == "__main__":
    main()
