package dev.nerve.platform.activity;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the activity outbox of a producer's schema; a producer wires its own with one bean:
 * {@code @Bean ActivityOutbox gatewayActivity(ActivityOutboxes outboxes) { return
 * outboxes.open("gateway", "gateway"); }} next to its {@link ActivityOutboxMigration}.
 */
public final class ActivityOutboxes {

  private final DataSource dataSource;
  private final ChannelFactory channels;
  private final ActivityProperties properties;

  public ActivityOutboxes(DataSource dataSource, ChannelFactory channels, ActivityProperties properties) {
    this.dataSource = dataSource;
    this.channels = channels;
    this.properties = properties;
  }

  /** The outbox in {@code schema}, whose events carry {@code source} unless they name one. */
  public ActivityOutbox open(String schema, String source) {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    return new ActivityOutbox(
        new ActivityRecorder(jdbc, schema, source, properties.enabled()),
        new OutboxRelay(jdbc, tx, () -> channels.channel(Target.LEARNING), schema, properties),
        properties.enabled());
  }
}
