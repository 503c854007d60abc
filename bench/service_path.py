#!/usr/bin/env python3
"""bench/service_path.py N POD_IP CLUSTER_IP: markdown rows of connect latency
and throughput straight to a pod, through its ClusterIP and through a NodePort
on 127.0.0.1 (bench/run.sh runs it in podinit's network namespace)."""
import socket
import statistics
import sys
import time

n, pod, vip = int(sys.argv[1]), sys.argv[2], sys.argv[3]
paths = [("straight to the pod (%s:8080)" % pod, pod, 8080),
         ("through the ClusterIP (%s:80)" % vip, vip, 80),
         ("through the NodePort (127.0.0.1:30081)", "127.0.0.1", 30081)]


def get(host, port, path):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"GET /" + path + b" HTTP/1.0\r\n\r\n")
    got = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got += len(b)
    s.close()
    return got


rows, base = [], None
for label, host, port in paths:
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        s = socket.create_connection((host, port), timeout=5)
        lat.append((time.perf_counter() - t) * 1e6)
        s.close()
    t = time.perf_counter()
    total = sum(get(host, port, b"big") for _ in range(3))
    mbs = total / (time.perf_counter() - t) / 1e6
    med = statistics.median(lat)
    p90 = sorted(lat)[max(0, int(len(lat) * 0.9) - 1)]
    if base is None:
        base = (med, mbs)
    rows.append("| %s | %.0f | %.0f | %.2f | %.0f | %.2f |" % (label, med, p90, med / base[0], mbs, mbs / base[1]))
print("\n".join(rows))
