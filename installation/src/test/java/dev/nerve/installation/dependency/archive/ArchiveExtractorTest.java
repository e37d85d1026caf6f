package dev.nerve.installation.dependency.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {

  @TempDir Path dir;

  private final ArchiveExtractor extractor = new ArchiveExtractor(new ArchiveLimits(1 << 20, 1 << 20, 20));

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void unpacksNestedFilesInsideTheTarget() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("extension.json", "{}".getBytes(StandardCharsets.UTF_8));
    entries.put("lib/", new byte[0]);
    entries.put("lib/plugin.jar", new byte[] {1, 2, 3});
    Path target = dir.resolve("pkg");
    assertThat(extractor.extract(zip(entries), target, "p 1.0.0")).isEqualTo(2);
    assertThat(Files.readAllBytes(target.resolve("lib/plugin.jar"))).containsExactly(1, 2, 3);
  }

  @Test
  void refusesEveryEntryThatWouldLeaveTheTarget() throws IOException {
    for (String name : new String[] {"../evil.txt", "a/../../evil.txt", "/etc/evil", "..\\evil.txt", "C:/evil.txt", "a/..", "..", "./../x"}) {
      Path target = dir.resolve("slip" + Math.abs(name.hashCode()));
      assertThatThrownBy(() -> extractor.extract(zip(Map.of(name, new byte[] {1})), target, "p 1.0.0"))
          .as(name)
          .isInstanceOf(UnsafeArchiveException.class)
          .hasMessageContaining("would leave the package directory");
    }
    assertThat(Files.exists(dir.resolve("evil.txt"))).isFalse();
    assertThat(Files.exists(dir.getParent().resolve("evil.txt"))).isFalse();
  }

  @Test
  void stopsAZipBombAtTheLimitNotAtItsClaimedSize() throws IOException {
    byte[] zeros = new byte[3 << 20];
    byte[] bomb = zip(Map.of("zeros.bin", zeros));
    assertThat(bomb.length).isLessThan(1 << 20);
    assertThatThrownBy(() -> extractor.extract(bomb, dir.resolve("bomb"), "p 1.0.0"))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("unpacks to more than 1048576 bytes");
  }

  @Test
  void refusesTooManyEntriesTooLargeArchivesDuplicatesAndGarbage() throws IOException {
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 21; i++) {
      many.put("f" + i, new byte[] {1});
    }
    assertThatThrownBy(() -> extractor.extract(zip(many), dir.resolve("many"), "p"))
        .hasMessageContaining("more than 20 entries");
    byte[] noise = new byte[(1 << 20) + 1];
    new Random(3).nextBytes(noise);
    assertThatThrownBy(() -> extractor.extract(noise, dir.resolve("big"), "p"))
        .hasMessageContaining("archive is larger than");
    assertThatThrownBy(() -> extractor.extract(new byte[] {1, 2, 3, 4}, dir.resolve("garbage"), "p"))
        .isInstanceOf(UnsafeArchiveException.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("a"));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("b/../a"));
      zip.closeEntry();
    }
    assertThatThrownBy(() -> extractor.extract(out.toByteArray(), dir.resolve("dup"), "p")).isInstanceOf(UnsafeArchiveException.class);
  }

  /** Random entry names never produce a file outside the target. */
  @Test
  void randomNamesStayInside() throws IOException {
    String alphabet = "ab./\\:.\0";
    Random random = new Random(42);
    Path target = dir.resolve("fuzz");
    for (int i = 0; i < 300; i++) {
      StringBuilder name = new StringBuilder();
      for (int j = 0; j < 1 + random.nextInt(8); j++) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      Path each = target.resolve("t" + i);
      try {
        extractor.extract(zip(Map.of(name.toString(), new byte[] {7})), each, "p");
      } catch (UnsafeArchiveException | IllegalArgumentException expected) {
        // refused
      }
    }
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).allMatch(p -> p.startsWith(target))).isTrue();
    }
  }
}
