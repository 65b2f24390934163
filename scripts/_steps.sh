# Steps of scripts/test and .ci/run, each timed, some side by side (sourced, not run).
#
#   step NAME CMD...        run CMD now, its output as it comes; fail the run if it fails
#   step_or_return NAME CMD...  the same, but a failure is returned (the caller decides)
#   step_bg NAME CMD...     start CMD in the background, its output kept in a log file
#   wait_steps [NAME...]    wait for those background steps (default: all started): print each
#                           one's output as one block, its time, and fail the run if any failed
#   steps_report            the time of every step so far, one line each, and the wall time
#   steps_tempdir           a fresh directory, removed when the run ends (the file sets the EXIT trap)
#
# Only steps that share no resource go side by side: not two that write the same files, and
# not two that each want both cores for long. A background step's output waits in its log
# until wait_steps, so the log reads one step at a time.
# shellcheck shell=bash

_steps_dir="$(mktemp -d)"
_steps_started=$EPOCHREALTIME
_steps_order=()
# By step name (`unset` mis-parses a key with a quote in it, so a waited step is marked, not unset).
declare -A _steps_pid=() _steps_seconds=() _steps_state=() _steps_file=() _steps_waited=()

_steps_kill_tree() {  # a background step that is still running when the run fails: it and its children, by pid
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    _steps_kill_tree "$child"
  done
  kill "$1" 2>/dev/null || true
}

_steps_running() {  # the background steps not yet waited for, in the order they started
  local name
  for name in "${_steps_order[@]}"; do
    [ -n "${_steps_pid[$name]:-}" ] && [ -z "${_steps_waited[$name]:-}" ] && printf '%s\0' "$name"
  done
  return 0
}

_steps_cleanup() {
  local name
  while IFS= read -r -d '' name; do
    _steps_kill_tree "${_steps_pid[$name]}"
  done < <(_steps_running)
  rm -rf "$_steps_dir"
}
trap _steps_cleanup EXIT

steps_tempdir() {  # a fresh directory, removed when the run ends
  mktemp -d "$_steps_dir/tmp.XXXXXX"
}

_steps_elapsed() {  # seconds since $1 (an EPOCHREALTIME), one decimal
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

step() {
  local rc=0
  step_or_return "$@" || rc=$?
  if [ "$rc" -ne 0 ]; then
    steps_report >&2
    exit "$rc"
  fi
}

step_or_return() {  # as step, but a failure is returned (its exit status), not the end of the run
  local name=$1 began=$EPOCHREALTIME rc=0
  shift
  _steps_order+=("$name")
  echo "== $name"
  "$@" || rc=$?
  _steps_seconds[$name]=$(_steps_elapsed "$began")
  if [ "$rc" -ne 0 ]; then
    _steps_state[$name]="FAILED (exit $rc)"
    echo "== $name FAILED (exit $rc) after ${_steps_seconds[$name]} s" >&2
    return "$rc"
  fi
  _steps_state[$name]=ok
  echo "== $name: ${_steps_seconds[$name]} s"
}

step_bg() {
  local name=$1
  shift
  _steps_order+=("$name")
  local file="$_steps_dir/step-${#_steps_order[@]}"  # names may hold any character
  _steps_file[$name]=$file
  echo "== $name (started in the background)"
  (
    began=$EPOCHREALTIME
    rc=0
    "$@" >"$file.log" 2>&1 </dev/null || rc=$?
    echo "$rc $(_steps_elapsed "$began")" >"$file.done"
  ) &
  _steps_pid[$name]=$!
}

wait_steps() {
  local names=("$@") name failed=0 rc seconds
  [ ${#names[@]} -gt 0 ] || mapfile -d '' -t names < <(_steps_running)
  for name in "${names[@]}"; do
    [ -n "${_steps_pid[$name]:-}" ] && [ -z "${_steps_waited[$name]:-}" ] || continue
    wait "${_steps_pid[$name]}" || true
    _steps_waited[$name]=1
    read -r rc seconds <"${_steps_file[$name]}.done" || { rc=1; seconds=?; }
    _steps_seconds[$name]=$seconds
    echo "== $name (background) output:"
    cat "${_steps_file[$name]}.log"
    if [ "$rc" -ne 0 ]; then
      _steps_state[$name]="FAILED (exit $rc)"
      echo "== $name FAILED (exit $rc) after $seconds s" >&2
      failed=1
    else
      _steps_state[$name]=ok
      echo "== $name: $seconds s"
    fi
  done
  if [ "$failed" -ne 0 ]; then
    steps_report >&2
    exit 1
  fi
}

steps_report() {
  local name
  echo "== time per step (side by side steps overlap)"
  for name in "${_steps_order[@]}"; do
    printf '%8s s  %-58s %s\n' "${_steps_seconds[$name]:-?}" "$name" "${_steps_state[$name]:-running}"
  done
  printf '%8s s  %s\n' "$(_steps_elapsed "$_steps_started")" "wall time"
}
