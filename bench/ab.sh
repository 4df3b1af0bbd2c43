#!/bin/bash
# ab.sh compares builds of the echo servers round by round: the A/B runs
# behind the figures in docs/architecture.md that are too small for the
# suite's three repetitions to resolve (a few per cent).
#
#   ./ab.sh [-rounds N] [-no-timewait] BIN:SERVER BIN:SERVER ... -- ECHOLOAD FLAGS
#
# Each BIN is a build of cmd/compare (go build -o /tmp/eddy-before
# ./cmd/compare in one checkout, /tmp/eddy-after in another), run as
# `BIN -serve SERVER -loops 1` pinned to CPU 0; cmd/echoload runs pinned to
# CPU 1 with the flags after --, once to warm the server up (-duration 1s,
# or 3000 connections with -churn) and once measured. Every round runs
# each BIN:SERVER once, in turn, the order reversed every other round. It
# prints the server's CPU time (user + system, /proc/PID/stat) per message,
# or per connection with -churn, for every run; then each one's median,
# and its ratio to the first BIN:SERVER's run of the same round (median and
# the sorted ratios). -no-timewait sets net.ipv4.tcp_max_tw_buckets to 0
# for the run (root only), so that TIME_WAIT sockets do not pile up over
# the rounds of a churn. -p99 prints the load generator's p99 latency in
# µs in place of the CPU figure, for the latency targets.
#
#   ./ab.sh -rounds 10 /tmp/eddy-before:eddy /tmp/eddy-after:eddy /tmp/eddy-after:gnet -- -conns 8 -churn 20000
#   ./ab.sh -rounds 4 /tmp/eddy-before:eddy /tmp/eddy-after:eddy -- -conns 50 -size 64 -duration 3s
#   ./ab.sh -rounds 10 -p99 /tmp/eddy-after:eddy /tmp/eddy-after:gnet -- -conns 1 -duration 3s
set -eu
cd "$(dirname "$0")"

rounds=6
notimewait=
p99=
specs=()
while [ $# -gt 0 ]; do
	case $1 in
	-rounds) rounds=$2; shift 2 ;;
	-no-timewait) notimewait=1; shift ;;
	-p99) p99=1; shift ;;
	--) shift; break ;;
	*:*) specs+=("$1"); shift ;;
	*) echo "ab.sh: unexpected argument $1 (want BIN:SERVER ... -- ECHOLOAD FLAGS)" >&2; exit 2 ;;
	esac
done
load=("$@")
if [ ${#specs[@]} -lt 2 ] || [ ${#load[@]} -eq 0 ]; then
	echo "usage: ./ab.sh [-rounds N] [-no-timewait] [-p99] BIN:SERVER BIN:SERVER ... -- ECHOLOAD FLAGS" >&2
	exit 2
fi
unit=message warm=(-duration 1s)
for f in "${load[@]}"; do
	if [ "$f" = -churn ]; then unit=connection warm=(-churn 3000); fi
done
figure="µs of server CPU per $unit"
if [ -n "$p99" ]; then figure="µs of p99 latency"; fi

tmp=$(mktemp -d)
tw=
cleanup() {
	if [ -s "$tmp/pid" ]; then kill "$(cat "$tmp/pid")" 2>/dev/null || true; fi
	if [ -n "$tw" ]; then sysctl -qw net.ipv4.tcp_max_tw_buckets="$tw"; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# The server serves until its standard input closes: a pipe this script
# holds open, so that the server only ends when it is killed.
mkfifo "$tmp/stdin"
exec 3<>"$tmp/stdin"
go build -o "$tmp/echoload" ./cmd/echoload
if [ -n "$notimewait" ]; then
	tw=$(sysctl -n net.ipv4.tcp_max_tw_buckets)
	sysctl -qw net.ipv4.tcp_max_tw_buckets=0
fi
tick=$(getconf CLK_TCK)
# Servers listen on a port below the kernel's range of ephemeral ports, so
# that no connection of an earlier run (one in TIME_WAIT) holds it.
porthi=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range)
portlo=$((porthi > 12000 ? porthi - 10000 : 2000))

# cpu PID prints the user + system clock ticks of process PID.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run BIN SERVER prints the server's CPU µs per unit for one measured load.
run() {
	local out="$tmp/out" port pid before after n
	: >"$out"
	port=$((portlo + RANDOM % (porthi - portlo)))
	taskset -c 0 "$1" -serve "$2" -loops 1 -addr "127.0.0.1:$port" <"$tmp/stdin" >"$out" 2>&1 &
	pid=$!
	echo $pid >"$tmp/pid" # for cleanup, if the script is stopped
	for _ in $(seq 100); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	taskset -c 1 "$tmp/echoload" -addr "127.0.0.1:$port" "${load[@]}" "${warm[@]}" >/dev/null || { kill $pid 2>/dev/null; return 1; }
	before=$(cpu $pid)
	taskset -c 1 "$tmp/echoload" -addr "127.0.0.1:$port" "${load[@]}" >"$tmp/load" || { kill $pid 2>/dev/null; return 1; }
	after=$(cpu $pid)
	kill $pid
	wait $pid 2>/dev/null || true
	: >"$tmp/pid"
	if [ -n "$p99" ]; then
		# "p99 78.848µs" (or ms, s, ns): the figure in µs.
		awk '{for (i = 1; i < NF; i++) if ($i == "p99") {
			v = $(i+1); sub(/,$/, "", v); u = v; sub(/^[0-9.]+/, "", u); v += 0
			printf "%.1f", u == "ms" ? v * 1e3 : u == "s" ? v * 1e6 : u == "ns" ? v / 1e3 : v }}' "$tmp/load"
		return
	fi
	n=$(awk '/connections in/ {print $1} / msgs,/ {for (i = 1; i < NF; i++) if ($(i+1) == "msgs,") print $i}' "$tmp/load")
	awk -v t=$((after - before)) -v hz="$tick" -v n="$n" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}'
}

results="$tmp/results" # round spec µs
: >"$results"
for r in $(seq "$rounds"); do
	order=("${specs[@]}")
	if [ $((r % 2)) -eq 0 ]; then
		order=()
		for ((i = ${#specs[@]} - 1; i >= 0; i--)); do order+=("${specs[i]}"); done
	fi
	line="round $r:"
	for s in "${order[@]}"; do
		v=$(run "${s%%:*}" "${s##*:}") || v=
		if [ -z "$v" ]; then
			v=failed # left out of the medians and ratios
		else
			echo "$r $s $v" >>"$results"
		fi
		line="$line $s $v"
	done
	echo "$line ($figure)"
done

echo
echo "medians over $rounds rounds, $figure; ratio to ${specs[0]} in the same round:"
for s in "${specs[@]}"; do
	awk -v s="$s" -v base="${specs[0]}" '
		$2 == base { b[$1] = $3 }
		$2 == s { v[$1] = $3 }
		function median(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END {
			n = 0
			k = 0
			for (r in v) {
				n++; x[n] = v[r]
				if (r in b) { k++; q[k] = v[r] / b[r] }
			}
			if (n == 0) { printf "%-40s no run succeeded\n", s; exit }
			m = median(x, n)
			line = sprintf("%-40s %8.2f", s, m)
			if (s != base) {
				mr = median(q, k)
				line = line sprintf("   %.3f (", mr)
				for (i = 1; i <= k; i++) line = line sprintf("%s%.2f", i > 1 ? " " : "", q[i])
				line = line ")"
			}
			print line
		}' "$results"
done
