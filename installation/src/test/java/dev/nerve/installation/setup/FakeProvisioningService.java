package dev.nerve.installation.setup;

import dev.nerve.api.gateway.v1.EnsureFirstAdminRequest;
import dev.nerve.api.gateway.v1.EnsureFirstAdminResponse;
import dev.nerve.api.gateway.v1.EnsureSigningKeyRequest;
import dev.nerve.api.gateway.v1.EnsureSigningKeyResponse;
import dev.nerve.api.gateway.v1.IdentityProvisioningServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's provisioning service as setup sees it over gRPC, keeping tenants, administrators
 * and the signing key in memory and honouring dry runs, so setup's later steps can run without
 * the gateway module.
 */
final class FakeProvisioningService extends IdentityProvisioningServiceGrpc.IdentityProvisioningServiceImplBase {

  /** Tenants created (not planned). */
  final Set<String> tenants = ConcurrentHashMap.newKeySet();
  /** Administrators created, as "tenant/username". */
  final Set<String> admins = ConcurrentHashMap.newKeySet();
  private final AtomicReference<String> key = new AtomicReference<>();

  @Override
  public void ensureSigningKey(EnsureSigningKeyRequest request, StreamObserver<EnsureSigningKeyResponse> response) {
    boolean created = key.get() == null;
    if (created && !request.getDryRun()) {
      key.compareAndSet(null, "kid-1");
    }
    response.onNext(EnsureSigningKeyResponse.newBuilder().setCreated(created).setKeyId(key.get() == null ? "" : key.get()).build());
    response.onCompleted();
  }

  @Override
  public void ensureFirstAdmin(EnsureFirstAdminRequest request, StreamObserver<EnsureFirstAdminResponse> response) {
    boolean tenantCreated = !tenants.contains(request.getTenantId());
    String admin = request.getTenantId() + "/" + request.getUsername();
    boolean adminCreated = !admins.contains(admin);
    if (!request.getDryRun()) {
      tenants.add(request.getTenantId());
      admins.add(admin);
    }
    response.onNext(EnsureFirstAdminResponse.newBuilder().setTenantCreated(tenantCreated).setAdminCreated(adminCreated).build());
    response.onCompleted();
  }
}
