# Sourced by ./fleetconf and ./run-tests: sets JAVA_HOME to a JDK >= 21, or stops with what to install.
# Order: $JAVA_HOME if it is new enough, then the usual install locations, newest first.

# No process is started here: every client verb of ./fleetconf pays for this script.

fleetconf_read_major() { # sets fleetconf_major to the major version of the java binary given, or empty
  # The JDK's release file says it without starting a JVM (which costs a client verb ~0.1 s of its start).
  local line
  fleetconf_major=""
  [ -r "${1%/*}/../release" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      JAVA_VERSION=\"[0-9]*)
        line="${line#JAVA_VERSION=\"}"
        fleetconf_major="${line%%[!0-9]*}"
        return 0 ;;
    esac
  done < "${1%/*}/../release"
}

fleetconf_java_major() { # prints the major version of the java binary given, or nothing
  fleetconf_read_major "$1"
  if [ -n "$fleetconf_major" ]; then echo "$fleetconf_major"; return; fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

fleetconf_find_jdk() { # $JAVA_HOME if it is a JDK >= 21, else the newest JDK >= 21 in the usual places
  local candidate best="" best_major=0
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    fleetconf_read_major "$candidate/bin/java"
    if [ -z "$fleetconf_major" ]; then fleetconf_major="$(fleetconf_java_major "$candidate/bin/java")"; fi
    [ -n "$fleetconf_major" ] && [ "$fleetconf_major" -ge 21 ] || continue
    if [ "$candidate" = "${JAVA_HOME:-}" ]; then best="$candidate"; best_major="$fleetconf_major"; break; fi
    if [ "$fleetconf_major" -gt "$best_major" ]; then best="$candidate"; best_major="$fleetconf_major"; fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    export PATH="$JAVA_HOME/bin:$PATH"
    fleetconf_major="$best_major"
    # Maven's own libraries still use sun.misc.Unsafe; JDK 24+ would warn about it on every build.
    if [ "$best_major" -ge 24 ]; then
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
    return 0
  fi
  echo "fleetconf needs a JDK 21 or newer and found none (looked at \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' (or Temurin 21+), or set JAVA_HOME to it." >&2
  return 1
}

fleetconf_find_jdk || exit 1
if ! command -v mvn >/dev/null 2>&1; then
  echo "fleetconf builds with Apache Maven and found no 'mvn'; install it, e.g. 'apt-get install maven'." >&2
  exit 1
fi
