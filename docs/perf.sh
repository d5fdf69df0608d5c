#!/usr/bin/env bash
# Reproduces the measurements of docs/PERFORMANCE.md: phase benchmarks, the
# scaling table and figure, and whole runs of 1,000,000 SMEs and of the europe
# preset with their peak memory. About 15 minutes on two cores; the europe run
# needs about 8 GB of memory. Needs GNU time (/usr/bin/time, Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/perf
mkdir -p "$out"
go test ./model -run '^$' -bench 'Phases|StepWorkers|StepThesis|Step100k' -benchmem -benchtime 10x | tee "$out/phases.txt"
go test ./sim -run '^$' -bench 'Execute|RunThesis' -benchmem -benchtime 5x | tee "$out/experiments.txt"
go test ./model -run '^$' -bench 'StepScaling' -benchtime 3x | tee "$out/scaling.txt"
{
  echo "smes,workers,ns_per_sme"
  sed -n 's/^BenchmarkStepScaling\/smes=\([0-9]*\)\/workers=\([0-9]*\)-[0-9]*.* \([0-9.]*\) ns\/SME.*/\1,\2,\3/p' "$out/scaling.txt"
} > "$out/scaling.csv"
go build -o /tmp/rinsim-perf ./cmd/rinsim
/tmp/rinsim-perf plot --out docs/img "$out" >/dev/null
run() { # name, then rinsim run arguments
  local name=$1; shift
  /usr/bin/time -v /tmp/rinsim-perf run -q --force --out "/tmp/rinsim-perf-$name" "$@" 2> "$out/$name.time"
  grep -E "Elapsed|Maximum resident|Percent of CPU" "$out/$name.time"
}
run smes-1m --set synthetic.smes=1000000 --set synthetic.networks=125
run smes-1m-1worker --workers 1 --set synthetic.smes=1000000 --set synthetic.networks=125
run europe --scenario europe
