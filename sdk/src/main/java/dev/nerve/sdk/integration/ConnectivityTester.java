package dev.nerve.sdk.integration;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.TestOutcome;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.outbound.OutboundRequest;
import dev.nerve.platform.outbound.OutboundResponse;
import java.net.UnknownHostException;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import java.io.IOException;
import java.net.URI;
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

  private final GuardedHttpClient http;
  private final SmtpProbe smtp;
  private final McpCheck mcp;
  private final Duration timeout;

  ConnectivityTester(GuardedHttpClient http, SmtpProbe smtp, McpCheck mcp, Duration timeout) {
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
    } catch (Failed failed) {
      result = failed.result;
    } catch (OutboundRefusedException refused) {
      result = outcome(TestOutcome.TEST_OUTCOME_BLOCKED, "the outbound guard refused the destination: " + strip(refused.getMessage()));
    } catch (UnknownHostException unknown) {
      result = outcome(TestOutcome.TEST_OUTCOME_UNKNOWN_HOST, "unknown host: the name does not resolve");
    } catch (NerveException e) {
      result = switch (e.code()) {
        case UNAVAILABLE -> outcome(TestOutcome.TEST_OUTCOME_UNREACHABLE, "unreachable: " + strip(e.getMessage()));
        case DEADLINE_EXCEEDED -> outcome(TestOutcome.TEST_OUTCOME_TIMEOUT, "no answer in time: " + strip(e.getMessage()));
        case INVALID_ARGUMENT -> outcome(TestOutcome.TEST_OUTCOME_MISCONFIGURED, "the settings do not make a usable address");
        default -> outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, strip(e.getMessage()));
      };
    } catch (IOException e) {
      result = failure(e);
    } catch (IllegalArgumentException e) {
      result = outcome(TestOutcome.TEST_OUTCOME_MISCONFIGURED, "the settings do not make a usable address");
    }
    return result
        .setOk(result.getOutcome() == TestOutcome.TEST_OUTCOME_OK)
        .setLatency(Times.proto(Duration.ofNanos(System.nanoTime() - start)))
        .setCheckedAt(Times.proto(Times.now()))
        .build();
  }

  /** A check that ended early with a result. */
  private static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient TestResult.Builder result;

    Failed(TestResult.Builder result) {
      super(null, null, false, false);
      this.result = result;
    }
  }

  private TestResult.Builder github(Credentials c) throws IOException, Failed {
    String base = trim(c.setting("base_url", "https://api.github.com"));
    OutboundResponse response = send(OutboundRequest.builder("GET", base + "/user")
        .secretHeader("Authorization", "Bearer " + c.secret("token")).header("Accept", "application/vnd.github+json"));
    if (response.status() == 200) {
      JsonNode user = parse(response);
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Authenticated as " + user.path("login").asString("?"))
          .setDetails(details("login", user.path("login").asString(""), "scopes", response.header("X-OAuth-Scopes").orElse("")));
    }
    return byStatus(response.status());
  }

  private TestResult.Builder openai(Credentials c) throws IOException, Failed {
    String key = c.secret("api_key");
    OutboundRequest.Builder request = OutboundRequest.builder("GET", trim(c.setting("base_url", "")) + "/models").header("Accept", "application/json");
    if (!key.isEmpty()) {
      request.secretHeader("Authorization", "Bearer " + key);
    }
    OutboundResponse response = send(request);
    if (response.status() == 200) {
      int models = parse(response).path("data").size();
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Listed " + models + " models").setDetails(details("models", Integer.toString(models)));
    }
    return byStatus(response.status());
  }

  /** An empty payload: Slack refuses it with 400 (no_text) when the webhook is valid, and posts nothing. */
  private TestResult.Builder slack(Credentials c) throws IOException, Failed {
    OutboundResponse response = send(OutboundRequest.builder("POST", c.secret("webhook_url"))
        .body("{}".getBytes(StandardCharsets.UTF_8), "application/json"));
    if (response.status() == 200 || (response.status() == 400 && response.bodyText().contains("no_text"))) {
      return outcome(TestOutcome.TEST_OUTCOME_OK, "The webhook exists (nothing was posted)");
    }
    if (response.status() == 403 || response.status() == 404 || response.status() == 410) {
      return outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, response.status() + ": the webhook URL is not valid");
    }
    return byStatus(response.status());
  }

  private TestResult.Builder generic(Credentials c) throws IOException, Failed {
    OutboundRequest.Builder request = OutboundRequest.builder("GET", trim(c.setting("base_url", "")) + c.setting("health_path", "/"));
    switch (c.setting("auth", "none")) {
      case "bearer" -> request.secretHeader("Authorization", "Bearer " + c.secret("token"));
      case "basic" -> request.secretHeader("Authorization", "Basic "
          + Base64.getEncoder().encodeToString((c.secret("username") + ":" + c.secret("password")).getBytes(StandardCharsets.UTF_8)));
      case "api_key" -> request.secretHeader(c.setting("api_key_header", "X-API-Key"), c.secret("api_key"));
      default -> {}
    }
    OutboundResponse response = send(request);
    if (response.status() / 100 == 2 || response.status() / 100 == 3) {
      return outcome(TestOutcome.TEST_OUTCOME_OK, "HTTP " + response.status()).setDetails(details("status", Integer.toString(response.status())));
    }
    return byStatus(response.status());
  }

  private TestResult.Builder mcpCheck(Credentials c) throws IOException {
    try {
      java.util.List<String> tools = mcp.listTools(c, timeout);
      return outcome(TestOutcome.TEST_OUTCOME_OK, "Initialized; " + tools.size() + " tools")
          .setDetails(details("tools", String.join(",", tools)));
    } catch (IOException | NerveException e) {
      throw e;
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

  /**
   * Resolves the host through the guard first (an unknown name and a refused address are told
   * apart before anything is sent), then sends through the guarded client without redirects.
   */
  private OutboundResponse send(OutboundRequest.Builder builder) throws UnknownHostException {
    OutboundRequest request = builder.timeout(timeout).followRedirects(false).build();
    URI url = request.url();
    http.guard().check(url);
    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    http.guard().resolve(url.getHost(), port);
    return http.send(request);
  }

  static TestResult.Builder byStatus(int status) {
    if (status == 401 || status == 403) {
      return outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, status + ": the provider refused the credentials");
    }
    return outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, status + ": unexpected answer");
  }

  /** The outcome of a socket failure (SMTP, MCP), looking through its causes. */
  static TestResult.Builder failure(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
        return outcome(TestOutcome.TEST_OUTCOME_UNKNOWN_HOST, "unknown host: the name does not resolve");
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
        return outcome(TestOutcome.TEST_OUTCOME_UNREACHABLE, "unreachable: nothing accepted the connection");
      }
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
        return outcome(TestOutcome.TEST_OUTCOME_TIMEOUT, "no answer came in time");
      }
    }
    return outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, "the connection broke: the server does not speak the expected protocol");
  }

  private static String strip(String message) {
    return message.startsWith("url: ") ? message.substring(5) : message;
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

  private static JsonNode parse(OutboundResponse response) {
    try {
      return Json.read(response.bodyText());
    } catch (IllegalArgumentException e) {
      return Json.MAPPER.createObjectNode();
    }
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
