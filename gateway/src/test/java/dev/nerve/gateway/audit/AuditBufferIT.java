package dev.nerve.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.nerve.platform.storage.EmbeddedPostgresServer;
import dev.nerve.testing.TestPorts;
import dev.nerve.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit guarantee: entries written while PostgreSQL is down wait in a bounded buffer and land,
 * in order, when it returns; only a full buffer drops entries, and each drop is counted; hostile
 * text in ids cannot break an insert.
 */
class AuditBufferIT {

  @Test
  void entriesSurviveAnOutageInOrderAndOverflowIsCounted() throws Exception {
    Path dir = TestServers.tempDirectory("audit-outage");
    int port = TestPorts.free();
    EmbeddedPostgresServer postgres = start(dir, port);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (HikariDataSource dataSource = dataSource(postgres);
        AuditLog audit = new AuditLog(JdbcClient.create(dataSource), meters, 3)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      jdbc.sql("CREATE SCHEMA IF NOT EXISTS gateway").update();
      jdbc.sql(
              "CREATE TABLE gateway.audit_log (id bigserial primary key, tenant_id text not null, actor text not null,"
                  + " operation text not null, target_ids text[] not null default '{}', result text not null,"
                  + " error_code text, trace_id text, at timestamptz not null default now())")
          .update();

      audit.record("t", "user:a", "DELETE /api/v1/identity/api-keys/{id}", List.of("bad\u0000id", "x\ud800"), "BAD_USER_INPUT", null);
      assertThat(jdbc.sql("SELECT target_ids[1] FROM gateway.audit_log").query(String.class).single())
          .isEqualTo("bad\uFFFDid");

      postgres.close();
      for (int i = 1; i <= 4; i++) {
        audit.record("t", "user:a", "Mutation.op" + i, List.of(), "OK", null);
      }
      assertThat(audit.pending()).isEqualTo(3);
      assertThat(meters.get("nerve.gateway.audit.dropped").counter().count()).isEqualTo(1);

      postgres = start(dir, port);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> audit.pending() == 0);
      assertThat(jdbc.sql("SELECT operation FROM gateway.audit_log WHERE id > 1 ORDER BY id").query(String.class).list())
          .containsExactly("Mutation.op1", "Mutation.op2", "Mutation.op3");
    } finally {
      postgres.close();
    }
  }

  private static EmbeddedPostgresServer start(Path dir, int port) {
    return EmbeddedPostgresServer.start(dir.resolve("postgres"), dir.resolve("postgres-runtime"), true, port);
  }

  private static HikariDataSource dataSource(EmbeddedPostgresServer postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(postgres.endpoint().jdbcUrl());
    dataSource.setUsername("postgres");
    dataSource.setPassword("postgres");
    dataSource.setConnectionTimeout(1000);
    dataSource.setValidationTimeout(500);
    dataSource.setMaximumPoolSize(2);
    return dataSource;
  }
}
