#!/usr/bin/env bash
# Measures examples/tinyhttp against the same routes on net/http (wrk), and
# examples/tinykv against its goroutine-per-connection form
# (redis-benchmark), in the same run: each server is a fresh process pinned
# to CPU 0 (one loop for eddy; GOMAXPROCS follows the pinning, so 1 for
# both), the load generator pinned to CPU 1, the servers interleaved (the
# order alternates with each repetition), and the median of the
# repetitions is reported with eddy's ratio.
#
#   ./protocols.sh            # both; about 4 minutes
#   ./protocols.sh http       # tinyhttp only: wrk -t1 -c50 -d5s on /plaintext,
#                             #   /json, and /plaintext pipelined 16 deep
#   ./protocols.sh kv         # tinykv only: redis-benchmark -t ping,set,get
#                             #   -n 100000 -c 50 -q, then the same with -P 16
#
# Environment: REPS (3), DURATION (wrk's -d, 5s), REQUESTS (redis-benchmark's
# -n, 100000), PIN (1: taskset; 0: unpinned), SERVER_CPU (0), LOAD_CPU (1).
# Needs wrk and redis-benchmark (Debian: wrk, redis-tools) and taskset.
# Every run is bounded: wrk by -d, redis-benchmark by -n (and a timeout of
# 120 s), a server that does not stop within 10 s of SIGINT is killed.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

REPS=${REPS:-3}
DURATION=${DURATION:-5s}
REQUESTS=${REQUESTS:-100000}
PIN=${PIN:-1}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
what=${1:-all}

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd .. && go build -o "$tmp/tinyhttp" ./examples/tinyhttp && go build -o "$tmp/tinykv" ./examples/tinykv)

on_cpu() { # on_cpu CPU cmd...
  local cpu=$1; shift
  if [ "$PIN" = 1 ]; then taskset -c "$cpu" "$@"; else "$@"; fi
}

# start BIN ARGS...: starts a server on a free port, sets server_pid and addr.
start() {
  local log=$tmp/server.log
  : >"$log"
  # A simple command, not a function, in the background: $! is then the
  # server's own pid (taskset execs it), which stop signals.
  if [ "$PIN" = 1 ]; then
    taskset -c "$SERVER_CPU" "$@" -addr 127.0.0.1:0 -loops 1 >"$log" 2>&1 &
  else
    "$@" -addr 127.0.0.1:0 -loops 1 >"$log" 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 100); do
    addr=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$log")
    if [ -n "$addr" ]; then return; fi
    sleep 0.1
  done
  echo "server $* did not start:" >&2; cat "$log" >&2; exit 1
}

stop() {
  kill -INT "$server_pid"
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "n/a"; else print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b}'; }

res=$tmp/results # lines: load server rep rps

http_run() { # http_run server rep
  local server=$1 rep=$2 flags=()
  [ "$server" = net/http ] && flags=(-std)
  start "$tmp/tinyhttp" "${flags[@]}"
  for load in plaintext json plaintext-p16; do
    local args=(-t1 -c50 -d"$DURATION" --latency)
    case $load in
      plaintext) args+=("http://$addr/plaintext") ;;
      json) args+=("http://$addr/json") ;;
      plaintext-p16) args+=(-s "$here/protocols/pipeline.lua" "http://$addr/plaintext" -- 16) ;;
    esac
    out=$(on_cpu "$LOAD_CPU" timeout 120 wrk "${args[@]}")
    if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
      echo "warning: $server $load: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2
    fi
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    echo "$load $server $rep ${rps:-0}" >>"$res"
  done
  stop
}

kv_run() { # kv_run server rep
  local server=$1 rep=$2 flags=()
  [ "$server" = net ] && flags=(-std)
  start "$tmp/tinykv" "${flags[@]}"
  local host=${addr%:*} port=${addr##*:}
  for p in 1 16; do
    out=$(on_cpu "$LOAD_CPU" timeout 120 redis-benchmark -h "$host" -p "$port" -t ping,set,get \
      -n "$REQUESTS" -c 50 -P "$p" --csv 2> >(grep -v "Could not fetch server CONFIG" >&2))
    # "PING_INLINE","52631.58",... (the first line is the header)
    awk -F'"' -v p="$p" -v s="$server" -v r="$rep" 'NR > 1 && $2 != "" {print $2 "-P" p, s, r, $4}' <<<"$out" >>"$res"
  done
  stop
}

table() { # table title eddy-name peer-name loads...
  local title=$1 a=$2 b=$3; shift 3
  echo
  echo "$title"
  echo
  echo "| load | $a (median req/s) | $b (median req/s) | $a ÷ $b | $a runs | $b runs |"
  echo "| --- | ---: | ---: | ---: | --- | --- |"
  for load in "$@"; do
    ma=$(awk -v l="$load" -v s="$a" '$1 == l && $2 == s {print $4}' "$res" | median)
    mb=$(awk -v l="$load" -v s="$b" '$1 == l && $2 == s {print $4}' "$res" | median)
    ra=$(awk -v l="$load" -v s="$a" '$1 == l && $2 == s {printf "%s%.0f", sep, $4; sep=", "}' "$res")
    rb=$(awk -v l="$load" -v s="$b" '$1 == l && $2 == s {printf "%s%.0f", sep, $4; sep=", "}' "$res")
    printf '| %s | %.0f | %.0f | %s | %s | %s |\n' "$load" "$ma" "$mb" "$(ratio "$ma" "$mb")" "$ra" "$rb"
  done
}

echo "# protocols.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(go version | cut -d' ' -f3), REPS=$REPS DURATION=$DURATION REQUESTS=$REQUESTS PIN=$PIN (server CPU $SERVER_CPU, load CPU $LOAD_CPU)"
: >"$res"
if [ "$what" = all ] || [ "$what" = http ]; then
  for rep in $(seq "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then order="eddy net/http"; else order="net/http eddy"; fi
    for s in $order; do http_run "$s" "$rep"; done
  done
  table "tinyhttp: wrk -t1 -c50 -d$DURATION (plaintext-p16: -s protocols/pipeline.lua -- 16)" eddy net/http plaintext json plaintext-p16
fi
if [ "$what" = all ] || [ "$what" = kv ]; then
  for rep in $(seq "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then order="eddy net"; else order="net eddy"; fi
    for s in $order; do kv_run "$s" "$rep"; done
  done
  table "tinykv: redis-benchmark -t ping,set,get -n $REQUESTS -c 50 (-P 1 and -P 16)" eddy net \
    PING_INLINE-P1 PING_MBULK-P1 SET-P1 GET-P1 PING_INLINE-P16 PING_MBULK-P16 SET-P16 GET-P16
fi
