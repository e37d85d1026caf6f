package dev.nerve.installation.dependency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes package archives and an index.json into a source directory, as a repository would. */
public final class TestPackages {

  private final Path dir;
  private final List<String> entries = new ArrayList<>();

  public TestPackages(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a workflow-pack package; deps are "name range" pairs, the same in manifest and index. */
  public TestPackages add(String name, String version, String... deps) {
    return addRaw(name, version, null, "", deps);
  }

  /** Adds a package whose archive is {@code archive} (null: a valid one) and index checksum {@code sha} (null: the right one). */
  TestPackages addRaw(String name, String version, byte[] archive, String sha, String... deps) {
    Map<String, String> ranges = new LinkedHashMap<>();
    for (String dep : deps) {
      String[] parts = dep.split(" ", 2);
      ranges.put(parts[0], parts[1]);
    }
    byte[] bytes = archive != null ? archive : zip(Map.of("extension.json", manifest(name, version, ranges)));
    String file = name + "-" + version + ".zip";
    try {
      Files.write(dir.resolve(file), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String checksum = sha == null || sha.isEmpty() ? sha256(bytes) : sha;
    StringBuilder depsJson = new StringBuilder("{");
    ranges.forEach((k, v) -> depsJson.append(depsJson.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
    depsJson.append('}');
    entries.add("{\"name\":\"" + name + "\",\"versions\":[{\"version\":\"" + version + "\",\"sha256\":\"" + checksum
        + "\",\"dependencies\":" + depsJson + ",\"archive\":\"" + file + "\"}]}");
    return write();
  }

  /** Adds a raw index entry (one package object). */
  TestPackages addEntry(String json) {
    entries.add(json);
    return write();
  }

  private TestPackages write() {
    try {
      Files.writeString(dir.resolve("index.json"), "{\"packages\":[" + String.join(",", entries) + "]}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  static byte[] manifest(String name, String version, Map<String, String> deps) {
    StringBuilder json = new StringBuilder("{\"id\":\"" + name + "\",\"name\":\"" + name + "\",\"version\":\"" + version
        + "\",\"kind\":\"EXTENSION_KIND_WORKFLOW_PACK\",\"dependencies\":[");
    List<String> items = new ArrayList<>();
    deps.forEach((k, v) -> items.add("{\"id\":\"" + k + "\",\"versionRange\":\"" + v + "\"}"));
    json.append(String.join(",", items)).append("]}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] zip(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
