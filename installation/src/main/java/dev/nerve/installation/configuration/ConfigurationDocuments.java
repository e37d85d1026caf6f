package dev.nerve.installation.configuration;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.settings.LiveSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Saving, rolling back and reading configuration documents: validation before anything is
 * stored, one new version per change with its diff, and publication to every replica after the
 * commit. A document equal to the current one stores nothing.
 */
final class ConfigurationDocuments {

  private static final Logger log = LoggerFactory.getLogger(ConfigurationDocuments.class);
  static final int MAX_NOTE_CHARS = 500;

  /** What a save did. */
  record Saved(StoredVersion version, boolean unchanged, List<String> appliedLive, List<String> restartRequired) {}

  private final SettingsCatalog catalog;
  private final DocumentValidator validator;
  private final ConfigurationStore store;
  private final TransactionTemplate tx;
  private final LiveSettings live;
  private final Clock clock;

  ConfigurationDocuments(
      SettingsCatalog catalog,
      ConfigurationStore store,
      TransactionTemplate tx,
      LiveSettings live,
      Clock clock) {
    this.catalog = catalog;
    this.validator = new DocumentValidator(catalog);
    this.store = store;
    this.tx = tx;
    this.live = live;
    this.clock = clock;
  }

  List<Violation> validate(Scope scope, JsonNode document) {
    return validator.violations(document, !scope.global());
  }

  /**
   * Validates and stores {@code document} as the scope's new version, then publishes it.
   *
   * @throws NerveException INVALID_ARGUMENT with one violation per problem (field = JSON pointer),
   *     CONFLICT when {@code expectedVersion} is not current
   */
  Saved save(Scope scope, JsonNode document, Long expectedVersion, String author, String note, long rolledBackTo) {
    if (note.length() > MAX_NOTE_CHARS) {
      throw NerveException.invalid("note", "maxLength", "must be at most " + MAX_NOTE_CHARS + " characters");
    }
    List<Violation> violations = validate(scope, document);
    if (!violations.isEmpty()) {
      List<FieldViolation> fields = new ArrayList<>();
      violations.forEach(v -> fields.add(new FieldViolation(v.pointer(), v.rule(), v.message())));
      throw NerveException.invalid(fields);
    }
    Saved saved =
        tx.execute(
            status -> {
              store.lock(scope);
              Optional<StoredVersion> current = store.current(scope);
              long currentVersion = current.map(StoredVersion::version).orElse(0L);
              if (expectedVersion != null && expectedVersion != currentVersion) {
                throw NerveException.conflict(
                    "the " + scope.kind() + " configuration is at version " + currentVersion + ", not "
                        + expectedVersion + "; load it again and reapply your change");
              }
              JsonNode previous = current.map(StoredVersion::document).orElse(SettingsCatalog.JSON.createObjectNode());
              List<Change> changes = Change.between(previous, document, catalog);
              if (changes.isEmpty() && current.isPresent()) {
                return new Saved(current.get(), true, List.of(), List.of());
              }
              StoredVersion next =
                  new StoredVersion(
                      scope, currentVersion + 1, document, changes, author, clock.instant(), note, rolledBackTo);
              store.insert(next);
              return classify(next, false);
            });
    if (!saved.unchanged()) {
      publish(saved.version());
      log.info(
          "configuration {} {} saved as version {} by {}: {} changes",
          scope.kind(),
          scope.tenantId(),
          saved.version().version(),
          author,
          saved.version().changes().size());
    }
    return saved;
  }

  /** Makes {@code version}'s document current again as a new version. */
  Saved rollback(Scope scope, long version, Long expectedVersion, String author) {
    StoredVersion target =
        store.version(scope, version).orElseThrow(() -> NerveException.notFound("configuration version", String.valueOf(version)));
    return save(scope, target.document(), expectedVersion, author, "rollback to version " + version, version);
  }

  private Saved classify(StoredVersion version, boolean unchanged) {
    List<String> liveChanges = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    for (Change change : version.changes()) {
      boolean applied = catalog.setting(change.pointer()).map(Setting::live).orElse(false);
      (applied ? liveChanges : restart).add(change.pointer());
    }
    return new Saved(version, unchanged, liveChanges, restart);
  }

  /** Publishes every scope's current document (at start, and to repair a Redis that lost them). */
  int publishAll() {
    List<StoredVersion> all = store.currentOfEveryScope();
    for (StoredVersion version : all) {
      publish(version);
    }
    return all.size();
  }

  private void publish(StoredVersion version) {
    try {
      live.publish(version.scope().liveField(), Structs.struct(version.document()));
    } catch (RuntimeException e) {
      log.warn(
          "configuration {} version {} is stored but could not be published to Redis ({}); replicas get it when it is"
              + " published again",
          version.scope().liveField(),
          version.version(),
          e.toString());
    }
  }

  List<StoredVersion> currentOfEveryScope() {
    return store.currentOfEveryScope();
  }

  StoredVersion get(Scope scope, long version) {
    return store.version(scope, version)
        .orElseThrow(() -> new NerveException(ErrorCode.NOT_FOUND, "the " + scope.kind() + " configuration has no version " + version));
  }

  Optional<StoredVersion> current(Scope scope) {
    return store.current(scope);
  }

  List<StoredVersion> history(Scope scope, long before, int limit) {
    return store.history(scope, before, limit);
  }

  /** The changes from {@code from} to {@code to} (0: empty document; for {@code to}, 0 is current). */
  List<Change> diff(Scope scope, long from, long to) {
    JsonNode older = from == 0 ? SettingsCatalog.JSON.createObjectNode() : get(scope, from).document();
    JsonNode newer =
        to == 0
            ? current(scope).map(StoredVersion::document).orElse(SettingsCatalog.JSON.createObjectNode())
            : get(scope, to).document();
    return Change.between(older, newer, catalog);
  }

  SettingsCatalog catalog() {
    return catalog;
  }
}
