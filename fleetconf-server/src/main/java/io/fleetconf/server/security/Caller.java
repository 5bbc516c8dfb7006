package io.fleetconf.server.security;

import io.fleetconf.core.DeviceId;

/** Who sent a request, as authentication established it. */
public sealed interface Caller {

  /** The name history records as a change set's author. */
  String name();

  /** A person or tool holding an operator token, limited by its rules. */
  record Operator(String tokenId, String name, Acl acl) implements Caller {}

  /**
   * A device, by its device token or by a client certificate the fleet CA issued for it.
   *
   * @param credential the token id or {@code cert:<serial>}
   */
  record Device(DeviceId id, String credential) implements Caller {
    @Override
    public String name() {
      return "device:" + id.value();
    }

    public boolean byCertificate() {
      return credential.startsWith("cert:");
    }
  }

  /**
   * No credentials: the open routes (health, the API description, enrolment), and on the Consul
   * API what the anonymous policy {@code acl} allows (never admin, devices or secrets).
   *
   * @param from the client address, so that anonymous callers do not share one rate or watch allowance
   */
  record Anonymous(Acl acl, String from) implements Caller {
    public Anonymous() {
      this(Acl.NONE, "");
    }

    @Override
    public String name() {
      return "anonymous";
    }
  }
}
