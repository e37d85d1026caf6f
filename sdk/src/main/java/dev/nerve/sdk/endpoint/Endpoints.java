package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.integration.CredentialSource;
import dev.nerve.sdk.integration.Credentials;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Replays;
import dev.nerve.sdk.support.Times;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import com.google.protobuf.Struct;
import dev.nerve.api.sdk.v1.ImportOpenApiRequest;
import dev.nerve.api.sdk.v1.ImportOpenApiResponse;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sdk.api}: registers, calls and removes a tenant's endpoints. Calls read the endpoint from
 * a short per-replica cache ({@value #CACHE_MILLIS} ms; writes on this replica clear it at once),
 * validate the parameters against its request schema, and send through {@link EndpointCaller}.
 */
public final class Endpoints {

  static final long CACHE_MILLIS = 2_000;

  private record Cached(Optional<Endpoint> endpoint, long loadedAt) {}

  private final EndpointRepository repository;
  private final EndpointRules rules;
  private final JsonSchemas schemas;
  private final EndpointCaller caller;
  private final CredentialSource credentials;
  private final Replays replays;
  private final TransactionTemplate tx;
  private final OpenApiImporter importer = new OpenApiImporter();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  Endpoints(
      EndpointRepository repository, EndpointRules rules, JsonSchemas schemas, EndpointCaller caller,
      CredentialSource credentials, Replays replays, TransactionTemplate tx) {
    this.tx = tx;
    this.repository = repository;
    this.rules = rules;
    this.schemas = schemas;
    this.caller = caller;
    this.credentials = credentials;
    this.replays = replays;
  }

  /** Registers or replaces an endpoint of the tenant. */
  public Endpoint register(String tenant, Endpoint endpoint, String extensionId, String field) {
    rules.check(field, endpoint);
    if (!endpoint.getIntegrationId().isEmpty() && credentials.find(tenant, endpoint.getIntegrationId()).isEmpty()) {
      throw NerveException.invalid(field + ".integrationId", "known", "names no integration of this tenant");
    }
    Endpoint existing = repository.find(tenant, endpoint.getName()).orElse(null);
    if (existing != null && !existing.getExtensionId().equals(extensionId)) {
      throw new NerveException(ErrorCode.ALREADY_EXISTS,
          "endpoint '" + endpoint.getName() + "' belongs to "
              + (existing.getExtensionId().isEmpty() ? "the tenant" : "extension '" + existing.getExtensionId() + "'")
              + "; remove it first");
    }
    Endpoint saved = repository.save(tenant, endpoint, extensionId, Times.now());
    cache.remove(key(tenant, saved.getName()));
    return saved;
  }

  /** Registers every operation of an OpenAPI document, all in one transaction. */
  public ImportOpenApiResponse importOpenApi(String tenant, ImportOpenApiRequest request) {
    OpenApiImporter.Result result = importer.read(request);
    List<Endpoint> endpoints = result.endpoints();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < endpoints.size(); i++) {
      rules.check("document.operations[" + i + "]", endpoints.get(i));
      if (!names.add(endpoints.get(i).getName())) {
        throw NerveException.invalid("document", "unique", "two operations map to the endpoint name '" + endpoints.get(i).getName() + "'");
      }
    }
    List<Endpoint> saved = tx.execute(status -> endpoints.stream()
        .map(endpoint -> register(tenant, endpoint, "", "document"))
        .sorted(java.util.Comparator.comparing(Endpoint::getName))
        .toList());
    return ImportOpenApiResponse.newBuilder().addAllEndpoints(saved).addAllSkipped(result.skipped()).build();
  }

  public Endpoint get(String tenant, String name) {
    return repository.find(tenant, name).orElseThrow(() -> NerveException.notFound("endpoint", name));
  }

  public List<Endpoint> list(String tenant, String integrationId, String after, int limit) {
    return repository.list(tenant, integrationId, after, limit);
  }

  /** Removes an endpoint the tenant registered itself; contributed ones go with their extension. */
  public Instant remove(String tenant, String name) {
    Endpoint endpoint = get(tenant, name);
    if (!endpoint.getExtensionId().isEmpty()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "endpoint '" + name + "' belongs to extension '" + endpoint.getExtensionId() + "'; unload the extension instead");
    }
    repository.delete(tenant, name);
    cache.remove(key(tenant, name));
    return Times.now();
  }

  /** Removes every endpoint an extension contributed; returns their names. */
  public List<String> removeContributed(String tenant, String extensionId) {
    List<String> removed = repository.deleteContributedBy(tenant, extensionId);
    removed.forEach(name -> cache.remove(key(tenant, name)));
    return removed;
  }

  /** Calls an endpoint; {@code requestId} makes retries return the first response. */
  public CallEndpointResponse call(String tenant, String name, Struct params, String requestId) {
    Endpoint endpoint = cached(tenant, name).orElseThrow(() -> NerveException.notFound("endpoint", name));
    ObjectNode tree = Json.tree(params);
    if (endpoint.hasRequestSchema()) {
      schemas.check(schemas.compile("endpoint.requestSchema", Json.tree(endpoint.getRequestSchema())), "params", tree);
    }
    Credentials secrets = null;
    if (!endpoint.getIntegrationId().isEmpty()) {
      secrets = credentials.find(tenant, endpoint.getIntegrationId())
          .orElseThrow(() -> new NerveException(ErrorCode.FAILED_PRECONDITION,
              "endpoint '" + name + "' uses integration '" + endpoint.getIntegrationId() + "', which no longer exists"));
    }
    Credentials auth = secrets;
    return replays.once(tenant, "endpoint:" + name, requestId, CallEndpointResponse.parser(),
        () -> caller.call(tenant, endpoint, tree, auth));
  }

  private Optional<Endpoint> cached(String tenant, String name) {
    String key = key(tenant, name);
    long now = System.currentTimeMillis();
    Cached cached = cache.get(key);
    if (cached == null || now - cached.loadedAt() > CACHE_MILLIS) {
      cached = new Cached(repository.find(tenant, name), now);
      if (cache.size() > 10_000) {
        cache.clear();
      }
      cache.put(key, cached);
    }
    return cached.endpoint();
  }

  private static String key(String tenant, String name) {
    return tenant + "\u0000" + name;
  }

}
