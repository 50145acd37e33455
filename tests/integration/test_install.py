#!/usr/bin/env python3
"""meson install: the layout under the prefix, and the installed daemon run from it.

The build is installed with DESTDIR into a temporary directory, with the
prefix it was configured with: every installed file is DESTDIR + its path
under the prefix. The installed daemon is started from there with the
installed configuration; the paths that configuration names (the pages, the
calendars) are prefix paths, so they are given as DESTDIR + that path, and
data_dir and listen are the test's own. Also here: --check-config and
--version.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SERVER, SOURCE_ROOT, Daemon, IntegrationTestCase,  # noqa: E402
                     main)

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")


def build_directories():
    """The build's install directories, absolute, from meson's own record of its options."""
    result = subprocess.run(["meson", "introspect", "--buildoptions", BUILD_ROOT],
                            capture_output=True, text=True, check=True, timeout=60)
    options = {option["name"]: option["value"] for option in json.loads(result.stdout)}
    prefix = options["prefix"]
    directories = {"prefix": prefix}
    for name in ("bindir", "datadir", "sysconfdir", "localstatedir", "mandir"):
        directories[name] = os.path.join(prefix, options[name])
    return directories


def config_value(path, key):
    """The value a configuration file gives key (its one uncommented line), or None."""
    with open(path) as config:
        for line in config:
            words = line.split(None, 1)
            if len(words) == 2 and words[0] == key:
                return words[1].strip()
    return None


def clean_environment():
    return {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}


class InstalledDaemon(Daemon):
    """A Daemon run from the installed binary with the installed configuration."""

    def __init__(self, destdir, binary, config_path, settings):
        super().__init__(settings=settings)
        self.binary = binary
        self.config_path = config_path
        # Only what the test must own: the harness' own defaults for the
        # pages and calendars would hide the installed ones.
        for key in ("calendar_dir", "web_root"):
            self.settings.pop(key)
        self.settings.update(settings)

    def command(self, extra=()):
        command = [self.binary, "-c", self.config_path]
        for key, value in self.settings.items():
            command += ["--set", f"{key}={value}"]
        return command + list(extra)


class InstallTest(IntegrationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dirs = build_directories()
        cls.destdir = tempfile.mkdtemp(prefix="parkshare-install-")
        cls.addClassCleanup(shutil.rmtree, cls.destdir, True)
        result = subprocess.run(["meson", "install", "-C", BUILD_ROOT, "--destdir", cls.destdir,
                                 "--no-rebuild", "--quiet"],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise AssertionError(f"meson install failed:\n{result.stdout}\n{result.stderr}")

    def staged(self, path):
        """Where the file installed at path (under the prefix) is in DESTDIR."""
        return os.path.join(self.destdir, path.lstrip("/"))

    def expected_files(self):
        d = self.dirs
        pkg_data = os.path.join(d["datadir"], "parkshare")
        return [
            os.path.join(d["bindir"], "parkshare-server"),
            os.path.join(d["bindir"], "parkshare-cli"),
            os.path.join(pkg_data, "web", "index.html"),
            os.path.join(pkg_data, "web", "board.html"),
            os.path.join(pkg_data, "calendars", "cn.json"),
            os.path.join(d["sysconfdir"], "parkshare", "parkshare.conf"),
            os.path.join(d["mandir"], "man1", "parkshare-cli.1"),
            os.path.join(d["mandir"], "man8", "parkshare-server.8"),
            os.path.join(d["prefix"], "lib", "systemd", "system", "parkshare-server.service"),
            os.path.join(d["prefix"], "lib", "sysusers.d", "parkshare.conf"),
            os.path.join(d["datadir"], "bash-completion", "completions", "parkshare-cli"),
        ]

    def test_every_file_is_installed_under_the_prefix(self):
        for path in self.expected_files():
            with self.subTest(path=path):
                self.assertTrue(os.path.isfile(self.staged(path)), f"{path} is not installed")
        for binary in ("parkshare-server", "parkshare-cli"):
            self.assertTrue(os.access(self.staged(os.path.join(self.dirs["bindir"], binary)),
                                      os.X_OK))
        # Nothing escapes DESTDIR + prefix (the systemd directories included),
        # except the configuration when sysconfdir lies outside the prefix.
        allowed = (self.dirs["prefix"].rstrip("/") + "/", self.dirs["sysconfdir"].rstrip("/") + "/")
        for root, _, files in os.walk(self.destdir):
            for name in files:
                installed = "/" + os.path.relpath(os.path.join(root, name), self.destdir)
                self.assertTrue(installed.startswith(allowed), f"{installed} is outside the prefix")

    def test_installed_configuration_names_the_installed_paths(self):
        config = self.staged(os.path.join(self.dirs["sysconfdir"], "parkshare", "parkshare.conf"))
        pkg_data = os.path.join(self.dirs["datadir"], "parkshare")
        self.assertEqual(config_value(config, "web_root"), os.path.join(pkg_data, "web"))
        self.assertEqual(config_value(config, "calendar_dir"), os.path.join(pkg_data, "calendars"))
        self.assertEqual(config_value(config, "data_dir"),
                         os.path.join(self.dirs["localstatedir"], "lib", "parkshare"))
        self.assertIsNone(config_value(config, "demo"))
        with open(config) as text:
            self.assertNotIn("<datadir>", text.read())

    def test_user_and_completion(self):
        sysusers = self.staged(os.path.join(self.dirs["prefix"], "lib", "sysusers.d",
                                            "parkshare.conf"))
        with open(sysusers) as users:
            entries = [line.split() for line in users if line.strip() and line[0] != "#"]
        self.assertEqual(entries, [["u", "parkshare", "-", '"parkshare', 'daemon"',
                                    os.path.join(self.dirs["localstatedir"], "lib", "parkshare")]])
        completion = self.staged(os.path.join(self.dirs["datadir"], "bash-completion",
                                              "completions", "parkshare-cli"))
        for words, expected in ((["parkshare-cli", "tok"], "token"),
                                (["parkshare-cli", "--ver"], "--version"),
                                (["parkshare-cli", "-u", "http://x", "token", "re"], "revoke"),
                                (["parkshare-cli", "lots", "--ne"], "--near")):
            script = (f"source {completion}; COMP_WORDS=({' '.join(words)}); "
                      f"COMP_CWORD={len(words) - 1}; _parkshare_cli; echo \"${{COMPREPLY[*]}}\"")
            result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                    timeout=30)
            with self.subTest(words=words):
                self.assertEqual((result.stdout, result.stderr), (expected + "\n", ""))

    def test_compiled_defaults_come_from_the_prefix(self):
        """Without -c the daemon's web_root is the installed one: --check-config names it."""
        server = self.staged(os.path.join(self.dirs["bindir"], "parkshare-server"))
        web_root = os.path.join(self.dirs["datadir"], "parkshare", "web")
        calendars = os.path.join(self.dirs["datadir"], "parkshare", "calendars")
        if os.path.isdir(web_root) or os.path.isdir(calendars):
            self.skipTest(f"{web_root} exists on this machine: the default cannot be told apart")
        result = subprocess.run([server, "--check-config"], capture_output=True, text=True,
                                timeout=30, env=clean_environment())
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr,
                         f"parkshare-server: web_root {web_root}: No such file or directory\n")
        result = subprocess.run([server, "--check-config", "--set",
                                 f"web_root={self.staged(web_root)}"],
                                capture_output=True, text=True, timeout=30,
                                env=clean_environment())
        self.assertEqual(result.stderr,
                         f"parkshare-server: calendar_dir {calendars}: No such file or directory\n")

    def test_installed_daemon_serves_pages_and_the_china_calendar(self):
        config = self.staged(os.path.join(self.dirs["sysconfdir"], "parkshare", "parkshare.conf"))
        server = self.staged(os.path.join(self.dirs["bindir"], "parkshare-server"))
        settings = {key: self.staged(config_value(config, key))
                    for key in ("web_root", "calendar_dir")}
        result = subprocess.run([server, "-c", config, "--check-config"]
                                + [f"--set={k}={v}" for k, v in settings.items()],
                                capture_output=True, text=True, timeout=30,
                                env=clean_environment())
        self.assertEqual((result.returncode, result.stdout), (0, "configuration ok\n"),
                         result.stderr)
        daemon = InstalledDaemon(self.destdir, server, config, settings)
        self.addCleanup(daemon.cleanup)
        daemon.start()
        self.assertTrue(daemon.is_ready())
        for path, marker in (("/", b"<html"), ("/board", b"<html")):
            with self.subTest(path=path):
                answer = daemon.get(path)
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.header("Content-Type"), "text/html; charset=utf-8")
                with open(os.path.join(settings["web_root"],
                                       "index.html" if path == "/" else "board.html"), "rb") as page:
                    self.assertEqual(answer.body, page.read())
                self.assertIn(marker, answer.body.lower())
        calendar = daemon.get("/v1/calendars/cn")
        self.assertEqual(calendar.status, 200, calendar.body)
        self.assertEqual(calendar.json()["id"], "cn")
        self.assertEqual(daemon.stop(), 0)


