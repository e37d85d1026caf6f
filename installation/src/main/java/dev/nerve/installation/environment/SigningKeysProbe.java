package dev.nerve.installation.environment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway has token signing keys: read from its public contract, the key set it publishes at
 * {@code /.well-known/jwks.json} on this process's own HTTP port. Only a gateway in this process
 * is checked (another process's gateway is checked by that process's own checks).
 */
final class SigningKeysProbe implements Probe {

  static final String PATH = "/.well-known/jwks.json";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  /** One client for every run: each client keeps a selector thread of its own. */
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private final boolean gatewayHere;
  private final Supplier<OptionalInt> httpPort;

  /**
   * @param gatewayHere the gateway runs in this process
   * @param httpPort this process's HTTP port, empty when it serves no HTTP
   */
  SigningKeysProbe(boolean gatewayHere, Supplier<OptionalInt> httpPort) {
    this.gatewayHere = gatewayHere;
    this.httpPort = httpPort;
  }

  @Override
  public String id() {
    return "security.signing-keys";
  }

  @Override
  public String group() {
    return "security";
  }

  @Override
  public String title() {
    return "Token signing keys present";
  }

  @Override
  public Finding run() throws Exception {
    if (!gatewayHere) {
      return Finding.skipped("the gateway does not run in this process; its signing keys are checked where it runs");
    }
    OptionalInt port = httpPort.get();
    if (port.isEmpty()) {
      return Finding.skipped("this process serves no HTTP, so the gateway's published keys cannot be read");
    }
    URI url = URI.create("http://127.0.0.1:" + port.getAsInt() + PATH);
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return Finding.fail(
          "the gateway answered HTTP " + response.statusCode() + " for " + url, "look at the gateway's log");
    }
    return judge(JsonMapper.builder().build().readTree(response.body()));
  }

  /** The finding for a published JSON Web Key Set. */
  static Finding judge(JsonNode jwks) {
    List<String> kids = new ArrayList<>();
    jwks.path("keys").forEach(key -> kids.add(key.path("kid").asString("")));
    if (kids.isEmpty()) {
      return Finding.warn(
          "the gateway publishes no signing key yet",
          "sign in once (or run nerve setup): the gateway creates its first key when it issues its first token");
    }
    return Finding.ok(
        "the gateway publishes " + kids.size() + " signing key" + (kids.size() == 1 ? "" : "s") + " ("
            + String.join(", ", kids) + ")");
  }
}
