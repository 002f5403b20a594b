#!/bin/sh
# Fetches the server script named by the SERVER input into a work folder of this node instance.
set -e
dir="${HOME:-/tmp}/.stratus-examples/$(ctx deployment id)/$(ctx instance id)"
mkdir -p "$dir"
ctx download-resource "scripts/$SERVER" "$dir/$SERVER" >/dev/null
ctx instance runtime-properties workdir "$dir"
