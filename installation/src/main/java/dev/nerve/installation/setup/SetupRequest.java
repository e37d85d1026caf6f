package dev.nerve.installation.setup;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.installation.environment.smoke.SmokeTenant;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.input.StoredText;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link SetupConfig} after validation, so that bad input is refused before any step runs.
 *
 * @param tenantId slug of the tenant name
 * @param tenantName display name of the tenant
 * @param username administrator's username
 * @param password administrator's password, generated when none was given
 * @param generated whether the password was generated here
 * @param document the tenant's first configuration document, built from the settings
 */
record SetupRequest(
    String tenantId, String tenantName, String username, String password, boolean generated, Struct document) {

  static final int MIN_PASSWORD = 12;
  static final int MAX_PASSWORD = 256;
  static final int MAX_TENANT_NAME = 100;
  static final int MAX_SETTINGS = 100;
  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Protobuf's JSON parser is lenient ({@code plain word} reads as {@code "plain"}); this one is not. */
  private static final JsonMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  @Override
  public String toString() {
    return "SetupRequest[tenantId=" + tenantId + ", username=" + username + "]";
  }

  /** Validates every field at once; INVALID_ARGUMENT naming each bad one. */
  static SetupRequest of(SetupConfig config) {
    List<FieldViolation> violations = new ArrayList<>();
    String name = config.getTenantName().strip();
    String tenantId = slug(name);
    if (name.isEmpty()) {
      violations.add(new FieldViolation("tenantName", "required", "is required"));
    } else if (name.length() > MAX_TENANT_NAME || StoredText.problem(name).isPresent()) {
      violations.add(new FieldViolation("tenantName", "max", "must be at most " + MAX_TENANT_NAME + " characters of text"));
    } else if (tenantId.isEmpty()) {
      violations.add(new FieldViolation("tenantName", "format", "must contain a letter or digit (the tenant id is derived from it)"));
    } else if (tenantId.equals(SmokeTenant.ID)) {
      violations.add(new FieldViolation("tenantName", "reserved", "'" + SmokeTenant.ID + "' is reserved for nerve verify's smokes"));
    }
    if (config.getAdminUsername().isEmpty()) {
      violations.add(new FieldViolation("adminUsername", "required", "is required"));
    } else if (!USERNAME.matcher(config.getAdminUsername()).matches()) {
      violations.add(new FieldViolation("adminUsername", "format", "must be 3 to 64 letters, digits or . _ @ -"));
    }
    String password = config.getAdminPassword();
    boolean generated = password.isEmpty();
    if (generated) {
      password = generatePassword();
    } else if (password.length() < MIN_PASSWORD) {
      violations.add(new FieldViolation("adminPassword", "min", "must be at least " + MIN_PASSWORD + " characters"));
    } else if (password.length() > MAX_PASSWORD) {
      violations.add(new FieldViolation("adminPassword", "max", "must be at most " + MAX_PASSWORD + " characters"));
    }
    Struct document = document(config.getSettingsMap(), violations);
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    return new SetupRequest(tenantId, name, config.getAdminUsername(), password, generated, document);
  }

  /** "Acme Corp" is "acme-corp": lower-case letters and digits, every other run a dash, at most 63. */
  static String slug(String name) {
    String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() > 63) {
      slug = slug.substring(0, 63).replaceAll("-+$", "");
    }
    return slug;
  }

  /** 144 random bits, base64url: 24 characters. */
  static String generatePassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The settings as one document: each JSON pointer set to its value (JSON, or else a string). */
  private static Struct document(Map<String, String> settings, List<FieldViolation> violations) {
    if (settings.size() > MAX_SETTINGS) {
      violations.add(new FieldViolation("settings", "max", "at most " + MAX_SETTINGS + " entries"));
      return Struct.getDefaultInstance();
    }
    Struct.Builder root = Struct.newBuilder();
    for (Map.Entry<String, String> entry : new TreeMap<>(settings).entrySet()) {
      String pointer = entry.getKey();
      String field = "settings[" + pointer + "]";
      if (!pointer.startsWith("/") || pointer.length() < 2 || pointer.contains("//") || pointer.endsWith("/")) {
        violations.add(new FieldViolation(field, "pointer", "must be a JSON pointer such as /rateLimits/perMinute"));
        continue;
      }
      List<String> path = new ArrayList<>();
      for (String token : pointer.substring(1).split("/")) {
        path.add(token.replace("~1", "/").replace("~0", "~"));
      }
      if (!put(root, path, value(entry.getValue()))) {
        violations.add(new FieldViolation(field, "pointer", "conflicts with another setting's pointer"));
      }
    }
    return root.build();
  }

  /** The text as JSON when it is exactly one JSON value (checked strictly), else as a string. */
  private static Value value(String text) {
    try {
      STRICT.readTree(text);
      Value.Builder value = Value.newBuilder();
      JsonFormat.parser().merge(text, value);
      return value.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Value.newBuilder().setStringValue(text).build();
    }
  }

  private static boolean put(Struct.Builder node, List<String> path, Value value) {
    String key = path.get(0);
    if (path.size() == 1) {
      if (node.containsFields(key)) {
        return false;
      }
      node.putFields(key, value);
      return true;
    }
    Value existing = node.getFieldsOrDefault(key, Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build());
    if (!existing.hasStructValue()) {
      return false;
    }
    Struct.Builder child = existing.getStructValue().toBuilder();
    boolean ok = put(child, path.subList(1, path.size()), value);
    node.putFields(key, Value.newBuilder().setStructValue(child).build());
    return ok;
  }
}
