#!/usr/bin/env bash
# Live metrics against a real Prometheus and Pushgateway (Debian packages, started by hand on
# free loopback ports): a file-backend run on a bindfs mount frozen by the signal injector;
# every family has samples, the stall counter rises during the freeze, every PromQL
# expression of the Grafana dashboard returns data, and the final figures reach the gateway.
source "$(dirname "$0")/lib.sh"

if ! command -v prometheus >/dev/null || ! command -v prometheus-pushgateway >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq prometheus prometheus-pushgateway \
    >/dev/null 2>&1 || { echo "skip: prometheus / prometheus-pushgateway cannot be installed"; exit 0; }
fi
mount_freezable_fs "Prometheus test (a freeze of file I/O is needed)"

port_free() { python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1]))) else 1)' "$1"; }
wait_http() {  # wait_http URL WHAT
  for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.2; done
  fail "$2 did not come up at $1"
}
stop_pid() {  # stop_pid PID PORT WHAT: by pid, then the port must be free
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$1" 2>/dev/null && { kill -9 "$1"; fail "$3 (pid $1) did not stop on SIGTERM"; }
  port_free "$2" || fail "$3 port $2 still in use after stopping it"
}

HB_PORT=$(free_port); PROM_PORT=$(free_port); PGW_PORT=$(free_port)
RUN=prom-e2e

prometheus-pushgateway --web.listen-address="127.0.0.1:$PGW_PORT" >"$WORK/pgw.log" 2>&1 &
PGW_PID=$!
on_exit "kill $PGW_PID 2>/dev/null"
cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: healbench
    static_configs:
      - targets: ["127.0.0.1:$HB_PORT"]
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:$PGW_PORT"]
YML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
on_exit "kill $PROM_PID 2>/dev/null"
wait_http "http://127.0.0.1:$PGW_PORT/-/ready" pushgateway
wait_http "http://127.0.0.1:$PROM_PORT/-/ready" prometheus
# Prometheus hands targets to its scrape loops up to 5 s after start: wait until the
# Pushgateway target has been scraped, so healbench's target is being scraped too.
for _ in $(seq 100); do
  curl -s "http://127.0.0.1:$PROM_PORT/api/v1/targets" | grep -q '"health":"up"' && break
  sleep 0.2
done
curl -s "http://127.0.0.1:$PROM_PORT/api/v1/targets" | grep -q '"health":"up"' ||
  fail "prometheus never scraped the pushgateway target"


cat >"$WORK/freeze.toml" <<TOML
[run]
name = "$RUN"
duration = "12s"
[backend]
kind = "file"
path = "$WORK/mnt"
direct = false
[images]
size = "64MiB"
[workload]
profile = "db"
[nodes.fuse]
injector = "signal"
pidfile = "$WORK/bindfs.pid"
[[fault]]
at = "4s"
action = "freeze"
node = "fuse"
[[fault]]
after = "3s"
action = "thaw"
node = "fuse"
TOML
T0=$(date +%s)
expect_exit 0 "$HB" run "$WORK/freeze.toml" --out "$WORK/run" -q --metrics-listen "$HB_PORT" \
  --pushgateway "http://127.0.0.1:$PGW_PORT" --textfile "$WORK/healbench.prom"
expect_contains "$OUT" "metrics at http://127.0.0.1:$HB_PORT/metrics" "listen address printed"
sleep 2  # the last scrape and the pushgateway's first scrape
T1=$(date +%s)
port_free "$HB_PORT" || fail "healbench left its metrics port $HB_PORT open"

python3 - "$PROM_PORT" "$PGW_PORT" "$RUN" "$T0" "$T1" "$SRC/reports/grafana/healbench.json" \
  "$WORK/healbench.prom" <<'PY'
import json, sys, time, urllib.parse, urllib.request
prom, pgw, run, t0, t1, dash_path, textfile = sys.argv[1:]
base = f"http://127.0.0.1:{prom}/api/v1/"

def api(path, **params):
    url = base + path + "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    if body["status"] != "success":
        sys.exit(f"FAIL: {url}: {body}")
    return body["data"]

def query_range(expr):
    return api("query_range", query=expr, start=t0, end=t1, step="1")["result"]

