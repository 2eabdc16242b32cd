"""Heartbeats pinged by curl, as a crontab line pings them: the token in the URL, a good ping, a
missed one on the real clock, a failure with the job's output as the body, and the list.
"""

import hashlib
import os
import shutil
import subprocess

from support import eventually, request

CURL = shutil.which("curl")


def curl(url, *extra):
    """Runs curl as a cron line would (`-fsS`); its exit code and output."""
    result = subprocess.run([CURL, "-fsS", "-m", "10", *extra, url], capture_output=True, text=True, timeout=20)
    return result.returncode, result.stdout


def test_curl_pings_a_heartbeat_that_misses_fails_and_comes_back(start_alertgate, workdir):
    assert CURL, "curl is missing (scripts/test installs it)"
    token = "agt_e2e_heartbeat_token_0123456789abcdef"
    digest = hashlib.sha256(token.encode()).hexdigest()
    gateway = start_alertgate(f"""
auth:
  tokens:
    - {{name: cron, sha256: "{digest}", scopes: [ingest]}}
    - {{name: reader, sha256: "{hashlib.sha256(b'reader-token-0123456789').hexdigest()}", scopes: [read]}}
heartbeats:
  - name: nightly-backup
    service: backups
    every: 2s
    grace: 1s
""")
    ping = f"{gateway.url}/api/v1/heartbeats/nightly-backup?token={token}"
    read = {"Authorization": "Bearer reader-token-0123456789"}

    def incidents():
        return request("GET", f"{gateway.url}/api/v1/incidents", headers=read).json()["incidents"]

    code, out = curl(f"{gateway.url}/api/v1/heartbeats/nightly-backup")
    assert code == 22, "without the token curl -f fails (401)"
    code, out = curl(ping)
    assert code == 0 and '"state":"up"' in out, out

    # No ping for longer than every + grace: an outage of its service, detected by the heartbeat.
    missed = eventually(lambda: [i for i in incidents() if i["detected_by"] == "heartbeat"], 15, "the missed heartbeat's incident")
    assert missed[0]["service"] == "backups" and missed[0]["type"] == "outage"
    code, out = curl(ping)
    assert code == 0 and f'"incident_id":{missed[0]["id"]}' in out, out
    eventually(lambda: [i for i in incidents() if i["id"] == missed[0]["id"] and i["status"] == "resolved"], 10, "the incident resolved")

    # The job fails: its output as the body of /fail.
    log = os.path.join(workdir, "backup.log")
    with open(log, "w") as f:
        f.write("pg_dump: error: connection to server failed\n")
    code, out = curl(f"{gateway.url}/api/v1/heartbeats/nightly-backup/fail?token={token}", "--data-binary", f"@{log}")
    assert code == 0 and '"state":"failed"' in out, out

    listed = request("GET", f"{gateway.url}/api/v1/heartbeats", headers=read).json()["heartbeats"]
    assert [(h["name"], h["state"], h["service"], h["every"]) for h in listed] == [("nightly-backup", "failed", "backups", "2s")]
    assert listed[0]["pings"] == 3
