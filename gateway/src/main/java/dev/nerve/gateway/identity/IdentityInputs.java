package dev.nerve.gateway.identity;

import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.input.StoredText;
import dev.nerve.platform.security.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Inputs of the identity operations and their rules; every violation names its field and rule.
 * Text must also be storable as sent (no NUL, no unpaired surrogate: {@link StoredText}).
 */
final class IdentityInputs {

  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");
  static final int MAX_PASSWORD = 256;
  static final int MAX_TOKEN = 512;
  static final int MAX_NAME = 100;

  private IdentityInputs() {}

  /**
   * A login or refresh request after validation: either username and password, or a refresh token.
   *
   * @param username login name
   * @param password password
   * @param refreshToken refresh token
   */
  record Login(String username, String password, String refreshToken) {
    @Override
    public String toString() {
      return "Login[username=" + username + "]";
    }
  }

  /**
   * A new user.
   *
   * @param username unique login name
   * @param password at least 12 characters
   * @param roles roles in the admin's tenant
   */
  record NewUser(String username, String password, List<String> roles) {
    @Override
    public String toString() {
      return "NewUser[username=" + username + ", roles=" + roles + "]";
    }
  }

  /**
   * A new API key.
   *
   * @param name label for people
   * @param roles roles the key acts with
   */
  record NewApiKey(String name, List<String> roles) {}

  static Login login(String username, String password, String refreshToken) {
    List<FieldViolation> violations = new ArrayList<>();
    if (refreshToken != null) {
      if (username != null || password != null) {
        violations.add(new FieldViolation("refreshToken", "exclusive", "send either refreshToken or username and password"));
      }
      max(violations, "refreshToken", refreshToken, MAX_TOKEN);
    } else {
      if (username == null || username.isBlank()) {
        violations.add(new FieldViolation("username", "required", "is required"));
      } else {
        max(violations, "username", username, 64);
      }
      if (password == null || password.isEmpty()) {
        violations.add(new FieldViolation("password", "required", "is required"));
      } else {
        max(violations, "password", password, MAX_PASSWORD);
      }
    }
    throwIfAny(violations);
    return new Login(username, password, refreshToken);
  }

  static void validate(NewUser user) {
    List<FieldViolation> violations = new ArrayList<>();
    credentials(violations, user.username(), user.password());
    roles(violations, user.roles());
    throwIfAny(violations);
  }

  /** The rules a new account's username and password follow, wherever the account is made. */
  static void credentials(List<FieldViolation> violations, String username, String password) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      violations.add(new FieldViolation("username", "format", "must be 3 to 64 letters, digits or . _ @ -"));
    }
    if (password == null || password.length() < BootstrapAdmin.MIN_PASSWORD_LENGTH) {
      violations.add(new FieldViolation("password", "min", "must be at least " + BootstrapAdmin.MIN_PASSWORD_LENGTH + " characters"));
    } else {
      max(violations, "password", password, MAX_PASSWORD);
    }
  }

  static void validate(NewApiKey key) {
    List<FieldViolation> violations = new ArrayList<>();
    if (key.name() == null || key.name().isBlank()) {
      violations.add(new FieldViolation("name", "required", "is required"));
    } else {
      max(violations, "name", key.name(), MAX_NAME);
    }
    roles(violations, key.roles());
    throwIfAny(violations);
  }

  static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw NerveException.invalid(field, "required", "is required");
    }
    if (value.length() > MAX_TOKEN) {
      throw NerveException.invalid(field, "max", "must be at most " + MAX_TOKEN + " characters");
    }
    StoredText.problem(value)
        .ifPresent(
            problem -> {
              throw NerveException.invalid(field, "encoding", problem);
            });
    return value;
  }

  static UUID uuid(String field, String value) {
    try {
      return UUID.fromString(required(field, value));
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid(field, "format", "must be a UUID");
    }
  }

  private static void roles(List<FieldViolation> violations, List<String> roles) {
    if (roles == null || roles.isEmpty()) {
      violations.add(new FieldViolation("roles", "required", "needs at least one role"));
      return;
    }
    for (int i = 0; i < roles.size(); i++) {
      if (roles.get(i) == null || Role.fromId(roles.get(i)).isEmpty()) {
        violations.add(new FieldViolation("roles[" + i + "]", "known", "must be admin, operator or viewer"));
      }
    }
  }

  private static void max(List<FieldViolation> violations, String field, String value, int max) {
    if (value.length() > max) {
      violations.add(new FieldViolation(field, "max", "must be at most " + max + " characters"));
    }
    StoredText.problem(value).ifPresent(problem -> violations.add(new FieldViolation(field, "encoding", problem)));
  }

  private static void throwIfAny(List<FieldViolation> violations) {
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }
}
