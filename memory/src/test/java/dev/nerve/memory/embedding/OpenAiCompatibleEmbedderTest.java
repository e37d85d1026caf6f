package dev.nerve.memory.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local server speaking the OpenAI embeddings API. */
class OpenAiCompatibleEmbedderTest {

  private HttpServer server;
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final AtomicReference<String> lastAuth = new AtomicReference<>();
  private volatile int status = 200;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/embeddings",
        exchange -> {
          lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          lastAuth.set(exchange.getRequestHeaders().getFirst("Authorization"));
          // Out of order on purpose: the index field decides.
          byte[] body =
              "{\"data\":[{\"index\":1,\"embedding\":[0,2]},{\"index\":0,\"embedding\":[3,4]}]}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OpenAiCompatibleEmbedder embedder() {
    return new OpenAiCompatibleEmbedder(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/", "text-embed-small", "sk-test", 16, Duration.ofSeconds(5));
  }

  @Test
  void sendsTheModelAndKeyAndReturnsUnitVectorsInInputOrder() {
    List<float[]> vectors = embedder().embed(List.of("first", "second"));

    assertThat(vectors.get(0)).containsExactly(0.6f, 0.8f);
    assertThat(vectors.get(1)).containsExactly(0f, 1f);
    assertThat(lastBody.get()).contains("\"model\":\"text-embed-small\"").contains("\"input\":[\"first\",\"second\"]");
    assertThat(lastAuth.get()).isEqualTo("Bearer sk-test");
  }

  @Test
  void aResponseThatDoesNotMatchTheInputsIsUnavailable() {
    // The server always answers two vectors; asking for one must not pass silently.
    assertThatThrownBy(() -> embedder().embed(List.of("only one")))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @Test
  void anErrorFromTheEndpointIsUnavailable() {
    status = 503;

    assertThatThrownBy(() -> embedder().embed(List.of("x", "y")))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }
}
