package dev.nerve.platform.idempotency;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.nerve.platform.error.NerveException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Makes a write safe to retry: the first request with a key stores its response in the same
 * transaction as the write; a retry with that key gets the stored response and writes nothing.
 * A service that uses it keeps the table in its own schema (migration in {@code docs/architecture.md}
 * under "Outcomes and idempotency"):
 *
 * <pre>
 * CREATE TABLE &lt;schema&gt;.idempotency_key (
 *   tenant_id text, user_id text, operation text, request_id text,
 *   request_hash bytea NOT NULL, response bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
 *   PRIMARY KEY (tenant_id, user_id, operation, request_id));
 * </pre>
 *
 * Because the key commits with the write, there is no moment where the write is saved and the key
 * is not (or the reverse): a crash, a lost connection or an expired deadline leaves both or
 * neither. Two concurrent requests with one key serialise on the primary key; the later one rolls
 * back ({@link RequestAlreadyDone}) and answers the earlier one's response. Reusing a key for a
 * different request is INVALID_ARGUMENT. Keys are kept for {@link #RETENTION}.
 */
public final class IdempotencyKeys {

  /** How long a key is remembered; a retry later than this writes again. */
  public static final Duration RETENTION = Duration.ofHours(24);
  /** Longest request id. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._:@/+=-]+");

  private final JdbcClient jdbc;
  private final String table;

  /** Keys in {@code <schema>.idempotency_key}. */
  public IdempotencyKeys(JdbcClient jdbc, String schema) {
    if (!schema.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a schema name: " + schema);
    }
    this.jdbc = jdbc;
    this.table = schema + ".idempotency_key";
  }

  /**
   * Checks a request id as sent: empty (no idempotency) or 1..128 characters of letters, digits
   * and {@code . _ : @ / + = -} (UUIDs, ULIDs and base64url fit).
   */
  public static Optional<String> requestId(String field, String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > MAX_LENGTH) {
      throw NerveException.invalid(field, "max_length", "must be at most " + MAX_LENGTH + " characters");
    }
    if (!FORMAT.matcher(value).matches()) {
      throw NerveException.invalid(field, "format", "may only contain letters, digits and . _ : @ / + = -");
    }
    return Optional.of(value);
  }

  /**
   * Runs {@code write} once per key. {@code write} receives a callback it must call with its
   * response inside its transaction, before the commit; without a key it runs every time.
   *
   * @param key the request's key; null runs {@code write} without idempotency
   * @param request the request as received (a reused key with another request is refused)
   * @param parser reads a stored response
   */
  public <T extends Message> T execute(
      RequestKey key, Message request, Parser<T> parser, Function<Consumer<T>, T> write) {
    if (key == null) {
      return write.apply(response -> {});
    }
    byte[] hash = hash(request);
    Optional<T> done = find(key, hash, parser);
    if (done.isPresent()) {
      return done.get();
    }
    try {
      return write.apply(response -> remember(key, hash, response));
    } catch (RequestAlreadyDone raced) {
      return find(key, hash, parser)
          .orElseThrow(() -> new IllegalStateException("request " + key.requestId() + " committed but not found"));
    }
  }

  /** The response stored for {@code key}; INVALID_ARGUMENT when it was stored for another request. */
  public <T extends Message> Optional<T> find(RequestKey key, byte[] requestHash, Parser<T> parser) {
    return jdbc.sql(
            "SELECT request_hash, response FROM " + table
                + " WHERE tenant_id = ? AND user_id = ? AND operation = ? AND request_id = ?")
        .params(key.tenantId(), key.userId(), key.operation(), key.requestId())
        .query(
            (rs, n) -> {
              if (!Arrays.equals(rs.getBytes("request_hash"), requestHash)) {
                throw NerveException.invalid(
                    "requestId", "reused", "was already used for a different request; use a new requestId");
              }
              try {
                return parser.parseFrom(rs.getBytes("response"));
              } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("stored response of " + key.operation() + " is unreadable", e);
              }
            })
        .optional();
  }

  /**
   * Inside the write's transaction: stores the response under the key, or throws {@link
   * RequestAlreadyDone} when a request with the key committed first (which rolls this one back).
   */
  public void remember(RequestKey key, byte[] requestHash, Message response) {
    int inserted =
        jdbc.sql(
                "INSERT INTO " + table
                    + " (tenant_id, user_id, operation, request_id, request_hash, response)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(
                key.tenantId(), key.userId(), key.operation(), key.requestId(), requestHash, response.toByteArray())
            .update();
    if (inserted == 0) {
      throw new RequestAlreadyDone(key);
    }
  }

  /** Deletes up to {@code batch} keys older than {@code before}; returns how many. */
  public int purge(Instant before, int batch) {
    return jdbc.sql(
            "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
                + " WHERE created_at < ? LIMIT ?)")
        .params(Timestamp.from(before), batch)
        .update();
  }

  /** SHA-256 of the request's deterministic encoding (map entries sorted). */
  public static byte[] hash(Message request) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      request.writeTo(out);
      out.flush();
      return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
