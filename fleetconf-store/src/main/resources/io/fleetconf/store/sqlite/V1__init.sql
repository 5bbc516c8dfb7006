-- One row per committed change set; revision is the global, gapless counter.
CREATE TABLE change_sets (
  revision INTEGER PRIMARY KEY,
  author   TEXT    NOT NULL,
  time_ms  INTEGER NOT NULL,
  message  TEXT    NOT NULL,
  source   TEXT    NOT NULL
);

-- Before/after of every entry or device a change set touched (JSON documents, NULL = absent).
CREATE TABLE changes (
  revision INTEGER NOT NULL REFERENCES change_sets(revision),
  seq      INTEGER NOT NULL,
  kind     TEXT    NOT NULL CHECK (kind IN ('entry', 'device')),
  name     TEXT    NOT NULL,
  before   TEXT,
  after    TEXT,
  PRIMARY KEY (revision, seq)
);
CREATE INDEX changes_by_name ON changes (kind, name, revision);

CREATE TABLE entries (
  key             TEXT    PRIMARY KEY,
  value           TEXT    NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision    INTEGER NOT NULL,
  version         INTEGER NOT NULL
);

CREATE TABLE devices (
  id  TEXT PRIMARY KEY,
  doc TEXT NOT NULL
);

CREATE TABLE tokens (
  id         TEXT    PRIMARY KEY,
  sha256     BLOB    NOT NULL UNIQUE,
  identity   TEXT    NOT NULL,
  created_ms INTEGER NOT NULL
);
