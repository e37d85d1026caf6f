package dev.nerve.sdk.extension;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Extensions in PostgreSQL ({@code sdk.extension}): manifest, jar, desired and observed state. */
final class ExtensionRepository {

  /** What every replica should run. */
  enum Desired { ACTIVE, DISABLED, UNLOADED }

  /** A stored extension; {@code extension} carries status and discovered tools, without jar content. */
  record Row(String tenant, Extension extension, byte[] jar, Desired desired, long generation) {
    @Override
    public String toString() {
      return "Row[" + tenant + "/" + extension.getId() + "@" + generation + "]";
    }
  }

  private final JdbcClient jdbc;

  ExtensionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Row> find(String tenant, String id) {
    return jdbc.sql("SELECT * FROM sdk.extension WHERE tenant_id = ? AND id = ?")
        .params(tenant, id)
        .query(ExtensionRepository::map)
        .optional();
  }

  /** Writes the extension and bumps its generation; returns the new generation. */
  long save(String tenant, Extension extension, byte[] jar, Desired desired, Instant now) {
    Extension spec = extension.toBuilder().setPlugin(extension.getPlugin().toBuilder().clearContent()).build();
    if (!extension.hasPlugin()) {
      spec = spec.toBuilder().clearPlugin().build();
    }
    return jdbc.sql("INSERT INTO sdk.extension (tenant_id, id, version, kind, spec, jar, desired, status, status_detail,"
            + " generation, loaded_at, updated_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, 1, ?, ?)"
            + " ON CONFLICT (tenant_id, id) DO UPDATE SET version = EXCLUDED.version, kind = EXCLUDED.kind,"
            + " spec = EXCLUDED.spec, jar = EXCLUDED.jar, desired = EXCLUDED.desired, status = EXCLUDED.status,"
            + " status_detail = EXCLUDED.status_detail, generation = sdk.extension.generation + 1,"
            + " loaded_at = EXCLUDED.loaded_at, updated_at = EXCLUDED.updated_at RETURNING generation")
        .params(tenant, spec.getId(), spec.getVersion(), spec.getKind().name(), Json.print(spec), jar,
            desired.name().toLowerCase(), spec.getStatus().name(), spec.getStatusDetail(),
            spec.hasLoadedAt() ? Times.sql(Times.instant(spec.getLoadedAt())) : null, Times.sql(now))
        .query(Long.class)
        .single();
  }

  /** Records what loading observed, if the row is still at {@code generation}. */
  void observed(String tenant, String id, long generation, Extension extension) {
    Extension spec = extension.toBuilder().clearPlugin().build();
    if (extension.hasPlugin()) {
      spec = spec.toBuilder().setPlugin(extension.getPlugin().toBuilder().clearContent()).build();
    }
    jdbc.sql("UPDATE sdk.extension SET spec = ?::jsonb, status = ?, status_detail = ? WHERE tenant_id = ? AND id = ? AND generation = ?")
        .params(Json.print(spec), spec.getStatus().name(), spec.getStatusDetail(), tenant, id, generation)
        .update();
  }

  /** Marks an extension unloaded; returns the new generation. */
  long unload(String tenant, String id, Instant now) {
    return jdbc.sql("UPDATE sdk.extension SET desired = 'unloaded', status = ?, status_detail = '', jar = NULL,"
            + " generation = generation + 1, updated_at = ?, spec = jsonb_set(spec, '{status}', to_jsonb(?::text))"
            + " WHERE tenant_id = ? AND id = ? RETURNING generation")
        .params(ExtensionStatus.EXTENSION_STATUS_UNLOADED.name(), Times.sql(now),
            ExtensionStatus.EXTENSION_STATUS_UNLOADED.name(), tenant, id)
        .query(Long.class)
        .single();
  }

  List<Row> list(String tenant, String after, int limit) {
    return jdbc.sql("SELECT * FROM sdk.extension WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
        .params(tenant, after, limit)
        .query(ExtensionRepository::map)
        .list();
  }

  /** Every tenant's extension that should run, without jars (keys and generations for reconciling). */
  List<String[]> active() {
    return jdbc.sql("SELECT tenant_id, id, generation FROM sdk.extension WHERE desired = 'active'")
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))})
        .list();
  }

  private static Row map(ResultSet rs, int n) throws SQLException {
    Extension extension = Json.parse(rs.getString("spec"), Extension.newBuilder()).build();
    return new Row(rs.getString("tenant_id"), extension, rs.getBytes("jar"),
        Desired.valueOf(rs.getString("desired").toUpperCase()), rs.getLong("generation"));
  }
}
