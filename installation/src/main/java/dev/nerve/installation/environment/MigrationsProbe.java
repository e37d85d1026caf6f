package dev.nerve.installation.environment;

import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.storage.SchemaMigrator.SchemaStatus;
import java.util.List;
import java.util.stream.Collectors;

/** Every schema owned by a target in this process has all of its migrations applied. */
final class MigrationsProbe implements Probe {

  private final SchemaMigrator migrator;

  MigrationsProbe(SchemaMigrator migrator) {
    this.migrator = migrator;
  }

  @Override
  public String id() {
    return "postgres.migrations";
  }

  @Override
  public String title() {
    return "Database migrations";
  }

  @Override
  public Finding run() {
    List<SchemaStatus> schemas = migrator.status();
    String detail =
        schemas.stream()
            .map(s -> s.schema() + " v" + s.version() + (s.pending() > 0 ? " (" + s.pending() + " pending)" : ""))
            .collect(Collectors.joining(", "));
    boolean pending = schemas.stream().anyMatch(s -> s.pending() > 0);
    return pending
        ? Finding.fail(detail, "restart the service: each target applies its migrations at start")
        : Finding.ok(detail.isEmpty() ? "no schemas in this process" : detail);
  }
}
