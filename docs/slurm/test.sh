#!/usr/bin/env bash
# Tests docs/slurm/sweep.sbatch on a real Slurm: submits a small sweep as a
# 4-task job array, waits, merges the shards with `rinsim merge` as the README
# writes it, and compares the merged files byte for byte (cmp) with one
# unsharded run. It also runs the script once outside Slurm's CPU setting
# (SLURM_CPUS_PER_TASK unset), as a one-task array.
#
#   docs/slurm/test.sh            # on a machine whose Slurm answers (scontrol ping)
#   docs/slurm/test.sh --local    # start a single-node Slurm first (root; Debian
#                                 # slurmctld slurmd slurm-client munge), stop it after
#
# Exit codes: 0 passed; 1 failed (the script, rinsim or the comparison); 3
# skipped because no Slurm could be used (not installed, daemons do not
# start, the node never comes up): a problem of the machine, not the code.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
say() { echo "slurm-test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
skip() { say "SKIPPED: $*"; exit 3; }

local_slurm=0
[ "${1:-}" = --local ] && local_slurm=1
wait_limit=${SLURM_TEST_TIMEOUT:-600} # seconds for the array to finish

work=$(mktemp -d)
started=0
cleanup() {
  local code=$?
  if [ "$started" = 1 ]; then "$repo/docs/slurm/local-slurm.sh" stop "$work/slurm" || true; fi
  rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work" 2>/dev/null; } || say "could not remove $work"
  exit "$code"
}
trap cleanup EXIT

(cd "$repo" && go build -o "$work/rinsim" ./cmd/rinsim) || fail "go build"
export PATH="$PATH:/usr/sbin"

if [ "$local_slurm" = 1 ]; then
  set +e
  env_line=$("$repo/docs/slurm/local-slurm.sh" start "$work/slurm")
  code=$?
  set -e
  [ "$code" -eq 0 ] || skip "no local Slurm (local-slurm.sh exit $code)"
  started=1
  eval "$env_line"
fi
command -v sbatch >/dev/null || skip "sbatch not installed"
timeout 20 scontrol ping 2>/dev/null | grep -q UP || skip "no Slurm controller answers (scontrol ping)"

# A small design: 5 x 3 points, 3 replications of the thesis scenario.
design=(--param funding.scale=0:2:5 --param peer.seek_prob=0:0.6:3 --reps 3)
cpus=$(( $(nproc) < 2 ? 1 : 2 ))
cd "$work"

export RINSIM="$work/rinsim" RINSIM_OUT="$work/sweep" RINSIM_SHARDS=4
submit() { # ARRAY: submits the sweep as a job array, sets jobid
  jobid=$(sbatch --parsable --array="$1" --cpus-per-task="$cpus" --mem-per-cpu=500M --time=00:10:00 \
    "$repo/docs/slurm/sweep.sbatch" "${design[@]}") || fail "sbatch refused the array $1"
  jobid=${jobid%%;*}
  say "submitted array job $jobid (tasks $1, $cpus CPUs each)"
}

wait_for() { # waits until job $jobid has left the queue
  waited=0
while [ -n "$(squeue -h -j "$jobid" -o %i 2>/dev/null)" ]; do
  if [ "$waited" -ge "$wait_limit" ]; then
    states=$(squeue -h -j "$jobid" -o '%i %T %r' 2>/dev/null || true)
    echo "$states" >&2
    scancel "$jobid" || true
    # Tasks that never started point at the machine (node down or drained);
    # tasks that ran too long at the script or rinsim.
    if ! grep -qv PENDING <<<"$states"; then
      skip "array job $jobid never started within $wait_limit s (states and reasons above)"
    fi
    fail "array job $jobid not done after $wait_limit s (states and reasons above)"
  fi
  sleep 2
  waited=$((waited + 2))
done
say "array job $jobid left the queue after about $waited s"
for log in slurm-rinsim-sweep-"$jobid"_*.out; do
  if [ -s "$log" ]; then say "$log:"; cat "$log" >&2; fi
done
}

submit 0-3
wait_for

for i in 0 1 2 3; do
  [ -s "sweep/shard-$i/points.csv" ] || fail "shard $i is not complete (no sweep/shard-$i/points.csv); see its log above"
done
"$work/rinsim" merge sweep/shard-* --out sweep/all || fail "rinsim merge"
"$work/rinsim" sweep "${design[@]}" --quiet --out unsharded || fail "unsharded sweep"
for f in runs.csv points.csv manifest.json; do
  cmp "sweep/all/$f" "unsharded/$f" || fail "merged $f differs from the unsharded run's"
done
say "4 shards under Slurm merge to the unsharded files (runs.csv, points.csv, manifest.json)"

# A task killed mid-way leaves runs.csv.partial; resubmitted alone it
# finishes its shard, and the merge is unchanged.
head -c 3000 sweep/shard-2/runs.csv > sweep/shard-2/runs.csv.partial
rm sweep/shard-2/runs.csv sweep/shard-2/points.csv
submit 2
wait_for
[ -s sweep/shard-2/points.csv ] || fail "resubmitted shard 2 is not complete; see its log above"
"$work/rinsim" merge sweep/shard-* --out sweep/again || fail "rinsim merge after the resubmission"
for f in runs.csv points.csv manifest.json; do
  cmp "sweep/again/$f" "unsharded/$f" || fail "after resubmitting shard 2, merged $f differs from the unsharded run's"
done
say "a cut shard, resubmitted alone, resumes and merges to the same files"

# SLURM_CPUS_PER_TASK unset (sbatch without --cpus-per-task on some sites):
# the script must still run, here as a one-task array outside Slurm.
env -u SLURM_CPUS_PER_TASK SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=0 \
  RINSIM_SHARDS=1 RINSIM_OUT="$work/single" bash "$repo/docs/slurm/sweep.sbatch" "${design[@]}" ||
  fail "sweep.sbatch with SLURM_CPUS_PER_TASK unset"
cmp single/shard-0/runs.csv unsharded/runs.csv || fail "one-task array differs from the unsharded run"
say "passed"
