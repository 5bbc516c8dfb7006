package io.fleetconf.client;

import sun.misc.Signal;

/** SIGHUP, the traditional "reload your config" signal, through the JDK's signal hook. */
final class Signals {
  private static final System.Logger LOG = System.getLogger(Signals.class.getName());

  private Signals() {}

  static void onHangup(Runnable reload) {
    try {
      sun.misc.SignalHandler before = Signal.handle(new Signal("HUP"), signal -> {
        LOG.log(System.Logger.Level.INFO, "fleetconf: SIGHUP; reloading local config files");
        Thread.ofVirtual().start(reload);
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // A process started with SIGHUP ignored (nohup) keeps ignoring it: the JVM does not install the handler.
        LOG.log(System.Logger.Level.WARNING, "fleetconf: SIGHUP is ignored in this process (started under nohup?);"
            + " a SIGHUP will not reload the local config files");
      }
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "fleetconf: cannot handle SIGHUP here (" + e.getMessage() + ")");
    }
  }
}
