#!/usr/bin/env python3
"""Loads a page in headless Chromium and waits until a JavaScript condition holds, then writes the
page's DOM (and optionally a PNG screenshot). For live pages (server-sent events keep a connection
open, so `chromium --dump-dom` dumps before any event and `--virtual-time-budget` never ends).

Talks the DevTools protocol over `--remote-debugging-pipe` (file descriptors 3 and 4, messages
ended by NUL), so it needs nothing beyond Python and Debian's chromium.

    browser_probe.py URL --until 'JS boolean expression' [--timeout 30] [--dom OUT.html]
                     [--screenshot OUT.png] [--width 1280] [--height 1600] [--header 'Name: value']
                     [--watch 'JS expression' --watch-out OUT.json]

--watch records each distinct value the expression takes while waiting, in order, rewriting
OUT.json (a JSON list) at every change, so a test can act on what the page shows meanwhile.

Exit 0 when the condition held (DOM written), 1 when it did not within the timeout (DOM written
anyway, for the failure message), 2 on a browser error.
"""
import argparse, base64, json, os, shutil, subprocess, sys, tempfile, time


class Browser:
    def __init__(self, binary, width, height):
        self.profile = tempfile.mkdtemp(prefix="fw-probe-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        def wire():  # in the child: its fd 3 reads our commands, fd 4 writes replies
            read, write = os.dup(to_child_r), os.dup(from_child_w)  # out of the way of 3 and 4 first
            os.dup2(read, 3)
            os.dup2(write, 4)
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--hide-scrollbars", f"--window-size={width},{height}", f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raise RuntimeError(f"{method}: no answer within {timeout} s")

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--until", required=True, help="JavaScript boolean expression to wait for")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--dom")
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--header", action="append", default=[], help="'Name: value' sent with every request")
    parser.add_argument("--watch", help="JavaScript expression whose distinct values are recorded while waiting")
    parser.add_argument("--watch-out", help="where --watch's values go (JSON list)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    browser = Browser(args.chromium, args.width, args.height)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=session)
        if args.header:
            headers = dict(h.split(":", 1) for h in args.header)
            browser.send("Network.enable", session=session)
            browser.send("Network.setExtraHTTPHeaders", {"headers": {k.strip(): v.strip() for k, v in headers.items()}}, session=session)
        browser.send("Page.navigate", {"url": args.url}, session=session)
        held = False
        seen = []
        deadline = time.time() + args.timeout

        def record():
            value = browser.send("Runtime.evaluate", {"expression": f"String({args.watch})", "returnByValue": True},
                                 session=session).get("result", {}).get("value")
            if not seen or seen[-1] != value:
                seen.append(value)
                if args.watch_out:
                    with open(args.watch_out + ".tmp", "w") as f:
                        json.dump(seen, f)
                    os.replace(args.watch_out + ".tmp", args.watch_out)

        while time.time() < deadline:
            if args.watch:
                record()
            value = browser.send("Runtime.evaluate", {"expression": f"Boolean({args.until})", "returnByValue": True}, session=session)
            if value.get("result", {}).get("value") is True:
                held = True
                # The page may have changed between the last sample and the condition: record the
                # value it holds with, so the watch list ends where the wait did.
                if args.watch:
                    record()
                break
            time.sleep(0.1)
        dom = browser.send("Runtime.evaluate", {"expression": "document.documentElement.outerHTML", "returnByValue": True},
                           session=session)["result"].get("value", "")
        if args.dom:
            with open(args.dom, "w") as f:
                f.write(dom)
        else:
            sys.stdout.write(dom)
        if args.screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        if not held:
            print(f"browser_probe: '{args.until}' did not hold within {args.timeout} s", file=sys.stderr)
        return 0 if held else 1
    except Exception as error:  # a browser that fails to start or answer
        print(f"browser_probe: {error}", file=sys.stderr)
        return 2
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
