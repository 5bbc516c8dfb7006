package io.fleetconf.server.api;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.server.security.Acl;
import io.fleetconf.server.security.Caller;
import java.util.List;
import java.util.Optional;
import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Request;

/**
 * Authorisation, in one place: what each kind of caller may do. Operators are held to their token's
 * rules, an anonymous caller on the Consul API to the anonymous policy (rules of the same kind); a
 * device may read and watch only its own effective config and report only its own state.
 */
public final class Access {
  private Access() {}

  static ApiException forbidden(Request request, String what) {
    String hint = request.caller() instanceof Caller.Anonymous ? "; send a token in X-Consul-Token" : "";
    return new ApiException(403, "forbidden", describe(request.caller()) + " may not " + what + hint);
  }

  private static String describe(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> "token '" + operator.name() + "' (" + operator.tokenId() + ")";
      case Caller.Device device -> "device '" + device.id() + "'";
      case Caller.Anonymous anonymous -> "an anonymous caller";
    };
  }

  /** The operator's rules (or the anonymous policy); a device is refused. */
  public static Acl operator(Request request, String what) {
    return rules(request.caller()).orElseThrow(() -> forbidden(request, what));
  }

  private static Optional<Acl> rules(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> Optional.of(operator.acl());
      case Caller.Anonymous anonymous -> Optional.of(anonymous.acl());
      case Caller.Device device -> Optional.empty();
    };
  }

  public static void writeKey(Request request, Key key) {
    requireWrite(request, operator(request, "change the configuration").canWrite(key), key.raw());
  }

  /**
   * Refuses unless the caller may write every key a Consul prefix can cover: decided from the
   * prefix and the rules, never from what exists under it. The message names only the prefix.
   */
  public static void writeConsulPrefix(Request request, String prefix, java.util.List<String> rulePrefixes) {
    Acl acl = operator(request, "change the configuration");
    if (!rulePrefixes.stream().allMatch(acl::canWriteStringPrefix)) {
      throw forbidden(request, "write everything under '" + prefix + "'");
    }
  }

  static void admin(Request request, String what) {
    if (!operator(request, what).admin()) {
      throw forbidden(request, what);
    }
  }

  public static void readKey(Request request, Key key) {
    if (!operator(request, "read entries").canRead(key)) {
      throw forbidden(request, "read " + key.raw());
    }
  }

  static void readTree(Request request, Key prefix) {
    Acl acl = operator(request, "read entries");
    if (!acl.canReadTree(prefix) && !acl.admin()) {
      throw forbidden(request, "read everything under " + prefix.raw());
    }
  }

  static void readDevices(Request request) {
    if (!operator(request, "read the device registry").canReadDevices()) {
      throw forbidden(request, "read the device registry");
    }
  }

  /** A device itself, or an operator who may read this device (or, for {@code write}, post its reports). */
  static void device(Request request, DeviceId id, boolean write) {
    if (request.caller() instanceof Caller.Device device) {
      if (!device.id().equals(id)) {
        throw forbidden(request, "act for device '" + id + "'");
      }
      return;
    }
    Acl acl = operator(request, "act for device '" + id + "'");
    if (write ? !acl.canReportFor(id) : !acl.canReadDevice(id)) {
      throw forbidden(request, (write ? "write" : "read") + " device '" + id + "'");
    }
  }

  /** Whether secret values may be shown to this caller as they are (else they are masked). */
  public static boolean revealsSecrets(Request request) {
    return rules(request.caller()).map(Acl::canReadSecrets).orElse(false);
  }

  /** Whether the caller may see this key (in lists, history, wake-ups), else it is left out. */
  public static boolean mayRead(Request request, Key key) {
    return rules(request.caller()).map(acl -> acl.canRead(key)).orElse(false);
  }

  static boolean mayReadDevices(Request request) {
    return rules(request.caller()).map(Acl::canReadDevices).orElse(false);
  }

  /** Refuses a change set unless the caller may make every one of its writes. */
  public static void write(Request request, List<Mutation> mutations) {
    Acl acl = operator(request, "change the configuration");
    for (Mutation mutation : mutations) {
      switch (mutation) {
        case Mutation.Put put -> requireWrite(request, acl.canWrite(put.key()), put.key().raw());
        case Mutation.Delete delete -> requireWrite(request, acl.canWrite(delete.key()), delete.key().raw());
        case Mutation.Check check -> {
          if (!acl.canRead(check.key())) {
            throw forbidden(request, "read " + check.key().raw());
          }
        }
        case Mutation.DeleteTree tree -> requireWrite(request, acl.canWriteTree(tree.prefix()),
            "everything under " + tree.prefix().raw());
        case Mutation.CreateDevice create -> requireWrite(request, acl.canWriteDevices(), "device " + create.device().id());
        case Mutation.UpdateDevice update -> requireWrite(request, acl.canWriteDevices(), "device " + update.device().id());
        case Mutation.DeleteDevice delete -> requireWrite(request, acl.canWriteDevices(), "device " + delete.id());
        case Mutation.SwapSetting swap -> requireWrite(request, false, "setting " + swap.name()); // no API makes one
      }
    }
  }

  private static void requireWrite(Request request, boolean allowed, String what) {
    if (!allowed) {
      throw forbidden(request, "write " + what);
    }
  }

  /** Refuses a subtree write (a restore) unless the caller may write all of it, whatever it holds now or held then. */
  static void writeTree(Request request, Key prefix) {
    write(request, List.of(new Mutation.DeleteTree(prefix)));
  }

  /**
   * Refuses a rollback unless the caller may write everything the change set changed, before
   * anything is planned; the message names only the keys the caller may read.
   */
  static void rollBack(Request request, io.fleetconf.core.ChangeSet changeSet) {
    Acl acl = operator(request, "roll back changes");
    List<String> named = new java.util.ArrayList<>();
    boolean unreadable = false;
    for (io.fleetconf.core.Change change : changeSet.changes()) {
      boolean writable = switch (change) {
        case io.fleetconf.core.Change.EntryChange entry -> acl.canWrite(entry.key());
        case io.fleetconf.core.Change.DeviceChange device -> acl.canWriteDevices();
      };
      if (writable) {
        continue;
      }
      Optional<String> name = switch (change) {
        case io.fleetconf.core.Change.EntryChange entry -> acl.canRead(entry.key())
            ? Optional.of(entry.key().raw()) : Optional.empty();
        case io.fleetconf.core.Change.DeviceChange device -> acl.canReadDevices()
            ? Optional.of("device " + device.id()) : Optional.empty();
      };
      name.ifPresent(named::add);
      unreadable |= name.isEmpty();
    }
    if (!named.isEmpty() || unreadable) {
      String what = String.join(", ", named) + (named.isEmpty() ? "" : unreadable ? " and " : "")
          + (unreadable ? "what it may not read" : "");
      throw forbidden(request, "roll back revision " + changeSet.revision() + ", which changed " + what);
    }
  }

  /** What the caller may see of one device's effective diff: an operator who may read that device. */
  static ApiJson.Sight deviceSight(Request request, String device) {
    Acl acl = operator(request, "read history");
    DeviceId id = DeviceId.of(device);
    if (!acl.canReadDevice(id)) {
      throw forbidden(request, "read device '" + id + "'");
    }
    return new ApiJson.Sight(acl::canRead, acl.canReadDevices(), acl.canReadSecrets());
  }

  /** What the caller may see of history and diffs; a device sees none of it. */
  static ApiJson.Sight sight(Request request) {
    Acl acl = operator(request, "read history");
    if (!acl.readsKeys() && !acl.canReadDevices()) {
      throw forbidden(request, "read history");
    }
    return new ApiJson.Sight(acl::canRead, acl.canReadDevices(), acl.canReadSecrets());
  }
}
