package dev.nerve.automation.trigger;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.EmitEventResponse;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.EventSink;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.engine.Engine;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Templates;
import dev.nerve.automation.workflow.WorkflowRepository;
import dev.nerve.platform.error.NerveException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Named events of a tenant: an event resumes the waitForEvent steps waiting for its name and key
 * and starts the workflows whose event trigger names it (and whose filter, a CEL expression over
 * {@code event}, accepts it), all in one transaction. A request id makes the emit idempotent.
 */
public final class Events implements EventSink {

  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private final JdbcClient jdbc;
  private final WorkflowRepository workflows;
  private final Engine engine;
  private final Templates templates;
  private final TransactionTemplate tx;
  private final AutomationProperties properties;

  Events(JdbcClient jdbc, WorkflowRepository workflows, Engine engine, Templates templates, TransactionTemplate tx,
      AutomationProperties properties) {
    this.jdbc = jdbc;
    this.workflows = workflows;
    this.engine = engine;
    this.templates = templates;
    this.tx = tx;
    this.properties = properties;
  }

  @Override
  public EmitEventResponse emit(Principal principal, String name, String key, Struct payload, String requestId) {
    if (!NAME.matcher(name).matches()) {
      throw NerveException.invalid("name", "format", "must be 1 to 128 letters, digits or . _ : - starting with a letter or digit");
    }
    Inputs.text("key", key, 256);
    Inputs.payload("payload", payload, properties.limits().maxPayloadBytes());
    return tx.execute(
        status -> {
          if (!requestId.isEmpty()) {
            String stored =
                jdbc.sql("SELECT response::text FROM automation.event_receipt WHERE tenant_id = ? AND request_id = ?")
                    .params(principal.tenantId(), requestId)
                    .query(String.class)
                    .optional()
                    .orElse(null);
            if (stored != null) {
              return parse(stored);
            }
          }
          EmitEventResponse.Builder response = EmitEventResponse.newBuilder();
          response.setResumedSteps(engine.resume(principal.tenantId(), name, key, Json.of(payload)));
          Value event =
              Json.of(Struct.newBuilder().putFields("name", Json.of(name)).putFields("key", Json.of(key))
                  .putFields("payload", Json.of(payload)).build());
          for (WorkflowRepository.Row workflow : workflows.subscribers(principal.tenantId(), name)) {
            String filter = workflow.definition().getTrigger().getEvent().getFilter();
            if (!filter.isEmpty()) {
              try {
                if (!templates.expression(filter).test(Map.of("event", event))) {
                  continue;
                }
              } catch (CelException e) {
                log.info("event trigger filter of workflow {} failed: {}", workflow.id(), e.getMessage());
                continue;
              }
            }
            UUID run =
                engine.start(new Engine.Start(principal, workflow.id(), null, event.getStructValue(), "event:" + name,
                    requestId.isEmpty() ? "" : "event:" + requestId + ":" + workflow.id()));
            response.addStartedExecutionIds(run.toString());
          }
          EmitEventResponse built = response.build();
          if (!requestId.isEmpty()) {
            jdbc.sql(
                    "INSERT INTO automation.event_receipt (tenant_id, request_id, response, created_at) VALUES (?, ?, ?::jsonb, ?)"
                        + " ON CONFLICT DO NOTHING")
                .params(principal.tenantId(), requestId, Json.print(built), Times.sql(Times.now()))
                .update();
          }
          return built;
        });
  }

  private static EmitEventResponse parse(String json) {
    EmitEventResponse.Builder builder = EmitEventResponse.newBuilder();
    try {
      Json.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return builder.build();
  }
}
