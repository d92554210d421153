#!/usr/bin/env python3
"""Summarises bench/api_overhead.sh: client-side p50/p99 per request kind (from `framewise load --json`)
and the server's own p99 (interpolated in the framewise_http_request_duration_seconds histogram)."""
import json
import re
import statistics
import sys

ROUTES = {"submit": ("POST", "/v1/jobs"), "status": ("GET", "/v1/jobs/{id}"), "results": ("GET", "/v1/jobs/{id}/results")}
LINE = re.compile(r'^framewise_http_request_duration_seconds_bucket\{(.*)\} (\S+)$')


def server_quantile(path, method, route, q):
    """q-quantile in seconds from the cumulative buckets of one route (all statuses), linear in a bucket."""
    buckets = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if labels.get("method") != method or labels.get("route") != route:
            continue
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        buckets[le] = buckets.get(le, 0) + float(m.group(2))
    if not buckets:
        return None
    bounds = sorted(buckets)
    total = buckets[bounds[-1]]
    if total == 0:
        return None
    target, previous_bound, previous_count = q * total, 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= target:
            if bound == float("inf"):
                return previous_bound
            share = (target - previous_count) / max(count - previous_count, 1e-9)
            return previous_bound + share * (bound - previous_bound)
        previous_bound, previous_count = bound, count
    return bounds[-1]


def main():
    out, repeats = sys.argv[1], int(sys.argv[2])
    rows = []
    for i in range(1, repeats + 1):
        load = json.load(open(f"{out}/load-{i}.json"))
        row = {"offered": load["offered_rate"], "completed": load["completed"], "submitted": load["submitted"]}
        for kind, (method, route) in ROUTES.items():
            client = load["request_ms"].get(kind, {})
            row[kind] = (client.get("p50", float("nan")), client.get("p99", float("nan")),
                         1000 * (server_quantile(f"{out}/metrics-{i}.txt", method, route, 0.99) or float("nan")))
        rows.append(row)
        print(f"repeat {i}: offered {row['offered']:.2f}/s, {row['completed']} of {row['submitted']} completed; ms client p50/p99 (server p99): "
              + ", ".join(f"{k} {row[k][0]:.2f}/{row[k][1]:.2f} ({row[k][2]:.2f})" for k in ROUTES))
    print("medians, ms: " + ", ".join(
        f"{k} client p50 {statistics.median(r[k][0] for r in rows):.2f} p99 {statistics.median(r[k][1] for r in rows):.2f}, "
        f"server p99 {statistics.median(r[k][2] for r in rows):.2f}" for k in ROUTES))


if __name__ == "__main__":
    main()
