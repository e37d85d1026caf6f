package dev.nerve.sdk.integration;

import static dev.nerve.sdk.SdkTests.admin;
import static dev.nerve.sdk.SdkTests.as;
import static dev.nerve.sdk.SdkTests.fails;
import static dev.nerve.sdk.SdkTests.freshTenant;
import static dev.nerve.sdk.SdkTests.json;
import static dev.nerve.sdk.SdkTests.operator;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.GetIntegrationRequest;
import dev.nerve.api.sdk.v1.IntegrationConfig;
import dev.nerve.api.sdk.v1.IntegrationServiceGrpc.IntegrationServiceBlockingStub;
import dev.nerve.api.sdk.v1.ListIntegrationsRequest;
import dev.nerve.api.sdk.v1.RegisterEndpointRequest;
import dev.nerve.api.sdk.v1.RemoveIntegrationRequest;
import dev.nerve.api.sdk.v1.SetupIntegrationRequest;
import dev.nerve.api.sdk.v1.TestIntegrationRequest;
import dev.nerve.api.sdk.v1.TestOutcome;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.sdk.LoopbackServer;
import dev.nerve.sdk.SdkTestApplication;
import dev.nerve.sdk.SdkTests;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = SdkTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=sdk", "nerve.database.max-pool-size=3", "nerve.sdk.integrations.test-timeout=2s", "nerve.outbound.allow-cidrs=127.0.0.1/32",
      // 32 bytes of 0x07, so the rotation test knows the key in force
      "nerve.secrets.master-key=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="})
class IntegrationIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired SecretBox box;

  final String tenant = freshTenant();
  final Identity admin = admin(tenant);

  IntegrationServiceBlockingStub stub() {
    return SdkTests.integrations(channels);
  }

  IntegrationConfig setup(IntegrationConfig config) {
    return as(admin, () -> stub().setup(SetupIntegrationRequest.newBuilder().setConfig(config).build()));
  }

  TestResult test(String id) {
    return as(operator(tenant), () -> stub().test(TestIntegrationRequest.newBuilder().setId(id).build()));
  }

  String rawCredentials(String id) {
    return jdbc.sql("SELECT credentials FROM sdk.integration WHERE tenant_id = ? AND id = ?").params(tenant, id).query(String.class).single();
  }

  @Test
  void credentialsAreSealedAtRestMaskedInAnswersAndKeptWhenNotResent() {
    IntegrationConfig stored = setup(IntegrationConfig.newBuilder().setId("gh").setProvider("github")
        .setDisplayName("GitHub").putCredentials("token", "ghp_supersecretvalue1234").build());

    assertThat(stored.getCredentialsMap()).isEmpty();
    assertThat(stored.getCredentialKeysList()).containsExactly("token");
    assertThat(stored.getMaskedCredentialsMap()).containsEntry("token", "****1234");
    String raw = rawCredentials("gh");
    assertThat(raw).startsWith(SecretBox.PREFIX).doesNotContain("supersecret");
    String row = jdbc.sql("SELECT t::text FROM sdk.integration t WHERE tenant_id = ?").param(tenant).query(String.class).single();
    assertThat(row).doesNotContain("supersecret");

    IntegrationConfig renamed = setup(stored.toBuilder().clearCredentials().setDisplayName("GitHub (work)").build());
    assertThat(renamed.getCredentialKeysList()).containsExactly("token");
    assertThat(box.open(rawCredentials("gh"), Integrations.context(tenant, "gh"))).contains("ghp_supersecretvalue1234");

    fails(() -> setup(IntegrationConfig.newBuilder().setId("bad id!").setProvider("nope").putCredentials("x", "y").build()),
        ErrorCode.INVALID_ARGUMENT, "config.provider");
    fails(() -> setup(IntegrationConfig.newBuilder().setId("gh2").setProvider("github").build()),
        ErrorCode.INVALID_ARGUMENT, "config.credentials.token");
    fails(() -> setup(IntegrationConfig.newBuilder().setId("smtp").setProvider("smtp").setSettings(json("{\"port\":70000}")).build()),
        ErrorCode.INVALID_ARGUMENT, "config.settings");
    assertThat(jdbc.sql("SELECT count(*) FROM sdk.integration WHERE tenant_id = ?").param(tenant).query(Long.class).single()).isEqualTo(1);

    Identity other = admin(freshTenant());
    fails(() -> as(other, () -> stub().get(GetIntegrationRequest.newBuilder().setId("gh").build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(other, () -> stub().test(TestIntegrationRequest.newBuilder().setId("gh").build())), ErrorCode.NOT_FOUND, null);
    assertThat(as(other, () -> stub().list(ListIntegrationsRequest.getDefaultInstance())).getIntegrationsList()).isEmpty();
  }

  @Test
  void rotationReEncryptsWithTheNewKeyWhileTheOldOneStillOpens() {
    setup(IntegrationConfig.newBuilder().setId("slack").setProvider("slack").putCredentials("webhook_url", "https://hooks.example/T1/B2/secret").build());
    String before = rawCredentials("slack");
    byte[] next = new byte[32];
    Arrays.fill(next, (byte) 42);
    byte[] current = new byte[32];
    Arrays.fill(current, (byte) 7);
    SecretBox rotating = new SecretBox(next, current);

    int moved = new CredentialRotation(new IntegrationRepository(jdbc), rotating).run();

    String after = rawCredentials("slack");
    assertThat(moved).isGreaterThanOrEqualTo(1);
    assertThat(after).isNotEqualTo(before).startsWith(SecretBox.PREFIX);
    assertThat(new SecretBox(next).open(after, Integrations.context(tenant, "slack"))).contains("secret");
    assertThat(new CredentialRotation(new IntegrationRepository(jdbc), rotating).run()).as("nothing left to move").isZero();
    // put the row back under the process's key for the other tests
    jdbc.sql("UPDATE sdk.integration SET credentials = ? WHERE tenant_id = ? AND id = ?").params(before, tenant, "slack").update();
  }

  @Test
  void testTellsAWrongTokenFromAClosedPortFromAnUnknownHost() throws Exception {
    try (LoopbackServer github = new LoopbackServer()) {
      github.on("/user", exchange -> {
        boolean good = "Bearer right-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
        LoopbackServer.json(exchange, good ? 200 : 401, good ? "{\"login\":\"octocat\"}" : "{\"message\":\"Bad credentials\"}");
      });
      setup(IntegrationConfig.newBuilder().setId("good").setProvider("github").setSettings(json("{\"base_url\":\"" + github.url() + "\"}"))
          .putCredentials("token", "right-token").build());
      setup(IntegrationConfig.newBuilder().setId("wrong").setProvider("github").setSettings(json("{\"base_url\":\"" + github.url() + "\"}"))
          .putCredentials("token", "wrong-token").build());
      int closed;
      try (ServerSocket socket = new ServerSocket(0)) {
        closed = socket.getLocalPort();
      }
      setup(IntegrationConfig.newBuilder().setId("closed").setProvider("github").setSettings(json("{\"base_url\":\"http://127.0.0.1:" + closed + "\"}"))
          .putCredentials("token", "t").build());
      setup(IntegrationConfig.newBuilder().setId("unknown").setProvider("github")
          .setSettings(json("{\"base_url\":\"http://no-such-host.nerve-test.invalid\"}")).putCredentials("token", "t").build());

      TestResult good = test("good");
      assertThat(good.getOk()).isTrue();
      assertThat(good.getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_OK);
      assertThat(good.getMessage()).contains("octocat");
      assertThat(good.hasLatency()).isTrue();
      assertThat(test("wrong").getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS);
      assertThat(test("closed").getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_UNREACHABLE);
      TestResult unknown = test("unknown");
      assertThat(unknown.getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_UNKNOWN_HOST);
      assertThat(unknown.getOk()).isFalse();
      assertThat(as(admin, () -> stub().get(GetIntegrationRequest.newBuilder().setId("wrong").build())).getLastTest().getOutcome())
          .isEqualTo(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS);
    }
  }

  @Test
  void smtpHandshakeLogsInAndTellsARefusedLogin() throws Exception {
    try (ServerSocket smtp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        for (int i = 0; i < 2; i++) {
          try (Socket client = smtp.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
              if (line.startsWith("EHLO")) {
                out.write("250-test\r\n250 AUTH PLAIN\r\n".getBytes(StandardCharsets.US_ASCII));
              } else if (line.startsWith("AUTH PLAIN ")) {
                String decoded = new String(Base64.getDecoder().decode(line.substring(11)), StandardCharsets.UTF_8);
                out.write((decoded.equals("\0mailer\0good") ? "235 ok\r\n" : "535 no\r\n").getBytes(StandardCharsets.US_ASCII));
              } else if (line.startsWith("QUIT")) {
                out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                break;
              }
            }
          } catch (Exception e) {
            return;
          }
        }
      });
      server.setDaemon(true);
      server.start();
      String settings = "{\"host\":\"127.0.0.1\",\"port\":" + smtp.getLocalPort() + ",\"security\":\"none\"}";
      setup(IntegrationConfig.newBuilder().setId("mail").setProvider("smtp").setSettings(json(settings))
          .putCredentials("username", "mailer").putCredentials("password", "good").build());
      setup(IntegrationConfig.newBuilder().setId("mail-bad").setProvider("smtp").setSettings(json(settings))
          .putCredentials("username", "mailer").putCredentials("password", "bad").build());

      assertThat(test("mail").getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_OK);
      assertThat(test("mail-bad").getOutcome()).isEqualTo(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS);
    }
  }

  @Test
  void removeRefusesWhileEndpointsUseItUnlessForced() {
    setup(IntegrationConfig.newBuilder().setId("api").setProvider("http").setSettings(json("{\"base_url\":\"http://127.0.0.1:1\"}"))
        .putCredentials("token", "abc").build());
    as(admin, () -> SdkTests.endpoints(channels).register(RegisterEndpointRequest.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setName("uses-api").setBaseUrl("http://127.0.0.1:1").setIntegrationId("api")).build()));

    fails(() -> as(admin, () -> stub().remove(RemoveIntegrationRequest.newBuilder().setId("api").build())), ErrorCode.FAILED_PRECONDITION, null);
    var removed = as(admin, () -> stub().remove(RemoveIntegrationRequest.newBuilder().setId("api").setForce(true).build()));
    assertThat(removed.getAffectedEndpointsList()).containsExactly("uses-api");
    fails(() -> as(admin, () -> stub().get(GetIntegrationRequest.newBuilder().setId("api").build())), ErrorCode.NOT_FOUND, null);
  }
}
