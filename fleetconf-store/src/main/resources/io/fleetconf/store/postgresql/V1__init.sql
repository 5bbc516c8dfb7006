-- One row per committed change set; revision is the global, gapless counter.
-- Names are compared byte by byte (COLLATE "C"), as SQLite does: subtree ranges rely on it.
CREATE TABLE change_sets (
  revision BIGINT PRIMARY KEY,
  author   TEXT   NOT NULL,
  time_ms  BIGINT NOT NULL,
  message  TEXT   NOT NULL,
  source   TEXT   NOT NULL
);

-- Before/after of every entry or device a change set touched (JSON documents, NULL = absent).
CREATE TABLE changes (
  revision BIGINT NOT NULL REFERENCES change_sets(revision),
  seq      INTEGER NOT NULL,
  kind     TEXT    NOT NULL CHECK (kind IN ('entry', 'device')),
  name     TEXT    COLLATE "C" NOT NULL,
  before   TEXT,
  after    TEXT,
  PRIMARY KEY (revision, seq)
);
CREATE INDEX changes_by_name ON changes (kind, name, revision);

CREATE TABLE entries (
  key             TEXT   COLLATE "C" PRIMARY KEY,
  value           TEXT   NOT NULL,
  create_revision BIGINT NOT NULL,
  mod_revision    BIGINT NOT NULL,
  version         BIGINT NOT NULL
);

CREATE TABLE devices (
  id  TEXT COLLATE "C" PRIMARY KEY,
  doc TEXT NOT NULL
);

CREATE TABLE tokens (
  id         TEXT   PRIMARY KEY,
  sha256     BYTEA  NOT NULL UNIQUE,
  identity   TEXT   NOT NULL,
  created_ms BIGINT NOT NULL
);
