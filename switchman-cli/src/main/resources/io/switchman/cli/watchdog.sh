# switchman's watchdog (bash). It outlives a killed or paused switchman and stops the command's
# process group when switchman stops proving that the grant is safe.
#
# Arguments: $1 milliseconds between SIGTERM and SIGKILL when it stops the group on its own,
#            $2 switchman's pid (for log lines), $3 log file or empty.
# Lines read on standard input, written by switchman:
#   safe MS    the grant is safe for MS more milliseconds (the safety deadline, as a heartbeat)
#   pgid P     the command runs in process group P; its leader P stops itself (SIGSTOP) before it
#              execs the command, and the watchdog lets it go on (SIGCONT) only now that it guards
#              it, so the command never runs unguarded, not even if switchman dies right after
#              starting it
#   kill MS    use MS instead of $1 as the time between SIGTERM and SIGKILL
#   sig NAME   send signal NAME to the group (signals forwarded by switchman)
#   stop MS    the grant is lost: SIGTERM to the group now, SIGKILL MS milliseconds later
#   exit       the command is gone: quit
# When no "safe" line moves the deadline before it passes (switchman paused or hung), or standard
# input ends (switchman died), the group gets SIGTERM, then SIGKILL after $1 ms.
trap '' INT TERM HUP QUIT PIPE
kill_ms=$1
owner=$2
logfile=$3
pgid=
deadline=
lost=

log() {
  local line
  printf -v line '%(%Y-%m-%d %H:%M:%S)T\t[%s]\t%s' -1 "$owner" "switchman watchdog: $*"
  printf '%s\n' "$line" >&2
  [ -n "$logfile" ] && printf '%s\n' "$line" >>"$logfile" 2>/dev/null
}

# now_us: a clock in microseconds that does not jump with the wall clock: /proc/uptime (time since
# boot, 10 ms resolution, read without a fork), or bash's EPOCHREALTIME where there is no /proc.
if read -r up _ </proc/uptime 2>/dev/null; then
  now_us() {
    local up rest
    read -r up rest </proc/uptime
    now=$((10#${up/./} * 10000))
  }
else
  now_us() {
    now=${EPOCHREALTIME/[.,]/}
  }
fi

# group_alive: whether a process of the group still runs. Zombies do not count: a dead process
# whose parent has not reaped it yet (a paused switchman, or an init that reaps late) still
# answers kill -0.
group_alive() {
  kill -0 -- "-$pgid" 2>/dev/null || return 1
  local f stat rest state
  for f in /proc/[0-9]*/stat; do
    read -r stat <"$f" 2>/dev/null || continue
    rest=${stat##*) }
    state=${rest%% *}
    rest=${rest#* }
    rest=${rest#* }
    if [ "${rest%% *}" = "$pgid" ] && [ "$state" != Z ] && [ "$state" != X ]; then
      return 0
    fi
  done
  [ -d /proc/self ] || return 0 # no /proc: trust kill -0
  return 1
}

# stop_group MS WHY (logged unless empty): SIGTERM now, SIGKILL after MS milliseconds if any process of the group is left.
stop_group() {
  [ -n "$pgid" ] || return 0
  group_alive || return 0
  [ -n "$2" ] && log "$2: SIGTERM to process group $pgid, SIGKILL in $1 ms"
  kill -TERM -- "-$pgid" 2>/dev/null
  kill -CONT -- "-$pgid" 2>/dev/null
  now_us
  local end=$((now + $1 * 1000))
  while group_alive; do
    now_us
    if ((now >= end)); then
      log "process group $pgid still running after $1 ms: SIGKILL"
      kill -KILL -- "-$pgid" 2>/dev/null
      return 0
    fi
    sleep 0.02
  done
}

# release_child: SIGCONT to the stopped group leader once it has stopped itself (or SIGKILL if the
# grant was lost meanwhile).
release_child() {
  local stat state i=0
  while ((i++ < 1000)); do
    read -r stat <"/proc/$pgid/stat" 2>/dev/null || return 0
    state=${stat##*) }
    state=${state%% *}
    case $state in
    T | t)
      if [ -n "$lost" ]; then
        kill -KILL -- "-$pgid" 2>/dev/null
      else
        kill -CONT "$pgid" 2>/dev/null
      fi
      return 0
      ;;
    Z | X) return 0 ;;
    esac
    sleep 0.002
  done
  log "the command (pid $pgid) did not get ready in time: SIGKILL"
  kill -KILL -- "-$pgid" 2>/dev/null
}

while :; do
  if [ -n "$deadline" ]; then
    now_us
    left=$((deadline - now))
    if ((left <= 0)); then
      deadline=
      lost=1
      stop_group "$kill_ms" "no heartbeat from switchman (pid $owner) before the safety deadline"
      continue
    fi
    printf -v t '%d.%06d' $((left / 1000000)) $((left % 1000000))
    read -r -t "$t" cmd arg
    rc=$?
  else
    read -r cmd arg
    rc=$?
  fi
  if ((rc > 128)); then
    continue # timed out: the loop checks the deadline
  elif ((rc != 0)); then
    if [ -n "$pgid" ] && group_alive; then
      stop_group "$kill_ms" "switchman (pid $owner) is gone"
    fi
    exit 0
  fi
  case $cmd in
  safe)
    now_us
    deadline=$((now + arg * 1000))
    ;;
  pgid)
    pgid=$arg
    release_child
    ;;
  kill) kill_ms=$arg ;;
  sig) [ -n "$pgid" ] && kill -s "$arg" -- "-$pgid" 2>/dev/null ;;
  stop)
    lost=1
    deadline=
    stop_group "$arg" ""
    ;;
  exit) exit 0 ;;
  esac
done