class CheckConfigTest(IntegrationTestCase):
    def run_server(self, *arguments):
        return subprocess.run([SERVER] + list(arguments), capture_output=True, text=True,
                              timeout=30, env=clean_environment())

    def repository_config(self, *extra):
        return ["-c", os.path.join(SOURCE_ROOT, "config", "parkshare.conf"),
                "--set", "web_root=" + os.path.join(SOURCE_ROOT, "client", "web"),
                "--set", "calendar_dir=" + os.path.join(SOURCE_ROOT, "config", "calendars"),
                "--set", "demo=" + os.path.join(SOURCE_ROOT, "config", "demo", "lots.json")
                ] + list(extra)

    def test_good_configuration(self):
        workdir = tempfile.mkdtemp(prefix="parkshare-check-")
        self.addCleanup(shutil.rmtree, workdir, True)
        data_dir = os.path.join(workdir, "data")
        for flag in ("--check-config", "-t"):
            with self.subTest(flag=flag):
                result = self.run_server(flag, *self.repository_config(
                    "--set", f"data_dir={data_dir}"))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout, "configuration ok\n")
                self.assertEqual(result.stderr, "")
        # Nothing is created: not data_dir, no socket, no token.
        self.assertFalse(os.path.exists(data_dir))

    def test_bad_key(self):
        workdir = tempfile.mkdtemp(prefix="parkshare-check-")
        self.addCleanup(shutil.rmtree, workdir, True)
        path = os.path.join(workdir, "bad.conf")
        with open(path, "w") as config:
            config.write("listen 127.0.0.1:0\nlisen 127.0.0.1:1\n")
        result = self.run_server("--check-config", "-c", path)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, f"parkshare-server: {path}:2: unknown key 'lisen'\n")

    def test_missing_calendar_dir(self):
        missing = "/nonexistent/parkshare/calendars"
        result = self.run_server("--check-config",
                                 *self.repository_config("--set", f"calendar_dir={missing}"))
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr,
                         f"parkshare-server: calendar_dir {missing}: No such file or directory\n")

    def test_bad_calendar_file(self):
        workdir = tempfile.mkdtemp(prefix="parkshare-check-")
        self.addCleanup(shutil.rmtree, workdir, True)
        with open(os.path.join(workdir, "xx.json"), "w") as calendar:
            calendar.write("{\"timezone\": ")
        result = self.run_server("--check-config",
                                 *self.repository_config("--set", f"calendar_dir={workdir}"))
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith(f"parkshare-server: {workdir}/xx.json:"),
                        result.stderr)

    def test_web_root_not_a_directory(self):
        page = os.path.join(SOURCE_ROOT, "client", "web", "index.html")
        result = self.run_server("--check-config",
                                 *self.repository_config("--set", f"web_root={page}"))
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, f"parkshare-server: web_root {page}: not a directory\n")

    def test_password_file_open_to_others(self):
        workdir = tempfile.mkdtemp(prefix="parkshare-check-")
        self.addCleanup(shutil.rmtree, workdir, True)
        secret = os.path.join(workdir, "redis.password")
        with open(secret, "w") as password:
            password.write("hunter2\n")
        os.chmod(secret, 0o644)
        result = self.run_server("--check-config", *self.repository_config(
            "--set", "redis=redis://127.0.0.1:6399/0", "--set", f"redis_password_file={secret}"))
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"redis_password_file {secret} is open to group or others", result.stderr)
        self.assertNotIn("hunter2", result.stderr)


class VersionTest(IntegrationTestCase):
    def test_versions_agree(self):
        server = subprocess.run([SERVER, "--version"], capture_output=True, text=True, timeout=30)
        cli = subprocess.run([CLI, "--version"], capture_output=True, text=True, timeout=30)
        self.assertEqual(server.returncode, 0)
        self.assertEqual(cli.returncode, 0)
        self.assertRegex(server.stdout, r"^parkshare-server \d+\.\d+\.\d+\n$")
        version = server.stdout.split()[1]
        self.assertEqual(cli.stdout, f"parkshare-cli {version}\n")
        self.assertEqual(subprocess.run([CLI, "-v"], capture_output=True, text=True,
                                        timeout=30).stdout, cli.stdout)
        self.assertEqual(subprocess.run([SERVER, "-v"], capture_output=True, text=True,
                                        timeout=30).stdout, server.stdout)


if __name__ == "__main__":
    main()
