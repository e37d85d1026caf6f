package dev.nerve.installation.environment;

import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.storage.SchemaMigrator.SchemaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every schema in use has all the migrations this build ships applied: the schemas of the targets
 * in this process, and those of the targets it reaches elsewhere (their Flyway history compared
 * with the migrations in this executable; a target built without them is reported as such).
 */
final class MigrationsProbe implements Probe {

  private final SchemaMigrator local;
  private final Supplier<SchemaMigrator> remote;
  private final Supplier<List<String>> remoteWithoutMigrations;

  /**
   * @param local migrator of this process's schemas
   * @param remote migrator of the schemas of reachable targets elsewhere whose migrations ship here
   * @param remoteWithoutMigrations schemas of reachable targets elsewhere whose migrations do not
   */
  MigrationsProbe(SchemaMigrator local, Supplier<SchemaMigrator> remote, Supplier<List<String>> remoteWithoutMigrations) {
    this.local = local;
    this.remote = remote;
    this.remoteWithoutMigrations = remoteWithoutMigrations;
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
    List<SchemaStatus> schemas = new ArrayList<>(local.status());
    List<SchemaStatus> elsewhere = remote.get().status();
    schemas.addAll(elsewhere);
    List<String> parts =
        schemas.stream()
            .map(s -> s.schema() + " v" + s.version() + (s.pending() > 0 ? " (" + s.pending() + " pending)" : ""))
            .collect(Collectors.toCollection(ArrayList::new));
    remoteWithoutMigrations.get().forEach(schema -> parts.add(schema + " (migrations not in this build; its own process checks them)"));
    String detail = String.join(", ", parts);
    List<String> pending = schemas.stream().filter(s -> s.pending() > 0).map(SchemaStatus::schema).toList();
    if (!pending.isEmpty()) {
      List<String> never = schemas.stream().filter(s -> s.pending() > 0 && s.version().equals("none")).map(SchemaStatus::schema).toList();
      return Finding.fail(
          detail,
          (never.isEmpty() ? "" : String.join(", ", never) + ": its target never started against this database;"
                  + " start it with this NERVE_DATABASE_URL. ")
              + "Restart the target owning " + String.join(", ", pending)
              + ": each target applies its own migrations at start (a target on an older build ships fewer)");
    }
    return Finding.ok(detail.isEmpty() ? "no schemas in use" : detail);
  }
}
