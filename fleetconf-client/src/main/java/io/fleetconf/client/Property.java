package io.fleetconf.client;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A typed handle on one key: {@link #get()} reads the current value (or the fallback), and
 * {@link #subscribe} is told the old and new values when it changes.
 */
public final class Property<T> {
  private static final System.Logger LOG = System.getLogger(Property.class.getName());
  private final FleetconfClient client;
  private final String path;
  private final Function<Config, T> read;

  Property(FleetconfClient client, String path, Function<Config, T> read) {
    this.client = client;
    this.path = path;
    this.read = read;
  }

  public String path() {
    return path;
  }

  /** The current value, or the fallback if there is none; throws {@link ConfigException} if it is invalid. */
  public T get() {
    return read.apply(client.config());
  }

  /**
   * Calls {@code listener} with the last valid value and the new one each time the key's value
   * changes to a valid value that differs from the last one the listener was given.
   *
   * <p>A value that cannot be read as {@code T} (say {@code "loud"} for an integer) is logged as a
   * warning and skipped: the listener is not called, and the next valid value comes with the last
   * valid one as {@code before}. The first {@code before} is the value when subscribing; if that
   * value was already invalid, it is the value read as if the key were absent (the handle's
   * fallback).
   */
  public Subscription subscribe(BiConsumer<T, T> listener) {
    Objects.requireNonNull(listener, "listener");
    AtomicReference<T> last = new AtomicReference<>(initial());
    return client.listen(path, change -> {
      T after;
      try {
        after = read.apply(change.current());
      } catch (ConfigException e) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf: ignoring an invalid value at revision "
            + change.current().revision() + ": " + e.getMessage() + "; its listeners keep the last valid value");
        return;
      }
      T before = last.getAndSet(after);
      if (!Objects.equals(before, after)) {
        listener.accept(before, after);
      }
    });
  }

  private T initial() {
    try {
      return get();
    } catch (ConfigException e) {
      return read.apply(Config.empty());
    }
  }
}
