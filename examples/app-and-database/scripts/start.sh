#!/bin/sh
# Starts `node SERVER PORT BIND WORKDIR` in the background with the instance's runtime properties
# (JSON) in SETTINGS, waits until the port answers, records the pid and the port.
set -e
dir="$(ctx instance runtime-properties workdir)"
port="$(ctx node properties port)"
bind="$(ctx instance host-ip)"
SETTINGS="$(ctx instance runtime-properties)" nohup node "$dir/$SERVER" "$port" "$bind" "$dir" >"$dir/server.log" 2>&1 &
pid=$!
i=0
until node -e "require('net').connect($port, '$bind').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"; do
  i=$((i + 1))
  if [ "$i" -ge 50 ] || ! kill -0 "$pid" 2>/dev/null; then
    cat "$dir/server.log" >&2
    echo "$SERVER did not start on $bind:$port" >&2
    exit 1
  fi
  sleep 0.2
done
ctx instance runtime-properties pid "@$pid"
ctx instance runtime-properties port "@$port"
ctx logger info "$SERVER ($pid) listening on http://$bind:$port/"
