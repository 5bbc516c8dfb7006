package io.fleetconf.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.LogLevel;
import io.fleetconf.server.http.Bodies;
import io.fleetconf.server.http.Request;
import io.fleetconf.server.http.Response;
import io.fleetconf.server.http.Router;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/logging}: the server's log levels, read and changed while it runs (admin only):
 * {@code io.fleetconf} for all of fleetconf, a class's or package's logger for less, and
 * {@code io.fleetconf.access} for the access log.
 */
final class LoggingApi {
  private static final String PATH = "/api/v1/logging";
  private static final String DEFAULT_LOGGER = "io.fleetconf";
  private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  /** Loggers whose level was set here, held so that the JDK (which keeps loggers weakly) does not lose it. */
  private static final Map<String, Logger> SET = new ConcurrentHashMap<>();

  void register(Router router) {
    router.on("GET", PATH, this::get);
    router.on("PUT", PATH, this::put);
  }

  private Response get(Request request) {
    Access.admin(request, "read the log levels");
    String name = request.query("logger").orElse(DEFAULT_LOGGER);
    return Response.ok(levelOf(checked(name)));
  }

  private Response put(Request request) {
    Access.admin(request, "change the log levels");
    JsonNode body = Bodies.object(request);
    String name = checked(Bodies.optionalText(body, "logger").orElse(DEFAULT_LOGGER));
    LogLevel level = LogLevel.parse(Bodies.text(body, "level"), "level");
    Logger logger = SET.computeIfAbsent(name, Logger::getLogger);
    logger.setLevel(level.jul());
    return Response.ok(levelOf(name));
  }

  private static String checked(String name) {
    if (name.length() > 200 || !LOGGER_NAME.matcher(name).matches()) {
      throw new InvalidInputException("invalid_parameter", "logger must be a logger name such as io.fleetconf or"
          + " io.fleetconf.server.Replica, was '" + io.fleetconf.core.Excerpt.of(name) + "'");
    }
    return name;
  }

  /** The logger's effective level: its own, or the nearest parent's. */
  private static ObjectNode levelOf(String name) {
    Level effective = null;
    for (Logger logger = Logger.getLogger(name); logger != null && effective == null; logger = logger.getParent()) {
      effective = logger.getLevel();
    }
    ObjectNode out = ApiJson.object();
    out.put("logger", name);
    out.put("level", LogLevel.of(effective == null ? Level.INFO : effective).wire());
    return out;
  }
}
