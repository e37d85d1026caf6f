package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.PackageSourceKind;
import dev.nerve.api.installation.v1.PutPackageSourceRequest;
import dev.nerve.installation.dependency.resolve.VersionRange;
import dev.nerve.installation.dependency.source.IndexDocument;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the requests of DependencyService, every violation with its field path, and its cursors. */
final class DependencyRequests {

  static final int MAX_ITEMS = 100;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  private static final String NAME_RULE = "1-64 of a-z 0-9 _ -, starting with a letter or digit";

  private DependencyRequests() {}

  static void requirements(List<DependencyRequirement> list, boolean required) {
    List<FieldViolation> violations = new ArrayList<>();
    if (required && list.isEmpty()) {
      violations.add(new FieldViolation("dependencies", "required", "must name at least one package"));
    }
    if (list.size() > MAX_ITEMS) {
      violations.add(new FieldViolation("dependencies", "maxItems", "must have at most " + MAX_ITEMS + " items"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      DependencyRequirement r = list.get(i);
      String at = "dependencies[" + i + "]";
      name(at + ".name", r.getName(), violations);
      if (!seen.add(r.getName())) {
        violations.add(new FieldViolation(at + ".name", "unique", "names '" + r.getName() + "' twice"));
      }
      try {
        VersionRange.parse(r.getVersionRange());
      } catch (IllegalArgumentException e) {
        violations.add(new FieldViolation(at + ".versionRange", "format", e.getMessage()));
      }
    }
    check(violations);
  }

  static void names(List<String> names) {
    List<FieldViolation> violations = new ArrayList<>();
    if (names.isEmpty()) {
      violations.add(new FieldViolation("names", "required", "must name at least one package"));
    }
    if (names.size() > MAX_ITEMS) {
      violations.add(new FieldViolation("names", "maxItems", "must have at most " + MAX_ITEMS + " items"));
    }
    for (int i = 0; i < names.size(); i++) {
      name("names[" + i + "]", names.get(i), violations);
    }
    check(violations);
  }

  static void name(String field, String value) {
    List<FieldViolation> violations = new ArrayList<>();
    name(field, value, violations);
    check(violations);
  }

  static void source(PutPackageSourceRequest request) {
    List<FieldViolation> violations = new ArrayList<>();
    name("name", request.getName(), violations);
    if (request.getKind() == PackageSourceKind.PACKAGE_SOURCE_KIND_UNSPECIFIED || request.getKind() == PackageSourceKind.UNRECOGNIZED) {
      violations.add(new FieldViolation("kind", "required", "must be DIRECTORY or HTTP"));
    }
    if (request.getLocation().isBlank() || request.getLocation().length() > 2048) {
      violations.add(new FieldViolation("location", "length", "must be 1-2048 characters"));
    }
    check(violations);
  }

  static int pageSize(int requested) {
    if (requested < 0 || requested > MAX_PAGE) {
      throw NerveException.invalid("page.pageSize", "range", "must be between 0 and " + MAX_PAGE);
    }
    return requested == 0 ? DEFAULT_PAGE : requested;
  }

  static String cursor(String name) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
  }

  static String after(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
    }
  }

  private static void name(String field, String value, List<FieldViolation> violations) {
    if (!IndexDocument.NAME.matcher(value).matches()) {
      violations.add(new FieldViolation(field, "pattern", NAME_RULE));
    }
  }

  private static void check(List<FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }
}
