#!/bin/sh
# Removes the instance's work folder (server script, log, and the database's data file).
dir="$(ctx instance runtime-properties workdir 2>/dev/null || true)"
case "$dir" in
  */.stratus-examples/*) rm -rf "$dir"; ctx logger info "removed $dir" ;;
  *) echo "no work folder recorded" ;;
esac
