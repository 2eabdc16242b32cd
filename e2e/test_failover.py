"""Two alertgate processes on one PostgreSQL database behind real nginx: the first writes, the
second waits as a standby (it holds no port until it takes over). Clients send events through
nginx, retrying what nginx could not place as Prometheus retries; the first is killed with
SIGKILL in the middle. The standby takes over within a bounded time, nginx sends it the rest,
and every event either gateway acknowledged is stored.
"""

import os
import shutil
import threading
import time

from support import ALERTGATE_BIN, eventually, request  # first: it puts scripts/lib on the path
import childproc  # noqa: E402

TAKEOVER_BUDGET = 30  # seconds from the SIGKILL to the standby answering through nginx
EVENTS = 240


def nginx_config(workdir, listen_port, upstream_ports):
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=1s;" for port in upstream_ports)
    # Run as root (as CI does), nginx's workers would switch to `nobody`, who may not use the
    # test's directory.
    user = "user root root;" if os.geteuid() == 0 else ""
    return f"""
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    upstream alertgate {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{listen_port};
        location / {{
            proxy_pass http://alertgate;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # A refused connection (a standby, a dead replica) is tried on the next one; a
            # request already sent is not sent twice (POST is not idempotent).
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
        }}
    }}
}}
"""


def answers(url):
    try:
        return request("GET", url, timeout=2).status == 200
    except OSError:
        return False


def start_gateway(name, workdir, url, port, *extra):
    return childproc.Child(name, [ALERTGATE_BIN, "serve", "--port", str(port), "--storage-url", url,
                                  "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off", *extra],
                           os.path.join(workdir, f"{name}.log"))


def test_a_standby_takes_over_behind_nginx_and_nothing_acknowledged_is_lost(workdir, postgres):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(nginx, os.X_OK), "nginx is missing: apt-get install nginx"
    url = postgres.database()
    ports = [childproc.free_port(), childproc.free_port()]
    first = start_gateway("first", workdir, url, ports[0])
    first.wait_ready(f"http://127.0.0.1:{ports[0]}/readyz", time.monotonic() + 30)
    second = start_gateway("second", workdir, url, ports[1])
    eventually(lambda: "waiting to take over" in open(second.log_path).read(), 30, "the second gateway waits as a standby",
               diagnostics=second.log_tail)

    listen = childproc.free_port()
    config = os.path.join(workdir, "nginx.conf")
    with open(config, "w") as f:
        f.write(nginx_config(workdir, listen, ports))
    proxy = childproc.Child("nginx", [nginx, "-p", workdir, "-e", os.path.join(workdir, "nginx-error.log"), "-c", config,
                                      "-g", "daemon off;"], os.path.join(workdir, "nginx.log"))
    try:
        eventually(lambda: answers(f"http://127.0.0.1:{listen}/readyz"), 30, "nginx answers", diagnostics=proxy.log_tail)
        acknowledged, refused, lock = [], [], threading.Lock()
        killed_at = {}

        def client(offset):
            for n in range(offset, EVENTS, 4):
                body = {"title": f"Disk full {n}", "service": f"svc-{n % 17}", "severity": "warning"}
                deadline = time.monotonic() + TAKEOVER_BUDGET + 30
                while True:
                    try:
                        reply = request("POST", f"http://127.0.0.1:{listen}/api/v1/events", body, timeout=10)
                    except OSError as error:  # nginx itself reset: retried
                        reply = error
                    if getattr(reply, "status", None) == 202:
                        with lock:
                            acknowledged.extend(reply.json()["results"])
                        break
                    with lock:
                        refused.append(str(reply)[:80])
                    assert time.monotonic() < deadline, f"event {n} was never acknowledged: {reply}"
                    time.sleep(0.1)
                if n == EVENTS // 3:
                    with lock:
                        if "at" not in killed_at:
                            killed_at["at"] = time.monotonic()
                            first.process.kill()

        threads = [threading.Thread(target=client, args=(offset,)) for offset in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TAKEOVER_BUDGET + 90)
        assert not any(thread.is_alive() for thread in threads), "clients did not finish"
        assert "at" in killed_at and first.process.wait(timeout=10) == -9

        # Every acknowledged event is stored, each once. An event whose first answer was lost
        # with the first gateway, though it had stored it, is retried: the standby answers the
        # retry as a folded repeat of that event's alert (`signal_id` null), not a second signal.
        assert len(acknowledged) == EVENTS, len(acknowledged)
        signal_ids = [result["signal_id"] for result in acknowledged if result["signal_id"] is not None]
        folded = [result for result in acknowledged if result["signal_id"] is None]
        assert len(set(signal_ids)) == len(signal_ids), "a signal id acknowledged twice"
        assert all(result["decision"] == "repeat" and result["alert_id"] for result in folded), folded
        stats = request("GET", f"http://127.0.0.1:{ports[1]}/api/v1/stats").json()
        assert stats["signals"] == EVENTS, stats
        for signal_id in signal_ids[:: max(1, EVENTS // 40)]:
            assert request("GET", f"http://127.0.0.1:{ports[1]}/api/v1/signals/{signal_id}").status == 200, signal_id
        for result in folded:
            assert request("GET", f"http://127.0.0.1:{ports[1]}/api/v1/alerts/{result['alert_id']}").json()["count"] >= 2, result
        print(f"failover: {len(refused)} answers retried while the standby took over, {len(folded)} retries folded into what the first had stored")
    finally:
        proxy.stop()
        code = second.stop(grace=20)
        assert code == 0, second.log_tail()
        first.stop()
