#!/bin/sh
# The executable the gateway starts (OPSORCH_TEAM_PLUGIN=/path/to/run.sh): runs plugin.ts with tsx,
# resolved from the project's node_modules above this directory.
cd "$(dirname "$0")" && exec node --import tsx ./plugin.ts
