package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.nio.charset.StandardCharsets;

/**
 * db-scheduler task data as UTF-8 text (the engine's executions carry at most a short key), so
 * the engine can write executions with plain SQL in its own transactions.
 */
final class TextSerializer implements Serializer {

  static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] serialize(Object data) {
    if (data == null) {
      return null;
    }
    if (data instanceof String text) {
      return bytes(text);
    }
    throw new IllegalArgumentException("automation task data is text, not " + data.getClass().getName());
  }

  @Override
  public <T> T deserialize(Class<T> type, byte[] data) {
    if (data == null) {
      return null;
    }
    if (type == String.class || type == Object.class) {
      return type.cast(new String(data, StandardCharsets.UTF_8));
    }
    if (type == Void.class) {
      return null;
    }
    throw new IllegalArgumentException("automation task data is text, not " + type.getName());
  }
}
