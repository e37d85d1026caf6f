package dev.nerve.sdk.extension;

import static dev.nerve.sdk.SdkTests.admin;
import static dev.nerve.sdk.SdkTests.as;
import static dev.nerve.sdk.SdkTests.fails;
import static dev.nerve.sdk.SdkTests.freshTenant;
import static dev.nerve.sdk.SdkTests.json;
import static dev.nerve.sdk.SdkTests.operator;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionAction;
import dev.nerve.api.sdk.v1.ExtensionActionKind;
import dev.nerve.api.sdk.v1.ExtensionDependency;
import dev.nerve.api.sdk.v1.ExtensionKind;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc.ExtensionServiceBlockingStub;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.GetEndpointRequest;
import dev.nerve.api.sdk.v1.GetExtensionRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionResponse;
import dev.nerve.api.sdk.v1.ListExtensionActionsRequest;
import dev.nerve.api.sdk.v1.ListExtensionsRequest;
import dev.nerve.api.sdk.v1.LoadExtensionRequest;
import dev.nerve.api.sdk.v1.McpServer;
import dev.nerve.api.sdk.v1.PluginJar;
import dev.nerve.api.sdk.v1.UnloadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionResponse;
import dev.nerve.api.sdk.v1.WorkflowTemplate;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.sdk.LoopbackServer;
import dev.nerve.sdk.SdkTestApplication;
import dev.nerve.sdk.SdkTests;
import dev.nerve.testing.PluginJars;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = SdkTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=sdk", "nerve.database.max-pool-size=3", "nerve.sdk.extensions.mcp-commands=${java.home}/bin/java", "nerve.outbound.allow-cidrs=127.0.0.1/32",
      // The MCP server of the integration test is a second JVM with this test's class path: on a
      // busy machine it takes longer than the default 10 s to start and answer.
      "nerve.sdk.integrations.test-timeout=60s"})
class ExtensionIT {

  static final String GREETER = """
      package acme;

      import dev.nerve.extension.api.*;
      import java.util.*;

      public class Greeter implements NerveExtension {
        private String greeting = "Hello";

        @Override
        public void start(ExtensionContext context) {
          Object configured = context.settings().get("greeting");
          if (configured != null) greeting = configured.toString();
        }

        @Override
        public List<ActionDefinition> actions() {
          return List.of(
              new ActionDefinition("greet", "Greets someone",
                  "{\\"type\\":\\"object\\",\\"required\\":[\\"name\\"],\\"properties\\":{\\"name\\":{\\"type\\":\\"string\\"}}}"),
              new ActionDefinition("probe", "Whether Nerve's classes are visible", null),
              new ActionDefinition("slow", "Sleeps", null));
        }

        @Override
        public Object invoke(ActionInvocation run) throws Exception {
          switch (run.action()) {
            case "probe":
              try {
                Class.forName("dev.nerve.platform.error.NerveException", false, getClass().getClassLoader());
                return "visible";
              } catch (ClassNotFoundException e) {
                return "hidden";
              }
            case "slow":
              Thread.sleep(5_000);
              return null;
            default:
              Object name = run.input().get("name");
              if ("nobody".equals(name)) throw new ActionException("cannot greet nobody");
              run.log("greeting " + name);
              return Map.of("text", greeting + ", " + name, "tenant", run.tenantId());
          }
        }
      }
      """;

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired Extensions extensions;

  final String tenant = freshTenant();
  final Identity admin = admin(tenant);

  ExtensionServiceBlockingStub stub() {
    return SdkTests.extensions(channels);
  }

  Extension load(Extension extension) {
    return as(admin, () -> stub().load(LoadExtensionRequest.newBuilder().setExtension(extension).build()));
  }

  InvokeExtensionActionResponse invoke(String extension, String action, String input) {
    return as(operator(tenant), () -> stub().invokeAction(InvokeExtensionActionRequest.newBuilder()
        .setExtensionId(extension).setAction(action).setInput(json(input)).build()));
  }

  long rows() {
    return jdbc.sql("SELECT count(*) FROM sdk.extension WHERE tenant_id = ?").param(tenant).query(Long.class).single();
  }

