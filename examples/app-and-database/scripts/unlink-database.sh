#!/bin/sh
# connected_to unlink, run for the app during uninstall: forget the database's address.
ctx source instance runtime-properties database_url "@null"
ctx logger info "app $(ctx source instance id) unlinked from database $(ctx target instance id)"
