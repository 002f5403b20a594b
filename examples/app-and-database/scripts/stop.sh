#!/bin/sh
# Stops the server whose pid start.sh recorded (nothing to do if it is already gone).
pid="$(ctx instance runtime-properties pid 2>/dev/null || true)"
case "$pid" in ''|*[!0-9]*) echo "no server recorded"; exit 0 ;; esac
if kill "$pid" 2>/dev/null; then
  i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 25 ]; do i=$((i + 1)); sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  ctx logger info "server $pid stopped"
fi
ctx instance runtime-properties pid "@null"
