package dev.nerve.installation.setup;

import dev.nerve.installation.dependency.resolve.VersionRange;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * First-run setup's deployment defaults (prefix {@code nerve.installation.setup}), so that every
 * tenant set up here starts with the same extensions; every property is in the README's
 * configuration table.
 *
 * @param defaultSources package sources added to the set-up tenant when it has none of that name
 * @param defaultExtensions packages installed for the set-up tenant when missing or outside their range
 */
@ConfigurationProperties("nerve.installation.setup")
public record SetupProperties(
    @DefaultValue List<DefaultSource> defaultSources, @DefaultValue List<DefaultExtension> defaultExtensions) {

  public SetupProperties {
    defaultSources = List.copyOf(defaultSources);
    defaultExtensions = List.copyOf(defaultExtensions);
  }

  /** Kind of a default package source, as in {@code PackageSourceKind}. */
  public enum Kind {
    DIRECTORY,
    HTTP
  }

  /**
   * A package source every set-up tenant gets.
   *
   * @param name the source's name in the tenant
   * @param kind DIRECTORY (location relative to {@code nerve.installation.packages.directory-root}) or HTTP
   * @param location the directory, or the URL of the JSON index
   */
  public record DefaultSource(String name, Kind kind, String location) {
    public DefaultSource {
      if (name == null || name.isBlank() || kind == null || location == null || location.isBlank()) {
        throw new IllegalArgumentException(
            "nerve.installation.setup.default-sources entries need a name, a kind (DIRECTORY or HTTP) and a location");
      }
    }
  }

  /**
   * A package every set-up tenant gets.
   *
   * @param name the package's name
   * @param versionRange semver range it must satisfy ({@code ^1.2}); empty accepts any release
   */
  public record DefaultExtension(String name, @DefaultValue("") String versionRange) {
    public DefaultExtension {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("nerve.installation.setup.default-extensions entries need a name");
      }
      VersionRange.parse(versionRange);
    }
  }
}
