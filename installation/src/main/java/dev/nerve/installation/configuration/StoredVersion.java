package dev.nerve.installation.configuration;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One saved version of a configuration document.
 *
 * @param scope whose document
 * @param version 1 for the first save of the scope
 * @param document the document as saved
 * @param changes what changed against the version before
 * @param savedBy the user who saved it
 * @param savedAt when
 * @param note why, as given
 * @param rolledBackTo the version it restored, 0 when not a rollback
 */
record StoredVersion(
    Scope scope,
    long version,
    JsonNode document,
    List<Change> changes,
    String savedBy,
    Instant savedAt,
    String note,
    long rolledBackTo) {}
