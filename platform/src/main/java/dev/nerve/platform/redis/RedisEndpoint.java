package dev.nerve.platform.redis;

import io.lettuce.core.RedisURI;

/**
 * The Redis server in use, whether configured or embedded.
 *
 * @param uri connection URI (may hold a password; use {@link #display()} in output)
 * @param embedded whether Nerve started this server itself
 */
public record RedisEndpoint(String uri, boolean embedded) {

  /** Host and port only, safe for logs and status output. */
  public String display() {
    RedisURI parsed = RedisURI.create(uri);
    return parsed.getHost() + ":" + parsed.getPort();
  }

  @Override
  public String toString() {
    return "RedisEndpoint[" + display() + (embedded ? ", embedded" : "") + "]";
  }
}
