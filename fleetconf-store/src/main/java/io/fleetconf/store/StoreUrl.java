package io.fleetconf.store;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a store lives: {@code sqlite:<file>} or a PostgreSQL URL in libpq's form,
 * {@code postgresql://[user[:password]@]host[:port]/database[?param=value&...]} (the parameters are
 * pgJDBC's, e.g. {@code currentSchema}, {@code sslmode}; {@code poolSize} sets the pool). The
 * password may instead come from a file. {@link #toString()} never shows the password.
 */
public sealed interface StoreUrl {

  /** Opens (creating or migrating the schema if needed) the store. */
  Store open(Clock clock);

  /** The URL without its password, for logs and messages. */
  String display();

  record Sqlite(Path file) implements StoreUrl {
    @Override
    public Store open(Clock clock) {
      return JdbcStore.openSqlite(file, clock);
    }

    @Override
    public String display() {
      return "sqlite:" + file;
    }
  }

  record Postgres(String host, int port, String database, Optional<String> user, Optional<String> password,
      Map<String, String> parameters, int poolSize) implements StoreUrl {
    public Postgres {
      parameters = Map.copyOf(parameters);
    }

    @Override
    public Store open(Clock clock) {
      return JdbcStore.openPostgres(Connections.Pool.of(jdbcUrl(), properties(), poolSize, display()), clock);
    }

    String jdbcUrl() {
      return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    Properties properties() {
      Properties properties = new Properties();
      parameters.forEach(properties::setProperty);
      user.ifPresent(u -> properties.setProperty("user", u));
      password.ifPresent(p -> properties.setProperty("password", p));
      properties.putIfAbsent("ApplicationName", "fleetconf");
      return properties;
    }

    public Postgres withPassword(String secret) {
      return new Postgres(host, port, database, user, Optional.of(secret), parameters, poolSize);
    }

    @Override
    public String display() {
      StringBuilder out = new StringBuilder("postgresql://");
      user.ifPresent(u -> out.append(u).append(password.isPresent() ? ":***@" : "@"));
      out.append(host).append(':').append(port).append('/').append(database);
      if (!parameters.isEmpty()) {
        out.append('?').append(String.join("&", parameters.entrySet().stream()
            .filter(e -> !e.getKey().equalsIgnoreCase("password")).map(e -> e.getKey() + "=" + e.getValue()).toList()));
      }
      return out.toString();
    }

    @Override
    public String toString() {
      return display();
    }
  }

  /**
   * Parses a store URL; with {@code passwordFile}, the PostgreSQL password is read from it (first
   * line). Errors name what is wrong and never repeat a password.
   */
  static StoreUrl parse(String text, Optional<Path> passwordFile) {
    if (text.startsWith("sqlite:")) {
      String file = text.substring("sqlite:".length());
      if (file.isBlank()) {
        throw new IllegalArgumentException("a sqlite store URL names a file, e.g. sqlite:data/fleetconf.db");
      }
      return new Sqlite(Path.of(file));
    }
    if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
      throw new IllegalArgumentException("a store is sqlite:<file> or postgresql://[user[:password]@]host[:port]/database");
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PostgreSQL URL is malformed (percent-encode special characters"
          + " in the user and password)");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new IllegalArgumentException("the PostgreSQL URL needs a host and a database, e.g."
          + " postgresql://fleetconf@db.example:5432/fleetconf");
    }
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    if (uri.getRawUserInfo() != null) {
      String[] info = uri.getRawUserInfo().split(":", 2);
      user = Optional.of(decode(info[0]));
      password = info.length == 2 ? Optional.of(decode(info[1])) : Optional.empty();
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    int poolSize = 8;
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        String name = decode(kv[0]);
        String value = kv.length == 2 ? decode(kv[1]) : "";
        if (name.equals("poolSize")) {
          try {
            poolSize = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("poolSize must be a number, was '" + value + "'");
          }
        } else if (name.equals("password")) {
          password = Optional.of(value);
        } else if (name.equals("user")) {
          user = Optional.of(value);
        } else {
          parameters.put(name, value);
        }
      }
    }
    if (passwordFile.isPresent()) {
      try {
        password = Optional.of(Files.readAllLines(passwordFile.get(), StandardCharsets.UTF_8).stream().findFirst()
            .orElse("").strip());
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the password file " + passwordFile.get() + ": " + e.getMessage());
      }
    }
    return new Postgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1), user,
        password, parameters, poolSize);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
