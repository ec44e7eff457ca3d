# Stopping a local service by the pid it recorded, never by its name: sourced by infra/local/*.sh.
# A pid file holds one pid; a pid is trusted only while that process still runs a command line
# matching the service's pattern (a recycled pid belongs to someone else).
#
#   pidfile_pid FILE PATTERN          print the pid if it is alive and its command line matches PATTERN (grep -E)
#   pidfile_stop FILE PATTERN SECS    SIGTERM its process group, SIGKILL after SECS, remove FILE; 0 if nothing ran

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

pidfile_stop() {
  local file=$1 pattern=$2 secs=${3:-20} pid waited=0
  if ! pid=$(pidfile_pid "$file" "$pattern"); then
    rm -f "$file"
    return 0
  fi
  _pidfile_signal "$pid" TERM
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= secs * 10)); then
      printf '%s: pid %s still running %ss after SIGTERM: sending SIGKILL\n' "${file##*/}" "$pid" "$secs" >&2
      _pidfile_signal "$pid" KILL
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$file"
}
