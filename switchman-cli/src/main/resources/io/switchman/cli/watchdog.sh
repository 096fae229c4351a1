# switchman's watchdog (bash). switchman starts it in a session and process group of its own
# (setsid), so that no signal sent to switchman's process group reaches it: it outlives a killed or
# stopped switchman and stops the command's process group when switchman stops proving that the
# grant is safe.
#
# Arguments: $1 milliseconds between SIGTERM and SIGKILL when it stops the group on its own,
#            $2 switchman's pid (for log lines), $3 log file or empty,
#            $4 the clock of the deadlines: "uptime" (/proc/uptime, the time since boot: it does not
#               jump with the wall clock) or "realtime" (bash's EPOCHREALTIME, where there is no
#               /proc), in microseconds.
# Lines read on standard input, written by switchman:
#   deadline US  the safety deadline, absolute, on the clock of $4: the grant is safe until then.
#                switchman sends one every 100 ms; a line read late cannot make it later
#   pgid P       the command runs in process group P; its leader P stops itself (SIGSTOP) before
#                it execs the command. Answered "ready" once it has stopped, or "killed" when it
#                died, or the grant was lost meanwhile (the group then got SIGKILL)
#   run          switchman has just checked that the grant is held: SIGCONT to the leader, which
#                execs the command, if the deadline has not passed and no stop came. Answered
#                "running" or "refused" (then the group got SIGKILL: the command never ran)
#   kill MS      use MS instead of $1 as the time between SIGTERM and SIGKILL
#   sig NAME     send signal NAME to the group (signals forwarded by switchman)
#   stop MS      the grant is lost: SIGTERM to the group now, SIGKILL MS milliseconds later
#   exit MS      the command's leader has exited. If the group was stopped (the grant was lost),
#                wait up to MS milliseconds until no process of the group is left (SIGKILL again
#                meanwhile) and answer "gone", or "alive PID..."; otherwise answer "done". Then quit.
# Answers go to standard output, one line each. When no "deadline" line moved the deadline before
# it passed (switchman paused, hung or starved), or standard input ends (switchman died), the group
# gets SIGTERM, then SIGKILL after $1 ms.
# Nothing but its own log lines reaches standard error: every error of a redirection or a write
# is discarded.
trap '' INT TERM HUP QUIT PIPE
exec 3>&2 2>/dev/null
kill_ms=$1
owner=$2
logfile=$3
clock=$4
pgid=
deadline=
lost=
released=

log() {
  local line
  printf -v line '%(%Y-%m-%d %H:%M:%S)T\t[%s]\t%s' -1 "$owner" "switchman watchdog: $*"
  printf '%s\n' "$line" >&3
  [ -n "$logfile" ] && printf '%s\n' "$line" >>"$logfile"
}

reply() {
  printf '%s\n' "$*"
}

# now_us: the clock of the deadlines, in microseconds, in $now.
if [ "$clock" = uptime ]; then
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

