"""A local HTTP server for the downloader's tests (loopback only): serves files from a folder and
misbehaves on purpose. Prints its port on the first line of stdout, then serves until killed.

    python test_http_server.py DIR

/files/NAME          the file DIR/NAME (counted: /count/NAME says how many times it was served)
/slow/NAME           the file after a 3 s pause
/stall/NAME          the headers and half the file at once, then a 3 s pause, then the rest
/truncated/NAME      declares the full length, sends half, closes
/status/CODE         answers CODE with a short body
/flaky/NAME          500 on the first request for NAME, then the file
/redirect/N/NAME     N redirects (302), then the file
/loop                redirects to itself
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = sys.argv[1]
counts = {}
flaky = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_file(self, name, truncate=False, stall=False):
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            return self.status(404)
        data = open(path, "rb").read()
        with lock:
            counts[name] = counts.get(name, 0) + 1
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if truncate:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if stall:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            time.sleep(3)
            self.wfile.write(data[len(data) // 2 :])
            return
        # In pieces, so a concurrent download really overlaps.
        for i in range(0, len(data), 65536):
            self.wfile.write(data[i : i + 65536])
            time.sleep(0.002)

    def status(self, code):
        body = f"status {code}\n".encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        kind = parts[0]
        if kind == "files" and len(parts) == 2:
            return self.send_file(parts[1])
        if kind == "count" and len(parts) == 2:
            with lock:
                body = str(counts.get(parts[1], 0)).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if kind == "slow" and len(parts) == 2:
            time.sleep(3)
            return self.send_file(parts[1])
        if kind == "stall" and len(parts) == 2:
            return self.send_file(parts[1], stall=True)
        if kind == "truncated" and len(parts) == 2:
            return self.send_file(parts[1], truncate=True)
        if kind == "status" and len(parts) == 2:
            return self.status(int(parts[1]))
        if kind == "flaky" and len(parts) == 2:
            with lock:
                first = parts[1] not in flaky
                flaky.add(parts[1])
            return self.status(500) if first else self.send_file(parts[1])
        if kind == "redirect" and len(parts) == 3:
            n = int(parts[1])
            return self.redirect(f"/redirect/{n - 1}/{parts[2]}" if n > 1 else f"/files/{parts[2]}")
        if kind == "loop":
            return self.redirect("/loop")
        return self.status(404)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
