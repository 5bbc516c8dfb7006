package io.fleetconf.core;

/**
 * A layer of configuration. Precedence, lowest first: {@code defaults} &lt; {@code global} &lt;
 * {@code groups/<kind>/<name>} (in the device's group order) &lt; {@code devices/<id>}.
 */
public sealed interface Scope permits Scope.Defaults, Scope.Global, Scope.Group, Scope.Device, Scope.Plain {
  Defaults DEFAULTS = new Defaults();
  Global GLOBAL = new Global();
  Plain PLAIN = new Plain();

  /** Shipped fallbacks, e.g. from a service's {@code .env.example}. */
  record Defaults() implements Scope {
    @Override
    public String toString() {
      return "defaults";
    }
  }

  /** Fleet-wide values. */
  record Global() implements Scope {
    @Override
    public String toString() {
      return "global";
    }
  }

  /** Values for the members of one group. */
  record Group(GroupName group) implements Scope {
    @Override
    public String toString() {
      return "groups/" + group;
    }
  }

  /** Values for one device. */
  record Device(DeviceId device) implements Scope {
    @Override
    public String toString() {
      return "devices/" + device;
    }
  }

  /**
   * Not a layer: keys outside the fleet's root (in the Consul key space, e.g.
   * {@code config/application/data}), versioned and audited like the others but never merged into
   * a device's config.
   */
  record Plain() implements Scope {
    @Override
    public String toString() {
      return "plain";
    }
  }

  static Scope group(String name) {
    return new Group(GroupName.of(name));
  }

  static Scope device(String id) {
    return new Device(DeviceId.of(id));
  }

  /** How many path segments this scope's name takes. */
  default int segmentCount() {
    return switch (this) {
      case Defaults d -> 1;
      case Global g -> 1;
      case Plain p -> 1;
      case Group g -> 3;
      case Device d -> 2;
    };
  }
}