# members: the pids of the group's live processes, in $members. Zombies do not count: a dead
# process whose parent has not reaped it yet (a paused switchman, or an init that reaps late) still
# answers kill -0.
members() {
  members=
  kill -0 -- "-$pgid" || return 0
  local f stat rest state
  for f in /proc/[0-9]*/stat; do
    read -r stat <"$f" || continue
    rest=${stat##*) }
    state=${rest%% *}
    rest=${rest#* }
    rest=${rest#* }
    if [ "${rest%% *}" = "$pgid" ] && [ "$state" != Z ] && [ "$state" != X ]; then
      f=${f#/proc/}
      members="$members ${f%/stat}"
    fi
  done
  [ -d /proc/self ] || members=" $pgid" # no /proc: trust kill -0
}

# group_alive: whether a process of the group still runs.
group_alive() {
  members
  [ -n "$members" ]
}

# stop_group MS WHY (logged unless empty): SIGTERM now, SIGKILL after MS milliseconds if any
# process of the group is left. A leader that was never let go is killed at once: it never ran
# the command.
stop_group() {
  [ -n "$pgid" ] || return 0
  if [ -z "$released" ]; then
    kill -KILL -- "-$pgid"
    return 0
  fi
  group_alive || return 0
  [ -n "$2" ] && log "$2: SIGTERM to process group $pgid, SIGKILL in $1 ms"
  kill -TERM -- "-$pgid"
  kill -CONT -- "-$pgid"
  now_us
  local end=$((now + $1 * 1000))
  while group_alive; do
    now_us
    if ((now >= end)); then
      log "process group $pgid still running after $1 ms: SIGKILL"
      kill -KILL -- "-$pgid"
      return 0
    fi
    sleep 0.02
  done
}

# release_child: waits until the group leader has stopped itself, then answers "ready" (or SIGKILL
# and "killed" if the grant was lost meanwhile or it does not get there within 10 s).
release_child() {
  local stat state end
  now_us
  end=$((now + 10000000))
  while :; do
    if ! read -r stat <"/proc/$pgid/stat"; then
      reply killed
      return 0
    fi
    state=${stat##*) }
    state=${state%% *}
    case $state in
    T | t)
      if [ -n "$lost" ]; then
        kill -KILL -- "-$pgid"
        reply killed
      else
        reply ready
      fi
      return 0
      ;;
    Z | X)
      reply killed
      return 0
      ;;
    esac
    now_us
    if ((now >= end)); then
      log "the command (pid $pgid) did not get ready in time: SIGKILL"
      kill -KILL -- "-$pgid"
      reply killed
      return 0
    fi
    sleep 0.002
  done
}

# run_child: lets the stopped leader exec the command, unless the grant is lost or its deadline
# has passed by this clock.
run_child() {
  now_us
  if [ -z "$pgid" ] || [ -n "$lost" ] || [ -z "$deadline" ] || ((now >= deadline)); then
    lost=1
    [ -n "$pgid" ] && kill -KILL -- "-$pgid"
    reply refused
    return 0
  fi
  released=1
  kill -CONT "$pgid"
  reply running
}

# finish MS: see "exit" above.
finish() {
  if [ -z "$lost" ] || [ -z "$pgid" ]; then
    reply done
    return 0
  fi
  local end
  now_us
  end=$((now + $1 * 1000))
  while group_alive; do
    now_us
    if ((now >= end)); then
      reply "alive$members"
      return 0
    fi
    kill -KILL -- "-$pgid"
    sleep 0.02
  done
  reply gone
}

# next_line [SECONDS]: reads one line into $cmd and $arg, waiting at most SECONDS (none: no limit).
# Returns 1 on timeout, 2 at the end of input. It waits for the first character only: switchman
# writes each line with one write, so the rest is there, and a timeout never cuts a line in two.
next_line() {
  local c= rest= rc line
  if [ -n "$1" ]; then
    IFS= read -r -t "$1" -n 1 c
  else
    IFS= read -r -n 1 c
  fi
  rc=$?
  cmd=
  arg=
  if [ -z "$c" ]; then
    ((rc == 0)) && return 0 # an empty line
    ((rc > 128)) && return 1
    return 2
  fi
  IFS= read -r rest
  line=$c$rest
  cmd=${line%% *}
  [ "$line" != "$cmd" ] && arg=${line#* }
  return 0
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
    # At most 100 ms per wait (heartbeats come as often anyway): a wait that began before the
    # watchdog was stopped or frozen resumes with the time it had left, not at the deadline.
    ((left > 100000)) && left=100000
    printf -v t '%d.%06d' $((left / 1000000)) $((left % 1000000))
    next_line "$t"
    rc=$?
  else
    next_line
    rc=$?
  fi
  if ((rc == 1)); then
    continue # timed out: the loop checks the deadline
  elif ((rc != 0)); then
    if [ -n "$pgid" ]; then
      lost=1
      stop_group "$kill_ms" "switchman (pid $owner) is gone"
    fi
    exit 0
  fi
  case $cmd in
  deadline) [ -z "$lost" ] && deadline=$arg ;;
  pgid)
    pgid=$arg
    release_child
    ;;
  run) run_child ;;
  kill) kill_ms=$arg ;;
  sig) [ -n "$pgid" ] && kill -s "$arg" -- "-$pgid" ;;
  stop)
    lost=1
    deadline=
    stop_group "$arg" ""
    ;;
  exit)
    finish "${arg:-0}"
    exit 0
    ;;
  esac
done
