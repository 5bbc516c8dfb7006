package io.fleetconf.client;

/** Told, once per change, that the value at a watched key or below a watched prefix changed. */
@FunctionalInterface
public interface ConfigListener {
  void changed(ConfigChange change);
}
