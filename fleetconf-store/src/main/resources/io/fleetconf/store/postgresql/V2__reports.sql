-- What agents report per device and namespace: the latest and a short history.
CREATE TABLE reports (
  id            BIGSERIAL PRIMARY KEY,
  device        TEXT    COLLATE "C" NOT NULL,
  namespace     TEXT    COLLATE "C" NOT NULL,
  revision      BIGINT  NOT NULL,
  content_hash  TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  error         TEXT,
  agent_version TEXT    NOT NULL,
  time_ms       BIGINT  NOT NULL
);
CREATE INDEX reports_by_device ON reports (device, namespace, id);
