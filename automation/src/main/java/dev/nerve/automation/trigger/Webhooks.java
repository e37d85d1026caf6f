package dev.nerve.automation.trigger;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.Webhook;
import dev.nerve.automation.engine.Engine;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.secrets.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Webhook triggers: create (a random id and a 256-bit secret, shown once and stored sealed with the
 * platform's SecretBox), list, delete, and deliveries, which are verified (signature, timestamp
 * window, replay) before anything is written and then start the hook's workflow as the hook's
 * creator. Every refusal of a delivery reads the same to the sender (UNAUTHENTICATED), so it
 * cannot probe which hook ids exist.
 */
public final class Webhooks {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
  private static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
  private static final Duration MAX_TOLERANCE = Duration.ofHours(1);
  private static final int MAX_BODY = 1 << 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final SecretBox secrets;
  private final Workflows workflows;
  private final Engine engine;
  private final TransactionTemplate tx;

  Webhooks(JdbcClient jdbc, SecretBox secrets, Workflows workflows, Engine engine, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.workflows = workflows;
    this.engine = engine;
    this.tx = tx;
  }

  private record Hook(String id, String tenantId, String workflowId, String description, String sealed, Duration tolerance,
      Principal owner, Instant createdAt, Instant lastDeliveryAt) {

    Webhook proto() {
      Webhook.Builder hook =
          Webhook.newBuilder().setId(id).setWorkflowId(workflowId).setDescription(description)
              .setTolerance(Times.proto(tolerance)).setCreatedAt(Times.proto(createdAt));
      if (lastDeliveryAt != null) {
        hook.setLastDeliveryAt(Times.proto(lastDeliveryAt));
      }
      return hook.build();
    }
  }

  private static String context(String id) {
    return "automation.webhook:" + id;
  }

