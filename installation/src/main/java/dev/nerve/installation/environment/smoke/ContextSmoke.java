package dev.nerve.installation.environment.smoke;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.DeleteContextRequest;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.installation.environment.Finding;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;

/** Context memory works: create a context, update it with a merge patch, read it back, delete it. */
final class ContextSmoke extends SystemSmoke {

  ContextSmoke(ChannelFactory channels) {
    super(Target.MEMORY, channels);
  }

  @Override
  public String title() {
    return "Context gets and updates";
  }

  @Override
  String suffix() {
    return ".context";
  }

  @Override
  Finding smoke(Channel channel, String where) {
    String id = name();
    step(
        "create a context",
        () ->
            deadline(ContextServiceGrpc.newBlockingStub(channel))
                .manage(
                    ManageContextRequest.newBuilder()
                        .setId(id)
                        .setKind("verify")
                        .setData(data("created"))
                        .setExpectedVersion(0)
                        .build()));
    try {
      step(
          "update the context",
          () ->
              deadline(ContextServiceGrpc.newBlockingStub(channel))
                  .update(UpdateContextRequest.newBuilder().setId(id).setMergePatch(data("updated")).build()));
      Context read =
          step(
              "get the context",
              () -> deadline(ContextServiceGrpc.newBlockingStub(channel)).get(GetContextRequest.newBuilder().setId(id).build()));
      String state = read.getData().getFieldsOrDefault("state", Value.getDefaultInstance()).getStringValue();
      expect(
          "updated".equals(state) && read.getVersion() == 2,
          "read back the update",
          "got state \"" + state + "\" at version " + read.getVersion() + ", expected \"updated\" at version 2");
    } finally {
      step(
          "delete the context it created (left in tenant " + TENANT + ")",
          () -> deadline(ContextServiceGrpc.newBlockingStub(channel)).delete(DeleteContextRequest.newBuilder().setId(id).build()));
    }
    return Finding.ok("created, updated, read back and deleted a context " + where);
  }

  private static Struct data(String state) {
    return Struct.newBuilder().putFields("state", Value.newBuilder().setStringValue(state).build()).build();
  }
}