def values(expr):
    res = query_range(expr)
    return [float(v) for s in res for _, v in s["values"]]

failed = []
def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok: failed.append(what)

# Samples become queryable a few seconds after the scrape.
for _ in range(30):
    if query_range(f'healbench_run_info{{run="{run}"}}'): break
    time.sleep(1)

families = ["healbench_ios_total", "healbench_bytes_total", "healbench_io_errors_total",
            "healbench_latency_seconds_bucket", "healbench_latency_seconds_sum",
            "healbench_latency_seconds_count", "healbench_inflight",
            "healbench_oldest_inflight_age_seconds", "healbench_stalls_total",
            "healbench_stall_active", "healbench_current_stall_seconds", "healbench_sync_state",
            "healbench_sync_pending_entries", "healbench_sync_out_of_sync_bytes",
            "healbench_fault_active", "healbench_phase", "healbench_run_info"]
for f in families:
    series = api("series", **{"match[]": f'{f}{{run="{run}",job="healbench"}}', "start": t0, "end": t1})
    check(len(series) > 0, f"{f} has samples")

stalls = values(f'healbench_stalls_total{{run="{run}",job="healbench"}}')
check(stalls and min(stalls) == 0 and max(stalls) >= 1, f"stall counter rose during the freeze ({min(stalls or [0])} -> {max(stalls or [0])})")
check(max(values(f'healbench_current_stall_seconds{{run="{run}"}}') or [0]) >= 1, "current stall reached >= 1 s")
fault = values(f'healbench_fault_active{{run="{run}",action="freeze",node="fuse"}}')
check(fault and max(fault) == 1 and fault[-1] == 0, "fault_active{freeze,fuse} went 1 and back to 0")
check(max(values(f'healbench_phase{{run="{run}",phase="degraded"}}') or [0]) == 1, "phase degraded seen")
check(max(values(f'sum(healbench_ios_total{{run="{run}"}})') or [0]) > 100, "I/Os counted")

dash = json.load(open(dash_path))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
exprs += [a["expr"] for a in dash["annotations"]["list"] if "expr" in a]
check(len(exprs) >= 10, f"{len(exprs)} dashboard expressions found")
for e in exprs:
    q = e.replace("$run", run).replace("$__rate_interval", "5s")
    check(len(query_range(q)) > 0, f"dashboard expr returns data: {q}")
check(run in api("label/run/values", **{"match[]": "healbench_run_info"}), "run variable lists the run")

with urllib.request.urlopen(f"http://127.0.0.1:{pgw}/metrics", timeout=10) as r:
    pushed = r.read().decode()
for name in ["healbench_result_ios_total", "healbench_result_stalls_total",
             "healbench_derived_max_stall_seconds", "healbench_derived_failover_latency_seconds",
             "healbench_slo_limit", "healbench_slo_all_pass", "healbench_run_info"]:
    check(any(l.startswith(name + "{") and 'job="healbench"' in l and f'run="{run}"' in l
              for l in pushed.splitlines()), f"pushed {name} on the pushgateway")
check(len(query_range(f'healbench_derived_max_stall_seconds{{run="{run}",job="healbench"}}')) > 0,
      "pushed figures scraped from the pushgateway by Prometheus")
text = open(textfile).read()
check("healbench_derived_max_stall_seconds{" in text and "# TYPE healbench_result_ios_total counter" in text,
      "textfile has the final figures")
sys.exit(1 if failed else 0)
PY
pass "live metrics, dashboard queries, pushgateway and textfile"

# An unreachable Pushgateway: named, results still written, exit 3.
DEAD=$(free_port)
expect_exit 3 "$HB" run --set backend.kind=null --set run.duration=1s --out "$WORK/dead" -q \
  --pushgateway "http://127.0.0.1:$DEAD"
expect_contains "$ERR" "Pushgateway http://127.0.0.1:$DEAD" "unreachable pushgateway named"
[ -s "$WORK/dead/results.json" ] || fail "results not written when the push failed"
pass "unreachable pushgateway: exit 3, results written"

stop_pid "$PROM_PID" "$PROM_PORT" prometheus
stop_pid "$PGW_PID" "$PGW_PORT" pushgateway
pass "prometheus and pushgateway stopped, ports free"
