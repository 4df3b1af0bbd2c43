#!/bin/sh
# eddy's torture suite in one command: the race stress of the engine
# packages, then the suite's scenarios under the race detector (short
# form), then the scenarios at full scale. It takes under 15 minutes on a
# 2-core machine and prints every figure docs/reliability.md quotes.
#
#	sh torture/run.sh            # the whole suite
#	RACE_COUNT=2 sh torture/run.sh   # a lighter race stress
#
# The short form alone, which `go test ./...` runs, is `go test ./torture`.
set -eu
cd "$(dirname "$0")/.."
count=${RACE_COUNT:-5}
start=$(date +%s)
step() { echo "== $* ($(($(date +%s) - start)) s)"; }

step "race stress: the engine packages' tests, -race -count=$count"
go test -race -count="$count" ./internal/netpoll ./internal/sockaddr ./driver ./socket ./listener ./copy ./aio

step "the scenarios, short form, under the race detector"
go test -race -count=1 ./torture

step "the scenarios at full scale"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
go test -count=1 -v -timeout 14m ./torture -args -full

step "done"
