package dev.nerve.gateway.identity;

import dev.nerve.platform.security.Role;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the first tenant and admin from {@code NERVE_BOOTSTRAP_ADMIN_USERNAME} / {@code
 * NERVE_BOOTSTRAP_ADMIN_PASSWORD} when the installation has no user yet. There is no built-in
 * password: without these settings the gateway starts with no user and says how to create one.
 */
public final class BootstrapAdmin {

  private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
  static final int MIN_PASSWORD_LENGTH = 12;

  private BootstrapAdmin() {}

  /** Runs once per start; does nothing when any user exists. */
  public static void run(UserStore users, String tenant, String username, String password) {
    if (users.anyUser()) {
      return;
    }
    if (username == null || username.isBlank() || password == null || password.isBlank()) {
      log.warn(
          "No user exists yet. Set NERVE_BOOTSTRAP_ADMIN_USERNAME and NERVE_BOOTSTRAP_ADMIN_PASSWORD"
              + " (at least {} characters) and restart to create the first admin.",
          MIN_PASSWORD_LENGTH);
      return;
    }
    if (password.length() < MIN_PASSWORD_LENGTH) {
      throw new IllegalStateException(
          "NERVE_BOOTSTRAP_ADMIN_PASSWORD must be at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    users.ensureTenant(tenant, tenant);
    try {
      users.create(tenant, username, password, List.of(Role.ADMIN.id()));
      log.info("Created the first admin '{}' in tenant '{}'", username, tenant);
    } catch (dev.nerve.platform.error.NerveException e) {
      // Another replica created it at the same moment.
      log.info("First admin '{}' already exists", username);
    }
  }
}
