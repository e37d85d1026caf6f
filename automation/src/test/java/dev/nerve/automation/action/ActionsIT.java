package dev.nerve.automation.action;

import static dev.nerve.automation.AutomationTests.as;
import static dev.nerve.automation.AutomationTests.fails;
import static dev.nerve.automation.AutomationTests.freshTenant;
import static dev.nerve.automation.AutomationTests.json;
import static dev.nerve.automation.AutomationTests.operator;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.api.automation.v1.Action;
import dev.nerve.api.automation.v1.ActionResult;
import dev.nerve.api.automation.v1.ActionStatus;
import dev.nerve.api.automation.v1.ExecuteActionRequest;
import dev.nerve.api.automation.v1.GetActionRequest;
import dev.nerve.api.automation.v1.ListActionsRequest;
import dev.nerve.api.automation.v1.RegisterActionRequest;
import dev.nerve.api.automation.v1.RemoveActionRequest;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionRequest;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationTests;
import dev.nerve.automation.FakeServices;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** ActionService and every built-in kind, with fake memory and SDK services and a loopback HTTP server. */
class ActionsIT extends AutomationIT {

  static final List<String> HTTP_KEYS = new CopyOnWriteArrayList<>();
  static final HttpServer HTTP = http();

  static HttpServer http() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/ok", exchange -> {
        HTTP_KEYS.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
        byte[] body = ("{\"echo\": " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.createContext("/broken", exchange -> {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    HTTP.stop(0);
  }



  private ActionResult execute(Identity who, String actionId, String params) {
    return as(who, () -> t.actions().execute(ExecuteActionRequest.newBuilder().setActionId(actionId).setParams(json(params)).build()));
  }

  private Action register(Identity who, Action action) {
    return as(who, () -> t.actions().register(RegisterActionRequest.newBuilder().setAction(action).build()));
  }

  @Test
  void everyBuiltInKindIsListedAsABuiltInAction() {
    var page = as(alice, () -> t.actions().list(ListActionsRequest.getDefaultInstance()));
    assertThat(page.getActionsList()).filteredOn(Action::getBuiltin).extracting(Action::getId)
        .contains("http.request", "sdk.call", "memory.store", "memory.search", "event.emit", "log", "delay", "transform");
    var first = as(alice, () -> t.actions().list(ListActionsRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(2)).build()));
    assertThat(first.getActionsCount()).isEqualTo(2);
    var second = as(alice, () -> t.actions().list(ListActionsRequest.newBuilder()
        .setPage(PageRequest.newBuilder().setPageSize(2).setCursor(first.getPageInfo().getNextCursor())).build()));
    assertThat(second.getActions(0).getId()).isGreaterThan(first.getActions(1).getId());
  }

  @Test
  void registeredActionsValidateParametersAndOutputAgainstTheirSchemas() {
    Action doubler = register(alice, Action.newBuilder().setId("double").setKindId("transform")
        .setConfig(json("{\"expression\": \"params.n * 2.0\"}"))
        .setDefaults(json("{\"n\": 1}"))
        .setInputSchema(json("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", \"maximum\": 100}}}"))
        .setOutputSchema(json("{\"type\": \"number\", \"maximum\": 150}"))
        .build());
    assertThat(doubler.getKind()).isEqualTo(dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_CEL_TRANSFORM);
    assertThat(execute(alice, "double", "{\"n\": 21}").getOutput().getNumberValue()).isEqualTo(42.0);
    assertThat(execute(alice, "double", "{}").getOutput().getNumberValue()).isEqualTo(2.0);
    fails(() -> execute(alice, "double", "{\"n\": 1000}"), ErrorCode.INVALID_ARGUMENT, "params.n");
    ActionResult tooBig = execute(alice, "double", "{\"n\": 90}");
    assertThat(tooBig.getOk()).isFalse();
    assertThat(tooBig.getStatus()).isEqualTo(ActionStatus.ACTION_STATUS_FAILED);
    assertThat(tooBig.getError()).contains("output breaks its schema");
    assertThat(as(alice, () -> t.actions().get(GetActionRequest.newBuilder().setId("double").build())).getCreatedAt().getSeconds()).isPositive();
    fails(() -> as(operator(freshTenant()), () -> t.actions().get(GetActionRequest.newBuilder().setId("double").build())),
        ErrorCode.NOT_FOUND, null);
  }

  @Test
  void badRegistrationsAreRefusedField() {
    fails(() -> register(alice, Action.newBuilder().setId("x").setKindId("no.such.kind").build()), ErrorCode.INVALID_ARGUMENT, "action.kindId");
    fails(() -> register(alice, Action.newBuilder().setId("log").setKindId("log").build()), ErrorCode.INVALID_ARGUMENT, "action.id");
    fails(() -> register(alice, Action.newBuilder().setId("bad schema").setKindId("log").build()), ErrorCode.INVALID_ARGUMENT, "action.id");
    fails(() -> register(alice, Action.newBuilder().setId("y").setKindId("log")
        .setInputSchema(json("{\"type\": \"nonsense\"}")).build()), ErrorCode.INVALID_ARGUMENT, null);
    fails(() -> register(alice, Action.newBuilder().setId("z").setKindId("log")
        .setInputSchema(json("{\"type\": \"object\", \"properties\": {\"message\": {\"type\": \"string\"}}}"))
        .setDefaults(json("{\"message\": 5}")).build()), ErrorCode.INVALID_ARGUMENT, "action.defaults.message");
  }

  @Test
  void removeRefusesWhileAWorkflowUsesTheActionUnlessForced() {
    register(alice, Action.newBuilder().setId("greet").setKindId("log").setDefaults(json("{\"message\": \"hi\"}")).build());
    t.create(alice, """
        {"id": "greeter", "steps": [{"id": "a", "actionId": "greet"}]}""");
    fails(() -> as(alice, () -> t.actions().remove(RemoveActionRequest.newBuilder().setId("greet").build())), ErrorCode.CONFLICT, null);
    fails(() -> as(alice, () -> t.actions().remove(RemoveActionRequest.newBuilder().setId("log").build())), ErrorCode.FAILED_PRECONDITION, null);
    var removed = as(alice, () -> t.actions().remove(RemoveActionRequest.newBuilder().setId("greet").setForce(true).build()));
    assertThat(removed.getId()).isEqualTo("greet");
    var run = t.run(alice, "greeter", "{}");
    assertThat(run.getStatus()).isEqualTo(dev.nerve.api.automation.v1.ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(run.getError()).contains("does not exist");
  }

  @Test
  void httpRequestGoesThroughTheOutboundGuardWithTheIdempotencyKey() {
    String base = "http://127.0.0.1:" + HTTP.getAddress().getPort();
    ActionResult ok = as(alice, () -> t.actions().execute(ExecuteActionRequest.newBuilder().setActionId("http.request")
        .setRequestId("key-123")
        .setParams(json("{\"url\": \"" + base + "/ok\", \"method\": \"POST\", \"body\": {\"a\": 1}}")).build()));
    assertThat(ok.getOk()).as(ok.getError()).isTrue();
    assertThat(ok.getOutput().getStructValue().getFieldsOrThrow("status").getNumberValue()).isEqualTo(200);
    assertThat(ok.getOutput().getStructValue().getFieldsOrThrow("body").getStructValue().getFieldsOrThrow("echo")
        .getStructValue().getFieldsOrThrow("a").getNumberValue()).isEqualTo(1);
    assertThat(HTTP_KEYS).contains("key-123");
    ActionResult broken = execute(alice, "http.request", "{\"url\": \"" + base + "/broken\"}");
    assertThat(broken.getOk()).isFalse();
    assertThat(broken.getError()).contains("HTTP 503");
    ActionResult refused = execute(alice, "http.request", "{\"url\": \"http://10.255.255.1/admin\"}");
    assertThat(refused.getOk()).isFalse();
    assertThat(refused.getError()).contains("outbound guard");
    ActionResult metadata = execute(alice, "http.request", "{\"url\": \"http://169.254.169.254/latest/meta-data\"}");
    assertThat(metadata.getError()).contains("outbound guard");
  }

  @Test
  void memoryKindsCallTheMemoryContractAsTheCaller() {
    ActionResult stored = execute(alice, "memory.store", "{\"text\": \"remember the milk\", \"tags\": [\"todo\"]}");
    assertThat(stored.getOk()).as(stored.getError()).isTrue();
    assertThat(stored.getOutput().getStructValue().getFieldsOrThrow("memory").getStructValue().getFieldsOrThrow("id").getStringValue())
        .isEqualTo("m-1");
    FakeServices.Received call = FAKES.received.stream().filter(r -> r.request() instanceof StoreMemoryRequest).reduce((a, b) -> b).orElseThrow();
    assertThat(((StoreMemoryRequest) call.request()).getTagsList()).containsExactly("todo");
    assertThat(call.tenant()).isEqualTo(alice.tenantId());
    ActionResult found = execute(alice, "memory.search", "{\"query\": \"milk\"}");
    assertThat(found.getOutput().getStructValue().getFieldsOrThrow("hits").getListValue().getValuesCount()).isEqualTo(1);
    fails(() -> execute(alice, "memory.store", "{}"), ErrorCode.INVALID_ARGUMENT, "params.text");
    ActionResult unknownField = execute(alice, "memory.store", "{\"text\": \"x\", \"nope\": 1}");
    assertThat(unknownField.getOk()).isFalse();
  }

  @Test
  void sdkCallAndExtensionKindsCallTheSdkContract() {
    ActionResult called = execute(alice, "sdk.call", "{\"endpoint\": \"github.issues\", \"params\": {\"repo\": \"nerve\"}}");
    assertThat(called.getOk()).as(called.getError()).isTrue();
    assertThat(called.getOutput().getStructValue().getFieldsOrThrow("body").getStringValue()).isEqualTo("called github.issues");
    assertThat(FAKES.received).anyMatch(r -> r.request() instanceof CallEndpointRequest c && c.getParams().containsFields("repo"));

    register(alice, Action.newBuilder().setId("open-issue").setKindId("ext:github:create_issue").build());
    ActionResult ext = as(alice, () -> t.actions().execute(ExecuteActionRequest.newBuilder().setActionId("open-issue")
        .setRequestId("attempt-7").setParams(json("{\"title\": \"bug\"}")).build()));
    assertThat(ext.getOk()).as(ext.getError()).isTrue();
    assertThat(ext.getOutput().getStringValue()).isEqualTo("github/create_issue");
    assertThat(ext.getLogsList()).contains("ran create_issue");
    InvokeExtensionActionRequest sent = FAKES.received.stream().map(FakeServices.Received::request)
        .filter(InvokeExtensionActionRequest.class::isInstance).map(InvokeExtensionActionRequest.class::cast)
        .reduce((a, b) -> b).orElseThrow();
    assertThat(sent.getIdempotencyKey()).isEqualTo("attempt-7");
    assertThat(sent.getInput().getFieldsOrThrow("title").getStringValue()).isEqualTo("bug");
    register(alice, Action.newBuilder().setId("gone").setKindId("ext:github:missing").build());
    ActionResult missing = execute(alice, "gone", "{}");
    assertThat(missing.getOk()).isFalse();
    assertThat(missing.getError()).contains("NOT_FOUND");
  }

  @Test
  void eventEmitStartsSubscribedWorkflows() {
    t.create(alice, """
        {"id": "welcome", "trigger": {"event": {"eventType": "user.signed_up", "filter": "event.payload.plan == 'pro'"}},
         "steps": [{"id": "a", "actionId": "log", "input": {"message": "welcome ${input.key}"}}]}""");
    ActionResult free = execute(alice, "event.emit", "{\"name\": \"user.signed_up\", \"key\": \"u1\", \"payload\": {\"plan\": \"free\"}}");
    assertThat(free.getOutput().getStructValue().getFieldsOrDefault("startedExecutionIds", com.google.protobuf.Value.getDefaultInstance())
        .getListValue().getValuesCount()).isZero();
    ActionResult pro = execute(alice, "event.emit", "{\"name\": \"user.signed_up\", \"key\": \"u2\", \"payload\": {\"plan\": \"pro\"}}");
    String id = pro.getOutput().getStructValue().getFieldsOrThrow("startedExecutionIds").getListValue().getValues(0).getStringValue();
    var run = t.awaitEnd(alice, id, java.time.Duration.ofSeconds(30));
    assertThat(run.getTrigger()).isEqualTo("event:user.signed_up");
    assertThat(run.getOutput().getFieldsOrThrow("a").getStructValue().getFieldsOrThrow("message").getStringValue()).isEqualTo("welcome u2");
  }
}
