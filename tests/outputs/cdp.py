"""A small Chrome DevTools Protocol client over --remote-debugging-pipe, for the
page tests: open a page in Debian's headless Chromium, record every request it
makes, evaluate an expression in it and take a screenshot.

The pipe (Chromium reads commands on fd 3 and writes replies on fd 4, each a
JSON message ended by a NUL byte) needs no websocket library and no browser
download. Host resolution is mapped to NOTFOUND, so even a page that tried to
load something from the network could not reach it; the recorded requests show
that it tried.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
]
TIMEOUT = 30.0


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class CDPError(RuntimeError):
    pass


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """One headless Chromium, driven over the DevTools pipe; use it as a context manager."""

    def __init__(self, executable: str, profile: Path, width: int = 1200, height: int = 900):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # Move the browser's ends above fd 9, so that placing them on 3 and 4 in the
        # child cannot overwrite one with the other (pytest may have left 3 or 4 free).
        to_browser_read, from_browser_write = (
            _above_nine(to_browser_read),
            _above_nine(from_browser_write),
        )
        command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        command.append(f"--window-size={width},{height}")
        # fd 3 and 4 in the browser are our pipe ends, whatever numbers they have here
        wrapper = 'exec "$0" "$@" 3<&"$CDP_IN" 4>&"$CDP_OUT"'
        env = {**os.environ, "CDP_IN": str(to_browser_read), "CDP_OUT": str(from_browser_write)}
        self.log = open(profile.parent / "chromium.log", "wb")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            ["bash", "-c", wrapper, *command],  # dash takes only one-digit fds
            pass_fds=(to_browser_read, from_browser_write),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._messages: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next_id = 0
        self.events: list[dict] = []

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                self._messages.put(None)
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._messages.put(json.loads(message))

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its result, keeping every event that arrives meanwhile."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str | None = None) -> dict:
        """Wait for an event (it may already have arrived)."""
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                self.events.remove(event)
                return event
        while True:
            event = self._receive()
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)

    def _receive(self) -> dict:
        try:
            message = self._messages.get(timeout=TIMEOUT)
        except queue.Empty:
            raise CDPError(f"no message from Chromium within {TIMEOUT} s") from None
        if message is None:
            raise CDPError("Chromium closed the DevTools pipe")
        return message

    def new_page(self) -> str:
        """A new tab with network, page and runtime events on; returns its session id."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        session_id = session["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session_id)
        return session_id

    def open(self, session: str, url: str) -> None:
        self.send("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired", session)

    def evaluate(self, session: str, expression: str, await_promise: bool = False):
        """The expression's value; with await_promise, the value its promise settles to."""
        params = {"expression": expression, "returnByValue": True, "awaitPromise": await_promise}
        result = self.send("Runtime.evaluate", params, session)
        if "exceptionDetails" in result:
            raise CDPError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, session: str, path: Path) -> None:
        data = self.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session
        )
        path.write_bytes(base64.b64decode(data["data"]))

    def requested_urls(self, session: str) -> list[str]:
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event.get("method") == "Network.requestWillBeSent"
            and event.get("sessionId") == session
        ]

    def errors(self, session: str) -> list[dict]:
        """Script exceptions, console errors and browser log errors (such as a
        Content-Security-Policy violation) the page caused."""
        found = []
        for event in self.events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown" or (
                method == "Runtime.consoleAPICalled" and params.get("type") == "error"
            ):
                found.append(params)
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"])
        return found

    def close(self) -> None:
        with contextlib.suppress(CDPError, OSError):  # it may close the pipe before replying
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._to_browser)
        self._reader.join(timeout=10)  # it ends at the pipe's end of file, once Chromium is gone
        os.close(self._from_browser)
        self.log.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
