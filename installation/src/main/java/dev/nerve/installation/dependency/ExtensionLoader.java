package dev.nerve.installation.dependency;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.LoadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionRequest;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * Loads and unloads packages' extensions through the SDK system's {@code ExtensionService}, as
 * the calling administrator (the identity travels with the channel's interceptors). A load that
 * the SDK records as FAILED counts as a failure, so the install is undone.
 */
final class ExtensionLoader {

  private static final long TIMEOUT_SECONDS = 60;

  private final ChannelFactory channels;

  ExtensionLoader(ChannelFactory channels) {
    this.channels = channels;
  }

  private ExtensionServiceGrpc.ExtensionServiceBlockingStub stub() {
    return ExtensionServiceGrpc.newBlockingStub(channels.channel(Target.SDK))
        .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Loads (or replaces) an extension; fails with the SDK's reason when it does not load. */
  void load(String label, Extension extension) {
    Extension loaded;
    try {
      loaded = stub().load(LoadExtensionRequest.newBuilder().setExtension(extension).build());
    } catch (StatusRuntimeException e) {
      throw new NerveException(code(e), "the SDK system refused to load " + label + ": " + e.getStatus().getDescription());
    }
    if (loaded.getStatus() == ExtensionStatus.EXTENSION_STATUS_FAILED) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "the SDK system could not start " + label + ": " + loaded.getStatusDetail());
    }
  }

  /** Unloads an extension; one the SDK does not know counts as unloaded. */
  void unload(String name) {
    try {
      stub().unload(UnloadExtensionRequest.newBuilder().setId(name).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw new NerveException(code(e), "the SDK system refused to unload " + name + ": " + e.getStatus().getDescription());
      }
    }
  }

  private static ErrorCode code(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case INVALID_ARGUMENT -> ErrorCode.INVALID_ARGUMENT;
      case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
      case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
      default -> ErrorCode.FAILED_PRECONDITION;
    };
  }
}
