#!/usr/bin/env python3
# Writes a synthetic results.json (schema healbench/1) of a run through disconnect /
# reconnect: four phases, two stalls, sync samples, histograms. For report tests that need
# faults and long runs without a cluster: synthetic_results.py OUT.json [DURATION_S] [INTERVAL_S]
import json
import math
import random
import sys


def bin_index(v):  # LatencyHistogram::BinIndex (harness/core/latency_histogram.cc)
    if v < 128:
        return max(0, int(v))
    octave = int(v).bit_length() - 1
    sub = int(v) >> (octave - 6)
    return 128 + (octave - 7) * 64 + (sub - 64)


def histogram(rng, n, median_ns, sigma):
    bins = {}
    for _ in range(n):
        i = bin_index(median_ns * math.exp(rng.gauss(0, sigma)))
        bins[i] = bins.get(i, 0) + 1
    return [[i, c] for i, c in sorted(bins.items())]


def main():
    out = sys.argv[1]
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    rng = random.Random(7)
    f1, f2, f3 = 0.3 * duration, 0.55 * duration, 0.8 * duration
    phases_t = [("baseline", 0.0, f1), ("degraded", f1, f2), ("healing", f2, f3), ("recovered", f3, duration)]
    stalls = [
        {"start_s": f1 + 0.05, "end_s": f1 + 1.57, "duration_s": 1.52, "open": False, "inflight_max": 16,
         "slow_ios": 37, "ops": ["write", "flush"], "phase": "degraded", "images": ["vm0", "vm1"], "cause": 2},
        {"start_s": f2 + 2.0, "end_s": f2 + 2.7, "duration_s": 0.7, "open": False, "inflight_max": 4,
         "slow_ios": 5, "ops": ["write"], "phase": "healing", "images": ["vm1"], "cause": 3},
    ]
    rows = []
    n = int(round(duration / interval))
    for k in range(1, n + 1):
        t = k * interval
        phase = next(p for p, a, b in phases_t if a <= t - 1e-9 < b or (p == "recovered" and t >= a))
        scale = {"baseline": 1.0, "degraded": 0.6, "healing": 0.8, "recovered": 1.0}[phase]
        stalled = next((s for s in stalls if s["start_s"] <= t <= s["end_s"] + interval), None)
        w = 0.05 if stalled else 1.0
        r_iops = max(0.0, 6000 * scale * (1 + rng.gauss(0, 0.05)))
        w_iops = max(0.0, 4000 * scale * w * (1 + rng.gauss(0, 0.05)))
        p50 = int(800_000 / scale * (1 + rng.gauss(0, 0.05)))
        p99 = int(p50 * 3 * (1 + abs(rng.gauss(0, 0.3))))
        p999 = int(p99 * 2)
        mx = int(p999 * (1 + abs(rng.gauss(0, 1))))
        age = 0.01
        if stalled:
            age = round(t - stalled["start_s"], 3)
            mx = max(mx, int(age * 1e9))
            p999 = max(p999, int(age * 0.9e9))
        sync = "in_sync" if t < f1 or t >= f3 else ("degraded" if t < f2 else "healing")
        rows.append({"t_s": round(t, 3), "phase": phase, "read_iops": round(r_iops, 1),
                     "write_iops": round(w_iops, 1), "flush_iops": round(w_iops / 8, 1),
                     "read_mib_s": round(r_iops * 4096 / 1048576, 2),
                     "write_mib_s": round(w_iops * 4096 / 1048576, 2), "p50_ns": p50, "p99_ns": p99,
                     "p999_ns": p999, "max_ns": mx, "inflight": 16 if stalled else 8 + rng.randrange(8),
                     "oldest_inflight_age_s": age, "errors": 0, "sync_state": sync})
    phases = []
    for name, a, b in phases_t:
        scale = {"baseline": 1.0, "degraded": 0.6, "healing": 0.8, "recovered": 1.0}[name]
        p = {"name": name, "start_s": a, "end_s": b}
        for op, base, med in (("read", 6000, 800_000), ("write", 4000, 1_200_000), ("flush", 500, 2_000_000)):
            ios = int(base * scale * (b - a))
            lat = {"p50": int(med / scale), "p90": int(med * 2 / scale), "p99": int(med * 4 / scale),
                   "p999": int(med * 9 / scale), "max": int(med * 40 / scale), "mean": med * 1.3}
            p[op] = {"ios": ios, "iops": ios / max(b - a, 1e-9), "mib_s": ios * 4096 / (b - a) / 1048576 if op != "flush" else 0,
                     "errors": 0, "bytes": ios * 4096 if op != "flush" else 0, "latency_ns": lat,
                     "service_latency_ns": lat,
                     "histogram": {"layout": "log-linear-128/2^42ns",
                                   "bins": histogram(rng, 20000, med / scale, 0.6 if scale == 1 else 1.1)}}
        phases.append(p)
    samples = []
    t = 0.0
    while t < duration:
        if t < f1 or t >= f3:
            s = {"state": "in_sync", "pending_entries": 0, "out_of_sync_bytes": 0}
        elif t < f2:
            s = {"state": "degraded", "pending_entries": int((t - f1) * 30), "out_of_sync_bytes": None}
        else:
            left = int((f3 - t) * 20)
            s = {"state": "healing", "pending_entries": left, "out_of_sync_bytes": left * 4096}
        s.update({"t_s": round(t, 3), "estimate": False, "safe_to_stop": {"node1": s["state"] == "in_sync"}})
        samples.append(s)
        t += max(1.0, duration / 200)
    doc = {
        "schema": "healbench/1",
        "context": {"version": "0.1.0", "git_sha": "synthetic", "seed": 42, "host": "synthetic",
                    "kernel": "none", "build_type": "Release", "started_at": "2026-01-01T00:00:00Z",
                    "scenario": {"run": {"name": "synthetic-disconnect", "duration": f"{duration}s"},
                                 "backend": {"kind": "ref"}},
                    "backend": "ref", "threads": 2},
        "duration_s": duration, "interrupted": False,
        "totals": {op: {"ios": sum(p[op]["ios"] for p in phases), "bytes": sum(p[op]["bytes"] for p in phases),
                        "errors": 0} for op in ("read", "write", "flush")},
        "phases": phases, "stalls": stalls, "stalls_by_op": {}, "stalls_by_image": {},
        "events": [
            {"id": 1, "t_s": 0.0, "end_s": None, "kind": "run", "action": "start", "node": "", "ok": True, "detail": ""},
            {"id": 2, "t_s": f1, "end_s": f1 + 0.004, "kind": "fault", "action": "disconnect", "node": "node2",
             "ok": True, "detail": "connections reset"},
            {"id": 3, "t_s": f2, "end_s": f2 + 0.01, "kind": "fault", "action": "reconnect", "node": "node2",
             "ok": True, "detail": ""},
            {"id": 4, "t_s": duration, "end_s": None, "kind": "run", "action": "end", "node": "", "ok": True,
             "detail": "completed"},
        ],
        "sync": {"probe": "ref", "samples": samples},
        "derived": {"max_stall_s": 1.52, "failover_latency_s": 1.57, "heal_stall_max_s": 0.7,
                    "time_to_in_sync_s": f3 - f2, "degraded_iops_ratio": 0.6, "longest_completion_gap_s": 1.2},
        "integrity": {"checked_blocks": 5000, "lost_writes": 0, "stale_reads": 0, "torn_blocks": 0,
                      "misdirected": 0, "diverged_blocks": 0},
        "slo": {"pass": True, "checks": [{"name": "max_stall", "unit": "s", "limit": 2.0, "value": 1.52, "pass": True}]},
        "timeseries": rows,
        "resources": {"cpu_user_s": 1.0, "cpu_sys_s": 0.5, "max_rss_kib": 10000},
        "images": ["vm0", "vm1"],
    }
    with open(out, "w") as fh:
        json.dump(doc, fh)


if __name__ == "__main__":
    main()
