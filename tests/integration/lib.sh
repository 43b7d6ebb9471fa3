# Shared helpers for the end-to-end tests: each test script gets the healbench binary and
# the source dir as $1 and $2, works in its own temp dir, and fails loudly with the command
# that reproduces the failure.
set -euo pipefail
HB="$1"
SRC="$2"
# KEEP_WORK=1 keeps the temp dir (server logs, results) for a look after a failure.
WORK="$(mktemp -d /var/tmp/healbench-e2e.XXXXXX)"
CLEANUPS=()
cleanup() {
  local rc=$?
  for ((i=${#CLEANUPS[@]}-1; i>=0; i--)); do eval "${CLEANUPS[$i]}" || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
on_exit() { CLEANUPS+=("$1"); }

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# expect_exit CODE CMD...: runs CMD, stores stdout/stderr in $OUT/$ERR, checks the exit code.
expect_exit() {
  local want="$1"; shift
  set +e
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  local got=$?
  set -e
  OUT="$(cat "$WORK/stdout")"
  ERR="$(cat "$WORK/stderr")"
  if [ "$got" != "$want" ]; then
    echo "--- stdout"; echo "$OUT"; echo "--- stderr"; echo "$ERR"
    fail "exit $got, want $want: $*"
  fi
}

expect_contains() {  # expect_contains HAYSTACK NEEDLE WHAT
  case "$1" in *"$2"*) ;; *) echo "$1" >&2; fail "$3: missing \"$2\"";; esac
}

# jq-like check with python: json_check FILE 'python expression over r' 'message'
json_check() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2], {"r": r, "len": len, "abs": abs, "max": max, "min": min, "sum": sum, "all": all, "any": any})
if not ok:
    print("FAIL:", sys.argv[3], "--", sys.argv[2], file=sys.stderr)
    sys.exit(1)
PY
}

json_get() {  # json_get FILE 'python expression over r'
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# Servers for network tests (nbdkit on loopback).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }
wait_listening() {  # wait_listening PORT: up to 5 s
  for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
  fail "nbdkit did not listen on port $1"
}
# stop_server PIDFILE PORT: SIGTERM by pid, wait for it to exit, and the port must be free.
stop_server() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "nbdkit $pid ignored SIGTERM"; fi
  rm -f "$1"
  if [ -n "${2:-}" ] && listening "$2"; then fail "port $2 still has a listener after nbdkit stopped"; fi
}
# start_server NAME PORT PLUGIN-ARGS...: nbdkit in the foreground of a background job.
start_server() {
  local name="$1" port="$2"; shift 2
  nbdkit -f -P "$WORK/$name.pid" -p "$port" -i 127.0.0.1 "$@" </dev/null >"$WORK/$name.log" 2>&1 &
  on_exit "stop_server '$WORK/$name.pid'"
  wait_listening "$port"
}

# mount_freezable_fs WHAT: a bindfs FUSE passthrough of $WORK/src on $WORK/mnt whose process
# (pid in $BPID and $WORK/bindfs.pid) can be frozen with SIGSTOP, so file I/O on it really
# stops. Prints "skip: WHAT (…)" and exits 0 where FUSE or bindfs is missing. At exit it is
# thawed and unmounted.
mount_freezable_fs() {
  if ! command -v bindfs >/dev/null || [ ! -c /dev/fuse ]; then
    echo "skip: $1 (bindfs or /dev/fuse missing)"; exit 0
  fi
  mkdir -p "$WORK/src" "$WORK/mnt"
  if ! bindfs "$WORK/src" "$WORK/mnt" 2>"$WORK/bindfs.err"; then
    echo "skip: $1 (bindfs cannot mount here: $(cat "$WORK/bindfs.err"))"; exit 0
  fi
  BPID=$(pgrep -f "bindfs $WORK/src $WORK/mnt" | head -1)
  echo "$BPID" >"$WORK/bindfs.pid"
  on_exit "fusermount -u -z '$WORK/mnt'; kill $BPID 2>/dev/null"
  on_exit "kill -CONT $BPID 2>/dev/null"
}
