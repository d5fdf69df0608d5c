#!/usr/bin/env bash
# Reproduces the measurements of docs/PERFORMANCE.md: per-phase benchmarks and
# the per-market limit at 1e4, 1e5 and 1e6 SMEs, whole runs end to end, the
# thesis run, and a 1,000,000-SME run of rinsim with its peak memory. About 10
# minutes on two idle cores. PERF_SCALING=1 adds the scaling table up to 10 M
# SMEs (3.5 GB), PERF_EUROPE=1 the europe preset (about 8 GB, minutes).
# Benchmarks report CPU time (getrusage) besides wall time: on a shared machine
# compare ratios within one run, not absolute timings. Needs GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/perf
mkdir -p "$out"
go test ./model -run '^$' -bench 'Phases|Limit' -benchmem -benchtime 10x | tee "$out/phases.txt"
# Ratio achieved/limit per phase and size: visited markets per CPU-second
# over the limit's updates per CPU-second at the same size.
awk '
  /^BenchmarkLimit\/smes=/ { split($1, a, /[=-]/); for (i = 1; i < NF; i++) if ($(i+1) == "updates/cpu-s") lim[a[2]] = $i }
  /^BenchmarkPhases\/smes=/ { split($1, a, /[=\/-]/); for (i = 1; i < NF; i++) {
      if ($(i+1) == "visited-markets/cpu-s") rate[a[3] "," a[4]] = $i
      if ($(i+1) == "cpu-ns/SME") ns[a[3] "," a[4]] = $i } }
  END { print "smes,phase,cpu_ns_per_sme,visited_markets_per_cpu_s,limit_updates_per_cpu_s,ratio"
    for (k in ns) { split(k, b, ","); r = (k in rate) ? rate[k] : ""; l = lim[b[1]]
      printf "%s,%s,%s,%s,%s,%s\n", b[1], b[2], ns[k], r, l, (r != "" && l > 0) ? sprintf("%.2f", r / l) : "" } }
' "$out/phases.txt" | sort -t, -k1,1n -k2,2 > "$out/ratios.csv"
cat "$out/ratios.csv"
go test ./model -run '^$' -bench 'Run/' -benchtime 1x | tee "$out/run.txt"
go test ./sim -run '^$' -bench 'Execute|RunThesis' -benchmem -benchtime 20x | tee "$out/experiments.txt"
if [ "${PERF_SCALING:-0}" = 1 ]; then
  go test ./model -run '^$' -bench 'StepScaling' -benchtime 3x | tee "$out/scaling.txt"
  {
    echo "smes,workers,ns_per_sme"
    sed -n 's/^BenchmarkStepScaling\/smes=\([0-9]*\)\/workers=\([0-9]*\)-[0-9]* .* \([0-9.]*\) cpu-ns\/SME.*/\1,\2,\3/p' "$out/scaling.txt" # CPU ns
  } > "$out/scaling.csv"
  go build -o /tmp/rinsim-perf ./cmd/rinsim
  /tmp/rinsim-perf plot --force --out docs/img "$out" >/dev/null
fi
go build -o /tmp/rinsim-perf ./cmd/rinsim
run() { # name, then rinsim run arguments
  local name=$1; shift
  /usr/bin/time -v /tmp/rinsim-perf run -q --force --out "/tmp/rinsim-perf-$name" "$@" 2> "$out/$name.time"
  grep -E "User time|System time|Elapsed|Maximum resident|Percent of CPU" "$out/$name.time"
}
run smes-1m --set synthetic.smes=1000000 --set synthetic.networks=125
run smes-1m-1worker --workers 1 --set synthetic.smes=1000000 --set synthetic.networks=125
if [ "${PERF_EUROPE:-0}" = 1 ]; then
  run europe --scenario europe
fi
