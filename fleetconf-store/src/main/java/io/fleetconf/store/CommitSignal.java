package io.fleetconf.store;

import java.time.Duration;

/**
 * Word that the database may hold change sets this server has not seen: commits by other servers
 * on the same PostgreSQL. A hint, not a feed: the reader catches up from the store, and also does
 * so now and then without word, in case a notification was lost.
 */
public interface CommitSignal extends AutoCloseable {

  /** The payload of the notification that tokens or certificates changed (not a revision). */
  String SECURITY_CHANGED = "security";

  /**
   * Waits up to {@code timeout} for word of a commit.
   *
   * @return what was announced: revisions, or {@link #SECURITY_CHANGED}; empty on timeout
   * @throws StoreException if the database cannot be reached: close this signal and open another
   */
  java.util.List<String> await(Duration timeout) throws InterruptedException;

  @Override
  void close();
}
