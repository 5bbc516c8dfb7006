package io.fleetconf.server.api;

import io.fleetconf.server.http.ApiException;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import io.fleetconf.api.AgentReport;
import io.fleetconf.api.ConfigAnswer;
import io.fleetconf.api.Paths;
import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.server.security.Caller;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.format.Format;
import io.fleetconf.server.Holds;
import io.fleetconf.server.Replica;
import io.fleetconf.server.FleetStatus;
import io.fleetconf.core.Report;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Revision;
import io.fleetconf.server.LiveState.Snapshot;
import io.fleetconf.server.View;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** {@code /api/v1/devices}: the registry, and each device's effective config. */
final class DevicesApi {
  private static final String BASE = Paths.DEVICES;
  private static final int MAX_LABEL_LENGTH = 256;
  private static final int REPORT_LIMIT = 100;
  private static final int MAX_SERVICES = 64;
  private static final java.util.regex.Pattern SERVICE = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private final Replica fleet;
  private final FleetStatus status;
  private final ConfigRenderings renderings = new ConfigRenderings();

  DevicesApi(Replica fleet, FleetStatus status) {
    this.fleet = fleet;
    this.status = status;
  }

  /** {@code GET /api/v1/devices/<id>/config[/<namespace>]?index=...}: a device's long-poll. */
  private static final java.util.regex.Pattern LONG_POLL =
      java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(BASE) + "/[^/]+/" + Paths.CONFIG + "(/[^/]+)?");

  /**
   * Whether a request is a device's long-poll, which never blocks: it is held in the watch hub, or
   * answered from the snapshot in memory (an event stream writes for as long as it is open, and
   * is not one).
   */
  static boolean longPoll(String method, java.net.URI target, Function<String, Optional<String>> header) {
    String query = target.getRawQuery();
    return method.equals("GET") && query != null && (query.startsWith("index=") || query.contains("&index="))
        && LONG_POLL.matcher(target.getRawPath()).matches()
        && header.apply("Accept").map(accept -> !accept.contains("text/event-stream")).orElse(true);
  }

  void register(Router router) {
    router.nonBlocking(DevicesApi::longPoll);
    router.on("GET", BASE, this::list)
        .on("POST", BASE, this::create)
        .under("POST", BASE, this::report)
        .under("GET", BASE, this::get)
        .under("PATCH", BASE, this::update)
        .under("DELETE", BASE, this::delete);
  }

  private Response list(Request request) {
    Access.readDevices(request);
    Snapshot snapshot = fleet.snapshot();
    ObjectNode body = ApiJson.object();
    body.put("revision", snapshot.revision().value());
    ArrayNode devices = body.putArray("devices");
    snapshot.devices().values().stream().sorted(java.util.Comparator.comparing(Device::id))
        .forEach(device -> devices.add(ApiJson.device(device)));
    return Response.ok(body).at(snapshot.revision());
  }

  private Response create(Request request) {
    JsonNode body = Bodies.object(request);
    Device device = new Device(DeviceId.of(Bodies.text(body, "id")), groups(body), labels(body));
    return commit(request, new Mutation.CreateDevice(device), "add device " + device.id(),
        done -> answer(201, done, device.id()));
  }

  private Response get(Request request) {
    List<String> parts = request.segments();
    DeviceId id = DeviceId.of(parts.get(0));
    Access.device(request, id, false);
    Snapshot snapshot = fleet.snapshot();
    Device device = Replica.device(snapshot, id);
    if (parts.size() == 1) {
      return Response.ok(ApiJson.device(device)).at(snapshot.revision());
    }
    if (parts.size() == 2 && parts.get(1).equals(Paths.REPORTS)) {
      ObjectNode body = ApiJson.object();
      ArrayNode reports = body.putArray("reports");
      fleet.store().reports(device.id(), REPORT_LIMIT).forEach(report -> reports.add(ApiJson.report(report).toJson()));
      return Response.ok(body);
    }
    if (!parts.get(1).equals(Paths.CONFIG)) {
      throw new ApiException(404, "not_found", "no such endpoint: " + Excerpt.of(BASE + "/" + request.tail()));
    }
    if (request.caller() instanceof Caller.Device) {
      status.seen(device.id()); // the device itself (Access.device let it through for its own id only)
    }
    Optional<String> namespace = parts.size() >= 3 ? Optional.of(String.join("/", parts.subList(2, parts.size())))
        : Optional.empty();
    namespace.ifPresent(ns -> {
      if (KeyPath.parse(ns).depth() != 1) {
        throw new InvalidInputException("invalid_key", "namespace '" + Excerpt.of(ns)
            + "' must be one segment, e.g. common");
      }
    });
    Format format = Format.named(request.query("format").orElse("json"));
    boolean explain = request.flag("explain");
    if (explain && format != Format.JSON) {
      throw new InvalidInputException("invalid_parameter", "explain=true needs format=json");
    }
    View view = new View.DeviceConfig(device.id(), namespace);
    // The device itself gets its secrets; an operator sees them only with the right to read secrets.
    boolean reveal = request.caller() instanceof Caller.Device || Access.revealsSecrets(request);
    Function<Boolean, Watch.Rendered> render = resync -> render(device.id(), namespace, format, explain, reveal, resync);
    if (Watch.wantsEvents(request)) {
      return Watch.events(fleet, request, view, render);
    }
    Optional<Revision> index = Watch.index(request);
    if (index.isEmpty()) {
      return render.apply(false).response();
    }
    return Watch.afterChangeOnEventLoop(fleet, request, view, index.get(),
        outcome -> render.apply(outcome.resync()).response());
  }

  /**
   * {@code POST /api/v1/devices/<id>/reports}: an agent says what it applied; {@code .../certificate}:
   * a device renews its client certificate.
   */
  private Response report(Request request) {
    List<String> parts = request.segments();
    if (parts.size() != 2 || !List.of(Paths.REPORTS, Paths.CERTIFICATE, Paths.VERSIONS).contains(parts.get(1))) {
      throw new ApiException(404, "not_found", "no such endpoint: " + Excerpt.of(BASE + "/" + request.tail()));
    }
    DeviceId id = DeviceId.of(parts.get(0));
    if (parts.get(1).equals(Paths.CERTIFICATE)) {
      return SecurityApi.renew(request, id, fleet);
    }
    if (parts.get(1).equals(Paths.VERSIONS)) {
      return versions(request, id);
    }
    Access.device(request, id, true);
    Device device = Replica.device(fleet.snapshot(), id);
    AgentReport sent = Bodies.object(request, AgentReport::from);
    Report report = new Report(device.id(), sent.namespace(), Revision.of(sent.revision()), sent.hash(),
        Report.Status.parse(sent.status()), sent.error(), sent.agentVersion().orElse("unknown"),
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
        sent.runningRevision().map(Revision::of));
    status.report(report, request.caller() instanceof Caller.Device);
    return Response.json(201, ApiJson.report(report).toJson());
  }

  /**
   * {@code POST /api/v1/devices/<id>/versions}: the versions of the services the device's agent
   * manages, as {@code {"tv_scheduler": "2.3.1"}}. Kept as an entry (a change set only when they
   * changed), so that values needing a version reach the device as soon as it has it.
   */
  private Response versions(Request request, DeviceId id) {
    Access.device(request, id, true);
    Replica.device(fleet.snapshot(), id);
    JsonNode sent = Bodies.object(request);
    if (sent.size() > MAX_SERVICES) {
      throw new InvalidInputException("invalid_body", "at most " + MAX_SERVICES + " services, were " + sent.size());
    }
    ObjectNode versions = ApiJson.object();
    for (Map.Entry<String, JsonNode> service : new java.util.TreeMap<>(sent.properties().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))).entrySet()) {
      if (!SERVICE.matcher(service.getKey()).matches()) {
        throw new InvalidInputException("invalid_body", "service name '" + Excerpt.of(service.getKey())
            + "' must be letters, digits, '_', '-' and '.'");
      }
      if (!service.getValue().isTextual() || service.getValue().asText().length() > MAX_LABEL_LENGTH) {
        throw new InvalidInputException("invalid_body", "the version of '" + service.getKey()
            + "' must be a string of at most " + MAX_LABEL_LENGTH + " characters");
      }
      versions.set(service.getKey(), service.getValue());
    }
    Key key = Holds.versionsKey(id);
    ObjectNode body = ApiJson.object();
    if (fleet.snapshot().entry(key).map(entry -> entry.value().equals(versions)).orElse(false)) {
      body.put("revision", fleet.snapshot().revision().value());
      body.put("changed", false);
      return Response.ok(body);
    }
    ChangeSet done = fleet.commit(new Proposal(request.principal(), "versions of " + id + ": " + versions, request.source(),
        List.of(Mutation.Put.of(key, versions))));
    body.put("revision", done.revision().value());
    body.put("changed", true);
    return Response.ok(body).at(done.revision());
  }

  /** The device's effective config as of the latest snapshot, in the format asked for. */
  private Watch.Rendered render(
      DeviceId id, Optional<String> namespace, Format format, boolean explain, boolean reveal, boolean resync) {
    Snapshot snapshot = fleet.snapshot();
    Device device = Replica.device(snapshot, id);
    ConfigRenderings.Shown shown = explain ? ConfigRenderings.render(snapshot, device, namespace, format, reveal)
        : renderings.show(snapshot, device, namespace, format, reveal);
    Response response;
    if (format != Format.JSON) {
      response = Response.text(format.mediaType(), shown.text());
      if (!shown.secrets().isEmpty()) {
        response = response.with("X-Fleetconf-Secrets", Integer.toString(shown.secrets().size()));
      }
    } else if (explain) {
      Map<String, ConfigAnswer.Origin> origins = new LinkedHashMap<>();
      shown.config().provenance().forEach((path, origin) -> origins.put(path, ApiJson.origin(origin)));
      ConfigAnswer answer = new ConfigAnswer(id.value(), namespace, snapshot.revision().value(), resync,
          JsonNodeFactory.instance.rawValueNode(new RawValue(shown.text())), List.copyOf(shown.secrets()),
          Optional.of(origins));
      response = Response.ok(answer.toJson());
    } else {
      response = shown.answer(id, namespace, snapshot.revision(), resync);
    }
    response = response.at(snapshot.revision());
    return new Watch.Rendered(resync ? response.with("X-Fleetconf-Resync", "true") : response, snapshot.revision());
  }

  private Response update(Request request) {
    DeviceId id = DeviceId.of(request.tail());
    JsonNode body = Bodies.object(request);
    Device device = Replica.device(fleet.snapshot(), id);
    if (body.has("groups")) {
      device = device.withGroups(groups(body));
    }
    if (body.has("labels")) {
      device = device.withLabels(labels(body));
    }
    return commit(request, new Mutation.UpdateDevice(device), "update device " + id, done -> answer(200, done, id));
  }

  private Response delete(Request request) {
    DeviceId id = DeviceId.of(request.tail());
    return commit(request, new Mutation.DeleteDevice(id), "remove device " + id, done -> {
      revokeCredentials(request, id);
      ObjectNode body = ApiJson.object();
      body.put("revision", done.revision().value());
      return Response.ok(body).at(done.revision());
    });
  }

  /** A device that leaves the fleet takes its credentials with it: an id used again starts afresh. */
  static void revokeCredentials(Request request, DeviceId id) {
    request.authentication().tokens().revokeDevice(id);
    request.authentication().certificates().revokeDevice(id);
  }

  /** The device operations a change set ({@code POST /api/v1/changes}) may hold. */
  static final List<String> OPERATIONS = List.of("create-device", "update-device", "delete-device");

  /**
   * A change set's device operation: {@code create-device} with {@code id}, {@code groups},
   * {@code labels}; {@code update-device} replacing the groups and labels it gives (the others
   * stay as registered in {@code snapshot}); {@code delete-device}, which removes its entries too.
   */
  static Mutation mutation(String kind, JsonNode op, String where, Snapshot snapshot) {
    DeviceId id = DeviceId.of(Bodies.optionalText(op, "id")
        .orElseThrow(() -> new InvalidInputException("invalid_body", where + ".id is required")));
    return switch (kind) {
      case "create-device" -> new Mutation.CreateDevice(new Device(id, groups(op), labels(op)));
      case "update-device" -> {
        Device device = Replica.device(snapshot, id);
        if (op.has("groups")) {
          device = device.withGroups(groups(op));
        }
        if (op.has("labels")) {
          device = device.withLabels(labels(op));
        }
        yield new Mutation.UpdateDevice(device);
      }
      default -> new Mutation.DeleteDevice(id);
    };
  }

  private Response answer(int status, ChangeSet done, DeviceId id) {
    ObjectNode body = ApiJson.object();
    body.put("revision", done.revision().value());
    fleet.snapshot().device(id).ifPresent(device -> body.set("device", ApiJson.device(device)));
    return Response.json(status, body).at(done.revision());
  }

  private Response commit(Request request, Mutation mutation, String fallbackMessage,
      java.util.function.Function<ChangeSet, Response> answer) {
    String message = request.query("message").orElse(fallbackMessage);
    Access.write(request, List.of(mutation));
    return Changes.make(fleet, request, new Proposal(request.principal(), message, request.source(),
        List.of(mutation)), answer);
  }

  private static List<GroupName> groups(JsonNode body) {
    JsonNode groups = body.get("groups");
    if (groups == null || groups.isNull()) {
      return List.of();
    }
    if (!groups.isArray()) {
      throw new InvalidInputException("invalid_body", "field 'groups' must be an array of group names");
    }
    List<GroupName> out = new ArrayList<>();
    for (JsonNode group : groups) {
      if (!group.isTextual()) {
        throw new InvalidInputException("invalid_body", "field 'groups' must hold strings such as 'site/lisbon'");
      }
      out.add(GroupName.of(group.asText()));
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode body) {
    JsonNode labels = body.get("labels");
    if (labels == null || labels.isNull()) {
      return Map.of();
    }
    if (!labels.isObject()) {
      throw new InvalidInputException("invalid_body", "field 'labels' must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    labels.properties().forEach(label -> {
      String name = label.getKey();
      JsonNode value = label.getValue();
      if (name.isEmpty() || name.length() > MAX_LABEL_LENGTH || !value.isTextual()
          || value.asText().length() > MAX_LABEL_LENGTH) {
        throw new InvalidInputException("invalid_body", "label '" + Excerpt.of(name)
            + "' must have a non-empty name and a string value, both at most " + MAX_LABEL_LENGTH + " characters");
      }
      out.put(name, value.asText());
    });
    return out;
  }
}