  public Webhook create(Principal caller, Webhook webhook) {
    String workflowId = Inputs.required("webhook.workflowId", webhook.getWorkflowId());
    try {
      workflows.current(caller.tenantId(), workflowId);
    } catch (NerveException e) {
      throw NerveException.invalid("webhook.workflowId", "known", "names no workflow of this tenant");
    }
    Inputs.text("webhook.description", webhook.getDescription(), 1000);
    Duration tolerance = webhook.hasTolerance() ? Times.duration(webhook.getTolerance()) : DEFAULT_TOLERANCE;
    if (tolerance.compareTo(Duration.ofSeconds(1)) < 0 || tolerance.compareTo(MAX_TOLERANCE) > 0) {
      throw NerveException.invalid("webhook.tolerance", "range", "must be between 1 second and 1 hour");
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byte[] idBytes = new byte[18];
    RANDOM.nextBytes(idBytes);
    String id = "wh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
    Instant now = Times.now();
    jdbc.sql(
            "INSERT INTO automation.webhook (id, tenant_id, workflow_id, description, secret, tolerance_ms, user_id, roles,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(id, caller.tenantId(), workflowId, webhook.getDescription(), secrets.seal(secret, context(id)),
            tolerance.toMillis(), caller.userId(), caller.roles(), Times.sql(now))
        .update();
    return find(caller.tenantId(), id).orElseThrow().proto().toBuilder().setSecret(secret).build();
  }

  public Webhook get(Principal caller, String id) {
    Inputs.required("id", id);
    return find(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("webhook", id)).proto();
  }

  public List<Webhook> list(Principal caller, String workflowId, Instant afterCreated, String afterId, int limit) {
    return jdbc.sql(
            "SELECT * FROM automation.webhook WHERE tenant_id = :t AND (:w = '' OR workflow_id = :w)"
                + " AND (CAST(:ac AS timestamptz) IS NULL OR (created_at, id) < (:ac, :ai))"
                + " ORDER BY created_at DESC, id DESC LIMIT :limit")
        .param("t", caller.tenantId())
        .param("w", workflowId)
        .param("ac", Times.sql(afterCreated))
        .param("ai", afterId == null ? "" : afterId)
        .param("limit", limit)
        .query(Webhooks::map)
        .list()
        .stream()
        .map(Hook::proto)
        .toList();
  }

  public Instant delete(Principal caller, String id) {
    Inputs.required("id", id);
    int n = jdbc.sql("DELETE FROM automation.webhook WHERE tenant_id = ? AND id = ?").params(caller.tenantId(), id).update();
    if (n == 0) {
      throw NerveException.notFound("webhook", id);
    }
    return Times.now();
  }

  /** Verifies and accepts a delivery; returns the execution it started. */
  public UUID deliver(String id, byte[] body, Map<String, String> headers) {
    Hook hook = jdbc.sql("SELECT * FROM automation.webhook WHERE id = ?").param(id).query(Webhooks::map).optional().orElse(null);
    if (hook == null) {
      throw refused(id, "unknown hook");
    }
    if (body.length > MAX_BODY) {
      throw NerveException.invalid("body", "maxBytes", "must be at most " + MAX_BODY + " bytes");
    }
    String secret = secrets.open(hook.sealed(), context(id));
    String[] why = new String[1];
    String signature =
        WebhookSignature.verify(headers.get(WebhookSignature.HEADER), secret, body, Instant.now(), hook.tolerance(), why);
    if (signature == null) {
      throw refused(id, why[0]);
    }
    Value payload;
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      payload = text.isBlank() ? Json.nullValue() : Json.value(text);
    } catch (IllegalStateException e) {
      payload = Json.of(text);
    }
    Struct.Builder headerStruct = Struct.newBuilder();
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("authorization") && !k.equalsIgnoreCase("cookie")) {
        headerStruct.putFields(k.toLowerCase(), Json.of(v));
      }
    });
    Struct input =
        Struct.newBuilder()
            .putFields("body", payload)
            .putFields("headers", Json.of(headerStruct.build()))
            .putFields("hookId", Json.of(id))
            .build();
    return tx.execute(
        status -> {
          int fresh =
              jdbc.sql("INSERT INTO automation.webhook_delivery (hook_id, signature, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                  .params(id, signature, Times.sql(Times.now()))
                  .update();
          if (fresh == 0) {
            throw refused(id, "replayed delivery (this signature was accepted before)");
          }
          jdbc.sql("UPDATE automation.webhook SET last_delivery_at = ? WHERE id = ?").params(Times.sql(Times.now()), id).update();
          return engine.start(new Engine.Start(hook.owner(), hook.workflowId(), null, input, "webhook:" + id,
              "webhook:" + id + ":" + signature));
        });
  }

  /**
   * A refused delivery. The answer is the same for an unknown hook and a bad, missing or stale
   * signature (the reason is logged), so senders cannot probe for hook ids; only a replay, which
   * needs a valid signature, says so.
   */
  private static NerveException refused(String id, String why) {
    log.info("webhook delivery to {} refused: {}", id.length() > 64 ? id.substring(0, 64) : id, why);
    boolean replay = why.startsWith("replayed");
    return new NerveException(
        ErrorCode.UNAUTHENTICATED,
        replay
            ? "webhook delivery refused: this delivery was accepted before"
            : "webhook delivery refused: the X-Nerve-Signature header is missing, does not match, or is outside the time window");
  }

  private Optional<Hook> find(String tenantId, String id) {
    return jdbc.sql("SELECT * FROM automation.webhook WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(Webhooks::map)
        .optional();
  }

  private static Hook map(ResultSet rs, int row) throws SQLException {
    return new Hook(rs.getString("id"), rs.getString("tenant_id"), rs.getString("workflow_id"), rs.getString("description"),
        rs.getString("secret"), Duration.ofMillis(rs.getLong("tolerance_ms")),
        new Principal(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("roles")),
        Times.read(rs, "created_at"), Times.read(rs, "last_delivery_at"));
  }
}
