package io.fleetconf.server.security;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Excerpt;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import java.util.List;

/**
 * What an operator token may do, as rules in the spirit of Consul's ACLs, one per line:
 *
 * <ul>
 *   <li>{@code admin}: everything, including tokens, certificates and secrets;
 *   <li>{@code read <key pattern>} / {@code write <key pattern>}: entries whose raw key matches,
 *       e.g. {@code read fleet/global/*}, {@code write fleet/groups/site/lisbon/*}, or plain keys
 *       outside the root such as {@code read config/*}; a pattern ending in {@code *} is a prefix,
 *       any other names one key; write implies read;
 *   <li>{@code read devices} / {@code write devices}: the registry, every device's effective config
 *       and watches, reports and the fleet status;
 *   <li>{@code read devices <device pattern>} / {@code write devices <device pattern>}: only the
 *       config, watches, record and reports of the devices whose id matches (write adds posting
 *       their reports); never the registry, the fleet status or history;
 *   <li>{@code read secrets}: see the values of secret entries the token can otherwise read.
 * </ul>
 */
public record Acl(List<String> rules) {
  // A device id (letters, digits, _ - .), or a prefix of one ending in *, or * alone.
  private static final java.util.regex.Pattern DEVICE_PATTERN = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]*\\*?");
  public static final Acl ADMIN = new Acl(List.of("admin"));
  public static final Acl NONE = new Acl(List.of());

  public Acl {
    rules = rules.stream().map(rule -> rule.strip().replaceAll("\\s+", " ")).toList();
    for (String rule : rules) {
      check(rule);
    }
  }

  private static void check(String rule) {
    String[] words = rule.strip().split("\\s+");
    boolean ok = switch (words[0]) {
      case "admin" -> words.length == 1;
      case "read", "write" -> words.length == 2 && (!words[1].equals("secrets") || words[0].equals("read"))
          || words.length == 3 && words[1].equals("devices") && DEVICE_PATTERN.matcher(words[2]).matches();
      default -> false;
    };
    if (!ok || rule.length() > 600) {
      throw new InvalidInputException("invalid_rule", "rule '" + Excerpt.of(rule.strip()) + "' is not one of: admin,"
          + " read|write <key pattern such as fleet/global/* or config/*>, read|write devices,"
          + " read|write devices <device id or prefix* such as vv-lis-*>, read secrets");
    }
  }

  public boolean admin() {
    return rules.contains("admin");
  }

  public boolean canRead(Key key) {
    return admin() || matches("read", key.raw(), false) || matches("write", key.raw(), false);
  }

  public boolean canWrite(Key key) {
    return admin() || matches("write", key.raw(), false);
  }

  /** True if the token may read every key at or below {@code prefix}. */
  public boolean canReadTree(Key prefix) {
    return admin() || matches("read", prefix.raw(), true) || matches("write", prefix.raw(), true);
  }

  /** True if the token may write every key at or below {@code prefix}. */
  public boolean canWriteTree(Key prefix) {
    return admin() || matches("write", prefix.raw(), true);
  }

  /** True if the token may write every key whose raw form starts with the string {@code prefix} (as Consul's). */
  public boolean canWriteStringPrefix(String prefix) {
    if (admin()) {
      return true;
    }
    for (String rule : rules) {
      if (rule.startsWith("write ") && isKeyRule(rule) && rule.endsWith("*")
          && prefix.startsWith(rule.substring("write ".length(), rule.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  public boolean canReadDevices() {
    return admin() || rules.contains("read devices") || rules.contains("write devices");
  }

  /** True if the token may read this one device's config, record and reports (all of them, or by a device rule). */
  public boolean canReadDevice(DeviceId id) {
    return canReadDevices() || matchesDevice("read", id) || matchesDevice("write", id);
  }

  /** True if the token may post this one device's reports. */
  public boolean canReportFor(DeviceId id) {
    return canWriteDevices() || matchesDevice("write", id);
  }

  /** True if any rule reaches devices at all: all of them, or some by a device rule. */
  public boolean readsAnyDevice() {
    return canReadDevices() || rules.stream().anyMatch(rule -> rule.matches("(read|write) devices .+"));
  }

  private boolean matchesDevice(String access, DeviceId id) {
    String start = access + " devices ";
    for (String rule : rules) {
      if (rule.startsWith(start) && rule.length() > start.length()) {
        String pattern = rule.substring(start.length());
        if (pattern.endsWith("*") ? id.value().startsWith(pattern.substring(0, pattern.length() - 1))
            : id.value().equals(pattern)) {
          return true;
        }
      }
    }
    return false;
  }

  public boolean canWriteDevices() {
    return admin() || rules.contains("write devices");
  }

  public boolean canReadSecrets() {
    return admin() || rules.contains("read secrets");
  }

  /** True if any rule reads keys at all (such a token may ask for history, filtered to what it reads). */
  public boolean readsKeys() {
    return admin() || rules.stream().anyMatch(Acl::isKeyRule);
  }

  private static boolean isKeyRule(String rule) {
    return rule.matches("(read|write) .+") && !rule.endsWith(" devices") && !rule.endsWith(" secrets")
        && !rule.matches("(read|write) devices .+");
  }

  private boolean matches(String access, String raw, boolean wholeTree) {
    for (String rule : rules) {
      if (!rule.startsWith(access + " ") || !isKeyRule(rule)) {
        continue;
      }
      String pattern = rule.substring(access.length() + 1).strip();
      if (pattern.equals("*")) {
        return true;
      }
      if (pattern.endsWith("*")) {
        String prefix = pattern.substring(0, pattern.length() - 1);
        if (raw.startsWith(prefix) || wholeTree && (raw + "/").startsWith(prefix)) {
          return true;
        }
      } else if (!wholeTree && raw.equals(pattern)) {
        return true;
      }
    }
    return false;
  }
}
