"""The console and the status page in a real browser: headless Chromium (Debian's
`chromium`), driven over the DevTools protocol (scripts/lib/chromium.py).

An engineer signs in with a token from the real `alertgate token create`, opens the incident
from the list, acknowledges it and posts a public update; the status page shows the update, and
a user's report sent with the page's form joins the incident. The incident's title carries
script, an event handler and a closing `</svg>`: in the browser none of it runs or breaks the
page, and the session cookie is out of the page's reach (HttpOnly).
"""

import json
import os
import sys
import urllib.parse

from support import REPO, eventually, find_binary, request
from test_auth import create_token

sys.path.insert(0, os.path.join(REPO, "scripts", "lib"))
import chromium  # noqa: E402

HOSTILE = '</svg><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
UPDATE = "Card payments fail for some users; we are rolling back."
REPORT = "I cannot pay for my order, the page spins."


def test_an_engineer_works_an_incident_and_a_user_reports_in_chromium(start_alertgate, workdir):
    binary = find_binary("chromium", "chromium-browser")
    token, entry = create_token("browser", ["ingest", "read", "write"])
    config = f"""\
catalog:
  services:
    - {{name: checkout, team: payments, public: {{name: Checkout, group: Shop}}}}
auth:
  tokens:
{entry}
"""
    gateway = start_alertgate(config, "browser")
    auth = {"Authorization": f"Bearer {token}"}
    opened = request("POST", gateway.url + "/api/v1/events",
                     {"title": f"checkout 502 {HOSTILE}", "service": "checkout", "severity": "critical"}, headers=auth)
    assert opened.status == 202, opened
    incident_id = opened.json()["results"][0]["incident_id"]

    def incident():
        result = request("GET", gateway.url + f"/api/v1/incidents/{incident_id}", headers=auth)
        assert result.status == 200, result
        return result.json()

    with chromium.Browser(binary, log_path=os.path.join(workdir, "chromium.log")) as browser:
        page = browser.page()
        # Signing in: the console sends a visitor without a session to its sign-in form.
        page.goto(gateway.url + "/ui")
        assert urllib.parse.urlparse(page.url).path == "/ui/login", page.url
        page.fill("input[name=token]", token)
        page.click("form[action='/ui/login'] button[type=submit]")
        assert urllib.parse.urlparse(page.url).path == "/ui", page.url
        assert page.evaluate("document.cookie") == "", "the session cookie must be HttpOnly"
        assert "checkout 502 </svg><script>" in page.text(), "the hostile title is shown as text"

        # The incident's page, from the list.
        page.click(f"a[href='/ui/incidents/{incident_id}']")
        assert urllib.parse.urlparse(page.url).path == f"/ui/incidents/{incident_id}", page.url
        assert page.evaluate("document.querySelectorAll('svg.timeline circle.dot').length") >= 1
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"

        # Acknowledge, then a public update.
        page.click("button.acknowledge")
        assert incident()["status"] == "acknowledged"
        assert any(line["kind"] == "acknowledged" and line["by"] == "browser" for line in incident()["timeline"])
        page.fill(f"form[action='/ui/incidents/{incident_id}/update'] textarea[name=text]", UPDATE)
        page.click(f"form[action='/ui/incidents/{incident_id}/update'] button[type=submit]")
        assert UPDATE in page.text()
        assert any(line["kind"] == "update" and line.get("public") for line in incident()["timeline"]), incident()["timeline"]

        # The status page shows it, without the internal title.
        page.goto(gateway.url + "/status")
        status_text = page.text()
        assert UPDATE in status_text and "Checkout" in status_text, status_text
        assert "checkout 502" not in status_text

        # A user's report from the page's form joins the incident; the answer links it.
        page.evaluate("document.querySelector('select[name=component]').value = 'checkout'")
        page.fill("textarea[name=what_happened]", REPORT)
        page.click("form.report button[type=submit]")
        assert "Your report was received" in page.text(), page.text()
        assert page.evaluate("document.querySelector('main a').getAttribute('href')") == f"/status#incident-{incident_id}"

    def report_joined():
        signals = request("GET", gateway.url + f"/api/v1/incidents/{incident_id}/signals?limit=100", headers=auth).json()["signals"]
        return any(signal["kind"] == "report" and REPORT.startswith(signal["title"]) for signal in signals)

    eventually(report_joined, 10, "the user's report on the incident",
               diagnostics=lambda: json.dumps(incident(), indent=1)[:2000])
