-- Consul's opaque per-key flags, kept for Consul clients (the Consul-compatible API).
ALTER TABLE entries ADD COLUMN flags BIGINT NOT NULL DEFAULT 0;
