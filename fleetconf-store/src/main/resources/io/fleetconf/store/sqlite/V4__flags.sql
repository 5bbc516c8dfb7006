-- Consul's opaque per-key flags, kept for Consul clients (the Consul-compatible API).
ALTER TABLE entries ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
