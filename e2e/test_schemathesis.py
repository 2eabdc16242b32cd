"""API fuzzing: Schemathesis against the real binary, checked by docs/openapi.yaml.

One alertgate with a token of every scope (from the real `alertgate token create`) is fuzzed by
Schemathesis's command line with every check (`--checks all`): no 5xx, every status, content
type, header and body as documented, schema-valid requests accepted, schema-violating ones
rejected, credentials enforced, 405 with `Allow` for methods a path does not take, resources
available after they are made (all but `use_after_free`: an expired silence stays readable,
as in Alertmanager). All four phases run (examples, coverage, fuzzing, stateful over
the document's links) with a fixed seed and a bounded number of examples, so a run is
repeatable and takes about a minute on two cores. The test passes only when Schemathesis
exits 0; its output is shown when it does not.

What the document cannot say is set in a Schemathesis config file (see SCHEMATHESIS_CONFIG).
"""

import os
import re
import subprocess
import sys

from support import ALERTGATE_BIN, REPO

SCHEMA = os.path.join(REPO, "docs", "openapi.yaml")
SEED = 20261201
MAX_EXAMPLES = 10  # per operation and phase that draws examples
COMMAND_TIMEOUT = 30  # seconds for `alertgate token create`
RUN_TIMEOUT = 125  # seconds for the whole Schemathesis run (the e2e timeout is 150)

TOKEN_LINE = re.compile(r"^token \(shown once; keep it secret\): (agt_[A-Za-z0-9_-]{43})$")
CONFIG_LINE = re.compile(r'^  - \{name: fuzz, sha256: "[0-9a-f]{64}", scopes: \[ingest, read, write, admin\]\}$')

SCHEMATHESIS_CONFIG = """\
# A request body that is compressed is not something a JSON schema generator can make: every
# documented Content-Encoding is sent as `identity` (the other encodings have tests of their own).
[parameters]
"header.Content-Encoding" = "identity"

# ASCII text only: the document's length limits are UTF-8 bytes, which `maxLength` (counted in
# characters) states exactly for ASCII alone.
[generation]
codec = "ascii"

# 413 (a body over http.max_body_bytes, as a batch over `maxItems` is) is a rejection too.
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]

# Rules between fields that JSON Schema cannot state, answered 400: a silence must end after
# its start and after now; `since` must lie before `until`; a payload's `item` must name one of
# its datagrams (and only a batch received over UDP has any); an alert's `endsAt` not before its
# `startsAt` (and a batch of 10000 alerts passes the body limit, 413); a Checkly alert's
# `started_at` must be an RFC 3339 time (the template writes every field as a string); a
# support desk's report needs a subject or words to be titled by, and Zendesk's `created_at`
# must be an RFC 3339 time; a heartbeat's `every` must be longer than zero, its `cron` a cron
# expression, and not both.
[[operations]]
include-operation-id = ["createSilence", "alertmanagerPostSilence", "getStats", "getPayloadRaw", "ingestChecklyAlert",
                        "ingestZendeskTicket", "ingestIntercomNotification", "ingestFreshdeskTicket",
                        "heartbeatPing", "heartbeatPingHead", "heartbeatPingPost", "heartbeatPingFail", "heartbeatPingFailHead",
                        "heartbeatPingFailPost", "heartbeatPingStart", "heartbeatPingStartHead", "heartbeatPingStartPost"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 429, "5xx"]

[[operations]]
include-operation-id = "ingestAlertmanagerAlerts"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 413, 429, "5xx"]

# Stateful sequences follow the document's own links. Links inferred from field names would
# also follow nullable ids (a timeline entry's `signal_id`) and request `/signals/None`.
[phases.stateful.inference]
algorithms = ["location-headers"]
"""


def create_token():
    """(token, config line) of `alertgate token create fuzz` with every scope."""
    result = subprocess.run([ALERTGATE_BIN, "token", "create", "fuzz", "--scopes", "ingest,read,write,admin"],
                            capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, f"alertgate token create: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert len(lines) == 3, f"alertgate token create printed {result.stdout!r}"
    shown = TOKEN_LINE.match(lines[0])
    assert shown, f"no token line in {result.stdout!r}"
    assert CONFIG_LINE.match(lines[2]), f"no config line in {result.stdout!r}"
    return shown.group(1), lines[2]


def test_schemathesis_finds_nothing(start_alertgate, workdir, capsys):
    token, entry = create_token()
    gateway = start_alertgate(f"auth:\n  tokens:\n{entry}\n", "fuzz")
    config = os.path.join(workdir, "schemathesis.toml")
    with open(config, "w") as f:
        f.write(SCHEMATHESIS_CONFIG)

    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run", SCHEMA,
        "--url", gateway.url,
        "--header", f"Authorization: Bearer {token}",
        "--checks", "all",
        # DELETE on a silence expires it, and an expired silence stays readable (state
        # `expired`), as in Alertmanager: not a resource served after it was removed.
        "--exclude-checks", "use_after_free",
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        "--continue-on-failure",
        "--no-color",
    ]
    # In the temporary directory: Schemathesis keeps its crash cache and Hypothesis its example
    # database in the working directory, and a cache from an earlier run would be replayed.
    try:
        result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        output = error.stdout.decode(errors="replace") if isinstance(error.stdout, bytes) else (error.stdout or "")
        raise AssertionError(f"schemathesis did not finish within {RUN_TIMEOUT} s:\n{output[-20000:]}") from None
    output = result.stdout + result.stderr

    cases = re.search(r"^Test cases:\n\s+(\d+) generated", output, re.MULTILINE)
    with capsys.disabled():
        print(f"\nschemathesis: {cases.group(1) if cases else '?'} test cases (seed {SEED}, --max-examples {MAX_EXAMPLES}), "
              f"exit {result.returncode}")
    assert result.returncode == 0, f"schemathesis exit {result.returncode}:\n{output}\n{gateway.stderr_tail()}"
    assert cases, f"no test case count in the output:\n{output}"
