# Stopping a local service by the pid it recorded, never by its name: sourced by infra/local/*.sh.
# A pid file holds one pid; a pid is trusted only while that process still runs a command line
# matching the service's pattern (a recycled pid belongs to someone else).
#
#   pidfile_launch FILE LOG CMD...    start CMD detached (own session, stdin /dev/null, output to LOG); CMD's
#                                     own pid lands in FILE; $! is the launcher (see pidfile_launched)
#   pidfile_launched FILE LAUNCHER SECS wait until FILE names a live process; fail if the launch died first
#   pidfile_pid FILE PATTERN          print the pid if it is alive and its command line matches PATTERN (grep -E)
#   pidfile_literal TEXT              print an extended regex matching TEXT as it is (a path in a PATTERN)
#   pidfile_stop FILE PATTERN SECS    SIGTERM its process group, SIGKILL after SECS, remove FILE; 0 if nothing ran
#
# A group whose leader is gone (its pid file names a dead process) may still hold members, e.g. the
# function an of-watchdog ran: pidfile_stop then stops those members whose command line matches.

# The launched process writes its own pid, then execs CMD (same pid). The pid of the `setsid` a
# shell forks is not always the service's: setsid forks when it leads a process group, and the pid
# it leaves behind is a zombie until reaped, which answers kill -0 but has no command line. A start
# that trusted that pid saw "exited right after launch" while the broker ran on, unrecorded.
pidfile_launch() {
  local file=$1 log=$2
  shift 2
  rm -f "$file"
  # shellcheck disable=SC2016 # $$, $0 and $@ belong to the launched shell
  setsid bash -c 'printf "%s\n" "$$" >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$file" "$@" \
    </dev/null >"$log" 2>&1 8>&- 9>&- &
}

pidfile_launched() {
  local file=$1 launcher=$2 secs=${3:-10} i gone=0
  for ((i = 0; i < secs * 20; i++)); do
    if [[ -s $file ]]; then
      _pidfile_alive "$(<"$file")"
      return
    fi
    # A launcher that forked is gone before its child has written the file: allow that child 1 s.
    if ! _pidfile_alive "$launcher"; then ((++gone < 20)) || return 1; fi
    sleep 0.05
  done
  return 1
}

pidfile_literal() {
  printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

pidfile_pid() {
  local file=$1 pattern=$2 pid
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq -- "$pattern" || return 1
  printf '%s\n' "$pid"
}

# The signal goes to the process group when the pid leads one (services started detached), else to
# the process alone.
_pidfile_signal() {
  local pid=$1 signal=$2
  if [[ $(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') == "$pid" ]]; then
    kill "-$signal" -- "-$pid" 2>/dev/null || true
  else
    kill "-$signal" "$pid" 2>/dev/null || true
  fi
}

# Members of process group $1 (other than a dead leader) whose command line matches $2.
_pidfile_orphans() {
  local pgid=$1 pattern=$2 member
  for member in $(pgrep -g "$pgid" 2>/dev/null); do
    tr '\0' ' ' <"/proc/$member/cmdline" 2>/dev/null | grep -Eq -- "$pattern" && printf '%s\n' "$member"
  done
}

# Alive, and not a zombie: a killed child of a process that is blocked waiting for this script
# stays a zombie until that parent reaps it, which it cannot do while it waits for us.
_pidfile_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ $(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

pidfile_stop() {
  local file=$1 pattern=$2 secs=${3:-20} pid waited=0 orphans
  if ! pid=$(pidfile_pid "$file" "$pattern"); then
    if [[ -f $file && $(<"$file") =~ ^[0-9]+$ ]]; then
      orphans=$(_pidfile_orphans "$(<"$file")" "$pattern")
      # shellcheck disable=SC2086 # one pid per word
      if [[ -n $orphans ]]; then kill -KILL $orphans 2>/dev/null || true; fi
    fi
    rm -f "$file"
    return 0
  fi
  _pidfile_signal "$pid" TERM
  while _pidfile_alive "$pid"; do
    if ((waited >= secs * 10)); then
      printf '%s: pid %s still running %ss after SIGTERM: sending SIGKILL\n' "${file##*/}" "$pid" "$secs" >&2
      _pidfile_signal "$pid" KILL
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  while _pidfile_alive "$pid"; do sleep 0.1; done
  # Gone, or a zombie: give its parent (init, for an orphan) a moment to reap it, but never wait
  # for ever on a parent that is itself waiting for this script.
  for _ in {1..30}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$file"
}
