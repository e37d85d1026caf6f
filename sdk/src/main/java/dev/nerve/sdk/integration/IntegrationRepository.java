package dev.nerve.sdk.integration;

import dev.nerve.api.sdk.v1.IntegrationConfig;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Integrations in PostgreSQL ({@code sdk.integration}); credentials arrive and leave sealed. */
final class IntegrationRepository {

  private static final String COLUMNS =
      "id, provider, display_name, settings::text AS settings, scopes, credential_keys, masked::text AS masked,"
          + " last_test::text AS last_test, created_at, updated_at";

  /** A stored integration with its sealed credentials. */
  record Row(IntegrationConfig config, String sealedCredentials) {
    @Override
    public String toString() {
      return "Row[" + config.getId() + "]";
    }
  }

  private final JdbcClient jdbc;

  IntegrationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Row> find(String tenant, String id, boolean lock) {
    return jdbc.sql("SELECT " + COLUMNS + ", credentials FROM sdk.integration WHERE tenant_id = ? AND id = ?"
            + (lock ? " FOR UPDATE" : ""))
        .params(tenant, id)
        .query((rs, n) -> new Row(map(rs), rs.getString("credentials")))
        .optional();
  }

  void save(String tenant, IntegrationConfig config, String sealedCredentials, Map<String, String> masked, Instant now) {
    jdbc.sql("INSERT INTO sdk.integration (tenant_id, id, provider, display_name, settings, scopes, credentials,"
            + " credential_keys, masked, created_at, updated_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?)"
            + " ON CONFLICT (tenant_id, id) DO UPDATE SET provider = EXCLUDED.provider, display_name = EXCLUDED.display_name,"
            + " settings = EXCLUDED.settings, scopes = EXCLUDED.scopes, credentials = EXCLUDED.credentials,"
            + " credential_keys = EXCLUDED.credential_keys, masked = EXCLUDED.masked, updated_at = EXCLUDED.updated_at")
        .params(tenant, config.getId(), config.getProvider(), config.getDisplayName(), Json.print(config.getSettings()),
            config.getScopesList().toArray(String[]::new), sealedCredentials,
            config.getCredentialKeysList().toArray(String[]::new), Json.write(Json.MAPPER.valueToTree(masked)),
            Times.sql(now), Times.sql(now))
        .update();
  }

  List<IntegrationConfig> list(String tenant, String provider, String after, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM sdk.integration WHERE tenant_id = ? AND (? = '' OR provider = ?)"
            + " AND id > ? ORDER BY id LIMIT ?")
        .params(tenant, provider, provider, after, limit)
        .query((rs, n) -> map(rs))
        .list();
  }

  boolean delete(String tenant, String id) {
    return jdbc.sql("DELETE FROM sdk.integration WHERE tenant_id = ? AND id = ?").params(tenant, id).update() > 0;
  }

  void saveTest(String tenant, String id, TestResult result) {
    jdbc.sql("UPDATE sdk.integration SET last_test = ?::jsonb WHERE tenant_id = ? AND id = ?")
        .params(Json.print(result), tenant, id)
        .update();
  }

  /** One page of every tenant's sealed credentials, in key order, for re-encryption. */
  List<String[]> sealedPage(String afterTenant, String afterId, int limit) {
    return jdbc.sql("SELECT tenant_id, id, credentials FROM sdk.integration WHERE credentials <> ''"
            + " AND (tenant_id, id) > (?, ?) ORDER BY tenant_id, id LIMIT ?")
        .params(afterTenant, afterId, limit)
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .list();
  }

  /** Replaces sealed credentials if they are still {@code expected}; returns whether it did. */
  boolean replaceSealed(String tenant, String id, String expected, String sealed) {
    return jdbc.sql("UPDATE sdk.integration SET credentials = ? WHERE tenant_id = ? AND id = ? AND credentials = ?")
        .params(sealed, tenant, id, expected)
        .update() > 0;
  }

  private static IntegrationConfig map(ResultSet rs) throws SQLException {
    IntegrationConfig.Builder config = IntegrationConfig.newBuilder()
        .setId(rs.getString("id"))
        .setProvider(rs.getString("provider"))
        .setDisplayName(rs.getString("display_name"))
        .setSettings(Json.structOf(rs.getString("settings")))
        .addAllScopes(strings(rs.getArray("scopes")))
        .addAllCredentialKeys(strings(rs.getArray("credential_keys")))
        .setCreatedAt(Times.proto(Times.read(rs, "created_at")))
        .setUpdatedAt(Times.proto(Times.read(rs, "updated_at")));
    Json.read(rs.getString("masked")).properties().forEach(e -> config.putMaskedCredentials(e.getKey(), e.getValue().asString()));
    String lastTest = rs.getString("last_test");
    if (lastTest != null) {
      config.setLastTest(Json.parse(lastTest, TestResult.newBuilder()));
    }
    return config.build();
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
