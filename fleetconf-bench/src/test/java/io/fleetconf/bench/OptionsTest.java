package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench commands' options: the defaults and messages for wrong arguments that docs/performance.md shows. */
class OptionsTest {
  @TempDir Path docs;

  @Test
  void fanOutDefaultsAreTheDocumentedOnes() {
    assertThat(BenchSettings.parse(new String[0])).isEqualTo(new BenchSettings(List.of(1_000, 10_000), 20, 3,
        Duration.ofMillis(200), Optional.empty(), Transport.LONGPOLL, Optional.empty()));
  }

  @Test
  void fanOutReadsEveryOption() {
    BenchSettings settings = BenchSettings.parse(new String[] {"--sizes", "1000, 10_000", "--rounds", "5",
        "--warmups", "0", "--settle-ms", "50", "--report", "r.md", "--transport", "sse", "--store", "postgresql",
        "--postgres-url", "postgresql://u@h:1/db"});
    assertThat(settings).isEqualTo(new BenchSettings(List.of(1_000, 10_000), 5, 0, Duration.ofMillis(50),
        Optional.of(Path.of("r.md")), Transport.SSE, Optional.of("postgresql://u@h:1/db")));
  }

  @Test
  void wrongArgumentsAreNamedWithTheirValue() {
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--sizes", "x"}))
        .hasMessage("--sizes must be a whole number, was 'x'");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--rounds", "0"}))
        .hasMessage("--rounds must be at least 1, was 0");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--warmups", "-1"}))
        .hasMessage("--warmups must not be negative, was -1");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--rounds"})).hasMessage("--rounds needs a value");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--round", "3"}))
        .hasMessage("unknown option '--round'");
    assertThatThrownBy(() -> BenchSettings.parse(new String[] {"--store", "mysql"}))
        .hasMessage("--store takes sqlite or postgresql, was 'mysql'");
    assertThatThrownBy(() -> WritesSettings.parse(new String[] {"--writers", "1,2000"}))
        .hasMessage("--writers must be 1..1000 each, was 2000");
    assertThatThrownBy(() -> ReadsSettings.parse(new String[] {"--formats", "json,xml"}))
        .hasMessage("--formats takes json and env, was 'xml'");
    assertThatThrownBy(() -> ReportSettings.parse(new String[] {"--quick", "--sizes", "2000", "--out", out()}, 2_000))
        .hasMessage("--sizes: 2000 devices need more open files than the limit of 2000 allows (at most 1000);"
            + " raise 'ulimit -n' or use max");
    assertThatThrownBy(() -> ReportSettings.parse(new String[] {"--agent-idle", "soon", "--out", out()}, 20_000))
        .hasMessage("--agent-idle must be a duration such as 10m or 30s, was 'soon'");
  }

  @Test
  void writesDefaultsAreTheDocumentedOnes() {
    WritesSettings settings = WritesSettings.parse(new String[] {"--store", "both"});
    assertThat(settings.stores()).containsExactly(WritesSettings.Store.SQLITE, WritesSettings.Store.POSTGRESQL);
    assertThat(settings.writers()).containsExactly(1, 16);
    assertThat(settings.measure()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.warmup()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.postgresUrl()).isEqualTo("postgresql://postgres@127.0.0.1:5432/test");
    assertThat(settings.keysPerWriter()).isZero();
  }

  @Test
  void quickReportIsASmallRunAndQuotesItsCommandLine() {
    ReportSettings settings = ReportSettings.parse(new String[] {"--quick", "--rounds", "2", "--out", out()}, 20_000);
    assertThat(settings.sizes()).containsExactly(1_000);
    assertThat(settings.rounds()).isEqualTo(2);
    assertThat(settings.warmups()).isEqualTo(1);
    assertThat(settings.seconds()).isEqualTo(3);
    assertThat(settings.agentIdle()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.arguments()).containsExactly("--quick", "--rounds", "2", "--out", out());
    assertThat(ReportSettings.parse(new String[] {"--out", out()}, 20_000).sizes())
        .containsExactly(1_000, 10_000, 19_000);
  }

  private String out() {
    return docs.resolve("performance.md").toString();
  }
}
