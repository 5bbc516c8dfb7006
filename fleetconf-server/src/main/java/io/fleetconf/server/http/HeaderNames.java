package io.fleetconf.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The spelling response header names go out in. Netty's constants are lower case and a name may
 * be set in any case; header names are case-insensitive, but some clients compare them exactly,
 * so every name is sent as its standard or Consul's spelling.
 */
final class HeaderNames {
  /** Names whose spelling is not each word capitalised. */
  private static final Map<String, String> SPECIAL = Map.of(
      "x-consul-knownleader", "X-Consul-KnownLeader",
      "x-consul-lastcontact", "X-Consul-LastContact",
      "x-consul-effective-consistency", "X-Consul-Effective-Consistency",
      "etag", "ETag",
      "www-authenticate", "WWW-Authenticate");

  private HeaderNames() {}

  /** Names already seen, spelled: a handful in all, met on every response. */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> SPELLED =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Past this many distinct names (only a misbehaving handler would get there), spell without keeping. */
  private static final int MAX_SPELLED = 256;

  /** {@code x-consul-index} and {@code X-consul-index} become {@code X-Consul-Index}. */
  static String canonical(String name) {
    String known = SPELLED.get(name);
    if (known != null) {
      return known;
    }
    String spelled = spell(name);
    if (SPELLED.size() < MAX_SPELLED) {
      SPELLED.put(name, spelled);
    }
    return spelled;
  }

  private static String spell(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String special = SPECIAL.get(lower);
    if (special != null) {
      return special;
    }
    StringBuilder out = new StringBuilder(name.length());
    boolean wordStart = true;
    for (char c : lower.toCharArray()) {
      out.append(wordStart ? Character.toUpperCase(c) : c);
      wordStart = c == '-';
    }
    return out.toString();
  }

  /** Rewrites every name in {@code headers} to its canonical spelling, keeping order and values. */
  static void canonicalise(HttpHeaders headers) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(headers.entries());
    headers.clear();
    entries.forEach(entry -> headers.add(canonical(entry.getKey()), entry.getValue()));
  }
}
