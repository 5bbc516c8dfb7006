package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What changed at a watched path: its value before and after (absent where there was none), and
 * the whole config before and after the change.
 */
public record ConfigChange(
    String path, Optional<JsonNode> before, Optional<JsonNode> after, Config previous, Config current) {}
