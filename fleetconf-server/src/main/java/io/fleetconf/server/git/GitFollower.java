package io.fleetconf.server.git;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.git.Commit;
import io.fleetconf.git.DesiredState;
import io.fleetconf.git.GitFetchException;
import io.fleetconf.git.GitSource;
import io.fleetconf.git.LayoutException;
import io.fleetconf.git.Mirror;
import io.fleetconf.git.Reconcile;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.Replica;
import io.fleetconf.server.git.SourceStatus.Refusal;
import io.fleetconf.server.git.SourceStatus.State;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * Follows one source: fetches its branch and makes each new commit, oldest first, one change set
 * holding what that commit changed; a refused commit is skipped and remembered, the store keeping
 * the last good state. Where the source stands is the store's {@link Cursor}, read afresh at every
 * poll and moved with each commit's change set, so that a restart, or another replica taking over,
 * goes on where the last poll stopped. One thread calls {@link #poll} and {@link #standBy}.
 */
final class GitFollower implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GitFollower.class.getName());
  private final GitSource source;
  private final Mirror mirror;
  private final Replica replica;
  private final Clock clock;
  /** Refuses a state that defines what another source owns. */
  private final BiConsumer<GitFollower, DesiredState> overlap;
  /** Opens the sealed values of the files with the server's seal key. */
  private final io.fleetconf.git.Unsealer unsealer;
  private volatile SourceStatus status;

  GitFollower(GitSource source, io.fleetconf.git.GitCredentials credentials, Path cloneDir,
      io.fleetconf.git.RepositoryLayout format, Replica replica, Clock clock,
      BiConsumer<GitFollower, DesiredState> overlap, io.fleetconf.git.Unsealer unsealer) {
    this.source = source;
    this.unsealer = unsealer;
    this.overlap = overlap;
    this.mirror = Mirror.open(cloneDir, source, credentials, format);
    this.replica = replica;
    this.clock = clock;
    this.status = SourceStatus.pending(source);
  }

  /** Why {@code commit}, refused before this replica followed the source, was: read again when it was a file's fault. */
  private Refusal refusalOf(String commit) {
    String subject = "";
    try {
      subject = mirror.commit(commit).subject();
      mirror.read(commit, unsealer);
    } catch (LayoutException e) {
      return new Refusal(commit, subject, Optional.of(e.file()), e.line(), e.reason());
    } catch (RuntimeException gone) {
      // not in this clone (force-pushed away): the log of the server that refused it says why
    }
    return new Refusal(commit, subject, Optional.empty(), OptionalInt.empty(),
        "refused before this server followed the source; the log of the server that did says why");
  }

  /** The source's cursor as the store holds it now. */
  Cursor.Stored stored() {
    Cursor.Stored stored = Cursor.load(replica.store(), source.name());
    return stored.text().isPresent() ? stored : legacy();
  }

  /**
   * A store written before the cursor kept {@code git.NAME.seen} and {@code git.NAME.applied}: what
   * the applied commit owns is read from the clone. The cursor's first move replaces them.
   */
  private Cursor.Stored legacy() {
    Optional<String> seen = replica.store().setting("git." + source.name() + ".seen");
    Optional<String> applied = replica.store().setting("git." + source.name() + ".applied");
    Cursor cursor = applied.map(commit -> Cursor.START.applied(commit, readQuietly(commit))).orElse(Cursor.START);
    return new Cursor.Stored(Optional.empty(), seen.map(cursor::refused).orElse(cursor));
  }

  private DesiredState readQuietly(String commit) {
    try {
      return mirror.read(commit, unsealer);
    } catch (RuntimeException gone) {
      return DesiredState.EMPTY; // the clone was lost: ownership comes back with the next commit applied
    }
  }

  /** Writes a cursor read from the older settings as the store's cursor, so that they are read no more. */
  private Cursor.Stored carryOver(Cursor.Stored legacy) {
    Cursor cursor = legacy.cursor();
    replica.commit(new Proposal("fleetconf", "git source " + source.name() + ": cursor carried over", "git",
        List.of(legacy.moveTo(source.name(), cursor))));
    return new Cursor.Stored(Optional.of(cursor.write()), cursor);
  }

  SourceStatus status() {
    return status;
  }

  GitSource source() {
    return source;
  }

  /** Another replica follows the source: this one only says so, with what the store says it applied. */
  void standBy() {
    status = new SourceStatus(source, State.STANDBY, stored().cursor().applied(), Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());
  }

  /** Fetches, then applies every commit the store's cursor has not looked at. */
  void poll() {
    String tip;
    try {
      tip = mirror.fetch();
    } catch (GitFetchException e) {
      if (status.fetchError().isEmpty()) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
      }
      status = with(State.UNREACHABLE, Optional.of(e.getMessage()));
      return;
    }
    Cursor.Stored stored = fetched(tip);
    Optional<String> seen = stored.cursor().seen();
    if (seen.equals(Optional.of(tip))) {
      return;
    }
    if (seen.isEmpty()) {
      Commit first = mirror.commit(tip);
      take(first, first.subject() + " (first sync of git source '" + source.name() + "' at " + first.shortId() + ")",
          stored);
      return;
    }
    switch (mirror.between(seen.get(), tip)) {
      case Mirror.Forward forward -> {
        for (Commit commit : forward.commits()) {
          Optional<Cursor.Stored> next = take(commit, commit.subject(), stored);
          if (next.isEmpty()) {
            return;
          }
          stored = next.get();
        }
      }
      case Mirror.Rewritten rewritten -> take(rewritten.tip(), rewritten.tip().subject() + " (force-push: "
          + source.branch() + " no longer holds " + seen.get().substring(0, 12) + "; applied as one change set to "
          + rewritten.tip().shortId() + ")", stored);
    }
  }

  /** After a fetch: the store's cursor, and the status it gives. */
  private Cursor.Stored fetched(String tip) {
    Cursor.Stored stored = stored();
    if (stored.text().isEmpty() && !stored.cursor().equals(Cursor.START)) {
      stored = carryOver(stored); // from the settings of the first version; read once
    }
    Optional<String> seen = stored.cursor().seen();
    boolean refusedTip = seen.isPresent() && !seen.equals(stored.cursor().applied());
    status = new SourceStatus(source, refusedTip ? State.FAILED : State.OK, stored.cursor().applied(),
        Optional.of(tip), Optional.of(clock.instant()), Optional.empty(), status.refused());
    if (refusedTip && status.refused().stream().noneMatch(refusal -> seen.get().equals(refusal.commit()))) {
      remember(refusalOf(seen.get())); // refused before a restart or by the replica that followed before
    }
    return stored;
  }

  /**
   * Applies one commit, or records why not, moving the cursor from {@code from} in the same
   * transaction; either way the commit counts as looked at. Empty if another replica moved the
   * cursor first: it followed the source meanwhile, and this poll stops.
   */
  private Optional<Cursor.Stored> take(Commit commit, String message, Cursor.Stored from) {
    Refusal refusal;
    try {
      DesiredState desired = mirror.read(commit.id(), unsealer);
      overlap.accept(this, desired);
      Cursor next = from.cursor().applied(commit.id(), desired);
      apply(commit, message, from, next, desired);
      status = new SourceStatus(source, State.OK, Optional.of(commit.id()), status.tip(), status.lastFetch(),
          Optional.empty(), status.refused());
      return Optional.of(new Cursor.Stored(Optional.of(next.write()), next));
    } catch (LayoutException e) {
      refusal = new Refusal(commit.id(), commit.subject(), Optional.of(e.file()), e.line(), e.reason());
    } catch (InvalidInputException | NotFoundException | ConflictException e) {
      if (movedByAnother(from)) {
        return Optional.empty();
      }
      refusal = new Refusal(commit.id(), commit.subject(), Optional.empty(), OptionalInt.empty(), e.getMessage());
    }
    Cursor next = from.cursor().refused(commit.id());
    try {
      replica.commit(Proposal.ofCommit(commit.author(), bounded(message), commit.id(), List.of(from.moveTo(source.name(), next))));
    } catch (ConflictException e) {
      movedByAnother(from);
      return Optional.empty();
    }
    refuse(commit, refusal);
    return Optional.of(new Cursor.Stored(Optional.of(next.write()), next));
  }

  private boolean movedByAnother(Cursor.Stored from) {
    if (stored().text().equals(from.text())) {
      return false;
    }
    LOG.log(System.Logger.Level.INFO, "git source " + source.name() + ": another replica moved on meanwhile;"
        + " going on from where it stopped");
    return true;
  }

  private void apply(Commit commit, String message, Cursor.Stored from, Cursor next, DesiredState desired) {
    // Caught up with the store first: the last follower's change sets must be in the state compared.
    Snapshot snapshot = replica.currentSnapshot();
    List<Mutation> mutations = new ArrayList<>();
    mutations.add(from.moveTo(source.name(), next));
    mutations.addAll(Reconcile.mutations(from.cursor().owned(), desired, snapshot.allEntries(),
        new ArrayList<>(snapshot.devices().values())));
    var changeSet = replica.commit(Proposal.ofCommit(commit.author(), bounded(message), commit.id(), mutations));
    if (!changeSet.changes().isEmpty()) { // e.g. only a README changed: nothing recorded, the cursor moved
      LOG.log(System.Logger.Level.INFO, "git source " + source.name() + ": applied " + commit.shortId()
          + " as revision " + changeSet.revision() + " (" + (mutations.size() - 1) + " change(s))");
    }
  }

  private static String bounded(String message) {
    return message.length() > Proposal.MAX_MESSAGE_LENGTH
        ? message.substring(0, Proposal.MAX_MESSAGE_LENGTH - 1) + "…" : message;
  }

  private void refuse(Commit commit, Refusal refusal) {
    LOG.log(System.Logger.Level.WARNING, "git source " + source.name() + ": commit " + commit.shortId()
        + " not applied: " + refusal.file().map(f -> f + refusal.line().stream().mapToObj(l -> ":" + l)
            .findFirst().orElse("") + ": ").orElse("") + refusal.reason());
    remember(refusal);
  }

  private void remember(Refusal refusal) {
    List<Refusal> refused = new ArrayList<>();
    refused.add(refusal);
    refused.addAll(status.refused().subList(0, Math.min(status.refused().size(), SourceStatus.MAX_REFUSED - 1)));
    status = new SourceStatus(source, State.FAILED, status.applied(), status.tip(), status.lastFetch(),
        Optional.empty(), refused);
  }

  private SourceStatus with(State state, Optional<String> fetchError) {
    return new SourceStatus(source, state, status.applied(), status.tip(), status.lastFetch(), fetchError,
        status.refused());
  }

  @Override
  public void close() {
    mirror.close();
  }
}
