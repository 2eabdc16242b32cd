"""SIGKILL under load: eight keep-alive clients POST /api/v1/events and /api/v2/alerts batches,
alertgate is killed at a random moment, the database file passes PRAGMA integrity_check and
`alertgate db check`, and after a restart on it every acknowledged signal and alert is there
(e2e/crashload.py does the run; scripts/crash-test repeats it many times).

The moments come from one seed per session, printed with any failure; set
ALERTGATE_CRASH_SEED to replay a session.
"""

import os
import random

import pytest

import crashload
from support import ALERTGATE_BIN

SEED = os.environ.get("ALERTGATE_CRASH_SEED") or str(random.SystemRandom().randrange(10**9))
RUNS = 3  # each about 5 s: up to 1.5 s of load, the checks, a restart, the lookups
RUN_BUDGET = 60  # seconds one run may take at most


@pytest.mark.parametrize("run", range(RUNS))
def test_acknowledged_items_survive_sigkill_under_load(workdir, run):
    assert os.access(ALERTGATE_BIN, os.X_OK), f"{ALERTGATE_BIN} is missing: run `swift build` first"
    result = crashload.crash_run(ALERTGATE_BIN, workdir, run, SEED)
    print(result.summary())
    problems = result.problems()
    assert not problems, (f"{result.summary()}\nreplay with ALERTGATE_CRASH_SEED={SEED}\n"
                          + "\n".join(problems) + f"\n{result.log_tails}")
    # Each run killed alertgate while requests were in flight, and checked something.
    assert result.signals_checked > 0, result.summary()
    assert result.seconds < RUN_BUDGET, result.summary()
