package dev.nerve.automation.trigger;

import static dev.nerve.automation.AutomationTests.as;
import static dev.nerve.automation.AutomationTests.fails;
import static dev.nerve.automation.AutomationTests.freshTenant;
import static dev.nerve.automation.AutomationTests.operator;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.nerve.api.automation.v1.CreateWebhookRequest;
import dev.nerve.api.automation.v1.DeleteWebhookRequest;
import dev.nerve.api.automation.v1.DeliverWebhookRequest;
import dev.nerve.api.automation.v1.EmitEventRequest;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.ListWebhooksRequest;
import dev.nerve.api.automation.v1.TriggerServiceGrpc;
import dev.nerve.api.automation.v1.Webhook;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationTests;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Webhook deliveries (signature, time window, replay) and idempotent events. */
class WebhooksIT extends AutomationIT {



  @BeforeEach
  void setUp() {
    t.create(alice, """
        {"id": "on-push", "steps": [{"id": "a", "actionId": "log", "input": {"message": "push to ${input.body.repo}"}}]}""");
  }

  /** Deliveries arrive without identity, as the gateway's public route forwards them. */
  private TriggerServiceGrpc.TriggerServiceBlockingStub anonymous() {
    return TriggerServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(Duration.ofSeconds(30));
  }

  private DeliverWebhookRequest delivery(String hook, String body, String signature) {
    DeliverWebhookRequest.Builder request =
        DeliverWebhookRequest.newBuilder().setHookId(hook).setBody(ByteString.copyFromUtf8(body)).putHeaders("content-type", "application/json");
    if (signature != null) {
      request.putHeaders(WebhookSignature.HEADER, signature);
    }
    return request.build();
  }

  private long runs() {
    return jdbc.sql("SELECT count(*) FROM automation.run WHERE tenant_id = ?").param(alice.tenantId()).query(Long.class).single();
  }

  @Test
  void aSignedDeliveryStartsTheWorkflowOnceAndEverythingElseIsRefused() {
    Webhook hook = as(alice, () -> t.triggers().createWebhook(CreateWebhookRequest.newBuilder()
        .setWebhook(Webhook.newBuilder().setWorkflowId("on-push").setDescription("GitHub pushes")).build()));
    assertThat(hook.getSecret()).hasSizeGreaterThan(40);
    assertThat(hook.getId()).startsWith("wh_");
    String stored = jdbc.sql("SELECT secret FROM automation.webhook WHERE id = ?").param(hook.getId()).query(String.class).single();
    assertThat(stored).startsWith("nrvenc:v1:").doesNotContain(hook.getSecret());
    assertThat(as(alice, () -> t.triggers().listWebhooks(ListWebhooksRequest.getDefaultInstance())).getWebhooks(0).getSecret()).isEmpty();

    String body = "{\"repo\": \"nerve\"}";
    long now = Instant.now().getEpochSecond();
    String good = WebhookSignature.sign(hook.getSecret(), now, body.getBytes(StandardCharsets.UTF_8));

    fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), body, null)), ErrorCode.UNAUTHENTICATED, null);
    fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), body,
        WebhookSignature.sign("wrong-secret", now, body.getBytes(StandardCharsets.UTF_8)))), ErrorCode.UNAUTHENTICATED, null);
    fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), "{\"repo\": \"evil\"}", good)), ErrorCode.UNAUTHENTICATED, null);
    fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), body,
        WebhookSignature.sign(hook.getSecret(), now - 3600, body.getBytes(StandardCharsets.UTF_8)))), ErrorCode.UNAUTHENTICATED, null);
    fails(() -> anonymous().deliverWebhook(delivery("wh_unknown", body, good)), ErrorCode.UNAUTHENTICATED, null);
    assertThat(runs()).as("refused deliveries start nothing").isZero();

    var accepted = anonymous().deliverWebhook(delivery(hook.getId(), body, good));
    var run = t.awaitEnd(alice, accepted.getExecutionId(), Duration.ofSeconds(30));
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(run.getTrigger()).isEqualTo("webhook:" + hook.getId());
    assertThat(run.getOutput().getFieldsOrThrow("a").getStructValue().getFieldsOrThrow("message").getStringValue()).isEqualTo("push to nerve");

    var replay = fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), body, good)), ErrorCode.UNAUTHENTICATED, null);
    assertThat(replay.getMessage()).contains("accepted before");
    assertThat(runs()).isEqualTo(1);

    as(alice, () -> t.triggers().deleteWebhook(DeleteWebhookRequest.newBuilder().setId(hook.getId()).build()));
    String later = WebhookSignature.sign(hook.getSecret(), now + 1, body.getBytes(StandardCharsets.UTF_8));
    fails(() -> anonymous().deliverWebhook(delivery(hook.getId(), body, later)), ErrorCode.UNAUTHENTICATED, null);
    assertThat(runs()).isEqualTo(1);
  }

  @Test
  void webhooksNeedAKnownWorkflowAndStayInTheirTenant() {
    fails(() -> as(alice, () -> t.triggers().createWebhook(CreateWebhookRequest.newBuilder()
        .setWebhook(Webhook.newBuilder().setWorkflowId("nope")).build())), ErrorCode.INVALID_ARGUMENT, "webhook.workflowId");
    Webhook hook = as(alice, () -> t.triggers().createWebhook(CreateWebhookRequest.newBuilder()
        .setWebhook(Webhook.newBuilder().setWorkflowId("on-push")).build()));
    Identity mallory = operator(freshTenant());
    fails(() -> as(mallory, () -> t.triggers().deleteWebhook(DeleteWebhookRequest.newBuilder().setId(hook.getId()).build())),
        ErrorCode.NOT_FOUND, null);
    fails(() -> anonymous().createWebhook(CreateWebhookRequest.newBuilder()
        .setWebhook(Webhook.newBuilder().setWorkflowId("on-push")).build()), ErrorCode.UNAUTHENTICATED, null);
  }

  @Test
  void anEventWithARequestIdIsHandledOnce() {
    t.create(alice, """
        {"id": "on-event", "trigger": {"event": {"eventType": "invoice.paid"}},
         "steps": [{"id": "a", "actionId": "log", "input": {"message": "${input.payload.amount}"}}]}""");
    EmitEventRequest request = EmitEventRequest.newBuilder().setName("invoice.paid").setKey("inv-1").setRequestId("evt-1")
        .setPayload(AutomationTests.json("{\"amount\": 10}")).build();
    var first = as(alice, () -> t.triggers().emitEvent(request));
    var second = as(alice, () -> t.triggers().emitEvent(request));
    assertThat(first.getStartedExecutionIdsCount()).isEqualTo(1);
    assertThat(second).isEqualTo(first);
    assertThat(runs()).isEqualTo(1);
    fails(() -> as(alice, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("bad name!").build())),
        ErrorCode.INVALID_ARGUMENT, "name");
  }
}
