package dev.nerve.gateway.automation;

import com.google.protobuf.ByteString;
import dev.nerve.api.automation.v1.DeliverWebhookRequest;
import dev.nerve.api.automation.v1.TriggerServiceGrpc;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public webhook route {@code POST /api/v1/hooks/{id}}: forwards the raw body (any content
 * type, as the sender signed it) and the headers to {@code TriggerService/DeliverWebhook}, which
 * checks the signature. The one REST route that is not transcoded from a binding, because its body
 * must reach the service byte for byte.
 */
@RestController
@Tag(name = "Automation: triggers", description = "Webhook deliveries")
class WebhookDeliveryController {

  private final ChannelFactory channels;

  WebhookDeliveryController(ChannelFactory channels) {
    this.channels = channels;
  }

  @PostMapping("/api/v1/hooks/{id}")
  @Operation(
      summary = "Deliver a webhook",
      description = "Public; authenticated by X-Nerve-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>."
          + " Starts the hook's workflow and answers 202 with {executionId}; a bad, stale or replayed signature is 401.")
  ResponseEntity<Map<String, String>> deliver(
      @PathVariable("id") String id, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
    DeliverWebhookRequest.Builder delivery =
        DeliverWebhookRequest.newBuilder().setHookId(id).setBody(ByteString.copyFrom(body == null ? new byte[0] : body));
    for (String name : Collections.list(request.getHeaderNames())) {
      delivery.putHeaders(name.toLowerCase(Locale.ROOT), String.join(", ", Collections.list(request.getHeaders(name))));
    }
    var response =
        TriggerServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).deliverWebhook(delivery.build());
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("executionId", response.getExecutionId()));
  }
}
