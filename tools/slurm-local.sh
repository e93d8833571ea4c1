#!/usr/bin/env bash
# A one-node Slurm on localhost, for testing `npm run sat -- zoo --slurm` (test/slurm.test.ts) or
# trying it by hand: Debian's munge and slurm-wlm (npm run setup installs them), every file in one
# folder of ours (but munge's socket, in a folder of its own in /tmp), no systemd.
#
#   bash tools/slurm-local.sh start <folder>   write <folder>/slurm.conf and a munge key, start munged,
#                                              slurmctld and slurmd, wait until the node is idle, and
#                                              print the line to use it: export SLURM_CONF=<folder>/slurm.conf
#   bash tools/slurm-local.sh stop <folder>    cancel the cluster's jobs, stop the three daemons this
#                                              script started there (their pid files), wait for them
#   bash tools/slurm-local.sh logs <folder>    print the daemons' logs
#
# <folder> must be new or empty. Ports: two free ones chosen at start (not Slurm's 6817/6818), so it
# does not clash with another Slurm on the machine. The node is this machine with its real CPUs
# (slurmd -C) and 1 GB of memory to schedule; processes are tracked by /proc (no cgroups), jobs run
# as the submitting user. When a daemon does not come up, start prints the logs, stops what it
# started and exits 1. The daemons run in the foreground of background jobs of this script, their
# pids in <folder>/run/<daemon>.pid.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: bash tools/slurm-local.sh start|stop|logs <folder>" >&2
  exit 2
fi
dir=$(realpath -m "$dir")
conf="$dir/slurm.conf"
NODE_NAME=satnode

logs() {
  for f in "$dir"/log/{munged,slurmctld,slurmd}.{log,out}; do
    [[ -f "$f" ]] || continue
    echo "==== $f (last 40 lines)"
    tail -n 40 "$f"
  done
}

# Whether pid $1 is a live (not zombie) process started with this folder on its command line, so that
# a stale pid file never makes us signal another process that reused the pid.
ours() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF "$dir/" || return 1
  ! sed 's/^.*) //' /proc/"$pid"/stat 2>/dev/null | grep -q '^Z'
}

# Stop the daemon whose pid file is $1: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  local file=$1 pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      ours "$pid" || break
      sleep 0.1
    done
    if ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

stop() {
  if [[ ! -f "$conf" && ! -d "$dir/run" ]]; then
    echo "slurm-local: $dir: no local Slurm here" >&2
    return 1
  fi
  export SLURM_CONF="$conf"
  if [[ -f "$conf" && -f "$dir/run/slurmctld.pid" ]] && ours "$(cat "$dir/run/slurmctld.pid")"; then
    # Cancel every job of this cluster and give the steps a moment to end (KillWait is 5 s).
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [[ -n "${jobs// /}" ]]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 150); do
        [[ -z "$(squeue -h -o %A 2>/dev/null || true)" ]] && break
        sleep 0.1
      done
    fi
  fi
  stop_pid "$dir/run/slurmd.pid"
  stop_pid "$dir/run/slurmctld.pid"
  stop_pid "$dir/run/munged.pid"
  local sockdir
  sockdir=$(cat "$dir/run/munge-socket-dir" 2>/dev/null || true)
  if [[ "$sockdir" == /tmp/sat-munge.* ]]; then rm -rf "$sockdir" "$dir/run/munge-socket-dir"; fi
  echo "slurm-local: stopped the local Slurm in $dir"
}

# Start daemon $1 (a name) with the rest as its command line, in the foreground (munged -F,
# slurmctld -D, slurmd -D) as a background job of this script, so that its pid is known at once: a
# daemon that forks writes its pid file only later, too late for the stop after a failed start.
# Its output goes to log/$1.out, never to our stdout (a caller reading that would wait for it).
launch() {
  local name=$1
  shift
  "$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
  echo $! >"$dir/run/$name.pid"
}

