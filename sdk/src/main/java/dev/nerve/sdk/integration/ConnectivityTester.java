package dev.nerve.sdk.integration;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.TestOutcome;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.sdk.outbound.OutboundFailure;
import dev.nerve.sdk.outbound.OutboundHttp;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/**
 * A real connectivity check per integration type, reported as a {@link TestResult} whose outcome
 * tells a refused credential (HTTP 401/403, SMTP 535) from an unknown host, an unreachable one, a
 * timeout and a destination the outbound guard refused. Nothing is changed at the provider: HTTP
 * types read an identity or list (GitHub {@code /user}, OpenAI-compatible {@code /models}), a
 * Slack webhook gets an empty message it rejects without posting, SMTP logs in and quits, MCP
 * initializes and lists tools.
 */
public final class ConnectivityTester {

  /** Connects to an MCP server and lists its tools; returns the tool names. */
  public interface McpCheck {
    java.util.List<String> listTools(Credentials credentials, Duration timeout) throws Exception;
  }

  private static final int MAX_BODY = 64 * 1024;

  private final OutboundHttp http;
  private final SmtpProbe smtp;
  private final McpCheck mcp;
  private final Duration timeout;

  ConnectivityTester(OutboundHttp http, SmtpProbe smtp, McpCheck mcp, Duration timeout) {
    this.http = http;
    this.smtp = smtp;
    this.mcp = mcp;
    this.timeout = timeout;
  }

  TestResult test(Credentials credentials) {
    long start = System.nanoTime();
    TestResult.Builder result;
    try {
      result = switch (credentials.provider()) {
        case "github" -> github(credentials);
        case "openai" -> openai(credentials);
        case "slack" -> slack(credentials);
        case "http" -> generic(credentials);
        case "smtp" -> smtp.check(credentials, timeout);
        case "mcp" -> mcpCheck(credentials);
        default -> outcome(TestOutcome.TEST_OUTCOME_MISCONFIGURED, "provider " + credentials.provider() + " has no connectivity check");
      };
    } catch (IOException e) {
      result = failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = outcome(TestOutcome.TEST_OUTCOME_TIMEOUT, "interrupted");
    } catch (IllegalArgumentException e) {
      result = outcome(TestOutcome.TEST_OUTCOME_MISCONFIGURED, "the settings do not make a usable address");
    }
    return result
        .setOk(result.getOutcome() == TestOutcome.TEST_OUTCOME_OK)
        .setLatency(Times.proto(Duration.ofNanos(System.nanoTime() - start)))
        .setCheckedAt(Times.proto(Times.now()))
        .build();
  }

  private TestResult.Builder github(Credentials c) throws IOException, InterruptedException {
    String base = trim(c.setting("base_url", "https://api.github.com"));
    HttpResponse<String> response = get(base + "/user", "Bearer " + c.secret("token"), "application/vnd.github+json");
    if (response.statusCode() == 200) {
      JsonNode user = parse(response.body());
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Authenticated as " + user.path("login").asString("?"))
          .setDetails(details("login", user.path("login").asString(""), "scopes", response.headers().firstValue("x-oauth-scopes").orElse("")));
    }
    return byStatus(response.statusCode());
  }

  private TestResult.Builder openai(Credentials c) throws IOException, InterruptedException {
    String key = c.secret("api_key");
    HttpResponse<String> response = get(trim(c.setting("base_url", "")) + "/models", key.isEmpty() ? null : "Bearer " + key, "application/json");
    if (response.statusCode() == 200) {
      int models = parse(response.body()).path("data").size();
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Listed " + models + " models").setDetails(details("models", Integer.toString(models)));
    }
    return byStatus(response.statusCode());
  }

