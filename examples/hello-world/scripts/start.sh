#!/bin/sh
# Starts the HTTP server in the background, waits until it answers and records its pid.
set -e
dir="$(ctx instance runtime-properties workdir)"
port="$(ctx node properties port)"
bind="$(ctx instance host-ip)"
# Output goes to a file: the operation ends when the script exits, the server keeps running.
nohup node "$dir/server.mjs" "$dir/index.html" "$port" "$bind" >"$dir/server.log" 2>&1 &
pid=$!
i=0
until node -e "require('net').connect($port, '$bind').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"; do
  i=$((i + 1))
  if [ "$i" -ge 50 ] || ! kill -0 "$pid" 2>/dev/null; then
    cat "$dir/server.log" >&2
    echo "the web server did not start on $bind:$port" >&2
    exit 1
  fi
  sleep 0.2
done
ctx instance runtime-properties pid "@$pid"
ctx logger info "web server $pid listening on http://$bind:$port/"
