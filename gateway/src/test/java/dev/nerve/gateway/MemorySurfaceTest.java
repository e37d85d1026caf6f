package dev.nerve.gateway;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Base of tests that drive the memory system through the public surfaces: gateway and memory in
 * one process (one shared Spring context), a client logged in as the bootstrap admin, and a fresh
 * session id per test.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,memory",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.grpc.default-deadline=60s"
    })
public abstract class MemorySurfaceTest {

  @LocalServerPort protected int port;

  protected GatewayClient client;
  protected String token;
  protected String session;

  @BeforeEach
  void login() {
    client = new GatewayClient(port);
    token = client.adminToken();
    session = "s-" + UUID.randomUUID();
  }

  /** The test's session as a memory scope input. */
  protected Map<String, Object> scope() {
    return Map.of("sessionId", session);
  }
}
