package dev.nerve.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayReplicas;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every REST error body is problem+json: requests Tomcat refuses before Spring sees them (a
 * malformed request target, bad percent-encoding) and bodies that are JSON {@code null} included,
 * never Tomcat's HTML page, a stack trace or a 500.
 */
class ErrorBodiesIT {

  private static ConfigurableApplicationContext gateway;
  private static int port;

  @BeforeAll
  static void start() {
    gateway = GatewayReplicas.start();
    port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void malformedRequestsGetProblemJsonFromTomcatToo() throws Exception {
    for (String target : List.of("/api/v1/%zz", "/api/v1/a%", "/api/v1/{x}", "/api/v1/a|b", "/api/v1/%00")) {
      String response = raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      String status = response.substring(9, 12);
      assertThat(Integer.parseInt(status)).as("%s: %s", target, response).isBetween(400, 499);
      assertThat(response).as(target).containsIgnoringCase("content-type: application/problem+json");
      assertThat(response).as(target).doesNotContain("<html").doesNotContain("Apache Tomcat").doesNotContain("Exception");
    }
  }

  @Test
  void aNullOrMistypedJsonBodyIsBadInput() {
    GatewayClient client = GatewayReplicas.client(gateway);
    String admin = client.adminToken();
    for (String body : List.of("null", "[]", "\"x\"", "1e400", "{\"username\":null,\"password\":null}", "{\"username\":[1],\"password\":{}}")) {
      GatewayClient.Response login = client.post("/api/v1/auth/token", null, body);
      assertThat(login.status()).as("login with %s: %s", body, login.text()).isBetween(400, 499);
      assertThat(login.header("Content-Type")).startsWith("application/problem+json");
      for (String path : List.of("/api/v1/identity/users", "/api/v1/identity/api-keys", "/api/v1/auth/logout")) {
        GatewayClient.Response response = client.post(path, admin, body);
        assertThat(response.status()).as("%s with %s: %s", path, body, response.text()).isBetween(400, 499);
      }
    }
  }

  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
