-- The revision whose content a device runs now, when its agent says (after a rollback, an earlier one).
ALTER TABLE reports ADD COLUMN running_revision INTEGER;
-- When each device last called in itself (its config reads and reports), kept across restarts.
-- The server writes it in batches, not once per call; reports so far give the first values.
CREATE TABLE device_seen (
  device  TEXT PRIMARY KEY,
  seen_ms INTEGER NOT NULL
);
INSERT INTO device_seen (device, seen_ms) SELECT device, MAX(time_ms) FROM reports GROUP BY device;