# Fail unless the daemon of pid file $1 is still running.
running() {
  ours "$(cat "$dir/run/$1.pid")" || fail "$1 exited at start"
}

fail() {
  echo "slurm-local: $*" >&2
  logs >&2
  stop >/dev/null 2>&1 || true
  exit 1
}

# Two free TCP ports on 127.0.0.1 (the OS picks them; node is the project's one dependency).
free_ports() {
  node -e '
    const net = require("node:net");
    const take = () => new Promise((res) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => res(s)); });
    Promise.all([take(), take()]).then((ss) => { console.log(ss.map((s) => s.address().port).join(" ")); ss.forEach((s) => s.close()); });
  '
}

start() {
  for exe in munged mungekey slurmctld slurmd sinfo; do
    command -v "$exe" >/dev/null || {
      echo "slurm-local: $exe not found: install Debian's munge and slurm-wlm (npm run setup does)" >&2
      exit 1
    }
  done
  if [[ -e "$dir" && -n "$(ls -A "$dir")" ]]; then
    echo "slurm-local: $dir: not empty; start needs a new or empty folder" >&2
    exit 2
  fi
  mkdir -p "$dir"/{run,key,log,state,spool/slurmd-$NODE_NAME}
  chmod 700 "$dir/key"
  # munged insists that its socket's folder and every folder above it be searchable by everyone
  # (<folder> may sit in a private one) and that its key be readable by its user alone: the socket
  # gets a folder of its own in /tmp, named in run/munge-socket-dir and removed by stop.
  local sockdir
  sockdir=$(mktemp -d /tmp/sat-munge.XXXXXX)
  chmod 755 "$sockdir"
  echo "$sockdir" >"$dir/run/munge-socket-dir"
  mungekey --create --keyfile="$dir/key/munge.key" >/dev/null 2>&1 || fail "mungekey could not create a key"
  launch munged munged --foreground --socket="$sockdir/munge.socket" --key-file="$dir/key/munge.key" \
    --log-file="$dir/log/munged.log" --pid-file="$dir/run/munged.daemon.pid" \
    --seed-file="$dir/key/munged.seed"
  for _ in $(seq 100); do
    [[ -S "$sockdir/munge.socket" ]] && break
    running munged
    sleep 0.1
  done
  [[ -S "$sockdir/munge.socket" ]] || fail "munged made no socket in 10 s"

  local ports cpus user host
  read -r -a ports <<<"$(free_ports)"
  cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)
  user=$(id -un)
  host=$(hostname -s)
  cat >"$conf" <<EOF
# A one-node Slurm on localhost written by tools/slurm-local.sh; every file in $dir.
ClusterName=satlocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$sockdir/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/run/slurmctld.daemon.pid
SlurmdPidFile=$dir/run/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=30
NodeName=$NODE_NAME NodeHostname=$host NodeAddr=127.0.0.1 CPUs=${cpus:-1} RealMemory=1000 State=UNKNOWN
PartitionName=local Nodes=$NODE_NAME Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$conf"
  # -c: a fresh controller state (no jobs of an earlier cluster in this folder).
  launch slurmctld slurmctld -D -c -f "$conf"
  launch slurmd slurmd -D -N "$NODE_NAME" -f "$conf"
  local state=""
  for _ in $(seq 300); do
    state=$(sinfo -h -n "$NODE_NAME" -o %T 2>/dev/null || true)
    [[ "$state" == idle ]] && break
    running slurmctld
    running slurmd
    sleep 0.1
  done
  [[ "$state" == idle ]] || fail "the node did not become idle in 30 s (sinfo says '${state:-nothing}')"
  echo "slurm-local: Slurm is up in $dir (node $NODE_NAME, ${cpus:-1} CPUs, ports ${ports[*]})"
  echo "export SLURM_CONF=$conf"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  logs) logs ;;
  *)
    echo "usage: bash tools/slurm-local.sh start|stop|logs <folder>" >&2
    exit 2
    ;;
esac
