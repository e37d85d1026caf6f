package dev.nerve.gateway.identity;

import dev.nerve.api.gateway.v1.EnsureFirstAdminRequest;
import dev.nerve.api.gateway.v1.EnsureFirstAdminResponse;
import dev.nerve.api.gateway.v1.EnsureSigningKeyRequest;
import dev.nerve.api.gateway.v1.EnsureSigningKeyResponse;
import dev.nerve.api.gateway.v1.IdentityProvisioningServiceGrpc;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.input.StoredText;
import dev.nerve.platform.security.Role;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The gateway's internal provisioning RPCs for the installation system's first-run setup: the
 * first tenant and administrator, and a token signing key, each created only when absent so
 * that setup can run any number of times.
 */
final class IdentityProvisioning extends IdentityProvisioningServiceGrpc.IdentityProvisioningServiceImplBase {

  /** Tenant ids as setup derives them from a name. */
  static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final UserStore users;
  private final SigningKeys keys;
  private final TransactionTemplate tx;

  IdentityProvisioning(UserStore users, SigningKeys keys, TransactionTemplate tx) {
    this.users = users;
    this.keys = keys;
    this.tx = tx;
  }

  @Override
  public void ensureFirstAdmin(EnsureFirstAdminRequest request, StreamObserver<EnsureFirstAdminResponse> response) {
    validate(request);
    EnsureFirstAdminResponse result = tx.execute(status -> ensure(request));
    response.onNext(result);
    response.onCompleted();
  }

  private EnsureFirstAdminResponse ensure(EnsureFirstAdminRequest request) {
    String tenant = request.getTenantId();
    // Serializes concurrent setups of the same tenant.
    users.lockTenant(tenant);
    boolean tenantExists = users.tenantExists(tenant);
    Optional<UserAccount> existing = users.byUsername(request.getUsername());
    if (existing.isPresent()) {
      UserAccount user = existing.get();
      if (!user.tenantId().equals(tenant)) {
        throw new NerveException(
            ErrorCode.FAILED_PRECONDITION,
            "username '" + request.getUsername() + "' belongs to another tenant; choose another administrator username");
      }
      if (!user.roles().contains(Role.ADMIN.id()) || user.disabled()) {
        throw new NerveException(
            ErrorCode.FAILED_PRECONDITION,
            "user '" + request.getUsername() + "' of tenant '" + tenant + "' exists but is not an enabled administrator;"
                + " setup changes no existing user");
      }
      return EnsureFirstAdminResponse.newBuilder().setUserId(user.id().toString()).build();
    }
    if (tenantExists && users.anyUser(tenant)) {
      throw new NerveException(
          ErrorCode.FAILED_PRECONDITION,
          "tenant '" + tenant + "' already has users and '" + request.getUsername() + "' is not one of them; setup"
              + " creates only a tenant's first administrator: add users with identityUsersCreate");
    }
    EnsureFirstAdminResponse.Builder result =
        EnsureFirstAdminResponse.newBuilder().setTenantCreated(!tenantExists).setAdminCreated(true);
    if (request.getDryRun()) {
      return result.build();
    }
    users.ensureTenant(tenant, request.getTenantName().isBlank() ? tenant : request.getTenantName());
    UserAccount created = users.create(tenant, request.getUsername(), request.getPassword(), List.of(Role.ADMIN.id()));
    return result.setUserId(created.id().toString()).build();
  }

  @Override
  public void ensureSigningKey(EnsureSigningKeyRequest request, StreamObserver<EnsureSigningKeyResponse> response) {
    Optional<String> active = keys.activeKeyId();
    EnsureSigningKeyResponse.Builder result = EnsureSigningKeyResponse.newBuilder();
    if (active.isPresent()) {
      result.setKeyId(active.get());
    } else {
      result.setCreated(true);
      if (!request.getDryRun()) {
        result.setKeyId(keys.rotate());
      }
    }
    response.onNext(result.build());
    response.onCompleted();
  }

  private static void validate(EnsureFirstAdminRequest request) {
    List<FieldViolation> violations = new ArrayList<>();
    if (!TENANT_ID.matcher(request.getTenantId()).matches()) {
      violations.add(new FieldViolation("tenantId", "format", "must be 1 to 63 lower-case letters, digits or dashes"));
    }
    if (request.getTenantName().length() > IdentityInputs.MAX_NAME || StoredText.problem(request.getTenantName()).isPresent()) {
      violations.add(new FieldViolation("tenantName", "max", "must be at most " + IdentityInputs.MAX_NAME + " characters of text"));
    }
    IdentityInputs.credentials(violations, request.getUsername(), request.getPassword());
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }
}