  /** An empty payload: Slack refuses it with 400 (no_text) when the webhook is valid, and posts nothing. */
  private TestResult.Builder slack(Credentials c) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(c.secret("webhook_url")))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
    HttpResponse<String> response = text(http.send(request));
    if (response.statusCode() == 200 || (response.statusCode() == 400 && response.body().contains("no_text"))) {
      return outcome(TestOutcome.TEST_OUTCOME_OK, "The webhook exists (nothing was posted)");
    }
    if (response.statusCode() == 403 || response.statusCode() == 404 || response.statusCode() == 410) {
      return outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, response.statusCode() + ": the webhook URL is not valid");
    }
    return byStatus(response.statusCode());
  }

  private TestResult.Builder generic(Credentials c) throws IOException, InterruptedException {
    String auth = switch (c.setting("auth", "none")) {
      case "bearer" -> "Bearer " + c.secret("token");
      case "basic" -> "Basic " + Base64.getEncoder().encodeToString((c.secret("username") + ":" + c.secret("password")).getBytes(StandardCharsets.UTF_8));
      default -> null;
    };
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(trim(c.setting("base_url", "")) + c.setting("health_path", "/")))
        .timeout(timeout).GET();
    if (auth != null) {
      request.header("Authorization", auth);
    }
    if (c.setting("auth", "none").equals("api_key")) {
      request.header(c.setting("api_key_header", "X-API-Key"), c.secret("api_key"));
    }
    HttpResponse<String> response = text(http.send(request.build()));
    if (response.statusCode() / 100 == 2 || response.statusCode() / 100 == 3) {
      return outcome(TestOutcome.TEST_OUTCOME_OK, "HTTP " + response.statusCode()).setDetails(details("status", Integer.toString(response.statusCode())));
    }
    return byStatus(response.statusCode());
  }

  private TestResult.Builder mcpCheck(Credentials c) {
    try {
      java.util.List<String> tools = mcp.listTools(c, timeout);
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Initialized; " + tools.size() + " tools")
          .setDetails(details("tools", String.join(",", tools)));
    } catch (IOException e) {
      return failure(e);
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof IOException)) {
        cause = cause.getCause();
      }
      if (cause instanceof IOException io) {
        return failure(io);
      }
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.contains("401") || message.contains("403")) {
        return outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, "the MCP server refused the token");
      }
      return outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, "the MCP server did not complete initialize and list tools");
    }
  }

  private HttpResponse<String> get(String url, String authorization, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", accept).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return text(http.send(request.build()));
  }

  private static HttpResponse<String> text(HttpResponse<InputStream> response) throws IOException {
    String body;
    try (InputStream in = response.body()) {
      body = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
    }
    return new StringResponse(response, body);
  }

  static TestResult.Builder byStatus(int status) {
    if (status == 401 || status == 403) {
      return outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, status + ": the provider refused the credentials");
    }
    return outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, status + ": unexpected answer");
  }

  static TestResult.Builder failure(IOException e) {
    return switch (OutboundFailure.of(e)) {
      case UNKNOWN_HOST -> outcome(TestOutcome.TEST_OUTCOME_UNKNOWN_HOST, "unknown host: the name does not resolve");
      case UNREACHABLE -> outcome(TestOutcome.TEST_OUTCOME_UNREACHABLE, "unreachable: nothing accepted the connection");
      case CONNECT_TIMEOUT -> outcome(TestOutcome.TEST_OUTCOME_UNREACHABLE, "unreachable: the connection was not established in time");
      case TIMEOUT -> outcome(TestOutcome.TEST_OUTCOME_TIMEOUT, "connected, but no answer came in time");
      case BLOCKED -> outcome(TestOutcome.TEST_OUTCOME_BLOCKED, "the outbound guard refused the destination: " + e.getMessage());
      case BROKEN -> outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, "the connection broke: the server does not speak the expected protocol");
    };
  }

  static TestResult.Builder outcome(TestOutcome outcome, String message) {
    return TestResult.newBuilder().setOutcome(outcome).setMessage(message);
  }

  private static Struct details(String... pairs) {
    Struct.Builder details = Struct.newBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      details.putFields(pairs[i], Value.newBuilder().setStringValue(pairs[i + 1]).build());
    }
    return details.build();
  }

  private static JsonNode parse(String body) {
    try {
      return Json.read(body);
    } catch (IllegalArgumentException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
