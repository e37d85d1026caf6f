package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.support.Json;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.outbound.OutboundRequest;
import dev.nerve.platform.outbound.OutboundResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code http.request}: one HTTP request through the platform's outbound guard (private, loopback,
 * link-local and metadata addresses refused unless allowlisted; checked after DNS resolution and on
 * every redirect). Sends the attempt's idempotency key as {@code Idempotency-Key}. A status of 400
 * or more fails the run (429 and 5xx may be retried) unless {@code failOnStatus} is false.
 */
final class HttpRequestKind implements ActionKind {

  private final GuardedHttpClient client;

  HttpRequestKind(GuardedHttpClient client) {
    this.client = client;
  }

  @Override
  public String id() {
    return "http.request";
  }

  @Override
  public dev.nerve.api.automation.v1.ActionKind category() {
    return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_HTTP_REQUEST;
  }

  @Override
  public String description() {
    return "Sends one HTTP request. Parameters: url, method (GET), headers, body (JSON, or a string),"
        + " timeoutMs, failOnStatus (true). Output: status, headers, body (parsed when JSON).";
  }

  @Override
  public Struct inputSchema() {
    return Schemas.of(
        "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":8192},"
            + "\"method\":{\"enum\":[\"GET\",\"HEAD\",\"POST\",\"PUT\",\"PATCH\",\"DELETE\",\"OPTIONS\"]},"
            + "\"headers\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"},\"maxProperties\":50},"
            + "\"timeoutMs\":{\"type\":\"number\",\"minimum\":1},\"failOnStatus\":{\"type\":\"boolean\"}},"
            + "\"required\":[\"url\"]}");
  }

  @Override
  public Value run(Invocation call) {
    URI url;
    try {
      url = new URI(call.string("url", ""));
    } catch (URISyntaxException e) {
      throw new ActionFailure("url is not a valid URL", false);
    }
    String method = call.string("method", "GET").toUpperCase(Locale.ROOT);
    OutboundRequest.Builder request = OutboundRequest.builder(method, url);
    Struct headers = call.params().getFieldsOrDefault("headers", Json.of(Struct.getDefaultInstance())).getStructValue();
    headers.getFieldsMap().forEach((name, value) -> {
      if (name.equalsIgnoreCase("authorization") || name.toLowerCase(Locale.ROOT).contains("token")) {
        request.secretHeader(name, value.getStringValue());
      } else {
        request.header(name, value.getStringValue());
      }
    });
    request.header("Idempotency-Key", call.idempotencyKey());
    Value body = call.params().getFieldsOrDefault("body", null);
    if (body != null) {
      if (body.hasStringValue()) {
        request.body(body.getStringValue().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
      } else {
        request.body(Json.print(body).getBytes(StandardCharsets.UTF_8), "application/json");
      }
    }
    long timeout = call.remainingMillis();
    Value requested = call.params().getFieldsOrDefault("timeoutMs", null);
    if (requested != null && requested.getNumberValue() < timeout) {
      timeout = (long) requested.getNumberValue();
    }
    request.timeout(Duration.ofMillis(Math.max(1, timeout)));
    OutboundResponse response;
    try {
      response = client.send(request.build());
    } catch (OutboundRefusedException e) {
      throw new ActionFailure("refused by the outbound guard: " + e.getMessage(), false);
    } catch (NerveException e) {
      throw new ActionFailure(e.code() + ": " + e.getMessage(), e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED);
    }
    Struct.Builder responseHeaders = Struct.newBuilder();
    response.headers().forEach((name, values) -> {
      if (!values.isEmpty()) {
        responseHeaders.putFields(name.toLowerCase(Locale.ROOT), Json.of(String.join(", ", values)));
      }
    });
    String text = response.bodyText();
    Value parsed;
    String type = response.header("Content-Type").orElse(response.header("content-type").orElse(""));
    if (type.toLowerCase(Locale.ROOT).contains("json") && !text.isBlank()) {
      try {
        parsed = Json.value(text);
      } catch (IllegalStateException e) {
        parsed = Json.of(text);
      }
    } else {
      parsed = Json.of(text);
    }
    boolean failOnStatus = call.params().getFieldsOrDefault("failOnStatus", Json.of(true)).getBoolValue();
    if (failOnStatus && response.status() >= 400) {
      boolean retryable = response.status() == 429 || response.status() >= 500;
      throw new ActionFailure("HTTP " + response.status() + " from " + url.getHost(), retryable);
    }
    return Json.of(Struct.newBuilder()
        .putFields("status", Json.of(response.status()))
        .putFields("headers", Json.of(responseHeaders.build()))
        .putFields("body", parsed)
        .build());
  }
}
