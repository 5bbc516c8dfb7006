-- Entries whose value replaces lower scopes' value at their path instead of deep-merging (Entry.replace).
ALTER TABLE entries ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0;
