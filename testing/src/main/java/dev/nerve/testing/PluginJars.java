package dev.nerve.testing;

import dev.nerve.extension.api.NerveExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a plugin jar during a test: compiles one class against the extension API and jars it. */
public final class PluginJars {

  private PluginJars() {}

  /** Compiles {@code source} (the class {@code className}) in {@code work} and returns the jar's bytes. */
  public static byte[] build(String className, String source, Path work) throws IOException {
    Path src = work.resolve("src");
    Path classes = work.resolve("classes");
    Path file = src.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.createDirectories(classes);
    Files.writeString(file, source);
    String api = Path.of(NerveExtension.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    int status = compiler.run(null, null, null, "-cp", api, "-d", classes.toString(), "--release", "17", file.toString());
    if (status != 0) {
      throw new IllegalStateException("the plugin did not compile");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes); Stream<Path> walk = Files.walk(classes)) {
      for (Path path : walk.filter(Files::isRegularFile).toList()) {
        jar.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        jar.write(Files.readAllBytes(path));
        jar.closeEntry();
      }
      jar.putNextEntry(new JarEntry("META-INF/services/" + NerveExtension.class.getName()));
      jar.write((className + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    return bytes.toByteArray();
  }
}
