package dev.nerve.installation.dependency;

import com.google.protobuf.util.Timestamps;
import dev.nerve.api.installation.v1.PackageSource;
import dev.nerve.api.installation.v1.PackageSourceKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Package sources of each tenant in {@code installation.package_source}. */
final class SourceStore {

  private final JdbcClient jdbc;

  SourceStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The tenant's sources in search order. */
  List<PackageSource> all(String tenant) {
    return jdbc.sql("SELECT name, kind, location, priority, updated_at FROM installation.package_source WHERE tenant_id = ? ORDER BY priority, name")
        .param(tenant)
        .query(SourceStore::row)
        .list();
  }

  PackageSource put(String tenant, PackageSource source) {
    return jdbc.sql("INSERT INTO installation.package_source (tenant_id, name, kind, location, priority) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (tenant_id, name) DO UPDATE SET kind = excluded.kind, location = excluded.location,"
            + " priority = excluded.priority, updated_at = now()"
            + " RETURNING name, kind, location, priority, updated_at")
        .params(tenant, source.getName(), kind(source.getKind()), source.getLocation(), source.getPriority())
        .query(SourceStore::row)
        .single();
  }

  boolean delete(String tenant, String name) {
    return jdbc.sql("DELETE FROM installation.package_source WHERE tenant_id = ? AND name = ?").params(tenant, name).update() > 0;
  }

  private static String kind(PackageSourceKind kind) {
    return kind == PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP ? "http" : "directory";
  }

  private static PackageSource row(ResultSet rs, int n) throws SQLException {
    return PackageSource.newBuilder()
        .setName(rs.getString("name"))
        .setKind("http".equals(rs.getString("kind"))
            ? PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP : PackageSourceKind.PACKAGE_SOURCE_KIND_DIRECTORY)
        .setLocation(rs.getString("location"))
        .setPriority(rs.getInt("priority"))
        .setUpdatedAt(Timestamps.fromMillis(rs.getTimestamp("updated_at").getTime()))
        .build();
  }
}
