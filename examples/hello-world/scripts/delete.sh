#!/bin/sh
# Removes the instance's work folder (the rendered page, the server script and its log).
dir="$(ctx instance runtime-properties workdir 2>/dev/null || true)"
case "$dir" in
  */.stratus-examples/*) rm -rf "$dir"; ctx logger info "removed $dir" ;;
  *) echo "no work folder recorded" ;;
esac
