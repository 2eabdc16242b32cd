"""Three alertgate processes writing to one PostgreSQL database side by side
(`storage.writers: all`) behind real nginx. Clients send the same alerts at the same moment,
some through nginx and some straight to each gateway; the database holds one answer: one alert
per fingerprint, one incident per correlation key, every repeat counted, whichever gateway is
asked.
"""

import os
import shutil
import threading
import time

from support import eventually, request  # first: it puts scripts/lib on the path
import childproc  # noqa: E402
from test_failover import answers, nginx_config, start_gateway

SERVICES = [f"svc-{n}" for n in range(10)]
ROUNDS = 5


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
    ports = [childproc.free_port() for _ in range(3)]
    gateways = [start_gateway(f"gateway-{n}", workdir, url, port, "--config", config) for n, port in enumerate(ports)]
    for gateway, port in zip(gateways, ports):
        gateway.wait_ready(f"http://127.0.0.1:{port}/readyz", time.monotonic() + 60)

    listen = childproc.free_port()
    nginx_file = os.path.join(workdir, "nginx.conf")
    with open(nginx_file, "w") as f:
        f.write(nginx_config(workdir, listen, ports))
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
        stats = request("GET", f"http://127.0.0.1:{ports[0]}/api/v1/stats").json()
        print(f"replicas: {len(SERVICES) * sent} alerts sent to 3 gateways and nginx; stats {stats.get('alerts')}")
    finally:
        proxy.stop()
        for gateway in gateways:
            code = gateway.stop(grace=20)
            assert code == 0, gateway.log_tail()
