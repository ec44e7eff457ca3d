# Stopping a local service by the pid it recorded, never by its name: sourced by infra/local/*.sh.
# A pid file holds one pid; a pid is trusted only while that process still runs a command line
# matching the service's pattern (a recycled pid belongs to someone else).
#
#   pidfile_pid FILE PATTERN          print the pid if it is alive and its command line matches PATTERN (grep -E)
#   pidfile_stop FILE PATTERN SECS    SIGTERM its process group, SIGKILL after SECS, remove FILE; 0 if nothing ran
#
# A group whose leader is gone (its pid file names a dead process) may still hold members, e.g. the
# function an of-watchdog ran: pidfile_stop then stops those members whose command line matches.

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
