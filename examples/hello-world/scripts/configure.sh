#!/bin/sh
# Renders the page from the node's properties and fetches the server script into a work folder
# of this node instance (kept across operations, unlike the operation's TMPDIR).
set -e
dir="${HOME:-/tmp}/.stratus-examples/$(ctx deployment id)/$(ctx instance id)"
mkdir -p "$dir"
ctx download-resource-and-render resources/index.html.template "$dir/index.html" >/dev/null
ctx download-resource scripts/server.mjs "$dir/server.mjs" >/dev/null
ctx instance runtime-properties workdir "$dir"
ctx logger info "page rendered into $dir/index.html"
