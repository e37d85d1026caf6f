package dev.nerve.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.installation.v1.ConfigurationServiceGrpc;
import dev.nerve.api.installation.v1.DependencyServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.platform.target.Target;
import io.grpc.ServiceDescriptor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Contract services are found on the classpath, belong to their target, and a missing one is named. */
class ContractServicesTest {

  @Test
  void everySystemsContractsAreFoundWithTheirTargets() {
    List<ServiceDescriptor> all = ContractServices.all();
    assertThat(all).extracting(ServiceDescriptor::getName)
        .contains("nerve.memory.v1.LongTermMemoryService", "nerve.installation.v1.EnvironmentService",
            "nerve.sdk.v1.ApiEndpointService", "nerve.automation.v1.WorkflowService", "nerve.learning.v1.ModelService");
    assertThat(ContractServices.targetOf(ContextServiceGrpc.getServiceDescriptor())).isEqualTo(Target.MEMORY);
  }

  @Test
  void aTargetThatLeavesOutOneOfItsContractsIsCaught() {
    List<TargetService> installation =
        List.of(
            TargetService.unimplemented(Target.INSTALLATION, EnvironmentServiceGrpc.getServiceDescriptor()),
            TargetService.unimplemented(Target.INSTALLATION, DependencyServiceGrpc.getServiceDescriptor()));

    assertThat(ContractServices.missing(ContractServices.all(), Set.of(Target.INSTALLATION), installation))
        .containsExactly(ConfigurationServiceGrpc.getServiceDescriptor().getName());
    assertThat(
            ContractServices.missing(
                ContractServices.all(),
                Set.of(Target.INSTALLATION),
                List.of(
                    installation.get(0),
                    installation.get(1),
                    TargetService.unimplemented(Target.INSTALLATION, ConfigurationServiceGrpc.getServiceDescriptor()))))
        .isEmpty();
  }
}
