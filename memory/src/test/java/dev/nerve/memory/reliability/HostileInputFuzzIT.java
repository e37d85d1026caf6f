package dev.nerve.memory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.MemoryTests;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.HostileMessages;
import dev.nerve.testing.TestServers;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.WebApplicationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Fuzzing of every request field of every memory RPC (600 requests from a fixed seed, so a failure
 * names the try that reproduces it), in process against real
 * PostgreSQL and Redis: requests are filled by reflection with hostile strings (NUL, unpaired
 * surrogates, control characters, huge text), edge numbers (NaN, infinities, 1e300, integer
 * limits), hostile JSON payloads and out-of-range timestamps and durations. Whatever arrives, the
 * answer is a result or a client error (INVALID_ARGUMENT naming a field, NOT_FOUND, ...), never
 * INTERNAL, UNKNOWN or an availability error, and text that was accepted is stored exactly as sent.
 */
class HostileInputFuzzIT {

  private static final Set<Status.Code> CLIENT_OUTCOMES =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.ABORTED,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.OUT_OF_RANGE);

  private static ConfigurableApplicationContext context;
  private static Channel channel;
  private static Identity caller;

  @BeforeAll
  static void start() {
    List<String> properties = new ArrayList<>();
    TestServers.applicationProperties().forEach((k, v) -> properties.add(k + "=" + v));
    properties.addAll(List.of("nerve.targets=memory", "nerve.grpc.default-deadline=60s"));
    context =
        new SpringApplicationBuilder(MemoryTestApplication.class)
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
    channel = context.getBean(ChannelFactory.class).channel(Target.MEMORY);
    caller = MemoryTests.admin(MemoryTests.freshTenant(), "fuzzer");
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  private static final long SEED = 20261130L;
  private static final int TRIES = 600;

  /** The RPC and a hostile request of its input type, for try {@code n}. */
  static Call call(int n) {
    Random random = new Random(SEED + n);
    List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
    for (ServiceDescriptor service :
        List.of(
            ShortTermMemoryServiceGrpc.getServiceDescriptor(),
            LongTermMemoryServiceGrpc.getServiceDescriptor(),
            ContextServiceGrpc.getServiceDescriptor())) {
      methods.addAll(service.getMethods());
    }
    MethodDescriptor<?, ?> method = methods.get(random.nextInt(methods.size()));
    var input = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
    return new Call(method, HostileMessages.of(input, random));
  }

  @Test
  void noRequestCausesAServerError() {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int n = 0; n < TRIES; n++) {
      Status.Code code = check(n, call(n));
      outcomes.merge(code.name(), 1, Integer::sum);
    }
    System.out.println("memory fuzz outcomes over " + TRIES + " requests: " + outcomes);
    assertThat(outcomes).as("some requests get through to storage").containsKey("OK");
    assertThat(outcomes).as("some requests are refused as bad input").containsKey("INVALID_ARGUMENT");
  }

  private static Status.Code check(int n, Call call) {
    Message request = typed(call);
    Status.Code code;
    Message response = null;
    NerveException error = null;
    try {
      response = IdentityContext.callAs(caller, () -> invoke(call.method(), request));
      code = Status.Code.OK;
    } catch (StatusRuntimeException e) {
      code = e.getStatus().getCode();
      error = GrpcErrors.fromStatus(e);
    }
    assertThat(code)
        .as("try %d: %s with %s answered %s", n, call.method().getFullMethodName(), call.request(), error)
        .isIn(CLIENT_OUTCOMES);
    if (code == Status.Code.INVALID_ARGUMENT) {
      assertThat(error.violations()).as("bad input names its field: %s", error.getMessage()).isNotEmpty();
    }
    if (response != null && call.method().getFullMethodName().endsWith("LongTermMemoryService/Store")) {
      Object text = request.getField(request.getDescriptorForType().findFieldByName("text"));
      Message memory = (Message) response.getField(response.getDescriptorForType().findFieldByName("memory"));
      assertThat(memory.getField(memory.getDescriptorForType().findFieldByName("text")))
          .as("try %d: accepted text comes back exactly as sent", n)
          .isEqualTo(text);
    }
    return code;
  }

  /**
   * The request as the generated type. The in-process transport hands objects over as they are, so
   * half the calls keep Java's strings untouched (as a co-located gateway sends them, unpaired
   * surrogates included) and half go through the wire encoding (as a network client's bytes arrive).
   */
  @SuppressWarnings("unchecked")
  private static Message typed(Call call) {
    MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) call.method();
    Message wire = method.parseRequest(new java.io.ByteArrayInputStream(call.request().toByteArray()));
    if ((call.request().hashCode() & 1) == 0) {
      return wire;
    }
    return wire.newBuilderForType().mergeFrom(call.request()).build();
  }

  @SuppressWarnings("unchecked")
  private static Message invoke(MethodDescriptor<?, ?> descriptor, Message request) {
    MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) descriptor;
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request);
  }

  /**
   * One RPC with its generated request.
   *
   * @param method the RPC
   * @param request hostile request of its input type
   */
  record Call(MethodDescriptor<?, ?> method, DynamicMessage request) {
    @Override
    public String toString() {
      return method.getFullMethodName() + " " + request.toString().replace('\n', ' ');
    }
  }
}
