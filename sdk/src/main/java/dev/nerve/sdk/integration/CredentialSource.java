package dev.nerve.sdk.integration;

import java.util.Optional;

/** Where endpoint calls and extensions get an integration's credentials, scoped by tenant. */
public interface CredentialSource {

  /** The integration's credentials, or empty when the tenant has no such integration. */
  Optional<Credentials> find(String tenant, String integrationId);
}
