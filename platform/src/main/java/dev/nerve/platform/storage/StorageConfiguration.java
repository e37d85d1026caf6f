package dev.nerve.platform.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.nerve.platform.NerveProperties;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * PostgreSQL for every target: one pool, one schema per target, migrations before start, and
 * transactions that never commit past their call's deadline. Timeouts are short on purpose: when
 * the server is down a call fails with UNAVAILABLE within about {@code connect-timeout} instead of
 * waiting for its deadline.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration"
    })
@EnableConfigurationProperties(NerveProperties.class)
public class StorageConfiguration {

  @Bean(destroyMethod = "close")
  PostgresProvisioner postgresProvisioner(NerveProperties properties) {
    return new PostgresProvisioner(properties);
  }

  @Bean
  DatabaseEndpoint databaseEndpoint(PostgresProvisioner provisioner) {
    return provisioner.endpoint();
  }

  @Bean(destroyMethod = "close")
  RecoveringDataSource dataSource(DatabaseEndpoint endpoint, NerveProperties properties) {
    return new RecoveringDataSource(() -> pool(endpoint, properties.database()), Duration.ofMillis(200));
  }

  private static HikariDataSource pool(DatabaseEndpoint endpoint, NerveProperties.Database database) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("nerve");
    dataSource.setJdbcUrl(endpoint.jdbcUrl());
    dataSource.setUsername(endpoint.username());
    dataSource.setPassword(endpoint.password());
    dataSource.setMaximumPoolSize(database.maxPoolSize());
    long connectMillis = Math.max(250, database.connectTimeout().toMillis());
    dataSource.setConnectionTimeout(connectMillis);
    dataSource.setValidationTimeout(Math.max(250, connectMillis / 2));
    // pgjdbc counts these in whole seconds; 0 would mean "no timeout".
    dataSource.addDataSourceProperty("connectTimeout", Long.toString(seconds(database.connectTimeout())));
    dataSource.addDataSourceProperty("socketTimeout", Long.toString(seconds(database.socketTimeout())));
    dataSource.addDataSourceProperty("tcpKeepAlive", "true");
    return dataSource;
  }

  @Bean
  PlatformTransactionManager transactionManager(DataSource dataSource) {
    return new DeadlineTransactionManager(dataSource);
  }

  @Bean
  SchemaMigrator schemaMigrator(DataSource dataSource, ObjectProvider<ServiceSchema> schemas) {
    List<ServiceSchema> local = schemas.orderedStream().toList();
    SchemaMigrator migrator = new SchemaMigrator(dataSource, local);
    migrator.migrate();
    return migrator;
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
