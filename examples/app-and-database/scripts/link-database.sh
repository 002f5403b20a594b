#!/bin/sh
# connected_to postconfigure, run for the app (the source) after its configure, before its start:
# the database (the target) is already started and recorded its port.
set -e
port="$(ctx target instance runtime-properties port)"
ip="$(ctx target instance host-ip)"
ctx source instance runtime-properties database_url "http://$ip:$port"
ctx logger info "app $(ctx source instance id) uses the database at http://$ip:$port"
