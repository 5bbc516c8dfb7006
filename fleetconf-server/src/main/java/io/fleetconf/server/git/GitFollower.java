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
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Follows one source: fetches its branch and makes each new commit, oldest first, one change set
 * holding what that commit changed; a refused commit is skipped and remembered, the store keeping
 * the last good state. Which commit was looked at last, and which was applied last, are kept in the
 * store's settings, so that a restart goes on where it stopped. One thread calls {@link #poll}.
 */
final class GitFollower implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GitFollower.class.getName());
  private final GitSource source;
  private final Mirror mirror;
  private final Replica replica;
  private final Clock clock;
  /** Refuses a state that defines what another source owns. */
  private final java.util.function.BiConsumer<GitFollower, DesiredState> overlap;
  /** Opens the sealed values of the files with the server's seal key. */
  private final io.fleetconf.git.Unsealer unsealer;
  private Optional<String> seen;
  private volatile DesiredState applied;
  private volatile SourceStatus status;

  GitFollower(GitSource source, Path cloneDir, Replica replica, Clock clock,
      java.util.function.BiConsumer<GitFollower, DesiredState> overlap, io.fleetconf.git.Unsealer unsealer) {
    this.source = source;
    this.unsealer = unsealer;
    this.overlap = overlap;
    this.mirror = Mirror.open(cloneDir, source);
    this.replica = replica;
    this.clock = clock;
    this.seen = replica.store().setting(settingName("seen"));
    Optional<String> appliedCommit = replica.store().setting(settingName("applied"));
    this.applied = appliedCommit.map(this::readQuietly).orElse(DesiredState.EMPTY);
    this.status = new SourceStatus(source, State.PENDING, appliedCommit, Optional.empty(), Optional.empty(),
        Optional.empty(), List.of());
    if (seen.isPresent() && !seen.equals(appliedCommit)) {
      // The last commit looked at was refused before a restart: say so again, not "ok".
      refuse(mirror.commit(seen.get()), refusalOf(seen.get()));
    }
  }

  /** Why {@code commit}, refused before this start, was: read again when it was a file's fault. */
  private Refusal refusalOf(String commit) {
    Commit refused = mirror.commit(commit);
    try {
      mirror.read(commit, unsealer);
      return new Refusal(commit, refused.subject(), Optional.empty(), OptionalInt.empty(),
          "refused before the server restarted; the server log of that time says why");
    } catch (LayoutException e) {
      return new Refusal(commit, refused.subject(), Optional.of(e.file()), e.line(), e.reason());
    }
  }

  private DesiredState readQuietly(String commit) {
    try {
      return mirror.read(commit, unsealer);
    } catch (RuntimeException gone) {
      return DesiredState.EMPTY; // the clone was lost: ownership comes back with the next commit applied
    }
  }

  private String settingName(String what) {
    return "git." + source.name() + "." + what;
  }

  SourceStatus status() {
    return status;
  }

  /** The state of the last commit applied: what the source owns. */
  DesiredState applied() {
    return applied;
  }

  GitSource source() {
    return source;
  }

  /** Fetches, then applies every commit not yet looked at. */
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
    boolean refusedTip = seen.isPresent() && !seen.equals(status.applied());
    status = new SourceStatus(source, refusedTip ? State.FAILED : State.OK, status.applied(), Optional.of(tip), Optional.of(clock.instant()),
        Optional.empty(), status.refused());
    if (seen.equals(Optional.of(tip))) {
      return;
    }
    if (seen.isEmpty()) {
      Commit first = mirror.commit(tip);
      take(first, first.subject() + " (first sync of git source '" + source.name() + "' at " + first.shortId() + ")");
      return;
    }
    switch (mirror.between(seen.get(), tip)) {
      case Mirror.Forward forward -> forward.commits().forEach(commit -> take(commit, commit.subject()));
      case Mirror.Rewritten rewritten -> take(rewritten.tip(), rewritten.tip().subject() + " (force-push: "
          + source.branch() + " no longer holds " + seen.get().substring(0, 12) + "; applied as one change set to "
          + rewritten.tip().shortId() + ")");
    }
  }

  /** Applies one commit, or records why not; either way it counts as looked at. */
  private void take(Commit commit, String message) {
    try {
      DesiredState desired = mirror.read(commit.id(), unsealer);
      overlap.accept(this, desired);
      apply(commit, message, desired);
      applied = desired;
      replica.store().putSetting(settingName("applied"), commit.id());
      status = new SourceStatus(source, State.OK, Optional.of(commit.id()), status.tip(), status.lastFetch(),
          Optional.empty(), status.refused());
    } catch (LayoutException e) {
      refuse(commit, new Refusal(commit.id(), commit.subject(), Optional.of(e.file()), e.line(), e.reason()));
    } catch (InvalidInputException | io.fleetconf.store.NotFoundException | io.fleetconf.store.ConflictException e) {
      refuse(commit, new Refusal(commit.id(), commit.subject(), Optional.empty(), OptionalInt.empty(), e.getMessage()));
    }
    seen = Optional.of(commit.id());
    replica.store().putSetting(settingName("seen"), commit.id());
  }

  private void apply(Commit commit, String message, DesiredState desired) {
    Snapshot snapshot = replica.snapshot();
    List<Mutation> mutations = Reconcile.mutations(applied, desired, snapshot.allEntries(),
        new ArrayList<>(snapshot.devices().values()));
    if (mutations.isEmpty()) {
      return; // e.g. only a README changed: nothing to record
    }
    String bounded = message.length() > Proposal.MAX_MESSAGE_LENGTH
        ? message.substring(0, Proposal.MAX_MESSAGE_LENGTH - 1) + "…" : message;
    var changeSet = replica.commit(Proposal.ofCommit(commit.author(), bounded, commit.id(), mutations));
    LOG.log(System.Logger.Level.INFO, "git source " + source.name() + ": applied " + commit.shortId() + " as revision "
        + changeSet.revision() + " (" + mutations.size() + " change(s))");
  }

  private void refuse(Commit commit, Refusal refusal) {
    LOG.log(System.Logger.Level.WARNING, "git source " + source.name() + ": commit " + commit.shortId()
        + " not applied: " + refusal.file().map(f -> f + refusal.line().stream().mapToObj(l -> ":" + l)
            .findFirst().orElse("") + ": ").orElse("") + refusal.reason());
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
