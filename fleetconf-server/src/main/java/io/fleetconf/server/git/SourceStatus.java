package io.fleetconf.server.git;

import io.fleetconf.git.GitSource;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a source stands: the commit last applied, the last fetch, and the commits it refused.
 *
 * @param state {@code pending} before the first fetch, {@code ok}, {@code failed} while the tip is a
 *     refused commit, {@code unreachable} when the last fetch failed, {@code standby} while another
 *     replica follows the source
 * @param applied the last commit whose state the store holds
 * @param tip the branch's tip at the last successful fetch
 * @param fetchError why the last fetch failed, when it did
 * @param refused the most recent refused commits, newest first
 */
public record SourceStatus(GitSource source, State state, Optional<String> applied, Optional<String> tip,
    Optional<Instant> lastFetch, Optional<String> fetchError, List<Refusal> refused) {
  /** How many refused commits a source remembers. */
  public static final int MAX_REFUSED = 10;

  public enum State { PENDING, OK, FAILED, UNREACHABLE, STANDBY }

  /** A commit that was not applied, and why: the file and line when a file was at fault. */
  public record Refusal(String commit, String subject, Optional<String> file, OptionalInt line, String reason) {}

  public SourceStatus {
    refused = List.copyOf(refused);
  }

  static SourceStatus pending(GitSource source) {
    return new SourceStatus(source, State.PENDING, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());
  }
}
