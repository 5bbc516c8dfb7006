package io.fleetconf.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one way tests wait: poll a condition until it holds or a deadline passes, then fail saying
 * what did not happen. Tests wait on something they can see, never for a fixed time.
 */
public final class Eventually {
  private static final Duration POLL = Duration.ofMillis(10);

  /** A condition to poll; an exception it throws ends the wait and fails the test. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Assertions to retry until they pass. */
  @FunctionalInterface
  public interface Assertion {
    void check() throws Exception;
  }

  private Eventually() {}

  /** Waits until {@code condition} holds; after {@code within}, fails with "not within ...: what". */
  public static void eventually(Duration within, String what, Condition condition) {
    eventually(within, () -> what, condition);
  }

  /** As {@link #eventually(Duration, String, Condition)}, with {@code what} described only on failure. */
  public static void eventually(Duration within, Supplier<String> what, Condition condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!call(condition)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + describe(within) + ": " + what.get());
      }
      pause();
    }
  }

  /**
   * Runs {@code assertion} until it passes; after {@code within}, its last failure is the test's.
   * For waits that end in an assertion, so that the failure reads as the assertion does.
   */
  public static void eventually(Duration within, Assertion assertion) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        assertion.check();
        return;
      } catch (AssertionError notYet) {
        if (System.nanoTime() - deadline > 0) {
          throw notYet;
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      pause();
    }
  }

  private static boolean call(Condition condition) {
    try {
      return condition.holds();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("the condition failed: " + e, e);
    }
  }

  private static String describe(Duration within) {
    return within.toMillis() % 1000 == 0 ? within.toSeconds() + " s" : within.toMillis() + " ms";
  }

  private static void pause() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
