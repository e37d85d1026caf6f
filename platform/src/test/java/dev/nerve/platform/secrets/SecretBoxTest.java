package dev.nerve.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  private final SecretBox box = new SecretBox(key(7));

  @Test
  void sealedValuesOpenOnlyWithTheSameKeyAndContext() {
    String sealed = box.seal("{\"d\":\"private\"}", "row:1");

    assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("private");
    assertThat(SecretBox.sealed(sealed)).isTrue();
    assertThat(box.open(sealed, "row:1")).isEqualTo("{\"d\":\"private\"}");
    assertThatThrownBy(() -> box.open(sealed, "row:2"))
        .isInstanceOf(UnreadableSecretException.class)
        .hasMessageContaining("another master key");
    assertThatThrownBy(() -> new SecretBox(key(8)).open(sealed, "row:1"))
        .isInstanceOf(UnreadableSecretException.class);
  }

  @Test
  void duringARotationOldValuesOpenAndResealMovesThemToTheNewKey() {
    String old = box.seal("token-1", "row:1");
    SecretBox rotating = new SecretBox(key(9), key(7));

    assertThat(rotating.rotating()).isTrue();
    assertThat(rotating.open(old, "row:1")).isEqualTo("token-1");
    String moved = rotating.reseal(old, "row:1");
    assertThat(moved).isNotEqualTo(old);
    assertThat(new SecretBox(key(9)).open(moved, "row:1")).as("opens without the old key").isEqualTo("token-1");
    assertThat(rotating.reseal(moved, "row:1")).as("already current").isSameAs(moved);
    assertThatThrownBy(() -> new SecretBox(key(9)).open(old, "row:1")).isInstanceOf(UnreadableSecretException.class);
    assertThatThrownBy(() -> rotating.reseal(new SecretBox(key(1)).seal("x", "row:1"), "row:1"))
        .isInstanceOf(UnreadableSecretException.class);
    assertThat(MasterKey.previous(" ")).isNull();
    assertThatThrownBy(() -> MasterKey.previous("short")).hasMessageContaining("previous-master-key");
  }

  @Test
  void everySealUsesAFreshNonce() {
    assertThat(box.seal("same", "ctx")).isNotEqualTo(box.seal("same", "ctx"));
  }

  @Test
  void alteredPlaintextAndGarbageAreRefused() {
    String sealed = box.seal("secret", "ctx");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(SecretBox.PREFIX.length()));
    raw[raw.length - 1] ^= 1;
    String altered = SecretBox.PREFIX + Base64.getEncoder().encodeToString(raw);

    assertThatThrownBy(() -> box.open(altered, "ctx")).isInstanceOf(UnreadableSecretException.class);
    assertThatThrownBy(() -> box.open("secret", "ctx")).isInstanceOf(UnreadableSecretException.class);
    assertThatThrownBy(() -> box.open(SecretBox.PREFIX + "!!", "ctx")).isInstanceOf(UnreadableSecretException.class);
    assertThatThrownBy(() -> box.open(SecretBox.PREFIX + "AAAA", "ctx")).isInstanceOf(UnreadableSecretException.class);
    assertThatThrownBy(() -> new SecretBox(new byte[16])).hasMessageContaining("32 bytes");
  }

  @Test
  void withoutAConfiguredKeyOneIsGeneratedOnceIntoTheDataDirectory(@TempDir Path dataDir) throws Exception {
    byte[] first = MasterKey.resolve("", dataDir.resolve("nested"));
    byte[] second = MasterKey.resolve(null, dataDir.resolve("nested"));

    assertThat(first).hasSize(32).isEqualTo(second);
    Path file = dataDir.resolve("nested").resolve(MasterKey.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var entries = Files.list(file.getParent())) {
      assertThat(entries.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly(MasterKey.FILE_NAME);
    }
    assertThat(MasterKey.resolve(null, dataDir)).as("another data directory").isNotEqualTo(first);
  }

  @Test
  void aConfiguredKeyWinsAndMustBe32Base64Bytes(@TempDir Path dataDir) {
    String configured = Base64.getEncoder().encodeToString(key(3));

    assertThat(MasterKey.resolve(configured, dataDir)).isEqualTo(key(3));
    assertThat(dataDir.resolve(MasterKey.FILE_NAME)).doesNotExist();
    assertThatThrownBy(() -> MasterKey.resolve("not base64!", dataDir)).hasMessageContaining("base64");
    assertThatThrownBy(() -> MasterKey.resolve(Base64.getEncoder().encodeToString(new byte[16]), dataDir))
        .hasMessageContaining("32 bytes");
  }
}
