#!/usr/bin/env python3
"""A misbehaving HTTP proxy in front of warroom-sim, for the chaos scenarios.

usage: proxy.py UPSTREAM_URL MODE_FILE [PORT]
Listens on 127.0.0.1:PORT (0: any free port), prints "listening PORT", and forwards
every request to UPSTREAM_URL.  MODE_FILE holds one word, read at every request; API
list requests (GET /api..., not watches) are answered according to it:
  pass       forward unchanged
  html       200 with an HTML body (a captive portal / proxy error page)
  malformed  200 application/json that is not JSON
  truncate   the real answer cut in the middle (Content-Length promises more)
  reset      the real answer's headers and part of its body, then a TCP reset
  stall      nothing for 30 s, then the real answer
  huge       200 application/json of 100 MB that never becomes a list
and watch requests by:
  reset-watch  the watch's first event, then a TCP reset
Everything else (and the simulator's own /sim/ API) is forwarded.  Stops on SIGTERM.
"""
import http.client
import http.server
import socket
import struct
import sys
import time
import urllib.parse

UP = urllib.parse.urlsplit(sys.argv[1])
MODE_FILE = sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 0


def mode():
    try:
        with open(MODE_FILE) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reset(self):
        """Closes the connection with a TCP RST (SO_LINGER 0)."""
        try:
            self.wfile.flush()
        except OSError:
            pass
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def send_body(self, code, ctype, body):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def upstream(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=3600)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        c.request(self.command, self.path, body=body, headers=hdrs)
        return c, c.getresponse()

    def forward(self, resp, cut_after=None, reset_after=None):
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        while True:
            data = resp.read1(65536)
            if not data:
                break
            if reset_after is not None and sent + len(data) > reset_after:
                data = data[: max(reset_after - sent, 1)]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.reset()
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            sent += len(data)
        self.wfile.write(b"0\r\n\r\n")

    def handle_one(self):
        m = mode()
        api = self.path.startswith("/api")
        watch = api and "watch=1" in self.path
        is_list = api and self.command == "GET" and not watch
        if is_list and m == "html":
            return self.send_body(200, "text/html", b"<html><body><h1>Welcome to Hotel Wi-Fi</h1></body></html>")
        if is_list and m == "malformed":
            return self.send_body(200, "application/json", b'{"kind":"PodList","items":[{"metadata":{"name":')
        if is_list and m == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(100 * 1024 * 1024))
            self.end_headers()
            chunk = b'{"kind":"PodList","items":[' + b" " * (1024 * 1024 - 27)
            try:
                for i in range(100):
                    self.wfile.write(chunk if i == 0 else b" " * (1024 * 1024))
            except OSError:
                pass  # the client gave up: what it should do
            self.close_connection = True
            return
        if is_list and m == "stall":
            time.sleep(30)
        c, resp = self.upstream()
        try:
            if is_list and m == "truncate":
                body = resp.read()
                self.send_response(resp.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            if is_list and m == "reset":
                return self.forward(resp, reset_after=200)
            if watch and m == "reset-watch":
                return self.forward(resp, reset_after=1)
            self.forward(resp)
        finally:
            c.close()

    def do_any(self):
        try:
            self.handle_one()
        except (OSError, http.client.HTTPException):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", PORT), Handler)
print("listening %d" % srv.server_address[1], flush=True)
srv.serve_forever()
