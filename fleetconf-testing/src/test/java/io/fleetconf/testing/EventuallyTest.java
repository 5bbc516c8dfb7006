package io.fleetconf.testing;

import static io.fleetconf.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
  @Test
  void returnsAsSoonAsTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();
    eventually(Duration.ofSeconds(10), "the third poll", () -> polls.incrementAndGet() == 3);
    assertThat(polls).hasValue(3);
  }

  @Test
  void failsAtTheDeadlineSayingWhatDidNotHappen() {
    assertThatThrownBy(() -> eventually(Duration.ofMillis(50), "never", () -> false))
        .isInstanceOf(AssertionError.class).hasMessage("not within 50 ms: never");
  }

  @Test
  void anExceptionFromTheConditionEndsTheWaitAtOnce() {
    AtomicInteger polls = new AtomicInteger();
    assertThatThrownBy(() -> eventually(Duration.ofSeconds(10), "a dead server", () -> {
      polls.incrementAndGet();
      throw new IllegalStateException("the server exited");
    })).isInstanceOf(IllegalStateException.class).hasMessage("the server exited");
    assertThat(polls).hasValue(1);
  }

  @Test
  void anAssertionIsRetriedAndItsLastFailureIsTheTests() {
    AtomicInteger polls = new AtomicInteger();
    eventually(Duration.ofSeconds(10), () -> assertThat(polls.incrementAndGet()).isEqualTo(3));
    assertThatThrownBy(() -> eventually(Duration.ofMillis(50), () -> assertThat(polls.get()).as("polls").isEqualTo(0)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("[polls]");
  }
}
