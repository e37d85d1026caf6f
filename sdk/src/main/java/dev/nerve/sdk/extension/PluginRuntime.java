package dev.nerve.sdk.extension;

import com.google.protobuf.Value;
import dev.nerve.extension.api.ActionDefinition;
import dev.nerve.extension.api.ActionException;
import dev.nerve.extension.api.ActionInvocation;
import dev.nerve.extension.api.ExtensionContext;
import dev.nerve.extension.api.NerveExtension;
import dev.nerve.sdk.support.Json;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java plugin: its jar (already SHA-256 verified) copied to a private file and loaded by a
 * {@link URLClassLoader} whose parent sees only the JDK and {@code dev.nerve.extension.api}, so
 * the plugin neither sees nor clashes with Nerve's own libraries. Closing stops the plugin, closes
 * the class loader and deletes the file.
 */
final class PluginRuntime implements ExtensionRuntime {

  private static final Logger log = LoggerFactory.getLogger(PluginRuntime.class);
  static final int MAX_LOG_LINES = 100;
  static final int MAX_LOG_CHARS = 1000;

  /** The parent of every plugin class loader: the JDK, plus the SPI package from Nerve's loader. */
  static final class SpiOnlyClassLoader extends ClassLoader {
    private static final String SPI = "dev.nerve.extension.api.";
    private final ClassLoader nerve;

    SpiOnlyClassLoader(ClassLoader nerve) {
      super("nerve-extension-api", ClassLoader.getPlatformClassLoader());
      this.nerve = nerve;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith(SPI)) {
        return nerve.loadClass(name);
      }
      return super.loadClass(name, resolve);
    }
  }

  private final Path jar;
  private final URLClassLoader loader;
  private final NerveExtension extension;
  private final List<Action> actions;

  PluginRuntime(String extensionId, String version, Map<String, Object> settings, byte[] content, Path directory) throws Exception {
    Files.createDirectories(directory);
    jar = Files.createTempFile(directory, extensionId + "-", ".jar");
    URLClassLoader created = null;
    try {
      Files.write(jar, content);
      created = new URLClassLoader("extension-" + extensionId, new URL[] {jar.toUri().toURL()},
          new SpiOnlyClassLoader(NerveExtension.class.getClassLoader()));
      NerveExtension found = null;
      Iterator<NerveExtension> services = ServiceLoader.load(NerveExtension.class, created).iterator();
      while (services.hasNext()) {
        NerveExtension candidate = services.next();
        if (candidate.getClass().getClassLoader() == created) {
          found = candidate;
          break;
        }
      }
      if (found == null) {
        throw new IllegalStateException(
            "the jar has no META-INF/services/dev.nerve.extension.api.NerveExtension implementation");
      }
      found.start(new ExtensionContext() {
        @Override
        public String extensionId() {
          return extensionId;
        }

        @Override
        public String version() {
          return version;
        }

        @Override
        public Map<String, Object> settings() {
          return settings;
        }
      });
      List<Action> offered = new ArrayList<>();
      for (ActionDefinition definition : found.actions()) {
        offered.add(new Action(definition.name(), definition.description(), Json.read(definition.inputSchemaJson())));
      }
      loader = created;
      extension = found;
      actions = List.copyOf(offered);
    } catch (Exception | LinkageError e) {
      if (created != null) {
        created.close();
      }
      Files.deleteIfExists(jar);
      throw e instanceof LinkageError ? new IllegalStateException("the plugin does not link: " + e.getMessage()) : (Exception) e;
    }
  }

  @Override
  public List<Action> actions() {
    return actions;
  }

  @Override
  public List<String> capabilities() {
    return List.of("tools");
  }

  @Override
  public Value invoke(String action, Map<String, Object> input, Run run) throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      return Json.fromPlain(extension.invoke(new ActionInvocation() {
        @Override
        public String action() {
          return action;
        }

        @Override
        public Map<String, Object> input() {
          return input;
        }

        @Override
        public String tenantId() {
          return run.tenantId();
        }

        @Override
        public String idempotencyKey() {
          return run.idempotencyKey();
        }

        @Override
        public Instant deadline() {
          return run.deadline();
        }

        @Override
        public void log(String line) {
          synchronized (run.logs()) {
            if (run.logs().size() < MAX_LOG_LINES && line != null) {
              run.logs().add(line.length() > MAX_LOG_CHARS ? line.substring(0, MAX_LOG_CHARS) : line);
            }
          }
        }
      }));
    } catch (ActionException e) {
      throw new ActionFailure(e.getMessage() == null ? "the action failed" : e.getMessage());
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Override
  public void close() {
    try {
      extension.stop();
    } catch (Exception | LinkageError e) {
      log.warn("Plugin {} failed to stop cleanly: {}", loader.getName(), e.toString());
    }
    try {
      loader.close();
      Files.deleteIfExists(jar);
    } catch (IOException e) {
      log.warn("Cannot remove plugin file {}: {}", jar, e.toString());
    }
  }
}
