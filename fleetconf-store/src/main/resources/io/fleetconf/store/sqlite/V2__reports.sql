-- What agents report per device and namespace: the latest and a short history.
CREATE TABLE reports (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  device        TEXT    NOT NULL,
  namespace     TEXT    NOT NULL,
  revision      INTEGER NOT NULL,
  content_hash  TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  error         TEXT,
  agent_version TEXT    NOT NULL,
  time_ms       INTEGER NOT NULL
);
CREATE INDEX reports_by_device ON reports (device, namespace, id);
