package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.Change.DeviceChange;
import io.fleetconf.core.Change.EntryChange;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Loads whole change sets for the revisions a query selects, keeping the query's order. */
final class ChangeSetReader {
  private ChangeSetReader() {}

  private record Header(Revision revision, String author, Instant time, String message, String source,
      Optional<String> commit) {}

  static List<ChangeSet> read(Connection connection, Codec codec, String revisionQuery, List<Object> args, Optional<Key> prefix)
      throws SQLException {
    List<Long> revisions = Statements.query(connection, revisionQuery, args, rows -> rows.getLong(1));
    if (revisions.isEmpty()) {
      return List.of();
    }
    String in = String.join(",", Collections.nCopies(revisions.size(), "?"));
    List<Object> ids = new ArrayList<>(revisions);
    Map<Long, Header> headers = new LinkedHashMap<>();
    Statements.query(connection,
        "SELECT revision, author, time_ms, message, source, git_commit FROM change_sets WHERE revision IN (" + in + ")", ids,
        rows -> headers.put(rows.getLong(1), new Header(Revision.of(rows.getLong(1)), rows.getString(2),
            Instant.ofEpochMilli(rows.getLong(3)), rows.getString(4), rows.getString(5), Optional.ofNullable(rows.getString(6)))));
    Map<Long, List<Change>> changes = new LinkedHashMap<>();
    Statements.query(connection,
        "SELECT revision, kind, name, before, after FROM changes WHERE revision IN (" + in + ")"
            + " ORDER BY revision, seq", ids,
        rows -> changes.computeIfAbsent(rows.getLong(1), r -> new ArrayList<>()).add(change(codec,
            rows.getString(2), rows.getString(3), Optional.ofNullable(rows.getString(4)),
            Optional.ofNullable(rows.getString(5)))));
    List<ChangeSet> out = new ArrayList<>(revisions.size());
    for (long revision : revisions) {
      Header header = headers.get(revision);
      ChangeSet changeSet = new ChangeSet(header.revision(), header.author(), header.time(), header.message(),
          header.source(), header.commit(), changes.getOrDefault(revision, List.of()));
      out.add(prefix.map(changeSet::onlyUnder).orElse(changeSet));
    }
    return out;
  }

  private static Change change(Codec codec, String kind, String name, Optional<String> before, Optional<String> after) {
    if (kind.equals("device")) {
      DeviceId id = DeviceId.of(name);
      return new DeviceChange(id, before.map(doc -> Codec.device(id, doc)), after.map(doc -> Codec.device(id, doc)));
    }
    Key key = Key.parse(name);
    return new EntryChange(key, before.map(doc -> codec.entryState(key, doc)),
        after.map(doc -> codec.entryState(key, doc)));
  }
}
