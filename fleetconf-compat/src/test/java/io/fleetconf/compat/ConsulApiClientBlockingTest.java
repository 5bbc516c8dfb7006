package io.fleetconf.compat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.kv.model.GetValue;
import io.fleetconf.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Blocking queries of the ecwid Consul client against a real fleetconf server: held, woken, timed out. */
class ConsulApiClientBlockingTest extends ConsulApiClientSupport {
  @Test
  void aBlockingGetReturnsWhenAnotherThreadWrites() throws Exception {
    set("config/app1/port", "8080");
    set("config/app1/other", "x");
    Response<GetValue> before = consul.getKVValue("config/app1/port", token);
    long index = before.getConsulIndex();

    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      new ConsulClient(endpoint.host, endpoint.port).setKVValue("config/app1/port", "9090", token, null);
    });
    long start = System.nanoTime();
    Response<GetValue> after = consul.getKVValue("config/app1/port", token, new QueryParams(10, index));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    writer.get(5, TimeUnit.SECONDS);

    assertThat(tookMs).as("held until the write").isBetween(500L, 8_000L);
    assertThat(after.getValue().getDecodedValue(UTF_8)).isEqualTo("9090");
    assertThat(after.getConsulIndex()).isGreaterThan(index);
    assertThat(after.getValue().getModifyIndex()).isEqualTo(after.getConsulIndex());
  }

  @Test
  void aBlockingGetTimesOutWithTheSameIndex() {
    set("config/app1/port", "8080");
    Response<GetValue> before = consul.getKVValue("config/app1/port", token);
    long index = before.getConsulIndex();

    long start = System.nanoTime();
    Response<GetValue> after = consul.getKVValue("config/app1/port", token, new QueryParams(2, index));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // Consul adds up to wait/16 of jitter, never less than wait.
    assertThat(tookMs).isBetween(1_900L, 4_000L);
    assertThat(after.getConsulIndex()).isEqualTo(index);
    assertThat(after.getValue().getDecodedValue(UTF_8)).isEqualTo("8080");
  }

  @Test
  void aBlockingGetIsNotWokenByWritesElsewhere() {
    set("config/app1/port", "8080");
    long index = consul.getKVValue("config/app1/port", token).getConsulIndex();
    CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(() -> {
      try {
        server.awaitHeldWatches(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      new ConsulClient(endpoint.host, endpoint.port).setKVValue("config/app2/port", "1", token, null);
    });
    long start = System.nanoTime();
    Response<GetValue> after = consul.getKVValue("config/app1/port", token, new QueryParams(2, index));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    elsewhere.join();
    assertThat(tookMs).isBetween(1_900L, 4_000L);
    assertThat(after.getConsulIndex()).isEqualTo(index);
  }

  @Test
  void aRollbackThroughFleetconfWakesAConsulBlockingQuery() throws Exception {
    set("fleet/global/tv_api/port", "8080");
    set("fleet/global/tv_api/port", "9090");
    Response<GetValue> current = consul.getKVValue("fleet/global/tv_api/port", token);
    assertThat(current.getValue().getDecodedValue(UTF_8)).isEqualTo("9090");
    long index = current.getConsulIndex();

    CompletableFuture<Response<GetValue>> blocked = CompletableFuture.supplyAsync(() ->
        new ConsulClient(endpoint.host, endpoint.port).getKVValue("fleet/global/tv_api/port", token,
            new QueryParams(10, index)));
    server.awaitHeldWatches(1);
    assertThat(blocked).isNotDone();

    TestServer.Reply rolled = server.post("/api/v1/rollback", "{\"revision\":2}");
    assertThat(rolled.status()).as(rolled.body()).isEqualTo(200);
    assertThat(rolled.json().get("revision").asLong()).isEqualTo(3);

    Response<GetValue> after = blocked.get(5, TimeUnit.SECONDS);
    assertThat(after.getValue().getDecodedValue(UTF_8)).isEqualTo("8080");
    assertThat(after.getConsulIndex()).isEqualTo(3);
    assertThat(after.getValue().getModifyIndex()).isEqualTo(3);
  }
}
