package dev.nerve.installation.dependency;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The lock in {@code installation.installed_package}: what each tenant has installed. */
final class LockStore {

  /** Every column but the archive, which only a reload needs ({@link #archive}). */
  private static final String COLUMNS =
      "name, version, checksum_sha256, source, requested_range, requires::text AS requires, installed_at";

  private final JdbcClient jdbc;

  LockStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Every installed package of a tenant, by name, without archives. */
  Map<String, LockedPackage> all(String tenant) {
    Map<String, LockedPackage> out = new LinkedHashMap<>();
    jdbc.sql("SELECT " + COLUMNS + " FROM installation.installed_package WHERE tenant_id = ? ORDER BY name")
        .param(tenant)
        .query(LockStore::row)
        .list()
        .forEach(p -> out.put(p.name(), p));
    return out;
  }

  /** A page of installed packages after {@code after} (exclusive), without archives. */
  List<LockedPackage> page(String tenant, String after, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM installation.installed_package WHERE tenant_id = ? AND name > ? ORDER BY name LIMIT ?")
        .params(tenant, after, limit)
        .query(LockStore::row)
        .list();
  }

  /** One installed package without its archive, or null. */
  LockedPackage find(String tenant, String name) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM installation.installed_package WHERE tenant_id = ? AND name = ?")
        .params(tenant, name)
        .query(LockStore::row)
        .optional()
        .orElse(null);
  }

  /** The verified archive of an installed package. */
  byte[] archive(String tenant, String name) {
    return jdbc.sql("SELECT archive FROM installation.installed_package WHERE tenant_id = ? AND name = ?")
        .params(tenant, name)
        .query(byte[].class)
        .single();
  }

  /** Records the range a package is requested with (null: only a dependency). */
  void requestedRange(String tenant, String name, String range) {
    jdbc.sql("UPDATE installation.installed_package SET requested_range = ? WHERE tenant_id = ? AND name = ?")
        .params(range, tenant, name)
        .update();
  }

  /** Writes a package's row with its archive, replacing any earlier version. */
  void put(String tenant, LockedPackage p, byte[] archive) {
    jdbc.sql("INSERT INTO installation.installed_package (tenant_id, name, version, checksum_sha256, source, requested_range, requires, archive, installed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, now())"
            + " ON CONFLICT (tenant_id, name) DO UPDATE SET version = excluded.version, checksum_sha256 = excluded.checksum_sha256,"
            + " source = excluded.source, requested_range = excluded.requested_range, requires = excluded.requires,"
            + " archive = excluded.archive, installed_at = CASE WHEN installed_package.version = excluded.version"
            + " THEN installed_package.installed_at ELSE now() END")
        .params(tenant, p.name(), p.version(), p.sha256(), p.source(), p.requestedRange(), json(p.requires()), archive)
        .update();
  }

  void delete(String tenant, String name) {
    jdbc.sql("DELETE FROM installation.installed_package WHERE tenant_id = ? AND name = ?").params(tenant, name).update();
  }

  private static LockedPackage row(ResultSet rs, int n) throws SQLException {
    return new LockedPackage(
        rs.getString("name"),
        rs.getString("version"),
        rs.getString("checksum_sha256"),
        rs.getString("source"),
        rs.getString("requested_range"),
        requires(rs.getString("requires")),
        rs.getTimestamp("installed_at").toInstant());
  }

  private static String json(Map<String, String> requires) {
    Struct.Builder struct = Struct.newBuilder();
    requires.forEach((k, v) -> struct.putFields(k, Value.newBuilder().setStringValue(v).build()));
    try {
      return JsonFormat.printer().print(struct);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> requires(String json) {
    Struct.Builder struct = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, struct);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("installed_package.requires is not a JSON object", e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((k, v) -> out.put(k, v.getStringValue()));
    return out;
  }
}
