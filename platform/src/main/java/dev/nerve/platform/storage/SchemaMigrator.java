package dev.nerve.platform.storage;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each local target's Flyway migrations to its own schema (own history table) and reports
 * whether every schema is up to date.
 */
public final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  private final DataSource dataSource;
  private final List<ServiceSchema> schemas;

  public SchemaMigrator(DataSource dataSource, List<ServiceSchema> schemas) {
    this.dataSource = dataSource;
    this.schemas = List.copyOf(schemas);
  }

  /** Migrates every schema; Flyway's advisory lock keeps concurrent replicas from colliding. */
  public void migrate() {
    for (ServiceSchema schema : schemas) {
      Flyway flyway = flyway(schema);
      int applied = flyway.migrate().migrationsExecuted;
      log.info(
          "Schema {} at version {} ({} migrations applied now)",
          schema.name(),
          versionOf(flyway.info().current()),
          applied);
    }
  }

  /** Current version and pending migrations of every local schema. */
  public List<SchemaStatus> status() {
    return schemas.stream()
        .map(
            schema -> {
              var info = flyway(schema).info();
              return new SchemaStatus(
                  schema.name(), versionOf(info.current()), info.pending().length);
            })
        .toList();
  }

  /** Applied version; "none" before the first versioned migration (or only the schema marker). */
  private static String versionOf(MigrationInfo current) {
    return current == null || current.getVersion() == null
        ? "none"
        : current.getVersion().getVersion();
  }

  private Flyway flyway(ServiceSchema schema) {
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema.name())
        .defaultSchema(schema.name())
        .createSchemas(true)
        .locations(schema.location())
        .failOnMissingLocations(false)
        .load();
  }

  /**
   * Migration state of one schema.
   *
   * @param schema schema name
   * @param version applied version ("none" before the first migration)
   * @param pending migrations known to this build but not applied
   */
  public record SchemaStatus(String schema, String version, int pending) {}
}
