package io.fleetconf.client.internal;

import io.fleetconf.client.Config;
import io.fleetconf.client.Credentials;
import io.fleetconf.client.FleetconfClient;
import io.fleetconf.client.Subscription;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;

/**
 * Not API: the few calls fleetconf's own agent and CLI make below the client's public API, kept
 * here so that the public package stays what a service needs. It may change in any release. The
 * one implementation lives in {@code io.fleetconf.client} and installs itself when
 * {@link FleetconfClient} loads (OkHttp's {@code Internal} pattern: Java has no friend packages).
 */
public abstract class ClientPlumbing {
  private static volatile ClientPlumbing installed;

  /** A server's answer to a POST: its status and body. */
  public record Answer(int status, String body) {}

  protected ClientPlumbing() {}

  /** The implementation. */
  public static ClientPlumbing get() {
    if (installed == null) {
      FleetconfClient.builder(); // loads FleetconfClient, which installs the implementation
    }
    return installed;
  }

  /** Called once, by {@link FleetconfClient} as it loads; a second call is refused. */
  public static synchronized void install(ClientPlumbing plumbing) {
    if (installed != null) {
      throw new IllegalStateException("the client's plumbing is installed already");
    }
    installed = plumbing;
  }

  /**
   * POSTs JSON to {@code path} on the client's servers with its credentials: the server in use
   * first and, while one cannot be reached or answers 5xx, the next (the agent's reports).
   */
  public abstract Answer post(FleetconfClient client, String path, String json, Duration timeout)
      throws IOException, InterruptedException;

  /** The same before there is a client (the agent's enrolment and certificate renewal). */
  public abstract Answer post(List<URI> servers, Credentials credentials, String path, String json, Duration timeout)
      throws IOException, InterruptedException;

  /**
   * Calls {@code listener} after every answer from the server, changed or not (a long-poll that
   * ended, a resync): the agent's pass after each answer confirms each revision in its reports.
   */
  public abstract Subscription onServerAnswer(FleetconfClient client, Consumer<Config> listener);

  /**
   * A config view of {@code tree} at {@code revision} from {@code source}, holding no secrets: the
   * agent's, when it resolves the device's config from a repository itself.
   */
  public abstract Config config(com.fasterxml.jackson.databind.node.ObjectNode tree,
      io.fleetconf.core.Revision revision, io.fleetconf.client.Source source);

  /**
   * An HTTP client that trusts the credentials' CA file and presents their certificate, if any
   * (the CLI's admin calls; its own token goes in its requests).
   */
  public abstract HttpClient httpClient(Credentials credentials, Duration connectTimeout);

  /**
   * The same TLS as {@link #httpClient} for {@link javax.net.ssl.HttpsURLConnection}: trusts the
   * credentials' CA file (else the system's CAs), presents their certificate, if any, checks the
   * host name, TLS 1.3 and 1.2 only. The CLI's one-shot calls: a process that makes one call starts
   * HttpsURLConnection far faster than HttpClient (docs/performance.md).
   *
   * @throws IllegalArgumentException naming the file when the CA file or certificate cannot be read
   */
  public abstract SSLSocketFactory socketFactory(Credentials credentials);
}
