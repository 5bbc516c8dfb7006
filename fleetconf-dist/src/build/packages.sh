#!/usr/bin/env bash
# Builds fleetconf's packages, run by Maven in the package phase (fleetconf-dist/pom.xml passes the
# settings as environment variables): the server package `fleetconf` and the agent package
# `fleetconf-agent`, each as a .deb and a tarball with its own jlink runtime (docs/install.md).
set -euo pipefail
shopt -s inherit_errexit # a failed jlink inside $(...) stops the build too
for tool in dpkg-deb tar gzip; do
  command -v "$tool" >/dev/null || { echo "packages.sh: $tool is needed to build the packages" >&2; exit 1; }
done
epoch="$(date -u -d "$TIMESTAMP" +%s)"
CLIENT_JAVA_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
export SOURCE_DATE_EPOCH="$epoch"
deb_version="${VERSION//-/\~}" # 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~SNAPSHOT
work="$OUT/packages"
rm -rf "$work/stage"
mkdir -p "$work/stage"

# A runtime per module list, kept between builds while the list and the JDK stay the same.
runtime() {
  local key dir
  key="$( (cat "$JDK/release"; echo "$1") | sha256sum | cut -c1-16)"
  dir="$work/runtime-$key"
  if [ ! -x "$dir/bin/java" ]; then
    rm -rf "$dir"
    "$JDK/bin/jlink" --add-modules "$1" --strip-debug --no-man-pages --no-header-files \
      --compress zip-6 --output "$dir" >&2
  fi
  echo "$dir"
}

# The launcher: finds its home through its symlink, and runs on the runtime there, never the system's java.
launcher() { # name jar java-options main-or-jar-args
  cat <<SH
#!/bin/sh
# $1: runs fleetconf on the Java runtime packaged beside this script (docs/install.md).
home="\$(dirname "\$(dirname "\$(readlink -f "\$0")")")"
exec "\$home/runtime/bin/java" \${FLEETCONF_JAVA_OPTS:-$3} --enable-native-access=ALL-UNNAMED -cp "\$home/lib/$2" $4 "\$@"
SH
}

# The server package's launcher: `server` and `agent` as above; every other verb (a client verb, which runs
# for a fraction of a second) with C1 only, the serial GC, no perf-data file and the AOT cache made below
# (docs/performance.md, "The command line").
cli_launcher() { # jar
  cat <<SH
#!/bin/sh
# fleetconf: runs fleetconf on the Java runtime packaged beside this script (docs/install.md).
self="\$(readlink -f "\$0")"
home="\${self%/*/*}"
verb=""
skip=0
for arg in "\$@"; do # the verb: the first word that is not an option or the value of the global --output
  if [ "\$skip" = 1 ]; then skip=0; continue; fi
  case "\$arg" in
    --output|-o) skip=1 ;;
    -*) ;;
    *) verb="\$arg"; break ;;
  esac
done
case "\$verb" in
  server|agent)
    exec "\$home/runtime/bin/java" \${FLEETCONF_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED \
      -cp "\$home/lib/$1" io.fleetconf.cli.Main "\$@" ;;
esac
if [ -f "\$home/lib/fleetconf-client.aot" ]; then
  exec "\$home/runtime/bin/java" \${FLEETCONF_JAVA_OPTS:-$CLIENT_JAVA_OPTIONS} --enable-native-access=ALL-UNNAMED \
    "-XX:AOTCache=\$home/lib/fleetconf-client.aot" -Xlog:aot=off -Xlog:cds=off -cp "\$home/lib/$1" io.fleetconf.cli.Main "\$@"
fi
exec "\$home/runtime/bin/java" \${FLEETCONF_JAVA_OPTS:-$CLIENT_JAVA_OPTIONS} --enable-native-access=ALL-UNNAMED \
  -cp "\$home/lib/$1" io.fleetconf.cli.Main "\$@"
SH
}

# The client verbs' AOT cache (JDK 25+ runtimes): a training run (io.fleetconf.cli.ClientTraining: the common
# client verbs against a server it starts) on the packaged runtime. The JVM takes a cache only for the jar
# and runtime files it was made with, size and time: the home gets the package's times first.
client_cache() { # home jar
  local major
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/runtime/release")"
  if [ "${major:-0}" -lt 25 ]; then return 0; fi
  find "$1" -exec touch -h -d "@$epoch" {} +
  # shellcheck disable=SC2086 # the options are meant to split into words
  "$1/runtime/bin/java" $CLIENT_JAVA_OPTIONS --enable-native-access=ALL-UNNAMED "-XX:AOTCacheOutput=$1/lib/fleetconf-client.aot" \
    -Xlog:aot=off -Xlog:cds=off -cp "$1/lib/$2" io.fleetconf.cli.ClientTraining >/dev/null 2>"$work/aot-training.log" || true # judged by the cache below
  rm -f "$1/lib/fleetconf-client.aot.config"
  if [ ! -f "$1/lib/fleetconf-client.aot" ]; then
    echo "packages.sh: the training run made no AOT cache; its output:" >&2
    cat "$work/aot-training.log" >&2
    exit 1
  fi
}

