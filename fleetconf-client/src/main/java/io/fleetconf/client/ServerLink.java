package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.api.ErrorBody;
import io.fleetconf.api.Paths;
import io.fleetconf.api.WireException;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.core.Revision;
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
 * The client's calls to the servers: a device's effective config, at once or as a long-poll from an
 * index, and the agent's POSTs (reports, certificate requests). With several servers (replicas), it
 * uses one until a call fails, then the next.
 */
final class ServerLink {
  /** The server's answer: the config as of a revision, and whether the server asked for a resync. */
  record Answer(Revision revision, ObjectNode config, boolean resync, java.util.List<String> secrets) {}

  private final HttpClient http;
  private final List<URI> servers;
  private final Credentials credentials;
  private volatile int current;

  ServerLink(List<URI> servers, Credentials credentials, Duration connectTimeout) {
    this.http = credentials.httpClient(connectTimeout);
    this.servers = List.copyOf(servers);
    this.credentials = credentials;
  }

  /** {@code path} (from the server's root, as {@link Paths} has them) under a server's URL, which may have a path. */
  static URI resolve(URI server, String path) {
    String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
        : server.toString();
    return URI.create(base + path);
  }

  /** How many servers it knows. */
  int size() {
    return servers.size();
  }

  /** The server in use. */
  URI current() {
    return servers.get(current);
  }

  /** Fetches {@code device}'s config from the server in use; if that fails, the next call goes to the next server. */
  Answer fetch(String device, OptionalLong index, Duration wait, Duration timeout)
      throws IOException, InterruptedException {
    int used = current;
    try {
      return fetch(resolve(servers.get(used), Paths.deviceConfig(device)), index, wait, timeout);
    } catch (IOException e) {
      current = (used + 1) % servers.size();
      throw servers.size() == 1 ? e : new IOException(e.getMessage() + " (" + servers.get(used) + "; next: "
          + servers.get(current) + ")", e);
    }
  }

  /**
   * POSTs a JSON body to {@code path}: to the server in use and, while one cannot be reached or
   * answers 5xx, to the next, each server once. The answer of the server that took it, or of the
   * last one tried.
   */
  ClientPlumbing.Answer post(String path, String json, Duration timeout) throws IOException, InterruptedException {
    IOException unreachable = null;
    ClientPlumbing.Answer answer = null;
    for (int tried = 0; tried < servers.size(); tried++) {
      int used = current;
      try {
        HttpResponse<String> response = http.send(credentials.authorize(HttpRequest.newBuilder(
            resolve(servers.get(used), path))).timeout(timeout).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        answer = new ClientPlumbing.Answer(response.statusCode(), response.body());
        if (response.statusCode() / 100 != 5) {
          return answer;
        }
      } catch (IOException e) {
        unreachable = e;
      }
      current = (used + 1) % servers.size();
    }
    if (answer != null) {
      return answer;
    }
    throw unreachable;
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
      body = io.fleetconf.format.Json.read(response.body()); // numbers keep their text, as 1.10
    } catch (io.fleetconf.format.DocumentException e) {
      throw new IOException("the server answered " + response.statusCode() + " with something that is not JSON");
    }
    if (response.statusCode() != 200) {
      throw new IOException("the server answered " + response.statusCode() + ": "
          + ErrorBody.from(body).map(ErrorBody::message).orElse("no reason given"));
    }
    try {
      ConfigAnswer answer = ConfigAnswer.from(body);
      return new Answer(Revision.of(answer.revision()), (ObjectNode) answer.config(), answer.resync(), answer.secrets());
    } catch (WireException e) {
      throw new IOException(e.getMessage());
    }
  }
}
