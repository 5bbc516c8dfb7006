package io.fleetconf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a {@code text/event-stream} body into events as its bytes come: the {@code id} and the
 * {@code data} lines (joined with {@code \n}, as the format says) of each event that has data.
 * Comment lines ({@code : keep-alive}) and the other fields are passed over. One per connection:
 * an event may arrive in pieces.
 */
final class EventStream {
  /** What receives each complete event. */
  interface Listener {
    void event(String id, byte[] data, int length) throws IOException;
  }

  private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEWLINE = {'\n'};

  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private String id = "";

  /**
   * Reads the complete lines of {@code bytes[0..length)}, handing each event to {@code listener}
   * once its blank line is in; returns how many bytes that used. The caller keeps the rest, the
   * start of a line, for the next call.
   */
  int read(byte[] bytes, int length, Listener listener) throws IOException {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\n') {
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        line(bytes, start, end, listener);
        start = i + 1;
      }
    }
    return start;
  }

  private void line(byte[] bytes, int from, int to, Listener listener) throws IOException {
    if (from == to) {
      if (hasData) {
        listener.event(id, data, dataLength);
      }
      dataLength = 0;
      hasData = false;
      return;
    }
    int colon = from;
    while (colon < to && bytes[colon] != ':') {
      colon++;
    }
    int value = colon == to ? to : colon + 1;
    if (value < to && bytes[value] == ' ') {
      value++;
    }
    if (is(DATA, bytes, from, colon)) {
      if (hasData) {
        append(NEWLINE, 0, 1);
      }
      append(bytes, value, to);
      hasData = true;
    } else if (is(ID, bytes, from, colon)) {
      id = new String(bytes, value, to - value, StandardCharsets.UTF_8);
    }
  }

  private void append(byte[] bytes, int from, int to) {
    int count = to - from;
    if (dataLength + count > data.length) {
      data = Arrays.copyOf(data, Math.max(dataLength + count, data.length * 2));
    }
    System.arraycopy(bytes, from, data, dataLength, count);
    dataLength += count;
  }

  private static boolean is(byte[] name, byte[] bytes, int from, int to) {
    return Arrays.equals(name, 0, name.length, bytes, from, to);
  }
}
