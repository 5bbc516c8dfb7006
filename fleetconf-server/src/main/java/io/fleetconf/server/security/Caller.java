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

  /** No credentials: only the open routes (health, the API description, enrolment). */
  record Anonymous() implements Caller {
    @Override
    public String name() {
      return "anonymous";
    }
  }
}
