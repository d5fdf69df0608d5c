#!/usr/bin/env bash
# Starts a single-node Slurm on this machine, for testing docs/slurm/sweep.sbatch
# (Debian packages slurmctld, slurmd, slurm-client and munge; root needed).
# Nothing in /etc is changed: the configuration lives in DIR, and commands
# find it through SLURM_CONF.
#
#   eval "$(docs/slurm/local-slurm.sh start DIR)"   # prints: export SLURM_CONF=DIR/slurm.conf
#   sbatch ...; squeue ...
#   docs/slurm/local-slurm.sh stop DIR               # stops the daemons it started
#
# Exit codes: 0 started (or stopped), 3 cannot start here (missing packages,
# not root, daemon or node not up within the timeout): the caller may skip.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
say() { echo "local-slurm: $*" >&2; }
cannot() { say "cannot start a local Slurm: $*"; exit 3; }

stop() {
  # Only the daemons this script started, by the pids it recorded.
  for name in slurmd slurmctld munged; do
    f="$dir/$name.pid"
    if [ -s "$f" ]; then
      pid=$(cat "$f")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      rm -f "$f"
    fi
  done
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || cannot "not root"
for b in slurmctld slurmd sbatch squeue scontrol munged; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || cannot "$b not installed (Debian: slurmctld slurmd slurm-client munge)"
done
export PATH="$PATH:/usr/sbin"
mkdir -p "$dir/spool" "$dir/state" "$dir/log"
dir=$(cd "$dir" && pwd)

# munge: reuse a running daemon, else start one with the packaged key.
if ! munge -n </dev/null >/dev/null 2>&1; then
  [ -r /etc/munge/munge.key ] || cannot "no /etc/munge/munge.key"
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  pidfile=/run/munge/munged-rinsim-test.pid  # munged runs as munge: it can write here, not in DIR
  rm -f "$pidfile"
  runuser -u munge -- munged --pid-file="$pidfile" 2>"$dir/log/munged.err" || cannot "munged did not start: $(cat "$dir/log/munged.err")"
  for _ in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
  cp "$pidfile" "$dir/munged.pid" 2>/dev/null || true
  munge -n </dev/null >/dev/null 2>&1 || { stop; cannot "munge does not answer"; }
fi

cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
cat > "$dir/slurm.conf" <<CONF
ClusterName=rinsim-test
SlurmctldHost=localhost
SlurmctldPort=$((6817 + 10))
SlurmdPort=$((6818 + 10))
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=60 State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$SLURM_CONF" -i 2>"$dir/log/slurmctld.err" || cannot "slurmctld did not start: $(tail -3 "$dir/log/slurmctld.err" "$dir/log/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" -N localhost 2>"$dir/log/slurmd.err" || { stop; cannot "slurmd did not start: $(tail -3 "$dir/log/slurmd.err" "$dir/log/slurmd.log" 2>/dev/null)"; }

# Wait for the node to be idle.
for _ in $(seq 60); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  case "$state" in idle*) break ;; esac
  sleep 1
done
case "${state:-}" in
  idle*) ;;
  *) stop; cannot "node not idle after 60 s (state '${state:-none}'); logs in $dir/log" ;;
esac
say "single-node Slurm up: $cpus CPUs, $mem MB, config $SLURM_CONF"
echo "export SLURM_CONF=$SLURM_CONF"
