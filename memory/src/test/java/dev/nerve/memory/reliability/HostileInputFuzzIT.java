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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Property-based fuzzing of every request field of every memory RPC, in process against real
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

  @BeforeContainer
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

  @AfterContainer
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Provide
  Arbitrary<Call> calls() {
    List<Arbitrary<Call>> perMethod = new ArrayList<>();
    for (ServiceDescriptor service :
        List.of(
            ShortTermMemoryServiceGrpc.getServiceDescriptor(),
            LongTermMemoryServiceGrpc.getServiceDescriptor(),
            ContextServiceGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        var input = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor().getInputType();
        perMethod.add(HostileMessages.of(input).map(request -> new Call(method, request)));
      }
    }
    return Arbitraries.oneOf(perMethod);
  }

  @Property(tries = 600, seed = "20261130", edgeCases = EdgeCasesMode.MIXIN)
  void noRequestCausesAServerError(@ForAll("calls") Call call) {
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
    Statistics.label("outcome").collect(code);
    Statistics.label("method").collect(call.method().getBareMethodName(), code);
    assertThat(code)
        .as("%s with %s answered %s", call.method().getFullMethodName(), call.request(), error)
        .isIn(CLIENT_OUTCOMES);
    if (code == Status.Code.INVALID_ARGUMENT) {
      assertThat(error.violations()).as("bad input names its field: %s", error.getMessage()).isNotEmpty();
    }
    if (response != null && call.method().getFullMethodName().endsWith("LongTermMemoryService/Store")) {
      Object text = request.getField(request.getDescriptorForType().findFieldByName("text"));
      Message memory = (Message) response.getField(response.getDescriptorForType().findFieldByName("memory"));
      assertThat(memory.getField(memory.getDescriptorForType().findFieldByName("text")))
          .as("accepted text comes back exactly as sent")
          .isEqualTo(text);
    }
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
