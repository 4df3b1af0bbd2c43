#!/bin/sh
# Measures net/http served from an eddy listener (through package netconn)
# against net/http on package net's own listener, in the same run: wrk
# against each in turn, interleaved (the order alternates between
# repetitions), 3 repetitions, and prints the median requests per second of
# each and their ratio. The server is pinned to CPU 0 and wrk to CPU 1 when
# taskset is there and the machine has two CPUs or more.
#
#	bench/interop.sh                       # 3 x 10 s per listener
#	DURATION=5 CONNS=100 bench/interop.sh
#
# Needs wrk (Debian: apt-get install -y wrk) and Go.
set -eu
cd "$(dirname "$0")"
DURATION=${DURATION:-10}
CONNS=${CONNS:-50}
REPS=${REPS:-3}
command -v wrk >/dev/null || { echo "interop.sh: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/httpserver" ./cmd/httpserver

server_pin= client_pin=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	server_pin="taskset -c 0" client_pin="taskset -c 1"
fi

# run LISTENER: starts the server, runs wrk against it, stops the server,
# and appends the requests per second to $tmp/LISTENER.
run() {
	mkfifo "$tmp/in"
	$server_pin "$tmp/httpserver" -listener "$1" -addr 127.0.0.1:0 <"$tmp/in" >"$tmp/out" &
	pid=$!
	exec 3>"$tmp/in" # the server stops when this closes
	rm "$tmp/in"
	addr=
	for _ in $(seq 100); do
		addr=$(sed -n 's/^listening on //p' "$tmp/out")
		[ -n "$addr" ] && break
		sleep 0.1
	done
	[ -n "$addr" ] || { echo "interop.sh: the $1 server did not start" >&2; exit 1; }
	rps=$($client_pin wrk -t1 -c"$CONNS" -d"$DURATION"s "http://$addr/" | awk '/^Requests\/sec:/ {print $2}')
	exec 3>&-
	wait "$pid"
	echo "$1 rep $rep: $rps requests/s" >&2
	echo "$rps" >>"$tmp/$1"
}

for rep in $(seq "$REPS"); do
	if [ $((rep % 2)) -eq 1 ]; then run eddy; run net; else run net; run eddy; fi
	# The ratio within the repetition, whose two runs are back to back: less
	# exposed to a load that drifts over the whole run than the medians are.
	awk -v a="$(tail -n 1 "$tmp/eddy")" -v b="$(tail -n 1 "$tmp/net")" 'BEGIN {printf "%.3f\n", a / b}' >>"$tmp/ratio"
done

median() { sort -n "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
eddy=$(median "$tmp/eddy")
net=$(median "$tmp/net")
pinned=no
[ -n "$server_pin" ] && pinned="server on CPU 0, wrk on CPU 1"
echo "wrk -t1 -c$CONNS -d${DURATION}s, median of $REPS, pinned: $pinned"
echo "eddy listener (netconn): $eddy requests/s"
echo "net listener:            $net requests/s"
echo "ratio of the medians:    $(awk -v a="$eddy" -v b="$net" 'BEGIN {printf "%.2f", a / b}')"
echo "median of the ratios of each repetition: $(median "$tmp/ratio") ($(sort -n "$tmp/ratio" | tr '\n' ' '| sed 's/ $//'))"
