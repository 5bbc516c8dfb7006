package io.fleetconf.store;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import java.util.List;
import java.util.Optional;

/**
 * The durable, versioned config tree: entries, devices and the change sets that made them.
 *
 * <p>Every committed change set takes the next revision of one global, gapless counter; a commit is
 * durable when {@link #commit} returns, and a failed commit leaves no trace (the counter does not
 * move). Implementations are safe for concurrent use.
 */
public interface Store extends AutoCloseable {

  /** The revision of the last committed change set, {@link Revision#ZERO} for an empty store. */
  Revision revision();

  /**
   * Applies the proposal atomically. A proposal whose mutations change nothing (say, deleting an
   * empty subtree) is not recorded: the result has the current revision and no changes.
   *
   * @throws ConflictException if a compare-and-set expectation fails or a device id is taken
   * @throws NotFoundException if a deleted key or a referenced device does not exist
   */
  ChangeSet commit(Proposal proposal);

  /** What became of one proposal of {@link #commitAll}: its change set, or why it was refused. */
  sealed interface CommitOutcome {
    record Committed(ChangeSet changeSet) implements CommitOutcome {}

    record Refused(RuntimeException reason) implements CommitOutcome {}
  }

  /**
   * Group commit: several proposals, each its own change set with its own revision, in order, made
   * durable together (one disk sync instead of one each). A proposal that is refused (a failed
   * compare-and-set, a missing key or device, bad input, or its {@code screen}) leaves no trace and
   * the others go on, as if each had been committed alone; a failure of the store itself fails them
   * all.
   */
  List<CommitOutcome> commitAll(List<Proposal> proposals, Screen screen);

  default List<CommitOutcome> commitAll(List<Proposal> proposals) {
    return commitAll(proposals, Screen.NONE);
  }

  /**
   * Looks at each change set of {@link #commitAll} (with the proposal it comes from) before it is
   * made, in revision order, and
   * refuses it by throwing (an {@link io.fleetconf.core.InvalidInputException}, a
   * {@link ConflictException} or a {@link NotFoundException}); e.g. a schema check of the configs
   * it would give. A change set that changes nothing is not screened.
   */
  @FunctionalInterface
  interface Screen {
    Screen NONE = (proposal, changeSet) -> { };

    void check(Proposal proposal, ChangeSet changeSet);
  }

  /**
   * What {@link #commit} would record for {@code proposal} now, without recording it: the changes
   * with the revision they would get. Refuses as a commit would; writes nothing.
   */
  ChangeSet preview(Proposal proposal);

  /** The whole current state at one revision, read consistently: what a server loads at start. */
  record Image(Revision revision, List<Entry> entries, List<Device> devices) {}

  Image image();

  /**
   * Word of commits other servers make on the same database (PostgreSQL); an embedded store has
   * no other writers, and its signal only waits.
   */
  CommitSignal commitSignal();

  /**
   * Which server, of those sharing this store, does what (e.g. follows a Git source); one per
   * caller, closed by it, which lets go of what it held.
   */
  Leadership leadership();

  /** True if other servers may commit to this store too (PostgreSQL), so that a server must follow them. */
  boolean shared();

  /** Every current entry, in key order. */
  List<Entry> entries();

  /** Every registered device, in id order. */
  List<Device> devices();

  /** Change sets after {@code after}, oldest first, at most {@code limit}: the change feed. */
  List<ChangeSet> changesSince(Revision after, int limit);

  /** One change set, if that revision exists. */
  Optional<ChangeSet> changeSet(Revision revision);

  /**
   * Change sets before {@code before} (exclusive), newest first, at most {@code limit}; with a
   * prefix, only those that touched it, each holding only its changes under the prefix.
   */
  List<ChangeSet> history(Optional<Key> prefix, Revision before, int limit);

  /** The entries at or below {@code prefix} as they were right after {@code revision}. */
  List<Entry> entriesAt(Revision revision, Key prefix);

  /** Every entry as it was right after {@code revision}. */
  List<Entry> entriesAt(Revision revision);

  /** The devices as they were right after {@code revision}. */
  List<Device> devicesAt(Revision revision);

  /** How many reports per device and namespace are kept; older ones are dropped. */
  int REPORT_HISTORY = 20;

  /** Records an agent's report, keeping the last {@link #REPORT_HISTORY} per device and namespace. */
  void addReport(Report report);

  /** The latest report of every device and namespace. */
  List<Report> latestReports();

  /** A device's reports, newest first, at most {@code limit}. */
  List<Report> reports(DeviceId device, int limit);

  /**
   * Records when devices last called in (to the millisecond), keeping the later of the stored and
   * the given time of each: the server sends them in batches, not once per call.
   */
  void saveLastSeen(java.util.Map<DeviceId, java.time.Instant> seen);

  /** When each device last called in, as saved. */
  java.util.Map<DeviceId, java.time.Instant> lastSeen();

  /** Seals and opens secret values from now on; set before the first read of a secret. */
  void sealWith(Sealer sealer);

  /** Stores a new token's hash. Tokens are not versioned. */
  void addToken(TokenRecord token);

  /** Every stored token (hashes only), revoked and used ones included. */
  List<TokenRecord> tokens();

  /** Marks a token revoked; false if there is no such token or it already was. */
  boolean revokeToken(String id, java.time.Instant at);

  /** Marks a single-use token used; false if it already was: at most one caller ever gets true. */
  boolean useToken(String id, java.time.Instant at);

  void addCertificate(CertificateRecord certificate);

  /** Every issued client certificate, oldest first. */
  List<CertificateRecord> certificates();

  /** Marks a certificate revoked; false if there is no such certificate or it already was. */
  boolean revokeCertificate(String serial, java.time.Instant at);

  /** A named value kept with the data (e.g. the wrapped data key), if set. */
  Optional<String> setting(String name);

  void putSetting(String name, String value);

  @Override
  void close();
}
