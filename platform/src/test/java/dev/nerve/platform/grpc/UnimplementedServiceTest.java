package dev.nerve.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.platform.target.Target;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.Test;

class UnimplementedServiceTest {

  @Test
  void everyMethodAnswersUnimplementedNamingTheOperation() throws Exception {
    String name = InProcessServerBuilder.generateName();
    TargetService service =
        TargetService.unimplemented(Target.INSTALLATION, EnvironmentServiceGrpc.getServiceDescriptor());
    Server server = InProcessServerBuilder.forName(name).addService(service.service()).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      var stub = EnvironmentServiceGrpc.newBlockingStub(channel);

      assertThatThrownBy(() -> stub.check(CheckEnvironmentRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.getStatus().getDescription())
                    .contains("nerve.installation.v1.EnvironmentService/Check")
                    .contains("not available in this build");
              });
      assertThatThrownBy(() -> stub.watchCheck(CheckEnvironmentRequest.getDefaultInstance()).hasNext())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
