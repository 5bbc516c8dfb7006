package io.fleetconf.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Records every line the JDK's root logger gets during each test ({@code @RegisterExtension}), as
 * the log formats them, so that a test can say what the server logged, or that no secret was.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      lines.add(formatter.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @Override
  public void beforeEach(ExtensionContext context) {
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Logger.getLogger("").removeHandler(handler);
  }

  /** The lines logged so far in this test. */
  public List<String> lines() {
    return List.copyOf(lines);
  }
}
