package io.fleetconf.core;

/** A device's identifier: one segment of letters, digits, {@code _ - .}. */
public record DeviceId(String value) implements Comparable<DeviceId> {
  public DeviceId {
    Names.checkSegment(value, () -> "device id '" + Names.printable(value) + "'", "invalid_device_id");
  }

  public static DeviceId of(String value) {
    return new DeviceId(value);
  }

  @Override
  public int compareTo(DeviceId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
