package io.fleetconf.k8s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One object the sync wants in the cluster: its kind and name, the device and fleetconf namespace
 * it comes from, its data as text (a Secret's still in clear: base64 is the cluster's wire
 * encoding, applied in {@link Objects}), and a hash of that data.
 */
record Wanted(Kind kind, String name, String device, String fleetNamespace, Map<String, String> data) {
  enum Kind {
    CONFIG_MAP("ConfigMap", "config-hash-"),
    SECRET("Secret", "secret-hash-");

    final String apiName;
    /** The prefix of the pod-template annotation that carries the hash of an object of this kind. */
    final String annotationPrefix;

    Kind(String apiName, String annotationPrefix) {
      this.apiName = apiName;
      this.annotationPrefix = annotationPrefix;
    }
  }

  /** An object by kind and name. */
  record Ref(Kind kind, String name) {
    @Override
    public String toString() {
      return kind.apiName + " " + name;
    }
  }

  Wanted {
    data = java.util.Collections.unmodifiableMap(new TreeMap<>(data));
  }

  Ref ref() {
    return new Ref(kind, name);
  }

  /** SHA-256 of the data, key by key in sorted order: equal data, equal hash. */
  String hash() {
    return hash(data);
  }

  static String hash(Map<String, String> data) {
    MessageDigest digest = sha256();
    new TreeMap<>(data).forEach((key, value) -> {
      digest.update(key.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(value.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  /** SHA-256 of {@code text} (UTF-8), in hex. */
  static String sha256(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
