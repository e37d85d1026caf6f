package dev.nerve.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.identity.Identity;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every gRPC method of every contract in module api declares its operation, and roles nest. */
class RpcOperationTest {

  @Test
  void everyMethodOfEveryContractDeclaresItsOperation() throws Exception {
    List<ServiceDescriptor> services = dev.nerve.platform.grpc.ContractServices.all();
    assertThat(services).hasSizeGreaterThanOrEqualTo(15);
    List<String> missing = new ArrayList<>();
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        if (RpcOperation.of(method).isEmpty()) {
          missing.add(method.getFullMethodName());
        }
      }
    }
    assertThat(missing).as("gRPC methods without option (nerve.common.v1.operation)").isEmpty();
    // The check can fail: a method of a service without the option (gRPC's own health service).
    assertThat(RpcOperation.of(io.grpc.health.v1.HealthGrpc.getCheckMethod())).isEmpty();
  }

  @Test
  void readsTheDeclaredFacts() {
    RpcOperation store =
        RpcOperation.of(dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc.getStoreMethod()).orElseThrow();
    assertThat(store.permission()).isEqualTo(Permission.MEMORY_WRITE);
    assertThat(store.cost()).isEqualTo(2);
    assertThat(store.audit()).isTrue();
    assertThat(store.creates()).isTrue();
    RpcOperation search =
        RpcOperation.of(dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc.getSearchMethod()).orElseThrow();
    assertThat(search.permission()).isEqualTo(Permission.MEMORY_READ);
    assertThat(search.audit()).isFalse();
  }

  @Test
  void rolesNestAndUnknownRolesGrantNothing() {
    Identity viewer = new Identity("t", "u", Set.of("viewer"));
    Identity operator = new Identity("t", "u", Set.of("operator"));
    Identity admin = new Identity("t", "u", Set.of("admin"));
    Identity stranger = new Identity("t", "u", Set.of("root"));
    assertThat(Permission.MEMORY_READ.grantedTo(viewer)).isTrue();
    assertThat(Permission.MEMORY_WRITE.grantedTo(viewer)).isFalse();
    assertThat(Permission.MEMORY_WRITE.grantedTo(operator)).isTrue();
    assertThat(Permission.MEMORY_ADMIN.grantedTo(operator)).isFalse();
    assertThat(Permission.AUDIT_READ.grantedTo(admin)).isTrue();
    assertThat(Permission.SESSION.grantedTo(stranger)).isFalse();
    assertThat(Permission.PUBLIC.grantedTo(stranger)).isTrue();
  }
}
