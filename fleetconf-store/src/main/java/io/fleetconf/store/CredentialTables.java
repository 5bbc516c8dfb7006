package io.fleetconf.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tokens} and {@code certificates} tables: credentials, not versioned. Each write answers
 * how many rows it changed; the store announces a change to the other servers.
 */
final class CredentialTables {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private CredentialTables() {}

  static int addToken(Connection connection, TokenRecord token) throws SQLException {
    return Statements.update(connection,
        "INSERT INTO tokens (id, sha256, identity, created_ms, kind, rules, expires_ms, revoked_ms, used_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        token.id(), token.sha256(), token.identity(), token.created().toEpochMilli(), token.kind(),
        Codec.write(JSON.valueToTree(token.rules())), millis(token.expires()), millis(token.revoked()),
        millis(token.used()));
  }

  static List<TokenRecord> tokens(Connection connection) throws SQLException {
    return Statements.query(connection,
        "SELECT id, sha256, kind, identity, rules, created_ms, expires_ms, revoked_ms, used_ms FROM tokens ORDER BY id",
        List.of(), rows -> new TokenRecord(rows.getString(1), rows.getBytes(2), rows.getString(3), rows.getString(4),
            JSON.convertValue(Codec.read(rows.getString(5)), STRINGS), Instant.ofEpochMilli(rows.getLong(6)),
            instant(rows, 7), instant(rows, 8), instant(rows, 9)));
  }

  static int revokeToken(Connection connection, String id, Instant at) throws SQLException {
    return Statements.update(connection, "UPDATE tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
        at.toEpochMilli(), id);
  }

  static int useToken(Connection connection, String id, Instant at) throws SQLException {
    return Statements.update(connection, "UPDATE tokens SET used_ms = ? WHERE id = ? AND used_ms IS NULL",
        at.toEpochMilli(), id);
  }

  static int addCertificate(Connection connection, CertificateRecord certificate) throws SQLException {
    return Statements.update(connection,
        "INSERT INTO certificates (serial, device, issued_ms, not_after_ms, revoked_ms) VALUES (?, ?, ?, ?, ?)",
        certificate.serial(), certificate.device(), certificate.issued().toEpochMilli(),
        certificate.notAfter().toEpochMilli(), millis(certificate.revoked()));
  }

  static List<CertificateRecord> certificates(Connection connection) throws SQLException {
    return Statements.query(connection,
        "SELECT serial, device, issued_ms, not_after_ms, revoked_ms FROM certificates ORDER BY issued_ms, serial",
        List.of(), rows -> new CertificateRecord(rows.getString(1), rows.getString(2),
            Instant.ofEpochMilli(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4)), instant(rows, 5)));
  }

  static int revokeCertificate(Connection connection, String serial, Instant at) throws SQLException {
    return Statements.update(connection,
        "UPDATE certificates SET revoked_ms = ? WHERE serial = ? AND revoked_ms IS NULL", at.toEpochMilli(), serial);
  }

  private static Long millis(Optional<Instant> instant) {
    return instant.map(Instant::toEpochMilli).orElse(null);
  }

  private static Optional<Instant> instant(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
  }
}
