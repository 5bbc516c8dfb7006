package io.fleetconf.api;

import java.nio.charset.StandardCharsets;

/** The URL paths of the contract, from the server's root; device ids and namespaces are percent-encoded. */
public final class Paths {
  public static final String HEALTH = "/api/v1/health";
  public static final String ENROL = "/api/v1/enrol";
  public static final String WHOAMI = "/api/v1/whoami";
  public static final String FLEET_STATUS = "/api/v1/fleet/status";
  /** The registry; each device's resources are below it: {@code /<id>/config}, {@code /<id>/reports} ... */
  public static final String DEVICES = "/api/v1/devices";
  /** The segment after a device id for its effective config. */
  public static final String CONFIG = "config";
  /** The segment after a device id for the reports of its agent. */
  public static final String REPORTS = "reports";
  /** The segment after a device id for renewing its client certificate. */
  public static final String CERTIFICATE = "certificate";
  /** The segment after a device id for the versions of the services its agent manages. */
  public static final String VERSIONS = "versions";

  private Paths() {}

  /** {@code /api/v1/devices/<id>/config}: the device's effective config. */
  public static String deviceConfig(String device) {
    return device(device, CONFIG);
  }

  /** {@code /api/v1/devices/<id>/config/<namespace>}: one namespace of it. */
  public static String deviceConfig(String device, String namespace) {
    return deviceConfig(device) + "/" + segment(namespace);
  }

  /** {@code /api/v1/devices/<id>/reports}: what the device's agent applied. */
  public static String deviceReports(String device) {
    return device(device, REPORTS);
  }

  /** {@code /api/v1/devices/<id>/versions}: the versions of the services the device runs. */
  public static String deviceVersions(String device) {
    return device(device, VERSIONS);
  }

  /** {@code /api/v1/devices/<id>/certificate}: renews the device's client certificate. */
  public static String deviceCertificate(String device) {
    return device(device, CERTIFICATE);
  }

  private static String device(String device, String resource) {
    return DEVICES + "/" + segment(device) + "/" + resource;
  }

  /** One path segment, such as a device id, percent-encoded whole: a '/' in it is encoded too. */
  public static String segment(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
