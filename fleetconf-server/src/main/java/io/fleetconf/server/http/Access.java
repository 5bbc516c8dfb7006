package io.fleetconf.server.http;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.server.security.Acl;
import io.fleetconf.server.security.Caller;
import java.util.List;

/**
 * Authorisation, in one place: what each kind of caller may do. Operators are held to their token's
 * rules; a device may read and watch only its own effective config and report only its own state.
 */
final class Access {
  private Access() {}

  static ApiException forbidden(Request request, String what) {
    return new ApiException(403, "forbidden", describe(request.caller()) + " may not " + what);
  }

  private static String describe(Caller caller) {
    return switch (caller) {
      case Caller.Operator operator -> "token '" + operator.name() + "' (" + operator.tokenId() + ")";
      case Caller.Device device -> "device '" + device.id() + "'";
      case Caller.Anonymous anonymous -> "an anonymous caller";
    };
  }

  /** The operator's rules; a device is refused. */
  static Acl operator(Request request, String what) {
    if (request.caller() instanceof Caller.Operator operator) {
      return operator.acl();
    }
    throw forbidden(request, what);
  }

  static void admin(Request request, String what) {
    if (!operator(request, what).admin()) {
      throw forbidden(request, what);
    }
  }

  static void readKey(Request request, Key key) {
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

  /** A device itself, or an operator who may read (or write) devices. */
  static void device(Request request, DeviceId id, boolean write) {
    if (request.caller() instanceof Caller.Device device) {
      if (!device.id().equals(id)) {
        throw forbidden(request, "act for device '" + id + "'");
      }
      return;
    }
    Acl acl = operator(request, "act for device '" + id + "'");
    if (write ? !acl.canWriteDevices() : !acl.canReadDevices()) {
      throw forbidden(request, (write ? "write" : "read") + " device '" + id + "'");
    }
  }

  /** Whether secret values may be shown to this caller as they are (else they are masked). */
  static boolean revealsSecrets(Request request) {
    return request.caller() instanceof Caller.Operator operator && operator.acl().canReadSecrets();
  }

  /** Whether the caller may see changes to this key in history (else they are left out). */
  static boolean mayRead(Request request, Key key) {
    return request.caller() instanceof Caller.Operator operator && operator.acl().canRead(key);
  }

  static boolean mayReadDevices(Request request) {
    return request.caller() instanceof Caller.Operator operator && operator.acl().canReadDevices();
  }

  /** Refuses a change set unless the caller may make every one of its writes. */
  static void write(Request request, List<Mutation> mutations) {
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
      }
    }
  }

  private static void requireWrite(Request request, boolean allowed, String what) {
    if (!allowed) {
      throw forbidden(request, "write " + what);
    }
  }

  /** What the caller may see of history and diffs; a device sees none of it. */
  static Wire.Sight sight(Request request) {
    Acl acl = operator(request, "read history");
    if (!acl.readsKeys() && !acl.canReadDevices()) {
      throw forbidden(request, "read history");
    }
    return new Wire.Sight(acl::canRead, acl.canReadDevices(), acl.canReadSecrets());
  }
}
