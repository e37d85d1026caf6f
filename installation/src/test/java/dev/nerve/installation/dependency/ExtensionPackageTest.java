package dev.nerve.installation.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.installation.dependency.archive.UnsafeArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionPackageTest {

  @TempDir Path dir;

  private void manifest(String json) throws IOException {
    Files.writeString(dir.resolve("extension.json"), json);
  }

  @Test
  void aPluginJarNamedByPathIsSentAsContentWithItsChecksum() throws IOException {
    byte[] jar = {0x50, 0x4b, 3, 4, 9, 9};
    Files.createDirectories(dir.resolve("lib"));
    Files.write(dir.resolve("lib/plugin.jar"), jar);
    manifest("{\"id\":\"greeter\",\"version\":\"1.0.0\",\"kind\":\"EXTENSION_KIND_JAVA_PLUGIN\",\"plugin\":{\"path\":\"lib/plugin.jar\"}}");
    Extension extension = ExtensionPackage.read(dir, "greeter", "1.0.0");
    assertThat(extension.getPlugin().getPath()).isEmpty();
    assertThat(extension.getPlugin().getContent().toByteArray()).containsExactly(jar);
    assertThat(extension.getPlugin().getSha256()).isEqualTo(Checksums.sha256(jar));
  }

  @Test
  void refusesManifestsThatLieOrReachOutside() throws IOException {
    assertThatThrownBy(() -> ExtensionPackage.read(dir, "a", "1.0.0")).hasMessageContaining("has no extension.json");
    manifest("not json");
    assertThatThrownBy(() -> ExtensionPackage.read(dir, "a", "1.0.0")).isInstanceOf(UnsafeArchiveException.class);
    manifest("{\"id\":\"a\",\"version\":\"2.0.0\"}");
    assertThatThrownBy(() -> ExtensionPackage.read(dir, "a", "1.0.0")).hasMessageContaining("describes a 2.0.0");
    manifest("{\"id\":\"a\",\"version\":\"1.0.0\",\"plugin\":{\"path\":\"../../etc/passwd\"}}");
    assertThatThrownBy(() -> ExtensionPackage.read(dir, "a", "1.0.0")).hasMessageContaining("is not a file in the package");
    Files.write(dir.resolve("p.jar"), new byte[] {1});
    manifest("{\"id\":\"a\",\"version\":\"1.0.0\",\"plugin\":{\"path\":\"p.jar\",\"sha256\":\"" + "0".repeat(64) + "\"}}");
    assertThatThrownBy(() -> ExtensionPackage.read(dir, "a", "1.0.0")).hasMessageContaining("the manifest says");
  }
}
