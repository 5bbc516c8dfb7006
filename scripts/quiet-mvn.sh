#!/usr/bin/env bash
# Runs Maven with errors only and no colour, for builds nobody asked to watch (./fleetconf's first run).
# Maven 3.8's jansi writes reset sequences (ESC[0m) at start and exit even with -B -q and
# -Dstyle.color=never; jansi.noreset=true stops that, and must be a JVM property, hence MAVEN_OPTS.
MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" exec mvn -B -q -Dstyle.color=never "$@"
