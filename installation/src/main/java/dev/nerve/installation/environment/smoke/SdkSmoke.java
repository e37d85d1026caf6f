package dev.nerve.installation.environment.smoke;

import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.HttpMethod;
import dev.nerve.api.sdk.v1.RegisterEndpointRequest;
import dev.nerve.api.sdk.v1.RemoveEndpointRequest;
import dev.nerve.installation.environment.Finding;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The SDK works: register an endpoint pointing at this server's own liveness probe, call it
 * through the outbound guard, remove it. It needs a loopback destination the administrator has
 * allowed (the guard refuses loopback by default) and the SDK in this process (another process's
 * loopback is not this server); otherwise it is skipped with the reason, never forced.
 */
final class SdkSmoke extends SystemSmoke {

  static final String LOOPBACK = "127.0.0.1";
  static final String PATH = "/actuator/health/liveness";

  private final ChannelFactory channels;
  private final OutboundGuard guard;
  private final Supplier<OptionalInt> httpPort;

  /** @param httpPort this process's HTTP port, empty when it serves no HTTP */
  SdkSmoke(ChannelFactory channels, OutboundGuard guard, Supplier<OptionalInt> httpPort) {
    super(Target.SDK, channels);
    this.channels = channels;
    this.guard = guard;
    this.httpPort = httpPort;
  }

  @Override
  public String title() {
    return "SDK calls an allowlisted loopback endpoint";
  }

  @Override
  Finding smoke(Channel channel, String where) {
    if (!ChannelFactory.IN_PROCESS.equals(channels.routes().get(Target.SDK))) {
      return Finding.skipped(
          "the sdk system runs " + where + "; its loopback is not this server, so there is no safe target to call");
    }
    OptionalInt port = httpPort.get();
    if (port.isEmpty()) {
      return Finding.skipped("this process serves no HTTP, so there is no loopback endpoint to call");
    }
    try {
      guard.resolve(LOOPBACK, port.getAsInt());
    } catch (OutboundRefusedException | java.net.UnknownHostException e) {
      return Finding.skipped(
          LOOPBACK + ":" + port.getAsInt() + " is not on the outbound allowlist (nerve.outbound.allow-cidrs, or the"
              + " saved /outbound/allowCidrs), so the loopback call is not made; allow it to include the SDK in verify");
    }
    String name = name();
    String baseUrl = "http://" + LOOPBACK + ":" + port.getAsInt();
    step(
        "register a loopback endpoint",
        () ->
            deadline(ApiEndpointServiceGrpc.newBlockingStub(channel))
                .register(
                    RegisterEndpointRequest.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setName(name)
                                .setDescription("Installation verification probe; removed right after its call")
                                .setBaseUrl(baseUrl)
                                .setMethod(HttpMethod.HTTP_METHOD_GET)
                                .setPathTemplate(PATH))
                        .build()));
    CallEndpointResponse response;
    try {
      response =
          step(
              "call the endpoint",
              () -> deadline(ApiEndpointServiceGrpc.newBlockingStub(channel)).call(CallEndpointRequest.newBuilder().setEndpoint(name).build()));
      // Any HTTP answer proves the SDK's outbound path; the probe's own health is not the point.
      expect(response.getStatusCode() > 0, "call " + baseUrl + PATH, "no HTTP status came back");
    } finally {
      step(
          "remove the endpoint it registered (left in tenant " + TENANT + ")",
          () -> deadline(ApiEndpointServiceGrpc.newBlockingStub(channel)).remove(RemoveEndpointRequest.newBuilder().setName(name).build()));
    }
    return Finding.ok(
        "registered an endpoint, called " + baseUrl + PATH + " through the outbound allowlist (HTTP "
            + response.getStatusCode() + ") and removed it " + where);
  }
}
