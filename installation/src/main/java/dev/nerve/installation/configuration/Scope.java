package dev.nerve.installation.configuration;

import dev.nerve.api.installation.v1.ConfigScope;
import dev.nerve.platform.settings.LiveSettings;

/**
 * Which document: the global one ({@code tenantId} empty) or a tenant's.
 *
 * @param global true for the installation-wide document
 * @param tenantId the tenant, empty when global
 */
record Scope(boolean global, String tenantId) {

  static final Scope GLOBAL = new Scope(true, "");

  static Scope tenant(String tenantId) {
    return new Scope(false, tenantId);
  }

  /** The column value. */
  String kind() {
    return global ? "global" : "tenant";
  }

  /** The field of this document in {@link LiveSettings}. */
  String liveField() {
    return global ? LiveSettings.GLOBAL : LiveSettings.tenantScope(tenantId);
  }

  ConfigScope proto() {
    return global ? ConfigScope.CONFIG_SCOPE_GLOBAL : ConfigScope.CONFIG_SCOPE_TENANT;
  }
}
