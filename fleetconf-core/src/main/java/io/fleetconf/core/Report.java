package io.fleetconf.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What an agent says it did with one namespace of its device's config: the revision it tried to
 * apply, the hash of what it wrote, how it went, why not when it failed, and the revision whose
 * content the device runs now (after a rollback, an earlier one).
 */
public record Report(
    DeviceId device,
    String namespace,
    Revision revision,
    String contentHash,
    Status status,
    Optional<String> error,
    String agentVersion,
    Instant time,
    Optional<Revision> runningRevision) {

  public static final int MAX_ERROR_LENGTH = 2000;

  /**
   * The revision whose content the device runs now, if known: the one the agent said, else the
   * reported revision when it was applied; unknown after a failure from an agent that does not say.
   */
  public Optional<Revision> running() {
    return runningRevision.or(() -> status == Status.APPLIED ? Optional.of(revision) : Optional.empty());
  }

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

  /** A report that does not say which revision runs (agents before {@code runningRevision}). */
  public Report(DeviceId device, String namespace, Revision revision, String contentHash, Status status,
      Optional<String> error, String agentVersion, Instant time) {
    this(device, namespace, revision, contentHash, status, error, agentVersion, time, Optional.empty());
  }

  public Report {
    KeyPath.parse(namespace);
    if (runningRevision.isPresent() && runningRevision.get().isAfter(revision)) {
      throw new InvalidInputException("invalid_body", "runningRevision " + runningRevision.get().value()
          + " is after the reported revision " + revision.value());
    }
    if (error.isPresent() && error.get().length() > MAX_ERROR_LENGTH) {
      error = Optional.of(error.get().substring(0, MAX_ERROR_LENGTH));
    }
  }
}
