package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Registered endpoints in PostgreSQL ({@code sdk.endpoint}), always scoped by tenant. */
public final class EndpointRepository {

  private final JdbcClient jdbc;

  public EndpointRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts or replaces an endpoint; returns it as stored, with its timestamps. */
  public Endpoint save(String tenant, Endpoint endpoint, String extensionId, Instant now) {
    Endpoint spec =
        endpoint.toBuilder().clearCreatedAt().clearUpdatedAt().clearExtensionId().build();
    return jdbc.sql(
            "INSERT INTO sdk.endpoint (tenant_id, name, integration_id, extension_id, spec, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)"
                + " ON CONFLICT (tenant_id, name) DO UPDATE SET integration_id = EXCLUDED.integration_id,"
                + " extension_id = EXCLUDED.extension_id, spec = EXCLUDED.spec, updated_at = EXCLUDED.updated_at"
                + " RETURNING name, extension_id, spec::text AS spec, created_at, updated_at")
        .params(
            tenant,
            spec.getName(),
            spec.getIntegrationId(),
            extensionId,
            Json.print(spec),
            Times.sql(now),
            Times.sql(now))
        .query(EndpointRepository::map)
        .single();
  }

  public Optional<Endpoint> find(String tenant, String name) {
    return jdbc.sql(
            "SELECT name, extension_id, spec::text AS spec, created_at, updated_at FROM sdk.endpoint"
                + " WHERE tenant_id = ? AND name = ?")
        .params(tenant, name)
        .query(EndpointRepository::map)
        .optional();
  }

  /** A page in name order after {@code after}; only those of {@code integrationId} when not empty. */
  public List<Endpoint> list(String tenant, String integrationId, String after, int limit) {
    return jdbc.sql(
            "SELECT name, extension_id, spec::text AS spec, created_at, updated_at FROM sdk.endpoint"
                + " WHERE tenant_id = ? AND (? = '' OR integration_id = ?) AND name > ?"
                + " ORDER BY name LIMIT ?")
        .params(tenant, integrationId, integrationId, after, limit)
        .query(EndpointRepository::map)
        .list();
  }

  /** Deletes one endpoint; returns whether it existed. */
  public boolean delete(String tenant, String name) {
    return jdbc.sql("DELETE FROM sdk.endpoint WHERE tenant_id = ? AND name = ?").params(tenant, name).update() > 0;
  }

  /** Deletes the endpoints an extension contributed; returns their names. */
  public List<String> deleteContributedBy(String tenant, String extensionId) {
    return jdbc.sql(
            "DELETE FROM sdk.endpoint WHERE tenant_id = ? AND extension_id = ? RETURNING name")
        .params(tenant, extensionId)
        .query(String.class)
        .list()
        .stream()
        .sorted()
        .toList();
  }

  /** Names of the endpoints authenticated by an integration, in name order. */
  public List<String> namesUsing(String tenant, String integrationId) {
    return jdbc.sql(
            "SELECT name FROM sdk.endpoint WHERE tenant_id = ? AND integration_id = ? ORDER BY name")
        .params(tenant, integrationId)
        .query(String.class)
        .list();
  }

  private static Endpoint map(ResultSet rs, int row) throws SQLException {
    return Json.parse(rs.getString("spec"), Endpoint.newBuilder())
        .setName(rs.getString("name"))
        .setExtensionId(rs.getString("extension_id"))
        .setCreatedAt(Times.proto(Times.read(rs, "created_at")))
        .setUpdatedAt(Times.proto(Times.read(rs, "updated_at")))
        .build();
  }
}
