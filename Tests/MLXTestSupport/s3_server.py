"""A real S3-protocol server for mlx's tests, and a fault-injecting proxy in front of it.

Starts moto's S3 server (PyPI moto[server], the server `moto_server` runs) on 127.0.0.1 at a
free port, and an HTTP proxy on another free port that forwards to it but can answer 500,
drop the connection, or stall, as the test asks. Prints one line, `ready MOTO_PORT
PROXY_PORT`, then answers commands on stdin, one line each, until stdin closes (when the test
process ends, however it ends), then exits:

    bucket NAME               create a bucket
    faults RULE...            replace the proxy's faults; RULE is KIND:COUNT[:MATCH]
                              KIND: 500 (answer 500), drop (close without answering),
                              stall (hold the request 30 s, then close),
                              pass (forward it unchanged: `pass:1:PUT:.ready
                              stall:always:PUT:.ready` lets the first marker through);
                              COUNT: how many matching requests (or 'always');
                              MATCH: METHOD or METHOD:KEY-SUFFIX, e.g. PUT:.ready
    requests                  how many requests the proxy has received
    keys BUCKET PREFIX        the keys under PREFIX, space-separated
    corrupt BUCKET KEY        flip one byte in the middle of an object
    delete BUCKET KEY         delete an object
"""

import http.client
import http.server
import logging
import sys
import threading
import time

import boto3
from moto.server import ThreadedMotoServer

logging.getLogger("werkzeug").setLevel(logging.ERROR)
moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
moto.start()
moto_port = moto.get_host_and_port()[1]
client = boto3.client(
    "s3",
    endpoint_url=f"http://127.0.0.1:{moto_port}",
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
)

lock = threading.Lock()
faults = []  # [kind, remaining (None: always), method, suffix]
received = 0


def take_fault(method, path):
    """The fault the next request gets, if any, counting it down."""
    with lock:
        for fault in faults:
            kind, remaining, want_method, suffix = fault
            if want_method and want_method != method:
                continue
            if suffix and not path.split("?")[0].endswith(suffix):
                continue
            if remaining is not None:
                if remaining == 0:
                    continue
                fault[1] = remaining - 1
            return kind
    return None


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        global received
        with lock:
            received += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = take_fault(self.command, self.path)
        if fault == "drop":
            self.close_connection = True
            return
        if fault == "stall":
            time.sleep(30)
            self.close_connection = True
            return
        if fault == "500":
            message = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
            self.send_response(500)
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=60)
        headers = {k: v for k, v in self.headers.items()}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
proxy.daemon_threads = True
threading.Thread(target=proxy.serve_forever, daemon=True).start()
print(f"ready {moto_port} {proxy.server_address[1]}", flush=True)


def command(words):
    global faults
    if words[0] == "bucket":
        client.create_bucket(Bucket=words[1])
        return "ok"
    if words[0] == "faults":
        parsed = []
        for rule in words[1:]:
            parts = rule.split(":", 3)
            kind, count = parts[0], parts[1]
            method = parts[2] if len(parts) > 2 else None
            suffix = parts[3] if len(parts) > 3 else None
            parsed.append([kind, None if count == "always" else int(count), method, suffix])
        with lock:
            faults = parsed
        return "ok"
    if words[0] == "requests":
        with lock:
            return str(received)
    if words[0] == "keys":
        prefix = words[2] if len(words) > 2 else ""
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=words[1], Prefix=prefix)
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        return " ".join(keys)
    if words[0] == "corrupt":
        data = bytearray(client.get_object(Bucket=words[1], Key=words[2])["Body"].read())
        data[len(data) // 2] ^= 0x01
        client.put_object(Bucket=words[1], Key=words[2], Body=bytes(data))
        return "ok"
    if words[0] == "delete":
        client.delete_object(Bucket=words[1], Key=words[2])
        return "ok"
    return "error unknown command"


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    try:
        print(command(words), flush=True)
    except Exception as error:  # answer, so the test sees what went wrong
        print(f"error {type(error).__name__}: {error}".replace("\n", " "), flush=True)
