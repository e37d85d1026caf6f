package dev.nerve.sdk.integration;

import dev.nerve.api.sdk.v1.IntegrationConfig;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Times;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code sdk.integration}: typed integrations whose credentials are sealed with the master key
 * (one sealed JSON object per row, bound to the row), never returned (only masked) and never
 * logged. Also the {@link CredentialSource} endpoint calls and extensions authenticate with.
 */
public final class Integrations implements CredentialSource {

  static final int MAX_CREDENTIALS = 32;
  static final int MAX_SECRET_CHARS = 16_384;

  private final IntegrationRepository repository;
  private final IntegrationTypes types;
  private final JsonSchemas schemas;
  private final SecretBox box;
  private final TransactionTemplate tx;
  private final ConnectivityTester tester;
  private final BiFunction<String, String, List<String>> endpointsUsing;

  Integrations(
      IntegrationRepository repository, IntegrationTypes types, JsonSchemas schemas, SecretBox box, TransactionTemplate tx,
      ConnectivityTester tester, BiFunction<String, String, List<String>> endpointsUsing) {
    this.repository = repository;
    this.types = types;
    this.schemas = schemas;
    this.box = box;
    this.tx = tx;
    this.tester = tester;
    this.endpointsUsing = endpointsUsing;
  }

  /** Associated data binding a sealed value to its row. */
  static String context(String tenant, String id) {
    return "sdk.integration:" + tenant + ":" + id;
  }

  public IntegrationConfig setup(String tenant, IntegrationConfig config) {
    String id = config.getId().isEmpty() ? UUID.randomUUID().toString() : config.getId();
    Inputs.Violations v = Inputs.violations();
    v.match("config.id", id, Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -");
    v.maxLength("config.displayName", config.getDisplayName(), 256);
    v.payload("config.settings", config.getSettings());
    if (config.getScopesCount() > 64) {
      v.add("config.scopes", "maxItems", "must have at most 64 items");
    }
    if (config.getCredentialsCount() > MAX_CREDENTIALS) {
      v.add("config.credentials", "maxItems", "must have at most " + MAX_CREDENTIALS + " entries");
    }
    config.getCredentialsMap().forEach((key, value) -> {
      if (!Inputs.ID.matcher(key).matches()) {
        v.add("config.credentials", "propertyNames", "names must be 1-64 of A-Z a-z 0-9 . _ -");
      }
      if (value.length() > MAX_SECRET_CHARS) {
        v.add("config.credentials." + (key.length() > 64 ? key.substring(0, 64) : key), "maxLength",
            "must be at most " + MAX_SECRET_CHARS + " characters long");
      }
    });
    Optional<IntegrationType> type = config.getProvider().isEmpty() ? Optional.empty() : types.find(tenant, config.getProvider());
    if (config.getProvider().isEmpty()) {
      v.add("config.provider", "required", "must not be empty");
    } else if (type.isEmpty()) {
      v.add("config.provider", "known", "must be one of http, slack, github, smtp, openai, mcp or a type of a loaded extension");
    }
    v.check();
    IntegrationType kind = type.orElseThrow();
    schemas.check(schemas.compile("provider", kind.settingsSchema()), "config.settings", Json.tree(config.getSettings()));
    if (!kind.knownCredentials().isEmpty()) {
      for (String key : config.getCredentialsMap().keySet()) {
        if (!kind.knownCredentials().contains(key)) {
          throw NerveException.invalid("config.credentials", "known",
              "provider " + kind.provider() + " takes only " + String.join(", ", kind.knownCredentials()));
        }
      }
    }
    return tx.execute(status -> {
      Optional<IntegrationRepository.Row> existing = repository.find(tenant, id, true);
      Map<String, String> secrets = new TreeMap<>(existing.map(row -> open(tenant, id, row.sealedCredentials())).orElse(Map.of()));
      config.getCredentialsMap().forEach((key, value) -> {
        if (value.isEmpty()) {
          secrets.remove(key);
        } else {
          secrets.put(key, value);
        }
      });
      for (String required : kind.requiredCredentials()) {
        if (!secrets.containsKey(required)) {
          throw NerveException.invalid("config.credentials." + required, "required", "is required by provider " + kind.provider());
        }
      }
      Map<String, String> masked = new TreeMap<>();
      secrets.forEach((key, value) -> masked.put(key, mask(value)));
      IntegrationConfig stored = config.toBuilder()
          .setId(id)
          .clearCredentials()
          .clearCredentialKeys()
          .addAllCredentialKeys(secrets.keySet())
          .clearMaskedCredentials()
          .clearLastTest()
          .build();
      String sealed = secrets.isEmpty() ? "" : box.seal(Json.write(Json.MAPPER.valueToTree(secrets)), context(tenant, id));
      repository.save(tenant, stored, sealed, masked, Times.now());
      return repository.find(tenant, id, false).orElseThrow().config();
    });
  }

  public IntegrationConfig get(String tenant, String id) {
    return repository.find(tenant, id, false).orElseThrow(() -> NerveException.notFound("integration", id)).config();
  }

  public List<IntegrationConfig> list(String tenant, String provider, String after, int limit) {
    return repository.list(tenant, provider, after, limit);
  }

  /** Removes an integration; while endpoints use it only when forced. Returns those endpoints. */
  public List<String> remove(String tenant, String id, boolean force) {
    get(tenant, id);
    List<String> using = endpointsUsing.apply(tenant, id);
    if (!using.isEmpty() && !force) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "integration '" + id + "' is used by " + using.size() + " endpoints (" + String.join(", ", using.subList(0, Math.min(5, using.size())))
              + (using.size() > 5 ? ", ..." : "") + "); remove them first or force");
    }
    repository.delete(tenant, id);
    return force ? using : List.of();
  }

  public TestResult test(String tenant, String id) {
    Credentials credentials = find(tenant, id).orElseThrow(() -> NerveException.notFound("integration", id));
    TestResult result = tester.test(credentials);
    repository.saveTest(tenant, id, result);
    return result;
  }

  @Override
  public Optional<Credentials> find(String tenant, String id) {
    return repository.find(tenant, id, false)
        .map(row -> new Credentials(id, row.config().getProvider(), row.config().getSettings(), open(tenant, id, row.sealedCredentials())));
  }

  private Map<String, String> open(String tenant, String id, String sealed) {
    if (sealed.isEmpty()) {
      return Map.of();
    }
    JsonNode secrets = Json.read(box.open(sealed, context(tenant, id)));
    Map<String, String> map = new TreeMap<>();
    secrets.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
    return map;
  }

  /** All but the last 4 characters hidden; short values fully. */
  static String mask(String value) {
    return value.length() <= 8 ? "********" : "****" + value.substring(value.length() - 4);
  }

}
