package dev.nerve.installation.dependency;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.PluginJar;
import dev.nerve.installation.dependency.archive.UnsafeArchiveException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The SDK extension an unpacked package holds: {@code extension.json} (the {@code Extension}
 * message as JSON) whose id and version must be the package's, with a plugin jar named by {@code
 * plugin.path} read from the package and sent as content with its SHA-256.
 */
final class ExtensionPackage {

  static final String MANIFEST = "extension.json";

  private ExtensionPackage() {}

  static Extension read(Path dir, String name, String version) throws IOException {
    String label = name + " " + version;
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new UnsafeArchiveException(label + ": archive has no " + MANIFEST);
    }
    Extension.Builder extension = Extension.newBuilder();
    try {
      JsonFormat.parser().merge(Files.readString(manifest, StandardCharsets.UTF_8), extension);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new UnsafeArchiveException(label + ": " + MANIFEST + " is not an SDK extension manifest: " + e.getMessage());
    }
    if (!extension.getId().equals(name) || !extension.getVersion().equals(version)) {
      throw new UnsafeArchiveException(label + ": " + MANIFEST + " describes " + extension.getId() + " "
          + extension.getVersion() + ", not the package the index names");
    }
    if (extension.hasPlugin() && !extension.getPlugin().getPath().isEmpty()) {
      String path = extension.getPlugin().getPath();
      Path jar = dir.resolve(path).normalize();
      if (path.startsWith("/") || List.of(path.split("/")).contains("..") || !jar.startsWith(dir) || !Files.isRegularFile(jar)) {
        throw new UnsafeArchiveException(label + ": plugin.path '" + path + "' is not a file in the package");
      }
      byte[] content = Files.readAllBytes(jar);
      String sha = Checksums.sha256(content);
      if (!extension.getPlugin().getSha256().isEmpty() && !extension.getPlugin().getSha256().equals(sha)) {
        throw new UnsafeArchiveException(label + ": plugin jar's SHA-256 is " + sha + ", the manifest says "
            + extension.getPlugin().getSha256());
      }
      extension.setPlugin(PluginJar.newBuilder().setContent(ByteString.copyFrom(content)).setSha256(sha));
    }
    return extension.build();
  }
}
