package io.fleetconf.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything a client was built with, validated and frozen by {@link ClientBuilder}. */
record ClientSettings(
    List<URI> servers,
    String deviceId,
    Credentials credentials,
    List<String> namespaces,
    Optional<Path> cacheDirectory,
    List<LocalFile> files,
    boolean followFiles,
    Duration filePollInterval,
    boolean reloadOnSighup,
    ObjectNode defaults,
    Duration connectTimeout,
    Duration startTimeout,
    Duration pollWait,
    Duration backoffBase,
    Duration backoffCap,
    Optional<String> logLevelKey) {}