  @Test
  void aPluginJarBuiltHereIsLoadedInvokedAndUnloadedAndATamperedJarIsRefused(@TempDir Path work) throws Exception {
    byte[] jar = PluginJars.build("acme.Greeter", GREETER, work);
    Extension.Builder manifest = Extension.newBuilder().setId("greeter").setName("Greeter").setVersion("1.0.0")
        .setKind(ExtensionKind.EXTENSION_KIND_JAVA_PLUGIN).setNerveVersionRange(">=0.1.0 <1.0.0")
        .setManifest(json("{\"greeting\":\"Hi\"}"))
        .setPlugin(PluginJar.newBuilder().setContent(ByteString.copyFrom(jar)).setSha256(ManifestRules.sha256(jar)));

    byte[] tampered = jar.clone();
    tampered[tampered.length / 2] ^= 1;
    fails(() -> load(manifest.clone().setPlugin(PluginJar.newBuilder().setContent(ByteString.copyFrom(tampered))
        .setSha256(ManifestRules.sha256(jar))).build()), ErrorCode.INVALID_ARGUMENT, "extension.plugin.sha256");
    fails(() -> load(manifest.clone().setNerveVersionRange(">=2.0.0").build()), ErrorCode.INVALID_ARGUMENT, "extension.nerveVersionRange");
    assertThat(rows()).as("refused loads write nothing").isZero();

    Extension loaded = load(manifest.build());

    assertThat(loaded.getStatus()).isEqualTo(ExtensionStatus.EXTENSION_STATUS_LOADED);
    assertThat(loaded.getContributions().getActionKindsList()).containsExactly("ext:greeter:greet", "ext:greeter:probe", "ext:greeter:slow");
    assertThat(loaded.getPlugin().getContent().isEmpty()).isTrue();
    assertThat(as(admin, () -> stub().listActions(ListExtensionActionsRequest.getDefaultInstance())).getActionsList())
        .extracting(ExtensionActionKind::getKind).contains("ext:greeter:greet");

    InvokeExtensionActionResponse greeted = invoke("greeter", "greet", "{\"name\":\"Ada\"}");
    assertThat(greeted.getOutput().getStructValue().getFieldsOrThrow("text").getStringValue()).isEqualTo("Hi, Ada");
    assertThat(greeted.getOutput().getStructValue().getFieldsOrThrow("tenant").getStringValue()).isEqualTo(tenant);
    assertThat(greeted.getLogsList()).containsExactly("greeting Ada");
    assertThat(invoke("greeter", "probe", "{}").getOutput().getStringValue()).as("own class loader").isEqualTo("hidden");
    fails(() -> invoke("greeter", "greet", "{\"name\":3}"), ErrorCode.INVALID_ARGUMENT, "input.name");
    assertThat(fails(() -> invoke("greeter", "greet", "{\"name\":\"nobody\"}"), ErrorCode.FAILED_PRECONDITION, null).getMessage())
        .contains("cannot greet nobody");
    fails(() -> invoke("greeter", "missing", "{}"), ErrorCode.NOT_FOUND, null);
    SdkTests.failsWith(() -> as(operator(tenant), () -> stub().invokeAction(InvokeExtensionActionRequest.newBuilder()
        .setExtensionId("greeter").setAction("slow").setTimeout(Durations.fromMillis(200)).build())), Status.Code.DEADLINE_EXCEEDED);
    fails(() -> as(admin(freshTenant()), () -> stub().invokeAction(InvokeExtensionActionRequest.newBuilder()
        .setExtensionId("greeter").setAction("greet").setInput(json("{\"name\":\"x\"}")).build())), ErrorCode.NOT_FOUND, null);

    extensions.close();
    assertThat(invoke("greeter", "greet", "{\"name\":\"Bo\"}").getOutput().getStructValue().getFieldsOrThrow("text").getStringValue())
        .as("a replica without the runtime starts it from the table").isEqualTo("Hi, Bo");

    UnloadExtensionResponse unloaded = as(admin, () -> stub().unload(UnloadExtensionRequest.newBuilder().setId("greeter").build()));
    assertThat(unloaded.getToolsRemoved()).isEqualTo(3);
    assertThat(as(admin, () -> stub().get(GetExtensionRequest.newBuilder().setId("greeter").build())).getStatus())
        .isEqualTo(ExtensionStatus.EXTENSION_STATUS_UNLOADED);
    fails(() -> invoke("greeter", "greet", "{\"name\":\"Ada\"}"), ErrorCode.FAILED_PRECONDITION, null);
    assertThat(extensions.runningKeys()).noneMatch(key -> key.startsWith(tenant));
  }

  @Test
  void anMcpServerOverStdioIsLoadedAndItsToolCalledAsAnAction() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Extension loaded = load(Extension.newBuilder().setId("echo").setVersion("1.0.0").setKind(ExtensionKind.EXTENSION_KIND_MCP_SERVER)
        .setMcp(McpServer.newBuilder().setCommand(java).addArgs("-cp").addArgs(System.getProperty("java.class.path"))
            .addArgs(EchoMcpServer.class.getName()).setTimeout(Durations.fromSeconds(60)))
        .build());

    assertThat(loaded.getStatus()).as(loaded.getStatusDetail()).isEqualTo(ExtensionStatus.EXTENSION_STATUS_LOADED);
    assertThat(loaded.getCapabilitiesList()).contains("tools");
    assertThat(loaded.getToolsList()).extracting(t -> t.getActionKind()).containsExactly("ext:echo:echo");
    InvokeExtensionActionResponse echoed = invoke("echo", "echo", "{\"text\":\"nerve\"}");
    assertThat(echoed.getOutput().getStructValue().getFieldsOrThrow("reversed").getStringValue()).isEqualTo("evren");
    fails(() -> invoke("echo", "echo", "{}"), ErrorCode.INVALID_ARGUMENT, "input");

