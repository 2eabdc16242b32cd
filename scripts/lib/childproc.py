"""Child processes for the Python tooling: e2e/ (tests), bench/ (benchmarks), scripts/capture-* (fixtures).

Standard library only, no packaging: a user puts this folder on sys.path in one line,
    sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))
and imports `childproc`.

- `Child`: a process in its own session (Ctrl-C and the user's process group do not reach it),
  its output in a log file, stopped by its own pid: SIGTERM, then SIGKILL after a grace period.
- Readiness: `Child.wait_ready` (an HTTP URL answers 2xx) and `Child.wait_line` (it prints a
  matching stdout line), both against a deadline; either fails early, with the log's tail, if
  the process exits. Failures raise `NotReady`.
- `free_port`, `free_udp_port`: a port on 127.0.0.1 nothing uses right now.
- `find_binary`: an installed program (PATH, then /usr/bin).
- `swift_binary`: a binary this repository builds: `$<PRODUCT>_BIN` (`ALERTGATE_BIN`,
  `ALERTGATE_CEILING_BIN`) if set, else `.build/<configuration>/<product>`.
"""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class NotReady(RuntimeError):
    """A child exited, or was not ready by its deadline; the message holds its log's tail."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    return _free(socket.SOCK_STREAM)


def free_udp_port():
    """A UDP port on 127.0.0.1 that nothing is bound to right now."""
    return _free(socket.SOCK_DGRAM)


def _free(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(*names):
    """The path of the first of `names` installed (on PATH, else in /usr/bin), or None."""
    for name in names:
        path = shutil.which(name) or shutil.which(name, path="/usr/bin")
        if path:
            return path
    return None


def binary_variable(product):
    """The environment variable that gives a prebuilt `product`: alertgate-ceiling -> ALERTGATE_CEILING_BIN."""
    return product.upper().replace("-", "_") + "_BIN"


def swift_binary(product="alertgate", configuration="debug"):
    """`$<PRODUCT>_BIN` if set, else the repository's .build/<configuration>/<product> (built or not)."""
    return os.environ.get(binary_variable(product)) or os.path.join(REPO, ".build", configuration, product)


def log_tail(path, lines=25):
    """The last `lines` lines of a file ("" if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return ""


class Child:
    """A child process in its own session, stdin from /dev/null, stdout and stderr in `log_path`.

    With `pipe_stdout`, stdout is a pipe for `wait_line` (read to its end from the first call on,
    every line kept for later calls: for children that print little there) and only stderr goes
    to the log. `stop()` may be called more than once.
    """

    def __init__(self, name, argv, log_path, pipe_stdout=False):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE if pipe_stdout else self._log,
                                        stderr=self._log if pipe_stdout else subprocess.STDOUT,
                                        start_new_session=True)
        self._lines = None  # stdout lines read but not yet looked at by wait_line; None until its first call

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process.poll() is None

    def stop(self, grace=10.0):
        """SIGTERM, then SIGKILL after `grace` seconds; the exit code, or None if it had to be killed."""
        code = self.process.poll()
        if code is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return code

    def log_tail(self, lines=25):
        return log_tail(self.log_path, lines)

    def _failure(self, what):
        return NotReady(f"{self.name} {what}:\n{self.log_tail()}")

    def wait_ready(self, url, deadline, interval=0.1):
        """Polls GET `url` until it answers 2xx, until the `deadline` (time.monotonic())."""
        while time.monotonic() < deadline:
            if not self.alive():
                raise self._failure(f"exited with {self.process.returncode} before {url} answered")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if 200 <= response.status < 300:
                        return
            except OSError:  # refused, reset, timed out, or an HTTP error status
                pass
            time.sleep(interval)
        raise self._failure(f"was not ready at {url} in time")

    def wait_line(self, pattern, deadline):
        """The re.Match of the first stdout line (decoded) matching `pattern`, until the `deadline`."""
        if self._lines is None:
            self._lines = queue.Queue()
            threading.Thread(target=self._read_stdout, daemon=True).start()
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self._failure(f"printed no line matching {pattern!r} in time") from None
            if line is None:
                raise self._failure(f"exited with {self.process.wait()} before it printed a line matching {pattern!r}")
            match = re.search(pattern, line.decode("utf-8", "replace"))
            if match:
                return match

    def _read_stdout(self):
        # Reads to the end so that the child never blocks on a full pipe; None marks the end.
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)
