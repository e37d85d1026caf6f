package dev.nerve.gateway.audit;

import dev.nerve.platform.activity.ActivityOutbox;
import dev.nerve.platform.activity.ActivityOutboxes;
import dev.nerve.platform.activity.ActivityRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway as a producer of user activity: every operation the audit log records (its name and
 * outcome, never its payload) also goes to the gateway's activity outbox, whose relay delivers it
 * to the learning target. Anonymous callers ({@code ip:} actors) are not users and are skipped.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayActivity {

  private static final Logger log = LoggerFactory.getLogger(GatewayActivity.class);

  @Bean
  ActivityOutbox gatewayActivityOutbox(ActivityOutboxes outboxes, AuditLog audit) {
    ActivityOutbox outbox = outboxes.open("gateway", "gateway");
    ActivityRecorder recorder = outbox.recorder();
    audit.listen(
        (tenantId, actor, operation, result) -> {
          String user = userOf(actor);
          if (user == null) {
            return;
          }
          try {
            recorder.recordOperation(tenantId, user, operation, result);
          } catch (RuntimeException e) {
            log.warn("activity of {} could not be queued: {}", operation, e.toString());
          }
        });
    return outbox;
  }

  /** The user id behind an audit actor: {@code user:<id>} is the user, {@code key:<id>} the API key's principal. */
  static String userOf(String actor) {
    if (actor.startsWith("user:")) {
      return actor.substring(5);
    }
    if (actor.startsWith("key:")) {
      return "apikey:" + actor.substring(4);
    }
    return null;
  }
}
