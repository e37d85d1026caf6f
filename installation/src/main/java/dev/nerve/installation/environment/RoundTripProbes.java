package dev.nerve.installation.environment;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Probes for {@code verify}: prove storage works by writing and reading back, leaving nothing. */
final class RoundTripProbes {

  private RoundTripProbes() {}

  static List<Probe> of(
      JdbcClient jdbc, TransactionTemplate tx, StatefulRedisConnection<String, String> redis) {
    return List.of(new PostgresRoundTrip(jdbc, tx), new RedisRoundTrip(redis));
  }

  /** Writes a row in a transaction, reads it back, rolls back. */
  private record PostgresRoundTrip(JdbcClient jdbc, TransactionTemplate tx) implements Probe {

    @Override
    public String id() {
      return "postgres.roundtrip";
    }

    @Override
    public String title() {
      return "PostgreSQL write and read back";
    }

    @Override
    public Finding run() {
      UUID id = UUID.randomUUID();
      Boolean seen =
          tx.execute(
              status -> {
                jdbc.sql(
                        "INSERT INTO installation.check_run (id, kind, overall, result)"
                            + " VALUES (?, 'verify', 'PROBE', '{}'::jsonb)")
                    .param(id)
                    .update();
                boolean found =
                    jdbc.sql("SELECT count(*) FROM installation.check_run WHERE id = ?")
                            .param(id)
                            .query(Long.class)
                            .single()
                        == 1;
                status.setRollbackOnly();
                return found;
              });
      return Boolean.TRUE.equals(seen)
          ? Finding.ok("wrote and read back a row in schema installation")
          : Finding.fail("a written row could not be read back", "check the database's health and logs");
    }
  }

  /** Sets a short-lived key, reads it back, deletes it. */
  private record RedisRoundTrip(StatefulRedisConnection<String, String> redis) implements Probe {

    @Override
    public String id() {
      return "redis.roundtrip";
    }

    @Override
    public String title() {
      return "Redis write and read back";
    }

    @Override
    public Finding run() throws Exception {
      String key = "nerve:installation:probe:" + UUID.randomUUID();
      String value = UUID.randomUUID().toString();
      var commands = redis.async();
      commands.set(key, value, SetArgs.Builder.px(10_000)).get(3, TimeUnit.SECONDS);
      String read = commands.get(key).get(3, TimeUnit.SECONDS);
      commands.del(key).get(3, TimeUnit.SECONDS);
      return value.equals(read)
          ? Finding.ok("wrote, read back and deleted a key")
          : Finding.fail("a written key could not be read back", "check Redis memory limits and eviction policy");
    }
  }
}
