package io.fleetconf.client;

import sun.misc.Signal;

/** SIGHUP, the traditional "reload your config" signal, through the JDK's signal hook. */
final class Signals {
  private static final System.Logger LOG = System.getLogger(Signals.class.getName());

  private Signals() {}

  static void onHangup(Runnable reload) {
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        LOG.log(System.Logger.Level.INFO, "fleetconf: SIGHUP; reloading local config files");
        Thread.ofVirtual().start(reload);
      });
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf: cannot handle SIGHUP here (" + e.getMessage() + ")");
    }
  }
}
