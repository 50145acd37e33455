#!/usr/bin/env python3
"""The Lua scripts as Redis runs them: the token check written once and included by the
writers, compiled into the daemon as the bench tools load it, and refusing in Redis."""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD_ROOT, SOURCE_ROOT, IntegrationTestCase, main  # noqa: E402

SCRIPTS = os.path.join(SOURCE_ROOT, "server", "scripts")
sys.path.insert(0, SCRIPTS)
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tools"))
import embed  # noqa: E402

# The scripts that write a lot on a token's behalf, and so check its scope.
WRITERS = ("occupancy", "closure_add", "closure_withdraw")
CHECK = "redis.call('HMGET', token_key, 'id', 'role', 'scope')"


def compiled_scripts():
    """{name: Lua text} as compiled into the daemon (the generated store_scripts.c)."""
    with open(os.path.join(BUILD_ROOT, "server", "store_scripts.c"), encoding="utf-8") as c:
        generated = c.read()
    scripts = {}
    pattern = r"\[STORE_SCRIPT_([A-Z0-9_]+)\] =\n\(const char\[\]\)\{([\d,\s]*)\}"
    for name, data in re.findall(pattern, generated):
        text = bytes(int(byte) for byte in data.replace("\n", "").split(",")[:-1])
        scripts[name.lower()] = text.decode("utf-8")
    return scripts


class ScriptTextTest(IntegrationTestCase):
    def test_the_daemon_runs_the_text_the_tools_load(self):
        compiled = compiled_scripts()
        names = sorted(path[:-4] for path in os.listdir(SCRIPTS) if path.endswith(".lua"))
        self.assertEqual(sorted(compiled), names)
        for name in names:
            with self.subTest(script=name):
                text = embed.script_text(os.path.join(SCRIPTS, name + ".lua"))
                self.assertEqual(compiled[name], text)
                self.assertNotRegex(text, r"(?m)^--@")
        import bench
        self.assertEqual(bench.occupancy_source(), compiled["occupancy"])

    def test_the_token_check_is_written_once_and_included_by_each_writer(self):
        compiled = compiled_scripts()
        with open(os.path.join(SCRIPTS, "include", "token_scope.lua"), encoding="utf-8") as f:
            fragment = f.read().rstrip("\n")
        for name in compiled:
            with open(os.path.join(SCRIPTS, name + ".lua"), encoding="utf-8") as source:
                self.assertNotIn(CHECK, source.read(), name)
            expected = 1 if name in WRITERS else 0
            self.assertEqual(compiled[name].count(CHECK), expected, name)
            self.assertEqual(compiled[name].count(fragment), expected, name)

    def embed(self, files):
        """embed.py run over scripts written from {relative path: text}; (code, stderr)."""
        directory = tempfile.mkdtemp(prefix="parkshare-embed-")
        self.addCleanup(subprocess.run, ["rm", "-rf", directory])
        os.makedirs(os.path.join(directory, "include"))
        for path, text in files.items():
            with open(os.path.join(directory, path), "w", encoding="utf-8") as out:
                out.write(text)
        scripts = [os.path.join(directory, p) for p in files if not p.startswith("include/")]
        result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "embed.py"),
                                 os.path.join(directory, "out.h"),
                                 os.path.join(directory, "out.c")] + scripts,
                                capture_output=True, text=True)
        return result.returncode, result.stderr

    def test_a_bad_include_stops_the_build_naming_it(self):
        code, error = self.embed({"one.lua": "--@include missing.lua\nreturn 1\n"})
        self.assertNotEqual(code, 0)
        self.assertIn("one.lua: cannot include missing.lua", error)
        code, error = self.embed({"two.lua": "--@inclde check.lua\nreturn 1\n",
                                  "include/check.lua": "local x = 1\n"})
        self.assertNotEqual(code, 0)
        self.assertIn("two.lua: not an include: --@inclde check.lua", error)
        code, error = self.embed({"three.lua": "--@include outer.lua\nreturn 1\n",
                                  "include/outer.lua": "--@include inner.lua\n",
                                  "include/inner.lua": "local x = 1\n"})
        self.assertNotEqual(code, 0)
        self.assertIn("outer.lua: an included fragment includes nothing itself", error)
        code, error = self.embed({"four.lua": "local a = 0\n--@include check.lua\nreturn a\n",
                                  "include/check.lua": "a = 1\n"})
        self.assertEqual((code, error), (0, ""))


class TokenScopeInRedisTest(IntegrationTestCase):
    """Each writer refuses an unknown token and another lot's attendant inside Redis, where a
    token revoked a moment ago is refused whatever a daemon remembers, and changes nothing."""

    def setUp(self):
        self.server = self.redis()
        self.attendant = hashlib.sha256(b"attendant of lot a").hexdigest()
        self.server.cli("HSET", f"ps:token:{self.attendant}", "id", "tok_attendant", "role",
                        "attendant", "scope", ",lot-a,")
        for lot in ("lot-a", "lot-b"):
            self.server.cli("HSET", f"ps:lot:{lot}", "json", "{}", "capacity", "10", "occupied",
                            "3", "version", "7", "updated_at", "1700000000000")
        self.shas = {name: self.server.cli("SCRIPT", "LOAD", text)
                     for name, text in compiled_scripts().items() if name in WRITERS}

    def call(self, name, lot, token_hash):
        token = f"ps:token:{token_hash}"
        replay = f"ps:replay:{lot}:key-1"
        calls = {
            "occupancy": [4, f"ps:lot:{lot}", replay, token, "ps:audit", lot, "delta", "1", "1",
                          f"{lot} delta 1", "86400", "127.0.0.1", "ps:changes:0", "1000",
                          f"ps:hist:{lot}:", "34560000", ""],
            "closure_add": [4, f"ps:lot:{lot}", token, "ps:audit", replay, lot,
                            '{"from":1,"reason":"x","to":2000000000000}', "1", "fingerprint",
                            "86400", "127.0.0.1", "ps:changes:0", "1000", "20",
                            "2030-01-01T00:00:00Z", "2033-05-18T03:33:20Z"],
            "closure_withdraw": [3, f"ps:lot:{lot}", token, "ps:audit", lot, "1", "127.0.0.1",
                                 "ps:changes:0", "1000"],
        }
        raw = self.server.cli("--json", "EVALSHA", self.shas[name], *map(str, calls[name]))
        return json.loads(raw)

    def everything(self):
        keys = sorted(self.server.cli("KEYS", "*").split("\n"))
        return keys, [self.server.cli("HGETALL", key) for key in keys if key.startswith("ps:lot:")]

    def test_unknown_tokens_and_other_lots_are_refused_and_change_nothing(self):
        before = self.everything()
        unknown = hashlib.sha256(b"never issued").hexdigest()
        for name in WRITERS:
            with self.subTest(script=name):
                self.assertEqual(self.call(name, "lot-a", unknown), ["unauthorized", ""])
                self.assertEqual(self.call(name, "lot-b", self.attendant),
                                 ["forbidden", "tok_attendant"])
        self.assertEqual(self.everything(), before)
        # The same attendant on its own lot gets past the check.
        self.assertEqual(self.call("occupancy", "lot-a", self.attendant)[0], "ok")
        self.assertEqual(self.call("closure_withdraw", "lot-a", self.attendant),
                         ["not-found", "closure"])


if __name__ == "__main__":
    main()
