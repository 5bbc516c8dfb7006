package io.fleetconf.core;

/**
 * A device group, always {@code <kind>/<name>} such as {@code site/lisbon} or
 * {@code device_type/jetson-nano}; the fixed two segments keep {@code groups/<kind>/<name>/<path>}
 * keys unambiguous.
 */
public record GroupName(String value) implements Comparable<GroupName> {
  public GroupName {
    String what = "group name '" + Names.printable(value) + "'";
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new InvalidInputException(
          "invalid_group", what + " must have the form <kind>/<name>, e.g. site/lisbon");
    }
    for (String part : parts) {
      Names.checkSegment(part, what, "invalid_group");
    }
  }

  public static GroupName of(String value) {
    return new GroupName(value);
  }

  @Override
  public int compareTo(GroupName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
