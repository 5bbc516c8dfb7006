# Sourced by ./fleetconf and ./run-tests: sets JAVA_HOME to a JDK >= 21, or stops with what to install.
# Order: $JAVA_HOME if it is new enough, then the usual install locations, newest first.

fleetconf_java_major() { # prints the major version of the java binary given, or nothing
  # The JDK's release file says it without starting a JVM (which costs a client verb ~0.1 s of its start).
  local release major
  release="$(dirname "$1")/../release"
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null | head -n 1)
  if [ -n "$major" ]; then echo "$major"; return; fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

fleetconf_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/java/* 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(fleetconf_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven's own libraries still use sun.misc.Unsafe; JDK 24+ would warn about it on every build.
      if [ "$major" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      fi
      return 0
    fi
  done
  echo "fleetconf needs a JDK 21 or newer and found none (looked at \$JAVA_HOME and /usr/lib/jvm)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' (or Temurin 21+), or set JAVA_HOME to it." >&2
  return 1
}

fleetconf_find_jdk || exit 1
if ! command -v mvn >/dev/null 2>&1; then
  echo "fleetconf builds with Apache Maven and found no 'mvn'; install it, e.g. 'apt-get install maven'." >&2
  exit 1
fi
