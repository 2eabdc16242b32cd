"""A full disk and a read-only filesystem under the database, with the real binary.

Disk full: the database on a small tmpfs, then a filler file takes all but 256 KiB of it. Under
load, ingest answers 503 naming the store (`store_failed` or `store_unavailable`) with
Retry-After: never a 2xx for what it could not store, never a 500, and the process stays up.
Once the filler is removed, ingest answers 2xx again by itself, without a restart. Then
SIGTERM (exit 0), PRAGMA integrity_check and `alertgate db check`, a restart on the same file:
every acknowledged signal and alert is there, nothing of a refused request is.

Read-only: a filesystem with files open for writing cannot be remounted read-only (the kernel
answers EBUSY), so here the database sits on an ext4 image on a loop device mounted
errors=remount-ro, and the kernel's own error path (/sys/fs/ext4/<device>/trigger_fs_error)
turns it read-only under the running server (between requests), as an I/O error of a real
disk does. Ingest then answers 503 as above. Such a filesystem cannot be made writable again while mounted: SIGTERM
(exit 0), unmount, e2fsck, mount, restart, and everything acknowledged is there. The server
runs with storage.synchronous full: once the filesystem is read-only its dirty pages never
reach the disk, so only what was synced survives, as with a power loss.

Mounting needs root (or passwordless sudo); every mount is undone at teardown.
"""

import errno
import os
import random
import shutil
import subprocess
import threading
import time

import pytest

import crashload
from support import ALERTGATE_BIN

# Room for the WAL the load leaves: under steady load the checkpointer copies it back without
# starting it over (that waits for 64 MiB, or for a quiet moment), and here it reached 5-12 MiB
# before the filler. With 16 MiB, removing the filler freed as little as 2.6 MiB, and the
# load after it filled the disk again (2 local runs in 15, and a CI run).
TMPFS_SIZE_MIB = 64
CHECKPOINTED_BYTES = 1 << 20  # the database file's size once the WAL has been checkpointed into it
FREE_LEFT = 256 * 1024  # bytes the filler leaves free
EXT4_IMAGE_MIB = 64
CLIENTS = 4
PADDING = 1000  # random characters per event, so that the database grows quickly
ACKNOWLEDGED_FIRST = 20  # requests acknowledged before the disk is filled
FULL_TIMEOUT = 30  # seconds of load for the first 503 once the disk is full
FULL_LOAD = 2.0  # seconds of load while full
READ_ONLY_TIMEOUT = 10  # seconds for the filesystem to turn read-only once triggered
RECOVERY_TIMEOUT = 40  # seconds for ingest to answer 2xx again once there is space (back-offs top at 30 s)
STORE_REFUSALS = {"503 store_failed", "503 store_unavailable"}
ACKNOWLEDGEMENTS = {"200", "202"}

SUDO = [] if os.geteuid() == 0 else ["sudo", "-n"]


def privileged(*argv, check=True, input=None):
    """Runs argv as root (through `sudo -n` when not root); fails the test on a non-zero exit if `check`."""
    done = subprocess.run(SUDO + list(argv), input=input, capture_output=True, text=True, timeout=60,
                          stdin=None if input is not None else subprocess.DEVNULL)
    if check:
        assert done.returncode == 0, f"{' '.join(argv)}: exit {done.returncode}: {(done.stdout + done.stderr).strip()}"
    return done


def system_tool(name):
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)), None)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


class Mounts:
    """Mounts made by a test, undone at teardown (the last first)."""

    def __init__(self):
        self.targets = []

    def mount(self, *args, target):
        os.makedirs(target, exist_ok=True)
        privileged("mount", *args, target)
        self.targets.append(target)
        if SUDO:  # alertgate and the filler run as this user
            privileged("chown", f"{os.getuid()}:{os.getgid()}", target)
        return target

    def unmount(self, target):
        privileged("umount", target)
        self.targets.remove(target)

    def undo(self):
        failures = []
        for target in reversed(self.targets):
            done = privileged("umount", target, check=False)
            if done.returncode != 0:
                failures.append(f"umount {target}: {(done.stdout + done.stderr).strip()}")
                privileged("umount", "-l", target, check=False)
        self.targets = []
        return failures


@pytest.fixture
def mounts():
    if SUDO and subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("mounting a filesystem needs root or passwordless sudo")
    made = Mounts()
    yield made
    failures = made.undo()
    assert not failures, "\n".join(failures)


