package io.fleetconf.git;

import java.time.Instant;

/** One commit of a followed branch: its id, who wrote it, and its subject (the message's first line). */
public record Commit(String id, String authorName, String authorEmail, Instant time, String subject) {
  /** The author as git shows it: {@code Name <email>}. */
  public String author() {
    return authorEmail.isEmpty() ? authorName : authorName + " <" + authorEmail + ">";
  }

  /** The first 12 characters of the id, for messages. */
  public String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }
}
