package io.fleetconf.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What an agent says it did with one namespace of its device's config: the revision it applied,
 * the hash of what it wrote, how it went, and why not when it failed.
 */
public record Report(
    DeviceId device,
    String namespace,
    Revision revision,
    String contentHash,
    Status status,
    Optional<String> error,
    String agentVersion,
    Instant time) {

  public static final int MAX_ERROR_LENGTH = 2000;

  /** How an attempt to apply config ended, declared from best to worst: the natural order ranks them. */
  public enum Status {
    APPLIED("applied"),
    FAILED("failed"),
    ROLLED_BACK("rolled_back");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The worse of the two. */
    public Status worse(Status other) {
      return compareTo(other) >= 0 ? this : other;
    }

    public static Status parse(String text) {
      for (Status status : values()) {
        if (status.wire.equals(text)) {
          return status;
        }
      }
      throw new InvalidInputException("invalid_body",
          "status must be applied, failed or rolled_back, was '" + Excerpt.of(text) + "'");
    }
  }

  public Report {
    KeyPath.parse(namespace);
    if (error.isPresent() && error.get().length() > MAX_ERROR_LENGTH) {
      error = Optional.of(error.get().substring(0, MAX_ERROR_LENGTH));
    }
  }
}
