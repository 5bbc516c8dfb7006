package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.api.Paths;
import io.fleetconf.api.WireException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The client's one call: a device's effective config, at once or as a long-poll from an index. With
 * several servers (replicas), it uses one until a call fails, then the next.
 */
final class ServerLink {
  /** The server's answer: the config as of a revision, and whether the server asked for a resync. */
  record Answer(long revision, ObjectNode config, boolean resync, java.util.List<String> secrets) {}

  private final HttpClient http;
  private final List<URI> servers;
  private final List<URI> configs;
  private final Credentials credentials;
  private volatile int current;

  ServerLink(List<URI> servers, String deviceId, Credentials credentials, Duration connectTimeout) {
    this.http = credentials.httpClient(connectTimeout);
    this.servers = List.copyOf(servers);
    this.configs = servers.stream().map(server -> resolve(server, Paths.deviceConfig(deviceId))).toList();
    this.credentials = credentials;
  }

  /** {@code path} (from the server's root, as {@link Paths} has them) under a server's URL, which may have a path. */
  static URI resolve(URI server, String path) {
    String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
        : server.toString();
    return URI.create(base + path);
  }

  /** The server in use. */
  URI current() {
    return servers.get(current);
  }

  /** Fetches from the server in use; if that fails, the next call goes to the next server. */
  Answer fetch(OptionalLong index, Duration wait, Duration timeout) throws IOException, InterruptedException {
    int used = current;
    try {
      return fetch(configs.get(used), index, wait, timeout);
    } catch (IOException e) {
      current = (used + 1) % servers.size();
      throw servers.size() == 1 ? e : new IOException(e.getMessage() + " (" + servers.get(used) + "; next: "
          + servers.get(current) + ")", e);
    }
  }

  /** Fetches the config; with an index, the server holds the call until it changes or {@code wait} ends. */
  private Answer fetch(URI config, OptionalLong index, Duration wait, Duration timeout)
      throws IOException, InterruptedException {
    URI uri = index.isPresent()
        ? URI.create(config + "?index=" + index.getAsLong() + "&wait=" + wait.toMillis() + "ms")
        : config;
    HttpRequest request = credentials.authorize(HttpRequest.newBuilder(uri)).timeout(timeout)
        .header("Accept", "application/json").GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = io.fleetconf.core.format.Json.read(response.body()); // numbers keep their text, as 1.10
    } catch (io.fleetconf.core.format.DocumentException e) {
      throw new IOException("the server answered " + response.statusCode() + " with something that is not JSON");
    }
    if (response.statusCode() != 200) {
      throw new IOException("the server answered " + response.statusCode() + ": "
          + ErrorBody.from(body).map(ErrorBody::message).orElse("no reason given"));
    }
    try {
      ConfigAnswer answer = ConfigAnswer.from(body);
      return new Answer(answer.revision(), (ObjectNode) answer.config(), answer.resync(), answer.secrets());
    } catch (WireException e) {
      throw new IOException(e.getMessage());
    }
  }
}
