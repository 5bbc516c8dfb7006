package io.fleetconf.client;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A typed handle on one key: {@link #get()} reads the current value (or the fallback), and
 * {@link #subscribe} is told the old and new values when it changes.
 */
public final class Property<T> {
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

  public T get() {
    return read.apply(client.config());
  }

  /** Calls {@code listener} with the old and new value each time the key's value changes. */
  public Subscription subscribe(BiConsumer<T, T> listener) {
    return client.listen(path, change -> listener.accept(read.apply(change.previous()), read.apply(change.current())));
  }
}
