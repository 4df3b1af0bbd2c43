#!/bin/sh
# Runs the issue 9 suite (every scenario, every server, 3 repetitions,
# server pinned to CPU 0 and load generator to CPU 1) and regenerates
# docs/benchmarks.md and docs/benchmarks/*.svg from the results file.
# Extra arguments go to cmd/compare, e.g. ./run.sh -pin=false, or
# ./run.sh -smoke for a short run that only proves the harness works.
set -eu
cd "$(dirname "$0")"
go run ./cmd/compare -suite issue9 -out results/issue9.json "$@"
go run ./cmd/report -in results/issue9.json -md ../docs/benchmarks.md -svg ../docs/benchmarks
