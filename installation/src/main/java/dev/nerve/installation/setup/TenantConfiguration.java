package dev.nerve.installation.setup;

import com.google.protobuf.Struct;
import dev.nerve.api.installation.v1.ConfigScope;
import dev.nerve.api.installation.v1.ConfigViolation;
import dev.nerve.api.installation.v1.ConfigurationServiceGrpc;
import dev.nerve.api.installation.v1.LoadConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigResponse;
import dev.nerve.api.installation.v1.ValidateConfigRequest;
import dev.nerve.api.installation.v1.ValidationResult;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The new tenant's first configuration document, through the installation system's own
 * configuration contract, as an administrator of that tenant (setup's caller acting for it).
 */
final class TenantConfiguration {

  static final String NOTE = "environment.setup";
  private static final long TIMEOUT_SECONDS = 30;

  private final ChannelFactory channels;

  TenantConfiguration(ChannelFactory channels) {
    this.channels = channels;
  }

  /** The tenant's stored version, empty when it never saved one. */
  OptionalLong version(String tenantId, String user) {
    long version = as(tenantId, user, stub -> stub.load(LoadConfigRequest.getDefaultInstance()).getTenantVersion());
    return version > 0 ? OptionalLong.of(version) : OptionalLong.empty();
  }

  /** Refuses a document that Save would refuse, naming each setting: INVALID_ARGUMENT. */
  void validate(String tenantId, String user, Struct document) {
    ValidationResult result =
        as(tenantId, user, stub -> stub.validate(
            ValidateConfigRequest.newBuilder().setScope(ConfigScope.CONFIG_SCOPE_TENANT).setDocument(document).build()));
    if (!result.getValid()) {
      List<FieldViolation> violations =
          result.getViolationsList().stream()
              .map((ConfigViolation v) -> new FieldViolation("settings[" + v.getPointer() + "]", v.getRule(), v.getMessage()))
              .toList();
      throw NerveException.invalid(violations);
    }
  }

  /** Stores the first version; empty when another call stored one first. */
  OptionalLong saveFirst(String tenantId, String user, Struct document) {
    try {
      SaveConfigResponse saved =
          as(tenantId, user, stub -> stub.save(
              SaveConfigRequest.newBuilder()
                  .setScope(ConfigScope.CONFIG_SCOPE_TENANT)
                  .setDocument(document)
                  .setExpectedVersion(0)
                  .setNote(NOTE)
                  .build()));
      return OptionalLong.of(saved.getVersion().getVersion());
    } catch (NerveException e) {
      if (e.code() == ErrorCode.CONFLICT) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  private <T> T as(String tenantId, String user, java.util.function.Function<ConfigurationServiceGrpc.ConfigurationServiceBlockingStub, T> rpc) {
    Identity admin = new Identity(tenantId, user, Set.of("admin"));
    try {
      return IdentityContext.callAs(
          admin,
          () -> rpc.apply(
              ConfigurationServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION))
                  .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.fromStatus(e);
    }
  }
}
