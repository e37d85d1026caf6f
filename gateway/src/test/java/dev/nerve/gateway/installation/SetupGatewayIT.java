package dev.nerve.gateway.installation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * installation.environment.setup through the public surfaces, gateway and installation in one
 * process: the tenant and administrator are created through the gateway's internal provisioning
 * contract, a second run changes nothing and says so per step, a dry run and bad input write
 * nothing, and the new administrator logs in.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway,installation"})
class SetupGatewayIT {

  private static final String SETUP =
      "mutation($i: InstallationEnvironmentSetupInput!) { installationEnvironmentSetup(input: $i) {"
          + " alreadySetUp tenantId generatedPassword dryRun steps { id status detail changed } } }";
  private static final String PASSWORD = "a long enough password";

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired JdbcClient jdbc;

  GatewayClient client;
  String admin;
  String suffix;

  @BeforeEach
  void setUp() {
    client = new GatewayClient(port);
    admin = client.adminToken();
    suffix = UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonNode setupGraphQl(String token, Map<String, Object> input) {
    JsonNode result = client.graphql(token, SETUP, Map.of("i", input));
    assertThat(result.path("errors").isMissingNode() || result.path("errors").isNull()).as(result.toString()).isTrue();
    return result.at("/data/installationEnvironmentSetup");
  }

  private static Map<String, String> details(JsonNode result) {
    Map<String, String> details = new LinkedHashMap<>();
    result.get("steps").forEach(step -> details.put(step.get("id").asString(), step.get("detail").asString()));
    return details;
  }

  private long configurationVersions(String tenant) {
    return jdbc.sql("select count(*) from installation.configuration_version where tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  @Test
  void graphQlSetupTwiceChangesNothingTheSecondTimeAndTheAdminLogsIn() {
    String username = "first-admin-" + suffix;
    Map<String, Object> input =
        Map.of(
            "tenantName", "Acme " + suffix,
            "adminUsername", username,
            "adminPassword", PASSWORD,
            "settings", Map.of("/rateLimits/perMinute", "600"));

    JsonNode first = setupGraphQl(admin, input);
    String tenant = "acme-" + suffix;
    assertThat(first.get("tenantId").asString()).isEqualTo(tenant);
    assertThat(first.get("alreadySetUp").asBoolean()).isFalse();
    assertThat(first.get("dryRun").asBoolean()).isFalse();
    assertThat(first.get("generatedPassword").isNull()).isTrue();
    Map<String, String> created = details(first);
    assertThat(created.keySet()).containsExactly("migrations", "master-key", "signing-key", "tenant", "admin", "configuration", "extensions");
    assertThat(created.get("tenant")).isEqualTo("created: tenant '" + tenant + "' (\"Acme " + suffix + "\")");
    assertThat(created.get("admin")).startsWith("created: administrator '" + username + "'");
    assertThat(created.get("configuration")).startsWith("created: configuration version 1 of tenant '" + tenant + "'");
    assertThat(created.get("extensions")).isEqualTo("unchanged: no default extensions configured");
    first.get("steps").forEach(step -> assertThat(step.get("status").asString()).isEqualTo("OK"));

    JsonNode second = setupGraphQl(admin, input);
    assertThat(second.get("alreadySetUp").asBoolean()).as(second.toString()).isTrue();
    second.get("steps").forEach(step -> {
      assertThat(step.get("changed").asBoolean()).as(step.toString()).isFalse();
      assertThat(step.get("detail").asString()).startsWith("unchanged: ");
    });
    assertThat(details(second).get("tenant")).isEqualTo("unchanged: tenant '" + tenant + "' exists");
    assertThat(details(second).get("configuration")).isEqualTo("unchanged: tenant '" + tenant + "' has configuration version 1");
    assertThat(configurationVersions(tenant)).isEqualTo(1);

    // The administrator works: logs in through the gateway and reads its tenant's configuration.
    String token = client.accessToken(username, PASSWORD);
    JsonNode load = client.graphql(token, "{ installation { configuration { load { tenantId document } } } }");
    assertThat(load.at("/data/installation/configuration/load/tenantId").asString()).isEqualTo(tenant);
    assertThat(load.at("/data/installation/configuration/load/document/rateLimits/perMinute").asInt()).isEqualTo(600);
    assertThat(users.byUsername(username).orElseThrow().roles()).containsExactly("admin");

    // Setup is audited as a mutation; the password appears nowhere in the audit log.
    JsonNode audit = client.get("/api/v1/audit", admin).json();
    assertThat(audit.get("items").findValuesAsString("operation")).contains("Mutation.installationEnvironmentSetup");
    assertThat(audit.toString()).doesNotContain(PASSWORD);
  }

  @Test
  void aGeneratedPasswordIsReturnedOnceAndWorks() {
    String username = "gen-admin-" + suffix;
    Map<String, Object> input = Map.of("tenantName", "Gen " + suffix, "adminUsername", username);

    JsonNode first = setupGraphQl(admin, input);
    String generated = first.get("generatedPassword").asString();
    assertThat(generated).hasSizeGreaterThanOrEqualTo(12);
    assertThat(details(first).get("admin")).endsWith("with a generated password, shown once");
    assertThat(client.login(username, generated).get("accessToken").asString()).isNotBlank();

    JsonNode second = setupGraphQl(admin, input);
    assertThat(second.get("generatedPassword").isNull()).isTrue();
    assertThat(second.get("alreadySetUp").asBoolean()).isTrue();
    assertThat(details(second).get("admin")).isEqualTo(
        "unchanged: administrator '" + username + "' of tenant 'gen-" + suffix + "' exists; its password was left as it is");
  }

  @Test
  void aDryRunReportsEveryStepAndWritesNothing() {
    String username = "dry-admin-" + suffix;
    JsonNode plan =
        setupGraphQl(admin, Map.of("tenantName", "Dry " + suffix, "adminUsername", username, "adminPassword", PASSWORD, "dryRun", true));

    assertThat(plan.get("dryRun").asBoolean()).isTrue();
    assertThat(plan.get("generatedPassword").isNull()).isTrue();
    assertThat(details(plan).get("tenant")).isEqualTo("would create: tenant 'dry-" + suffix + "' (\"Dry " + suffix + "\")");
    assertThat(details(plan).get("admin")).startsWith("would create: administrator '" + username + "'");
    assertThat(details(plan).get("configuration")).startsWith("would create: configuration version 1");
    assertThat(users.tenantExists("dry-" + suffix)).isFalse();
    assertThat(users.byUsername(username)).isEmpty();
    assertThat(configurationVersions("dry-" + suffix)).isZero();
  }

  @Test
  void badInputIsRefusedWithItsFieldsAndWritesNothing() {
    String username = "short-" + suffix;
    JsonNode shortPassword =
        client.graphql(admin, SETUP, Map.of("i", Map.of("tenantName", "Bad " + suffix, "adminUsername", username, "adminPassword", "short")));
    assertThat(shortPassword.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(shortPassword.at("/errors/0/extensions/violations/0/field").asString()).isEqualTo("input.adminPassword");

    GatewayClient.Response badName =
        client.post("/api/v1/environment/setup", admin,
            Map.of("tenantName", "Bad " + suffix, "adminUsername", "no spaces allowed", "adminPassword", PASSWORD));
    assertThat(badName.status()).as(badName.text()).isEqualTo(400);
    assertThat(badName.json().at("/violations/0/field").asString()).isEqualTo("adminUsername");

    GatewayClient.Response badSetting =
        client.post("/api/v1/environment/setup", admin,
            Map.of("tenantName", "Bad " + suffix, "adminUsername", username, "adminPassword", PASSWORD,
                "settings", Map.of("/rateLimits/perMinute", "-1")));
    assertThat(badSetting.status()).as(badSetting.text()).isEqualTo(400);
    assertThat(badSetting.json().at("/violations/0/field").asString()).isEqualTo("settings[/rateLimits/perMinute]");

    assertThat(users.tenantExists("bad-" + suffix)).isFalse();
    assertThat(users.byUsername(username)).isEmpty();
    assertThat(configurationVersions("bad-" + suffix)).isZero();
  }

  @Test
  void restSetupRunsAndRefusesATenantThatAlreadyHasOtherUsers() {
    String tenant = "used-" + suffix;
    GatewayClient.user(users, tenant, "operator");
    String username = "late-admin-" + suffix;
    GatewayClient.Response refused =
        client.post("/api/v1/environment/setup", admin,
            Map.of("tenantName", "Used " + suffix, "adminUsername", username, "adminPassword", PASSWORD));
    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.json().get("detail").asString()).contains("already has users");
    assertThat(users.byUsername(username)).isEmpty();
    assertThat(configurationVersions(tenant)).isZero();

    GatewayClient.Response done =
        client.post("/api/v1/environment/setup", admin,
            Map.of("tenantName", "Rest " + suffix, "adminUsername", username, "adminPassword", PASSWORD));
    assertThat(done.status()).as(done.text()).isEqualTo(200);
    assertThat(done.json().get("tenantId").asString()).isEqualTo("rest-" + suffix);
    assertThat(done.json().get("generatedPassword")).isNull();
    assertThat(done.json().get("steps").findValuesAsString("id"))
        .containsExactly("migrations", "master-key", "signing-key", "tenant", "admin", "configuration", "extensions");
    GatewayClient.Response again =
        client.post("/api/v1/environment/setup", admin,
            Map.of("tenantName", "Rest " + suffix, "adminUsername", username, "adminPassword", PASSWORD));
    assertThat(again.json().get("alreadySetUp").asBoolean()).isTrue();
    assertThat(client.accessToken(username, PASSWORD)).isNotBlank();
  }

  @Test
  void onlyAdministratorsOfTheDefaultTenantMaySetUp() {
    Map<String, Object> input = Map.of("tenantName", "Nope " + suffix, "adminUsername", "nope-" + suffix, "adminPassword", PASSWORD);
    String operator = client.accessToken(GatewayClient.user(users, "default", "operator"), GatewayClient.PASSWORD);
    assertThat(client.post("/api/v1/environment/setup", operator, input).status()).isEqualTo(403);
    String otherAdmin = client.accessToken(GatewayClient.user(users, "other-" + suffix, "admin"), GatewayClient.PASSWORD);
    GatewayClient.Response refused = client.post("/api/v1/environment/setup", otherAdmin, input);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("detail").asString()).contains("only administrators of tenant 'default'");
    assertThat(users.tenantExists("nope-" + suffix)).isFalse();
  }

  @Test
  void theInternalProvisioningContractIsOnNoPublicSurface() {
    String openApi = client.get("/v3/api-docs", null).text();
    assertThat(openApi).contains("/api/v1/environment/setup").doesNotContainIgnoringCase("EnsureFirstAdmin").doesNotContainIgnoringCase("provisioning");
    JsonNode mutations = client.graphql(admin, "{ __type(name: \"Mutation\") { fields { name } } }");
    List<String> names = mutations.at("/data/__type/fields").findValuesAsString("name");
    assertThat(names).contains("installationEnvironmentSetup");
    assertThat(names).noneMatch(name -> name.toLowerCase().contains("ensure") || name.toLowerCase().contains("provision"));
  }
}
