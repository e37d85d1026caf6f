package dev.nerve.gateway.rest;

import dev.nerve.gateway.error.ErrorClass;
import dev.nerve.platform.security.Permission;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * What every operation of the REST document shares: title and version, the bearer and API-key
 * security schemes (so Swagger UI offers Authorize), the RFC 9457 problem schema and the problem
 * responses by status, {@code application/json} on every success, and the problems of the
 * gateway's own routes (login, identity, audit).
 */
public final class ApiDocument implements OpenApiCustomizer {

  /** Prefix of the shared responses. */
  static final String RESPONSES = "#/components/responses/";

  private static final String BEARER = "bearer";
  private static final String API_KEY = "apiKey";

  private static final Map<String, String> REASONS = new LinkedHashMap<>();

  static {
    REASONS.put("400", "Bad input (BAD_USER_INPUT); `violations` names each broken rule.");
    REASONS.put("401", "No valid credential (UNAUTHENTICATED).");
    REASONS.put("403", "The caller's role lacks the permission (FORBIDDEN).");
    REASONS.put("404", "No such object in the caller's tenant (NOT_FOUND).");
    REASONS.put("409", "A stale expected version or a conflicting state (CONFLICT).");
    REASONS.put("429", "Rate limit exceeded (RATE_LIMITED); retry after `Retry-After` seconds.");
    REASONS.put("500", "Internal error (INTERNAL); the cause is logged with the trace id.");
    REASONS.put("503", "A service or store is unavailable (UNAVAILABLE); safe to retry after `Retry-After`.");
  }

  private final String version;

  public ApiDocument(String version) {
    this.version = version;
  }

  /** The problem statuses an operation can answer. */
  static List<String> problems(Permission permission, boolean addressesObject, boolean changes, boolean costs) {
    List<String> codes = new ArrayList<>(List.of("400"));
    if (permission != Permission.PUBLIC) {
      codes.add("401");
      if (permission != Permission.SESSION) {
        codes.add("403");
      }
    }
    if (addressesObject) {
      codes.add("404");
    }
    if (changes) {
      codes.add("409");
    }
    if (costs || permission == Permission.PUBLIC) {
      codes.add("429");
    }
    codes.addAll(List.of("500", "503"));
    return codes;
  }

  @Override
  public void customise(OpenAPI openApi) {
    openApi.info(
        new Info()
            .title("Nerve API")
            .version(version)
            .description(
                "REST surface of Nerve, the backend of the AI assistant's command center: memory, installation,"
                    + " SDK, automation and learning. Every operation mirrors a gRPC contract; errors are RFC 9457"
                    + " problems. Conventions: docs/api-conventions.md.")
            .license(new License().name("Proprietary")));
    // Relative, so the document works behind any host, port or proxy that serves it.
    openApi.servers(List.of(new Server().url("/").description("The server that serves this document")));
    Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
    openApi.components(components);
    components.addSecuritySchemes(
        BEARER,
        new SecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .bearerFormat("JWT")
            .description("An access token from POST /api/v1/auth/token, an OIDC access token, or an API key."));
    components.addSecuritySchemes(
        API_KEY,
        new SecurityScheme()
            .type(SecurityScheme.Type.APIKEY)
            .in(SecurityScheme.In.HEADER)
            .name("X-API-Key")
            .description("An API key (nrv_...)."));
    openApi.security(List.of(new SecurityRequirement().addList(BEARER), new SecurityRequirement().addList(API_KEY)));
    components.addSchemas("Violation", violation());
    components.addSchemas("Problem", problem());
    Content problem =
        new Content()
            .addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
    REASONS.forEach(
        (status, reason) -> {
          ApiResponse response = new ApiResponse().description(reason).content(problem);
          if (status.equals("429") || status.equals("503")) {
            response.addHeaderObject(
                "Retry-After", new Header().description("Seconds to wait before retrying.").schema(new IntegerSchema()));
          }
          components.addResponses(status, response);
        });
    if (openApi.getPaths() != null) {
      openApi.getPaths().values().forEach(ApiDocument::completeOwnRoute);
    }
  }

  /** Routes of the gateway's own controllers: JSON media types and the shared problem responses. */
  private static void completeOwnRoute(PathItem item) {
    for (Operation operation : item.readOperations()) {
      if (operation.getResponses() == null) {
        continue;
      }
      operation.getResponses().forEach((status, response) -> {
        if (response.getContent() != null && response.getContent().containsKey("*/*")) {
          MediaType media = response.getContent().remove("*/*");
          response.getContent().addMediaType("application/json", media);
        }
      });
      if (operation.getResponses().keySet().stream().noneMatch(s -> s.startsWith("4"))) {
        boolean open = operation.getSecurity() != null && operation.getSecurity().isEmpty();
        for (String status : problems(open ? Permission.PUBLIC : Permission.IDENTITY_ADMIN, false, true, true)) {
          operation.getResponses().addApiResponse(status, new ApiResponse().$ref(RESPONSES + status));
        }
      }
    }
  }

  private static Schema<?> violation() {
    ObjectSchema schema = new ObjectSchema();
    schema.description("One broken input rule.");
    schema.addProperty("field", new StringSchema().description("Path of the offending input, e.g. `input.text` or `scope.sessionId`."));
    schema.addProperty("rule", new StringSchema().description("Short rule id, e.g. `required`, `unknown`, `maxLength`."));
    schema.addProperty("message", new StringSchema().description("What the rule wants, for humans."));
    schema.setRequired(List.of("field", "rule", "message"));
    return schema;
  }

  private static Schema<?> problem() {
    ObjectSchema schema = new ObjectSchema();
    schema.description("An error (RFC 9457 problem details) with Nerve's error class in `code`.");
    schema.addProperty("type", new StringSchema().format("uri").description("urn:nerve:problem:<code in kebab case>."));
    schema.addProperty("title", new StringSchema().description("The HTTP reason phrase."));
    schema.addProperty("status", new IntegerSchema().description("The HTTP status."));
    schema.addProperty("detail", new StringSchema().description("What went wrong, safe to show."));
    schema.addProperty("instance", new StringSchema().format("uri-reference").description("The request path."));
    StringSchema code = new StringSchema();
    code.description("Error class, the same as GraphQL's `extensions.code`.");
    Arrays.stream(ErrorClass.values()).forEach(c -> code.addEnumItem(c.name()));
    schema.addProperty("code", code);
    schema.addProperty("violations", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/Violation")).description("Broken input rules (BAD_USER_INPUT only)."));
    schema.addProperty("retryAfterSeconds", new IntegerSchema().description("Seconds to wait (RATE_LIMITED only)."));
    schema.setRequired(List.of("type", "title", "status", "detail", "code"));
    return schema;
  }
}
