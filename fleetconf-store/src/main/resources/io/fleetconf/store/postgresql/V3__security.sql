-- Secret entries keep their value sealed (AES-256-GCM) in the value column and in history.
ALTER TABLE entries ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;

-- Tokens get a kind, ACL rules (a JSON array), and a life: expiry, revocation, single use.
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'operator';
ALTER TABLE tokens ADD COLUMN rules TEXT NOT NULL DEFAULT '["admin"]';
ALTER TABLE tokens ADD COLUMN expires_ms BIGINT;
ALTER TABLE tokens ADD COLUMN revoked_ms BIGINT;
ALTER TABLE tokens ADD COLUMN used_ms BIGINT;

-- Client certificates issued by the fleet CA, so that they can be listed and revoked.
CREATE TABLE certificates (
  serial       TEXT    PRIMARY KEY,
  device       TEXT    NOT NULL,
  issued_ms    BIGINT NOT NULL,
  not_after_ms BIGINT NOT NULL,
  revoked_ms   BIGINT
);

-- Small named values the server keeps with the data: the wrapped data key of the secrets.
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
