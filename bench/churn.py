#!/usr/bin/env python3
"""bench/churn.py: changes pods at a steady rate through the simulator's API and stamps
every change, for the churn benchmark.

  churn.py URL PODLIST RATE SECONDS OUT
PODLIST has one "namespace name" per line.  Each change is a JSON merge patch of the
annotation bench.warroom.io/stamp on the next pod (round robin); OUT gets one line per
change, "REALTIME_SECONDS RESOURCE_VERSION", the time taken just before the request was
sent (so the latency measured from it includes the server's own handling).
"""
import http.client
import json
import sys
import time
import urllib.parse


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: churn.py URL PODLIST RATE SECONDS OUT")
    url = urllib.parse.urlsplit(sys.argv[1])
    pods = [l.split() for l in open(sys.argv[2]) if l.strip()]
    rate, seconds = float(sys.argv[3]), float(sys.argv[4])
    if not pods or rate <= 0:
        sys.exit("churn.py: no pods or no rate")
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    out = open(sys.argv[5], "w")
    start = time.monotonic()
    n = 0
    errors = 0
    while True:
        due = start + n / rate
        now = time.monotonic()
        if due - start >= seconds:
            break
        if due > now:
            time.sleep(due - now)
        ns, name = pods[n % len(pods)]
        body = json.dumps({"metadata": {"annotations": {"bench.warroom.io/stamp": str(n)}}})
        stamp = time.time()
        try:
            conn.request("PATCH", f"/api/v1/namespaces/{ns}/pods/{name}", body,
                         {"Content-Type": "application/merge-patch+json"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                errors += 1
            else:
                rv = json.loads(data)["metadata"]["resourceVersion"]
                out.write(f"{stamp:.6f} {rv}\n")
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        n += 1
    out.close()
    print(json.dumps({"sent": n, "errors": errors}))


if __name__ == "__main__":
    main()
