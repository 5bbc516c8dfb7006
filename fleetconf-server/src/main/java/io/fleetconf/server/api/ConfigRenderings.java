package io.fleetconf.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.EffectiveConfig;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Revision;
import io.fleetconf.format.Format;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device configs as they go on the wire, rendered once per snapshot for every device that shares
 * one: a global change wakes 10,000 long-polls, and without this each would merge, mask and
 * serialise the same 200 keys again. Devices with entries of their own, and {@code explain}
 * reads, are rendered each time.
 *
 * <p>A rendering is shared by the devices whose resolved config is the same object, never by
 * devices that merely share their groups: a rollout's released devices, or devices held back by a
 * requirement, resolve differently from their group's other members.
 */
final class ConfigRenderings {
  /**
   * What a device is shown: the config (masked unless revealed), its secret paths, and its text;
   * and, made on first use, the encoded JSON answer after its {@code device} field, which every
   * device sharing this rendering is sent as it is (see {@link #answer}).
   */
  record Shown(EffectiveConfig config, List<String> secrets, String text,
      java.util.concurrent.atomic.AtomicReferenceArray<byte[]> tails) {
    Shown(EffectiveConfig config, List<String> secrets, String text) {
      this(config, secrets, text, new java.util.concurrent.atomic.AtomicReferenceArray<>(2));
    }

    /**
     * The JSON answer for {@code device}, byte for byte what encoding {@link ConfigAnswer#toJson}
     * gives, as two parts: the head with the device's id (a few bytes), and the rest, encoded once
     * and shared by every device that is shown this rendering at this revision.
     */
    Response answer(DeviceId device, Optional<String> namespace, Revision revision, boolean resync) {
      int which = resync ? 1 : 0;
      byte[] tail = tails.get(which);
      if (tail == null) {
        tail = tail(namespace, revision, resync);
        tails.compareAndSet(which, null, tail);
      }
      return Response.json(200, head(device), tail);
    }

    private byte[] tail(Optional<String> namespace, Revision revision, boolean resync) {
      ConfigAnswer anonymous = new ConfigAnswer("", namespace, revision.value(), resync,
          JsonNodeFactory.instance.rawValueNode(new RawValue(text)), secrets, Optional.empty());
      byte[] whole;
      try {
        whole = Response.jsonBytes(anonymous.toJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot encode a config", e);
      }
      int start = ANSWER_HEAD.length + 2; // the head and the empty id's quotes
      if (!java.util.Arrays.equals(whole, 0, start, EMPTY_ID_HEAD, 0, start)) {
        throw new IllegalStateException("a config answer does not begin with its device field");
      }
      return java.util.Arrays.copyOfRange(whole, start, whole.length);
    }

    private static byte[] head(DeviceId device) {
      byte[] id = JsonStringEncoder.getInstance().quoteAsUTF8(device.value());
      byte[] head = java.util.Arrays.copyOf(ANSWER_HEAD, ANSWER_HEAD.length + id.length + 2);
      head[ANSWER_HEAD.length] = '"';
      System.arraycopy(id, 0, head, ANSWER_HEAD.length + 1, id.length);
      head[head.length - 1] = '"';
      return head;
    }
  }

  /** How the pretty-printed answer begins, up to its device's id. */
  private static final byte[] ANSWER_HEAD = "{\n  \"device\" : ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EMPTY_ID_HEAD = "{\n  \"device\" : \"\"".getBytes(StandardCharsets.UTF_8);

  /** The resolved config compared by identity: the snapshot shares one object per distinct merge. */
  private record Key(EffectiveConfig config, Optional<String> namespace, Format format, boolean reveal) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Key key && key.config == config && key.namespace.equals(namespace)
          && key.format == format && key.reveal == reveal;
    }

    @Override
    public int hashCode() {
      return ((System.identityHashCode(config) * 31 + namespace.hashCode()) * 31 + format.hashCode()) * 31
          + Boolean.hashCode(reveal);
    }
  }

  private record Generation(Revision revision, ConcurrentHashMap<Key, Shown> shown) {}

  /** A JSON config rendered as the value of a field of the pretty-printed body, at nesting level 1. */
  private static final String FIELD_PREFIX = "{\n  \"config\" : ";
  private static final String BODY_SUFFIX = "\n}";

  private volatile Generation current = new Generation(Revision.ZERO, new ConcurrentHashMap<>());

  /**
   * The device's config as of {@code snapshot}: for {@link Format#JSON}, the text is the config
   * as the value of a field of the response body (see {@link #jsonField}); otherwise the whole body.
   */
  Shown show(Snapshot snapshot, Device device, Optional<String> namespace, Format format, boolean reveal) {
    if (snapshot.ownsEntries(device.id())) {
      return render(snapshot, device, namespace, format, reveal);
    }
    Generation generation = current;
    if (!generation.revision().equals(snapshot.revision())) {
      // Older snapshots' readers render for themselves; the newest one replaces the cache.
      if (snapshot.revision().isAfter(generation.revision())) {
        generation = new Generation(snapshot.revision(), new ConcurrentHashMap<>());
        current = generation;
      } else {
        return render(snapshot, device, namespace, format, reveal);
      }
    }
    EffectiveConfig resolved = snapshot.effective(device);
    return generation.shown().computeIfAbsent(new Key(resolved, namespace, format, reveal),
        key -> render(snapshot, resolved, namespace, format, reveal));
  }

  static Shown render(Snapshot snapshot, Device device, Optional<String> namespace, Format format, boolean reveal) {
    return render(snapshot, snapshot.effective(device), namespace, format, reveal);
  }

  private static Shown render(Snapshot snapshot, EffectiveConfig resolved, Optional<String> namespace, Format format,
      boolean reveal) {
    EffectiveConfig config = resolved;
    if (namespace.isPresent()) {
      config = config.namespace(namespace.get());
    }
    List<String> secrets = config.pathsFrom(key -> snapshot.entry(key).map(Entry::secret).orElse(false));
    if (!reveal) {
      config = config.masked(secrets, ApiJson.MASK);
    }
    String text = format == Format.JSON ? jsonField(config.tree()) : format.render(config.tree());
    return new Shown(config, secrets, text);
  }

  /**
   * The config exactly as the pretty-printing {@link Response#json} writes it as the value of a
   * top-level field, so that it can be put into a body as a raw value, byte for byte the same.
   */
  static String jsonField(ObjectNode tree) {
    ObjectNode wrapper = ApiJson.object();
    wrapper.set("config", tree);
    try {
      String text = Response.jsonText(wrapper);
      return text.substring(FIELD_PREFIX.length(), text.length() - BODY_SUFFIX.length());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a config", e);
    }
  }
}
