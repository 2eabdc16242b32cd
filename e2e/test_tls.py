"""HTTPS with `http.tls`: a certificate made by openssl, a client that trusts only it, and a
renewed certificate taken on SIGHUP without a restart.

The certificates are self-signed (`openssl req -x509`) for 127.0.0.1, each with its own key;
the client is Python's ssl module verifying against the one it was given, so a connection
succeeds only when alertgate serves exactly that certificate.
"""

import hashlib
import http.client
import os
import signal
import socket
import ssl
import subprocess
import time

from support import ALERTGATE_BIN, childproc, eventually

START_TIMEOUT = 30
STOP_TIMEOUT = 20


def make_certificate(folder, name):
    """A self-signed certificate and key for 127.0.0.1: (cert_path, key_path)."""
    cert, key = os.path.join(folder, f"{name}.crt"), os.path.join(folder, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def served_certificate(port, cafile):
    """The SHA-256 of the certificate a new TLS connection is served, verified against `cafile`."""
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def fingerprint(cert_path):
    der = ssl.PEM_cert_to_DER_cert(open(cert_path).read())
    return hashlib.sha256(der).hexdigest()


def https(port, cafile, method, path, body=None):
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=ssl.create_default_context(cafile=cafile))
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_https_serves_the_configured_certificate_and_takes_a_renewed_one_on_sighup(workdir):
    cert, key = make_certificate(workdir, "first")
    config = os.path.join(workdir, "alertgate.yaml")
    with open(config, "w") as f:
        f.write(f"http:\n  tls:\n    cert_file: {cert}\n    key_file: {key}\n")
    child = childproc.Child("alertgate-tls", [
        ALERTGATE_BIN, "serve", "--port", "0", "--database", os.path.join(workdir, "db.sqlite"), "--config", config,
        "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off",
    ], os.path.join(workdir, "alertgate.stderr"), pipe_stdout=True)
    try:
        listening = child.wait_line(r"^alertgate listening on https://(.+):(\d+)$", time.monotonic() + START_TIMEOUT)
        port = int(listening.group(2))

        status, body = https(port, cert, "POST", "/api/v1/events", b'{"title": "over TLS", "service": "checkout"}')
        assert status == 202, body
        assert served_certificate(port, cert) == fingerprint(cert)

        # Plain HTTP on the TLS port gets no HTTP answer.
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            plain.request("GET", "/healthz")
            answered = plain.getresponse().status
        except (http.client.HTTPException, OSError):
            answered = None
        finally:
            plain.close()
        assert answered is None, f"plain HTTP was answered {answered} on the TLS port"

        # A renewed certificate in the same files: taken on SIGHUP, without a restart.
        renewed, renewed_key = make_certificate(workdir, "renewed")
        os.replace(renewed, cert)
        os.replace(renewed_key, key)
        os.kill(child.pid, signal.SIGHUP)

        def serves_the_renewed_one():
            try:
                return served_certificate(port, cert) == fingerprint(cert)
            except ssl.SSLError:
                return False  # still the first certificate, which the client no longer trusts

        eventually(serves_the_renewed_one, 20, "the renewed certificate served after SIGHUP")
        status, body = https(port, cert, "GET", "/api/v1/incidents", None)
        assert status == 200, body
        assert child.alive(), "alertgate stopped after SIGHUP"

        # A broken file on reload keeps the certificate in force.
        with open(key, "w") as f:
            f.write("not a key\n")
        os.kill(child.pid, signal.SIGHUP)
        eventually(lambda: "TLS certificate reload refused" in child.log_tail(50), 20, "the refused reload logged")
        assert served_certificate(port, cert) == fingerprint(cert)
    finally:
        code = child.stop(grace=STOP_TIMEOUT)
    assert code == 0, f"alertgate exit code {code} on SIGTERM:\n{child.log_tail()}"


def test_an_unreadable_certificate_stops_the_start_with_the_key_named(workdir):
    config = os.path.join(workdir, "alertgate.yaml")
    with open(config, "w") as f:
        f.write(f"http:\n  tls:\n    cert_file: {workdir}/missing.crt\n    key_file: {workdir}/missing.key\n")
    result = subprocess.run([ALERTGATE_BIN, "serve", "--port", "0", "--database", os.path.join(workdir, "db.sqlite"), "--config", config,
                             "--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "http.tls.cert_file" in result.stderr, result.stderr
