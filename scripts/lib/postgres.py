"""A PostgreSQL server of a test's or a benchmark's own (e2e/test_failover.py, bench/), from
Debian's `postgresql` package: a fresh cluster in a temporary directory on 127.0.0.1 at a free
port, run as the `postgres` user when run as root (PostgreSQL refuses to run as root), stopped
and removed by `stop()`.

The cluster is thrown away afterwards, so it runs with fsync off.
"""

import glob
import os
import shutil
import subprocess
import tempfile

import childproc


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"{name} not found: apt-get install postgresql"
    return found[-1]


class Postgres:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="alertgate-e2e-postgres-")
        self.data = os.path.join(self.folder, "data")
        self.port = childproc.free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run([_bin("initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync"])
        self._run([_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.folder, "server.log"), "-w", "-t", "60",
                   "-o", f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off -c unix_socket_directories={self.folder}",
                   "start"])
        self._databases = 0

    def _run(self, argv):
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def database(self):
        """A fresh database; its postgres:// URL."""
        self._databases += 1
        name = f"alertgate_{self._databases}"
        self._run([_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def query(self, url, sql):
        """One value: the text `sql` answers in the database of `url` (psql, unaligned)."""
        name = url.rsplit("/", 1)[1]
        argv = [_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", name, "-At", "-c", sql]
        return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60).stdout.strip()

    def stop(self):
        try:
            self._run([_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