@pytest.fixture
def servers(mounts):
    """servers(database, name, config_text=None) -> crashload.Server, its stderr in the workdir;
    each still running is stopped at teardown, before the mounts are undone."""
    started = []

    def start(database, log_path, config_text=None):
        server = crashload.Server(ALERTGATE_BIN, database, log_path, config_text=config_text)
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


class Load:
    """CLIENTS threads, each with a keep-alive connection, POSTing batches (crashload.post_batch:
    unique titles, PADDING random characters per event, some /api/v2/alerts) into `ledger`."""

    def __init__(self, server, ledger, tag, seed):
        self.server = server
        self.ledger = ledger
        self.tag = tag
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i, random.Random(f"{seed}:{tag}:{i}")), daemon=True)
                         for i in range(CLIENTS)]
        for thread in self._threads:
            thread.start()

    def _run(self, worker, rng):
        client = self.server.client()
        n = 0
        try:
            while not self._stop.is_set():
                n += 1
                try:
                    answer = crashload.post_batch(client, self.ledger, rng, self.tag, worker, n, alerts_share=0.1,
                                                  padding=PADDING, repeat_titles=False)
                    if answer.status == 503:
                        time.sleep(0.02)
                except crashload.CONNECTION_ERRORS as error:
                    self.ledger.record_connection_error(error, expected=False)
                    time.sleep(0.1)
        finally:
            client.close()

    def wait(self, condition, timeout):
        """Waits until condition() holds (True) or `timeout` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def finish(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=crashload.REQUEST_TIMEOUT + 5)
        assert not any(t.is_alive() for t in self._threads), "a load thread did not stop"
        return self.ledger


def load_until_acknowledged(server, tag, count, timeout=30, also=lambda: True, what=""):
    """Load until `count` requests are acknowledged and also() holds; every answer must be a 2xx."""
    ledger = crashload.Ledger()
    load = Load(server, ledger, tag, seed=tag)
    reached = load.wait(lambda: ledger.acknowledged() >= count and also(), timeout)
    load.finish()
    assert reached, (f"{tag}: not {count} acknowledgements{what} within {timeout} s: {dict(ledger.statuses)}\n"
                     f"{server.log_tail()}")
    assert set(ledger.statuses) <= ACKNOWLEDGEMENTS and not ledger.bad_answers and not ledger.connection_errors, (
        f"{tag}: {dict(ledger.statuses)} {ledger.bad_answers[:3]} {ledger.connection_errors[:3]}\n{server.log_tail()}")
    return ledger


def refused(ledger):
    return sum(n for status, n in ledger.statuses.items() if status.startswith("503"))


def assert_only_store_refusals_and_acknowledgements(ledger, server, what, allowed):
    assert set(ledger.statuses) <= allowed, f"{what}: answers {dict(ledger.statuses)}\n{server.log_tail()}"
    assert not ledger.bad_answers, f"{what}: {ledger.bad_answers[:5]}\n{server.log_tail()}"
    assert not ledger.connection_errors, f"{what}: connection errors {ledger.connection_errors[:3]}\n{server.log_tail()}"
    assert server.alive(), f"{what}: alertgate exited with {server.child.process.returncode}\n{server.log_tail()}"


def fill(path, leave):
    """A file taking all the free space of its filesystem but `leave` bytes (less if it runs out)."""
    stat = os.statvfs(os.path.dirname(path))
    remaining = stat.f_bavail * stat.f_frsize - leave
    chunk = b"\0" * (1 << 20)
    with open(path, "wb") as f:
        try:
            while remaining > 0:
                f.write(chunk[:min(remaining, len(chunk))])
                remaining -= len(chunk)
            f.flush()
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise


def get(server, path):
    client = server.client()
    try:
        return client.request("GET", path)
    finally:
        client.close()


def check_file_and_restart(servers, workdir, database, ledgers, config_text=None):
    """The file after a clean stop: integrity_check and `alertgate db check` say ok; after a restart
    every acknowledged item of `ledgers` is there and nothing refused is; a new request is stored;
    SIGTERM ends it with exit 0. The number of items checked."""
    integrity = crashload.integrity_check(database)
    assert integrity == "ok", f"PRAGMA integrity_check: {integrity}"
    code, output = crashload.db_check(ALERTGATE_BIN, database)
    assert code == 0 and output.endswith(": ok"), f"alertgate db check: exit {code}: {output}"

    restarted = servers(database, os.path.join(workdir, "restarted.stderr"), config_text=config_text)
    checked = 0
    for ledger in ledgers:
        signals, lost, alerts, lost_alerts = crashload.verify(restarted, ledger)
        assert not lost and not lost_alerts, (f"acknowledged but not found after the restart: signals {lost[:5]}, "
                                              f"alerts {lost_alerts[:5]}")
        checked += signals + alerts
        stored = crashload.stored_titles(database, ledger.refused_titles)
        assert not stored, f"{len(stored)} events of 503 answers were stored, e.g. {stored[:5]}"
        if ledger.refused_alerts:
            shown = crashload.alert_seqs(restarted, {labels["crashrun"] for labels in ledger.refused_alerts})
            shown &= {labels["seq"] for labels in ledger.refused_alerts}
            assert not shown, f"{len(shown)} alerts of 503 answers were stored, e.g. {sorted(shown)[:5]}"
    problem = crashload.new_request_works(restarted, "after-restart")
    assert problem is None, problem
    code = restarted.stop()
    assert code == 0, f"restarted alertgate: exit code {code} on SIGTERM\n{restarted.log_tail()}"
    return checked


def test_full_disk_answers_503_and_recovers_once_space_is_freed(workdir, mounts, servers):
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    volume = mounts.mount("-t", "tmpfs", "-o", f"size={TMPFS_SIZE_MIB}m,mode=0755", "tmpfs",
                          target=os.path.join(workdir, "tmpfs"))
    database = os.path.join(volume, "db.sqlite")
    server = servers(database, os.path.join(workdir, "alertgate.stderr"))
    # Enough that SQLite has checkpointed the WAL into the database file once: full, its next
    # checkpoint cannot grow the file, the WAL cannot restart and grows instead.
    before = load_until_acknowledged(server, "before", ACKNOWLEDGED_FIRST, timeout=60, what=" and a checkpoint",
                                     also=lambda: os.path.getsize(database) >= CHECKPOINTED_BYTES)

    filler = os.path.join(volume, "filler")
    fill(filler, FREE_LEFT)
    full = crashload.Ledger()
    load = Load(server, full, "full", seed="full")
    started = time.monotonic()
    try:
        saw_503 = load.wait(lambda: refused(full) > 0, FULL_TIMEOUT)
        first_503 = time.monotonic() - started
        if saw_503:
            time.sleep(FULL_LOAD)
        readyz = get(server, "/readyz")
        healthz = get(server, "/healthz")
    finally:
        load.finish()
    assert saw_503, f"no 503 within {FULL_TIMEOUT} s of filling the disk: {dict(full.statuses)}\n{server.log_tail()}"
    # Acknowledged while there was room, then refused, every refusal naming the store with Retry-After.
    assert_only_store_refusals_and_acknowledgements(full, server, "disk full", STORE_REFUSALS | ACKNOWLEDGEMENTS)
    assert healthz.status == 200, f"/healthz while the disk is full: {healthz!r}"
    assert readyz.status == 503, f"/readyz while commits fail on a full disk: {readyz!r}"
    print(f"\ndisk full: first 503 after {first_503:.2f} s; answers {dict(full.statuses)}; "
          f"/readyz answers {readyz!r}")

    # Room again: ingest answers 2xx by itself (clients retry after Retry-After), no restart.
    os.remove(filler)
    recovered = crashload.Ledger()
    client = server.client()
    started = time.monotonic()
    try:
        rng = random.Random("recovery")
        n = 0
        while True:
            n += 1
            answer = crashload.post_batch(client, recovered, rng, "recovery", 0, n, padding=PADDING, repeat_titles=False)
            if 200 <= answer.status < 300:
                break
            assert time.monotonic() - started < RECOVERY_TIMEOUT, (
                f"ingest still refused {RECOVERY_TIMEOUT} s after the filler was removed: {dict(recovered.statuses)}\n"
                f"{server.log_tail()}")
            time.sleep(0.25)
    finally:
        client.close()
    recovery = time.monotonic() - started
    ready_again = get(server, "/readyz")
    assert ready_again.status == 200, f"/readyz once commits succeed again: {ready_again!r}"
    assert_only_store_refusals_and_acknowledgements(recovered, server, "recovery", STORE_REFUSALS | ACKNOWLEDGEMENTS)
    after = load_until_acknowledged(server, "after", ACKNOWLEDGED_FIRST)
    print(f"disk full: 2xx again {recovery:.2f} s after the filler was removed ({dict(recovered.statuses)})")

    code = server.stop()
    assert code == 0, f"alertgate exit code {code} on SIGTERM\n{server.log_tail()}"
    checked = check_file_and_restart(servers, workdir, database, [before, full, recovered, after])
    print(f"disk full: {checked} acknowledged items found after the restart; "
          f"{len(full.refused_titles) + len(full.refused_alerts)} refused items absent")


def test_read_only_filesystem_answers_503_and_keeps_what_it_acknowledged(workdir, mounts, servers):
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    mkfs, e2fsck = system_tool("mkfs.ext4"), system_tool("e2fsck")
    if not os.path.exists("/dev/loop-control"):
        pytest.skip("no loop devices (/dev/loop-control)")
    image = os.path.join(workdir, "ext4.img")
    with open(image, "wb") as f:
        f.truncate(EXT4_IMAGE_MIB << 20)
    subprocess.run([mkfs, "-q", "-F", image], check=True, capture_output=True, timeout=60)
    target = os.path.join(workdir, "ext4")
    volume = mounts.mount("-o", "loop,errors=remount-ro", image, target=target)
    device = subprocess.run(["findmnt", "-n", "-o", "SOURCE", volume], capture_output=True, text=True, timeout=30).stdout.strip()
    trigger = f"/sys/fs/ext4/{os.path.basename(device)}/trigger_fs_error"
    if not os.path.exists(trigger):
        pytest.skip(f"{trigger} is missing: this kernel cannot turn ext4 read-only on demand")

    database = os.path.join(volume, "db.sqlite")
    config = "storage:\n  synchronous: full\n"
    server = servers(database, os.path.join(workdir, "alertgate.stderr"), config_text=config)
    before = load_until_acknowledged(server, "before", ACKNOWLEDGED_FIRST)

    # The filesystem turns read-only between requests: a commit whose sync races with it may be
    # told it was synced and still never reach the disk (fdatasync returns 0 while the journal
    # aborts), which the server cannot see; what was synced before must survive.
    privileged("tee", trigger, input="alertgate e2e: read-only filesystem\n")

    def read_only():
        try:
            with open(os.path.join(volume, "probe"), "wb"):
                return False
        except OSError as error:
            assert error.errno == errno.EROFS, error
            return True
    deadline = time.monotonic() + READ_ONLY_TIMEOUT
    while not read_only():
        assert time.monotonic() < deadline, f"{volume} did not turn read-only within {READ_ONLY_TIMEOUT} s"
        time.sleep(0.05)

    # Read-only: every ingest is refused, naming the store, with Retry-After.
    read_only_ledger = crashload.Ledger()
    load = Load(server, read_only_ledger, "readonly", seed="readonly")
    try:
        time.sleep(FULL_LOAD)
        readyz = get(server, "/readyz")
        healthz = get(server, "/healthz")
    finally:
        load.finish()
    assert refused(read_only_ledger) > 0, f"no request answered while read-only: {dict(read_only_ledger.statuses)}"
    assert_only_store_refusals_and_acknowledgements(read_only_ledger, server, "read-only", STORE_REFUSALS)
    assert healthz.status == 200, f"/healthz while read-only: {healthz!r}"
    assert readyz.status == 503, f"/readyz while commits fail on a read-only file: {readyz!r}"
    remount = privileged("mount", "-o", "remount,rw", volume, check=False)
    print(f"\nread-only: answers {dict(read_only_ledger.statuses)}; /readyz answers {readyz!r}; "
          f"`mount -o remount,rw`: exit {remount.returncode} {(remount.stdout + remount.stderr).strip()!r}")

    code = server.stop()
    assert code == 0, f"alertgate exit code {code} on SIGTERM\n{server.log_tail()}"
    mounts.unmount(volume)
    repaired = subprocess.run([e2fsck, "-f", "-y", image], capture_output=True, text=True, timeout=120)
    assert repaired.returncode in (0, 1), f"e2fsck: exit {repaired.returncode}: {repaired.stdout}{repaired.stderr}"
    volume = mounts.mount("-o", "loop,errors=remount-ro", image, target=target)
    checked = check_file_and_restart(servers, workdir, database, [before, read_only_ledger], config_text=config)
    print(f"read-only: {checked} acknowledged items found after the restart")
