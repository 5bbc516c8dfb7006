package io.fleetconf.client;

/** A registered listener; closing it stops the notifications. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
