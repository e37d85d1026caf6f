package dev.nerve.installation.configuration;

import dev.nerve.installation.environment.Finding;
import dev.nerve.installation.environment.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * Every stored configuration document still passes validation (a schema change in a newer
 * release can make a saved setting invalid); replicas ignore settings they cannot read, so an
 * invalid document silently stops applying.
 */
final class ConfigurationProbe implements Probe {

  private final ConfigurationDocuments documents;

  ConfigurationProbe(ConfigurationDocuments documents) {
    this.documents = documents;
  }

  @Override
  public String id() {
    return "configuration.valid";
  }

  @Override
  public String group() {
    return "configuration";
  }

  @Override
  public String title() {
    return "Saved configuration is valid";
  }

  @Override
  public Finding run() {
    List<StoredVersion> current = documents.currentOfEveryScope();
    List<String> problems = new ArrayList<>();
    for (StoredVersion version : current) {
      List<Violation> violations = documents.validate(version.scope(), version.document());
      if (!violations.isEmpty()) {
        Violation first = violations.get(0);
        problems.add(
            (version.scope().global() ? "global" : "tenant " + version.scope().tenantId()) + " version "
                + version.version() + ": " + first.pointer() + " " + first.message());
      }
    }
    if (!problems.isEmpty()) {
      return Finding.fail(
          problems.size() + " stored documents are invalid: " + String.join("; ", problems.subList(0, Math.min(3, problems.size()))),
          "load the document, fix the settings named and save it again (or roll back to a valid version)");
    }
    return Finding.ok(current.isEmpty() ? "nothing saved; process properties apply" : current.size() + " stored documents, all valid");
  }
}
