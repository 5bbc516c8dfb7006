package io.fleetconf.compat;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import io.fleetconf.testing.TestServer;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the ecwid Consul client's tests share: a real server per test and a client on its
 * Consul-compatible API, with the admin token.
 */
abstract class ConsulApiClientSupport {
  @RegisterExtension final TestServer server = TestServer.fresh();

  ConsulEndpoint endpoint;
  ConsulClient consul;
  String token;

  @BeforeEach
  void connect() {
    endpoint = ConsulEndpoint.of(server);
    consul = new ConsulClient(endpoint.host, endpoint.port);
    token = server.token();
  }

  boolean set(String key, String value) {
    return consul.setKVValue(key, value, token, null).getValue();
  }

  boolean set(String key, String value, PutParams params) {
    return consul.setKVValue(key, value, token, params).getValue();
  }

  static PutParams cas(long index) {
    PutParams params = new PutParams();
    params.setCas(index);
    return params;
  }

  GetValue get(String key) {
    return consul.getKVValue(key, token).getValue();
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }
}
