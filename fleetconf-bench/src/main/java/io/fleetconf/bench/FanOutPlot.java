package io.fleetconf.bench;

import io.fleetconf.bench.etcd.EtcdResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;
import javax.imageio.ImageIO;

/**
 * The report's plot: fan-out latency (log scale, ms) against the number of devices, one line per
 * series. Drawn with the JDK's own Java 2D, headless, so the report needs nothing else installed.
 */
final class FanOutPlot {
  /** One series: (devices, nanoseconds) points in ascending devices. */
  record Line(String name, List<long[]> points) {
    static Line of(String name, List<Result> results, ToLongFunction<Result> nanos) {
      return new Line(name, results.stream().map(r -> new long[] {r.devices(), nanos.applyAsLong(r)})
          .filter(p -> p[1] > 0).toList());
    }

    static Line ofEtcd(String name, List<EtcdResult> results, ToLongFunction<EtcdResult> nanos) {
      return new Line(name, results.stream().map(r -> new long[] {r.parameter(), nanos.applyAsLong(r)})
          .filter(p -> p[1] > 0).toList());
    }
  }

  private static final int WIDTH = 940;
  private static final int HEIGHT = 540;
  private static final int LEFT = 80;
  private static final int RIGHT = 280;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0x6baed6), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0xff9896), new Color(0x9467bd)};

  private FanOutPlot() {}

  static void write(Path file, List<Line> lines) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g, lines);
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    ImageIO.write(image, "png", file.toFile());
  }

  private static void draw(Graphics2D g, List<Line> lines) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.BLACK);
    g.drawString("Fan-out: one change until every device has it", LEFT, 28);
    long maxDevices = lines.stream().flatMap(l -> l.points().stream()).mapToLong(p -> p[0]).max().orElse(1);
    double minMs = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[1] / 1e6).min().orElse(1);
    double maxMs = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[1] / 1e6).max().orElse(10);
    double lowDecade = Math.floor(Math.log10(Math.max(minMs, 0.1)));
    double highDecade = Math.ceil(Math.log10(Math.max(maxMs, 1)));
    if (highDecade <= lowDecade) {
      highDecade = lowDecade + 1;
    }
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    double xScale = plotWidth / (double) maxDevices;
    double low = lowDecade;
    double span = highDecade - lowDecade;
    java.util.function.DoubleToIntFunction y = ms -> TOP + (int) Math.round(
        plotHeight * (1 - (Math.log10(ms) - low) / span));
    // Axes, decades and fleet-size ticks.
    g.setColor(new Color(0xdddddd));
    for (double decade = lowDecade; decade <= highDecade; decade++) {
      for (int step = 1; step < 10 && decade + Math.log10(step) <= highDecade; step++) {
        int at = y.applyAsInt(Math.pow(10, decade) * step);
        g.setColor(step == 1 ? new Color(0xbbbbbb) : new Color(0xeeeeee));
        g.drawLine(LEFT, at, LEFT + plotWidth, at);
        if (step == 1) {
          g.setColor(Color.DARK_GRAY);
          String label = Math.pow(10, decade) >= 1 ? String.format("%,.0f ms", Math.pow(10, decade))
              : String.format("%.1f ms", Math.pow(10, decade));
          g.drawString(label, LEFT - g.getFontMetrics().stringWidth(label) - 8, at + 5);
        }
      }
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(LEFT, TOP, plotWidth, plotHeight);
    lines.stream().flatMap(l -> l.points().stream()).mapToLong(p -> p[0]).distinct().forEach(devices -> {
      int at = LEFT + (int) Math.round(devices * xScale);
      g.drawLine(at, TOP + plotHeight, at, TOP + plotHeight + 5);
      String label = String.format("%,d", devices);
      g.drawString(label, at - g.getFontMetrics().stringWidth(label) / 2, TOP + plotHeight + 20);
    });
    g.drawString("devices (each holding one watch)", LEFT + plotWidth / 2 - 90, HEIGHT - 15);
    // The target: 50 ms.
    int target = y.applyAsInt(50);
    if (target > TOP && target < TOP + plotHeight) {
      g.setColor(new Color(0x999999));
      g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      g.drawLine(LEFT, target, LEFT + plotWidth, target);
      g.drawString("target p99 50 ms", LEFT + 6, target - 4);
    }
    // The series, and their legend.
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      Color colour = COLOURS[i % COLOURS.length];
      g.setColor(colour);
      g.setStroke(new BasicStroke(2.2f));
      int[] xs = line.points().stream().mapToInt(p -> LEFT + (int) Math.round(p[0] * xScale)).toArray();
      int[] ys = line.points().stream().mapToInt(p -> y.applyAsInt(p[1] / 1e6)).toArray();
      g.drawPolyline(xs, ys, xs.length);
      for (int p = 0; p < xs.length; p++) {
        g.fillOval(xs[p] - 4, ys[p] - 4, 8, 8);
      }
      int legendY = TOP + 10 + i * 22;
      g.fillRect(LEFT + plotWidth + 20, legendY - 8, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString(line.name(), LEFT + plotWidth + 40, legendY + 2);
    }
  }
}
