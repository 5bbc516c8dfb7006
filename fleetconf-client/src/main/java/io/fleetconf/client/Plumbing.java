package io.fleetconf.client;

import io.fleetconf.client.internal.ClientPlumbing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** The implementation of the agent's and CLI's seam into the client, {@link ClientPlumbing}. */
final class Plumbing extends ClientPlumbing {
  /** How long a POST made before there is a client may take to connect. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public Answer post(FleetconfClient client, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    return client.link().post(path, json, timeout);
  }

  @Override
  public Answer post(List<URI> servers, Credentials credentials, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    return new ServerLink(servers, credentials, CONNECT_TIMEOUT).post(path, json, timeout);
  }

  @Override
  public Subscription onServerAnswer(FleetconfClient client, Consumer<Config> listener) {
    return client.onServerAnswer(listener);
  }

  @Override
  public Config config(com.fasterxml.jackson.databind.node.ObjectNode tree, io.fleetconf.core.Revision revision,
      Source source) {
    return new Config(tree.deepCopy(), revision, source, List.of());
  }

  @Override
  public HttpClient httpClient(Credentials credentials, Duration connectTimeout) {
    return credentials.httpClient(connectTimeout);
  }

  @Override
  public javax.net.ssl.SSLSocketFactory socketFactory(Credentials credentials) {
    return credentials.socketFactory();
  }
}
