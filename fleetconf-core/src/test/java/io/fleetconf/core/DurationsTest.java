package io.fleetconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void readsTheFormsConfigFilesAndConsulClientsWrite() {
    assertThat(Durations.parse("500ms", ChronoUnit.SECONDS)).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("30", ChronoUnit.SECONDS)).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m", ChronoUnit.SECONDS)).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("1m30s", ChronoUnit.SECONDS)).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("2h0m5s", ChronoUnit.SECONDS)).contains(Duration.ofSeconds(7205));
    assertThat(Durations.parse("PT45S", ChronoUnit.SECONDS)).contains(Duration.ofSeconds(45));
  }

  @Test
  void refusesWhatIsNotADuration() {
    assertThat(Durations.parse("soon", ChronoUnit.SECONDS)).isEqualTo(Optional.empty());
    assertThat(Durations.parse("1d2h", ChronoUnit.SECONDS)).isEqualTo(Optional.empty());
    assertThat(Durations.parse("-5s", ChronoUnit.SECONDS)).isEqualTo(Optional.empty());
  }
}