# The package's own directory: bin/, lib/ and runtime/.
home() { # dir name jar-source jar-name modules java-options main
  local java
  java="$(runtime "$5")" # not inside cp's arguments, so that a failed jlink stops the build
  mkdir -p "$1/bin" "$1/lib"
  cp -a "$java" "$1/runtime"
  cp "$3" "$1/lib/$4"
  if [ "$2" = fleetconf ]; then
    cli_launcher "$4" > "$1/bin/$2"
    client_cache "$1" "$4"
  else
    launcher "$2" "$4" "$6" "$7" > "$1/bin/$2"
  fi
  chmod 0755 "$1/bin/$2"
}

# deb: name unit etc-files... ; the package's home is already in usr/lib/<name>.
deb() {
  local name="$1" unit="$2" stage="$work/stage/$1"
  shift 2
  mkdir -p "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/fleetconf" "$stage/DEBIAN"
  ln -s "../lib/$name/bin/$name" "$stage/usr/bin/$name"
  install -m 0644 "$SRC/files/$unit" "$stage/lib/systemd/system/$unit"
  local file
  # 0600: agent.yaml may hold a token inline; the server's postinst opens server.env to its group.
  for file in "$@"; do install -m 0600 "$file" "$stage/etc/fleetconf/$(basename "$file")"; done
  if [ -d "$SRC/files/$name.etc" ]; then cp -a "$SRC/files/$name.etc/." "$stage/etc/"; fi
  # Everything under /etc is a conffile: an upgrade keeps the operator's edits.
  (cd "$stage" && find etc -type f | sort | sed 's|^|/|') > "$stage/DEBIAN/conffiles"
  local size
  size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
  sed -e "s/@VERSION@/$deb_version/" -e "s/@SIZE@/$size/" "$SRC/deb/$name/control" > "$stage/DEBIAN/control"
  install -m 0755 "$SRC/deb/$name/postinst" "$SRC/deb/$name/prerm" "$SRC/deb/$name/postrm" "$stage/DEBIAN/"
  find "$stage" -exec touch -h -d "@$epoch" {} +
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$OUT/${name}_${deb_version}_amd64.deb" >/dev/null
}

# tarball: the same home, etc/ and systemd/ beside it.
tarball() { # name unit etc-files...
  local name="$1" unit="$2" top="$1-$VERSION" dir="$work/stage/tar-$1"
  shift 2
  rm -rf "$dir" && mkdir -p "$dir/$top/etc" "$dir/$top/systemd"
  cp -al "$work/stage/$name/usr/lib/$name/." "$dir/$top/"
  install -m 0600 "$@" "$dir/$top/etc/"
  cp "$SRC/files/$unit" "$dir/$top/systemd/"
  if [ -d "$SRC/files/$name.etc/systemd/system" ]; then cp -a "$SRC/files/$name.etc/systemd/system/." "$dir/$top/systemd/"; fi
  find "$dir" -exec touch -h -d "@$epoch" {} +
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$dir" -cf - "$top" \
    | gzip -6 -n > "$OUT/$top-linux-x64.tar.gz"
  rm -rf "$dir"
}

server_package() {
  home "$work/stage/fleetconf/usr/lib/fleetconf" fleetconf "$SERVER_JAR" fleetconf.jar "$SERVER_MODULES" "" \
    io.fleetconf.cli.Main
  deb fleetconf fleetconf-server.service "$SRC/files/server.env"
  tarball fleetconf fleetconf-server.service "$SRC/files/server.env"
}

agent_package() {
  home "$work/stage/fleetconf-agent/usr/lib/fleetconf-agent" fleetconf-agent "$AGENT_JAR" fleetconf-agent.jar \
    "$AGENT_MODULES" "$AGENT_JAVA_OPTIONS" "$AGENT_MAIN"
  deb fleetconf-agent fleetconf-agent.service "$AGENT_YAML"
  tarball fleetconf-agent fleetconf-agent.service "$AGENT_YAML"
}

# The runtimes first (both packages may share one), then the two packages side by side: most of their
# time is gzip and the server's AOT training run, one core each.
runtime "$SERVER_MODULES" >/dev/null
runtime "$AGENT_MODULES" >/dev/null
server_package &
server=$!
agent_package &
agent=$!
wait "$server"
wait "$agent"