    fails(() -> load(Extension.newBuilder().setId("shell").setVersion("1.0.0").setKind(ExtensionKind.EXTENSION_KIND_MCP_SERVER)
        .setMcp(McpServer.newBuilder().setCommand("/bin/sh")).build()), ErrorCode.INVALID_ARGUMENT, "extension.mcp.command");
    as(admin, () -> stub().unload(UnloadExtensionRequest.newBuilder().setId("echo").build()));
  }

  @Test
  void anMcpIntegrationTestInitializesAndListsTools() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String settings = "{\"command\":" + dev.nerve.sdk.support.Json.write(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(java))
        + ",\"args\":[\"-cp\"," + dev.nerve.sdk.support.Json.write(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(System.getProperty("java.class.path")))
        + ",\"" + EchoMcpServer.class.getName() + "\"]}";
    as(admin, () -> SdkTests.integrations(channels).setup(dev.nerve.api.sdk.v1.SetupIntegrationRequest.newBuilder()
        .setConfig(dev.nerve.api.sdk.v1.IntegrationConfig.newBuilder().setId("echo-mcp").setProvider("mcp").setSettings(json(settings))).build()));

    var result = as(operator(tenant), () -> SdkTests.integrations(channels).withDeadlineAfter(90, TimeUnit.SECONDS).test(
        dev.nerve.api.sdk.v1.TestIntegrationRequest.newBuilder().setId("echo-mcp").build()));

    assertThat(result.getOk()).as(result.getMessage()).isTrue();
    assertThat(result.getDetails().getFieldsOrThrow("tools").getStringValue()).isEqualTo("echo");
  }

  @Test
  void anHttpBundleContributesEndpointsActionsAndTemplatesAndDependentsBlockUnload() {
    try (LoopbackServer server = new LoopbackServer()) {
      server.on("/weather", exchange -> LoopbackServer.json(exchange, 200, "{\"temp\":21}"));
      load(Extension.newBuilder().setId("weather").setVersion("1.2.0").setKind(ExtensionKind.EXTENSION_KIND_HTTP_TOOL_BUNDLE)
          .addEndpoints(Endpoint.newBuilder().setName("current").setBaseUrl(server.url()).setPathTemplate("/weather"))
          .addActions(ExtensionAction.newBuilder().setName("current").setEndpoint("current")
              .setInputSchema(json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
          .addWorkflowTemplates(WorkflowTemplate.newBuilder().setName("morning").setWorkflow(json("{\"name\":\"morning\"}")))
          .build());
      Extension dependent = load(Extension.newBuilder().setId("planner").setVersion("0.1.0").setKind(ExtensionKind.EXTENSION_KIND_WORKFLOW_PACK)
          .addDependencies(ExtensionDependency.newBuilder().setId("weather").setVersionRange("^1.1")).build());
      assertThat(dependent.getStatus()).isEqualTo(ExtensionStatus.EXTENSION_STATUS_LOADED);
      fails(() -> load(Extension.newBuilder().setId("needs-v2").setVersion("0.1.0").setKind(ExtensionKind.EXTENSION_KIND_WORKFLOW_PACK)
          .addDependencies(ExtensionDependency.newBuilder().setId("weather").setVersionRange(">=2.0.0")).build()),
          ErrorCode.INVALID_ARGUMENT, "extension.dependencies[0].versionRange");

      InvokeExtensionActionResponse weather = invoke("weather", "current", "{\"city\":\"Oslo\"}");
      assertThat(weather.getOutput().getStructValue().getFieldsOrThrow("body").getStructValue().getFieldsOrThrow("temp").getNumberValue()).isEqualTo(21);
      assertThat(server.received.get(0).uri()).isEqualTo("/weather?city=Oslo");
      Extension listed = as(admin, () -> stub().list(ListExtensionsRequest.getDefaultInstance())).getExtensionsList().get(1);
      assertThat(listed.getContributions().getEndpointsList()).containsExactly("weather.current");
      assertThat(listed.getContributions().getWorkflowTemplatesList()).containsExactly("morning");

      fails(() -> as(admin, () -> stub().unload(UnloadExtensionRequest.newBuilder().setId("weather").build())), ErrorCode.CONFLICT, null);
      UnloadExtensionResponse forced = as(admin, () -> stub().unload(UnloadExtensionRequest.newBuilder().setId("weather").setForce(true).build()));
      assertThat(forced.getEndpointsRemovedList()).containsExactly("weather.current");
      fails(() -> as(admin, () -> SdkTests.endpoints(channels).get(GetEndpointRequest.newBuilder().setName("weather.current").build())),
          ErrorCode.NOT_FOUND, null);
    }
  }
}
