"""A small driver for headless Chromium (Debian's `chromium`) over the DevTools protocol.

Chromium is started with --remote-debugging-pipe: it reads protocol messages (JSON, each ended
by a NUL byte) on its fd 3 and writes its answers and events on fd 4, so no port is opened and
no websocket library is needed. `Browser.page()` opens a tab attached in flat mode; a `Page`
navigates, runs expressions, clicks and waits for the next load, and takes screenshots.

Used by e2e/test_browser.py and scripts/screenshots.
"""

import base64
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time

DEFAULT_TIMEOUT = 30  # seconds for one protocol answer or one page load


def find_chromium():
    """The installed Chromium binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ProtocolError(RuntimeError):
    pass


class Browser:
    """A headless Chromium child, stopped by `close()` (or as a context manager)."""

    def __init__(self, binary, width=1280, height=900, log_path=None):
        self.profile = tempfile.mkdtemp(prefix="alertgate-chromium-")
        to_child_read, self._to_child = os.pipe()
        self._from_child, from_child_write = os.pipe()

        def on_start():
            os.dup2(to_child_read, 3)
            os.dup2(from_child_write, 4)

        argv = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--metrics-recording-only",
                "--hide-scrollbars", "--mute-audio", f"--window-size={width},{height}", "about:blank"]
        self.log = open(log_path or os.devnull, "wb")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, pass_fds=(3, 4),
                                        preexec_fn=on_start, start_new_session=True)
        os.close(to_child_read)
        os.close(from_child_write)
        self._next_id = 0
        self._lock = threading.Lock()
        self._answers = {}
        self._answered = threading.Condition(self._lock)
        self._events = {}  # session id -> queue of events
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.send("Target.setDiscoverTargets", {"discover": False})

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._answers["closed"] = True
                    self._answered.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._lock:
                    if "id" in message:
                        self._answers[message["id"]] = message
                        self._answered.notify_all()
                    else:
                        self._events.setdefault(message.get("sessionId"), queue.Queue()).put(message)

    def send(self, method, params=None, session=None, timeout=DEFAULT_TIMEOUT):
        """The result of one protocol command; ProtocolError when Chromium answers an error."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while ident not in self._answers:
                if self._answers.get("closed"):
                    raise ProtocolError(f"Chromium exited while answering {method}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError(f"no answer to {method} within {timeout} s")
                self._answered.wait(left)
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise ProtocolError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def events(self, session):
        with self._lock:
            return self._events.setdefault(session, queue.Queue())

    def page(self):
        """A new tab, attached."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        self.send("Page.enable", session=session)
        self.send("Runtime.enable", session=session)
        return page

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except (ProtocolError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab: navigation, expressions, clicks, screenshots."""

    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        self.console_errors = []

    def send(self, method, params=None, timeout=DEFAULT_TIMEOUT):
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def _drain(self):
        events = self.browser.events(self.session)
        while True:
            try:
                self._note(events.get_nowait())
            except queue.Empty:
                return

    def _note(self, event):
        if event.get("method") == "Runtime.exceptionThrown":
            self.console_errors.append(event["params"]["exceptionDetails"].get("text"))
        if event.get("method") == "Runtime.consoleAPICalled" and event["params"].get("type") == "error":
            self.console_errors.append(" ".join(str(a.get("value")) for a in event["params"].get("args", [])))
        if event.get("method") == "Log.entryAdded":
            self.console_errors.append(event["params"]["entry"].get("text"))

    def _wait_load(self, timeout=DEFAULT_TIMEOUT):
        events = self.browser.events(self.session)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"no page load within {timeout} s")
            try:
                event = events.get(timeout=left)
            except queue.Empty:
                continue
            self._note(event)
            if event.get("method") == "Page.loadEventFired":
                return

    def goto(self, url):
        """Loads `url` and waits for its load event."""
        self._drain()
        answer = self.send("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise ProtocolError(f"navigating to {url}: {answer['errorText']}")
        self._wait_load()

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (run by the protocol, not by the page)."""
        answer = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in answer:
            raise ProtocolError(f"{expression}: {answer['exceptionDetails'].get('text')}")
        return answer["result"].get("value")

    def fill(self, selector, value):
        """Sets a field's value as typing would."""
        ok = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false;"
                           f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()")
        if not ok:
            raise ProtocolError(f"no field {selector} on {self.url}")

    def click(self, selector):
        """Clicks an element and waits for the page it leads to."""
        self._drain()
        ok = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false; e.click(); return true; }})()")
        if not ok:
            raise ProtocolError(f"nothing to click at {selector} on {self.url}")
        self._wait_load()

    @property
    def url(self):
        return self.evaluate("location.href")

    def text(self):
        return self.evaluate("document.body.innerText")

    def html(self):
        return self.evaluate("document.documentElement.outerHTML")

    def screenshot(self, path, width=1280, full_page=True):
        """A PNG of the page at `width` CSS pixels, whole length when `full_page`."""
        height = 900
        if full_page:
            height = int(self.evaluate("Math.ceil(document.documentElement.scrollHeight)") or 900)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": min(height, 8000), "deviceScaleFactor": 1, "mobile": width < 600})
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        self.send("Emulation.clearDeviceMetricsOverride")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
