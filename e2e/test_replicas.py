"""Three alertgate processes writing to one PostgreSQL database side by side
(`storage.writers: all`) behind real nginx. Clients send the same alerts at the same moment,
some through nginx and some straight to each gateway; the database holds one answer: one alert
per fingerprint, one incident per correlation key, every repeat counted, whichever gateway is
asked. util-linux `logger` sends syslog lines through nginx's stream module (UDP), which spreads
them over the gateways: they fold into one alert that counts them all.
"""

import os
import shutil
import subprocess
import threading
import time

from support import eventually, find_binary, request  # first: it puts scripts/lib on the path
import childproc  # noqa: E402
from test_failover import answers, nginx_config, start_gateway

SERVICES = [f"svc-{n}" for n in range(10)]
ROUNDS = 5
SYSLOG_LINES = 60
STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"  # Debian's libnginx-mod-stream


def stream_config(listen_port, upstream_ports):
    """nginx's stream module passing syslog datagrams to the gateways, one way."""
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in upstream_ports)
    return f"""
stream {{
    upstream syslog {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{listen_port} udp;
        proxy_pass syslog;
        proxy_responses 0;
    }}
}}
"""


def udp_datagrams(port):
    stats = request("GET", f"http://127.0.0.1:{port}/api/v1/stats").json()
    return stats.get("udp", {}).get("syslog", {}).get("received", 0)


def prometheus_alert(service):
    """An alert as Prometheus posts it to /api/v2/alerts (a list, labels and annotations)."""
    return [{"labels": {"alertname": "HighErrorRate", "service": service, "severity": "critical"},
             "annotations": {"summary": f"{service} answers 5xx"},
             "startsAt": "2026-12-03T10:00:00Z", "generatorURL": "http://prometheus:9090/graph"}]


def test_three_gateways_behind_nginx_give_one_answer(workdir, postgres):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.access(nginx, os.X_OK), "nginx is missing: apt-get install nginx"
    url = postgres.database()
    config = os.path.join(workdir, "alertgate.yaml")
    with open(config, "w") as f:
        f.write("storage: {writers: all}\n")
    assert os.path.exists(STREAM_MODULE), "nginx's stream module is missing: apt-get install libnginx-mod-stream"
    ports = [childproc.free_port() for _ in range(3)]
    syslog_ports = [childproc.free_port() for _ in range(3)]
    gateways = [start_gateway(f"gateway-{n}", workdir, url, port, "--config", config, "--syslog-port", str(syslog))
                for n, (port, syslog) in enumerate(zip(ports, syslog_ports))]
    for gateway, port in zip(gateways, ports):
        gateway.wait_ready(f"http://127.0.0.1:{port}/readyz", time.monotonic() + 60)

    listen, syslog_listen = childproc.free_port(), childproc.free_port()
    nginx_file = os.path.join(workdir, "nginx.conf")
    with open(nginx_file, "w") as f:
        f.write(f"load_module {STREAM_MODULE};\n" + nginx_config(workdir, listen, ports) + stream_config(syslog_listen, syslog_ports))
    proxy = childproc.Child("nginx", [nginx, "-p", workdir, "-e", os.path.join(workdir, "nginx-error.log"), "-c", nginx_file,
                                      "-g", "daemon off;"], os.path.join(workdir, "nginx.log"))
    try:
        eventually(lambda: answers(f"http://127.0.0.1:{listen}/readyz"), 30, "nginx answers", diagnostics=proxy.log_tail)
        # Four senders per service, all at once: one through nginx, one to each gateway.
        targets = [listen] + ports
        failures, lock = [], threading.Lock()
        start = threading.Barrier(len(targets) * len(SERVICES))

        def sender(port, service):
            start.wait(timeout=30)
            for _ in range(ROUNDS):
                reply = request("POST", f"http://127.0.0.1:{port}/api/v2/alerts", prometheus_alert(service), timeout=10)
                if reply.status != 200:
                    with lock:
                        failures.append((port, service, reply.status))

        threads = [threading.Thread(target=sender, args=(port, service)) for port in targets for service in SERVICES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "senders did not finish"
        assert not failures, failures

        sent = len(targets) * ROUNDS
        views = []
        for port in ports + [listen]:
            incidents = request("GET", f"http://127.0.0.1:{port}/api/v1/incidents?limit=100").json()["incidents"]
            assert sorted(i["service"] for i in incidents) == sorted(SERVICES), incidents
            view = []
            for incident in incidents:
                detail = request("GET", f"http://127.0.0.1:{port}/api/v1/incidents/{incident['id']}").json()
                assert len(detail["alerts"]) == 1, detail["alerts"]
                assert detail["alerts"][0]["count"] == sent, (incident["service"], detail["alerts"][0]["count"], sent)
                view.append((incident["id"], incident["service"], detail["alerts"][0]["id"]))
            firing = request("GET", f"http://127.0.0.1:{port}/api/v2/alerts").json()
            assert len(firing) == len(SERVICES), firing
            views.append(sorted(view))
        assert all(view == views[0] for view in views), views

        # Syslog through nginx: each `logger` run is a datagram from a new port, which nginx
        # gives to the next gateway. The lines differ only in numbers: one alert counts them all.
        logger = find_binary("logger")
        for n in range(SYSLOG_LINES):
            subprocess.run([logger, "-n", "127.0.0.1", "-P", str(syslog_listen), "-d", "--rfc5424", "-t", "ledger", "-p", "daemon.err",
                            f"ledger write failed after {100 + n} ms"], check=True, timeout=10)

        def ledger_count():
            incidents = request("GET", f"http://127.0.0.1:{ports[0]}/api/v1/incidents?service=ledger").json()["incidents"]
            if len(incidents) != 1:
                return None
            alerts = request("GET", f"http://127.0.0.1:{ports[0]}/api/v1/incidents/{incidents[0]['id']}").json()["alerts"]
            return [alert["count"] for alert in alerts]

        eventually(lambda: ledger_count() == [SYSLOG_LINES], 30, f"one ledger alert counting {SYSLOG_LINES} lines",
                   diagnostics=lambda: str(ledger_count()))
        received = [udp_datagrams(port) for port in ports]
        assert sum(received) == SYSLOG_LINES and all(count > 0 for count in received), received
        print(f"replicas: {len(SERVICES) * sent} alerts sent to 3 gateways and nginx; syslog lines per gateway {received}")
    finally:
        proxy.stop()
        for gateway in gateways:
            code = gateway.stop(grace=20)
            assert code == 0, gateway.log_tail()
