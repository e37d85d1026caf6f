package dev.nerve.platform.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.nerve.platform.NerveProperties;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** PostgreSQL for every target: one pool, one schema per target, migrations before start. */
@AutoConfiguration(
    beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
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
  HikariDataSource dataSource(DatabaseEndpoint endpoint, NerveProperties properties) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("nerve");
    dataSource.setJdbcUrl(endpoint.jdbcUrl());
    dataSource.setUsername(endpoint.username());
    dataSource.setPassword(endpoint.password());
    dataSource.setMaximumPoolSize(properties.database().maxPoolSize());
    dataSource.setConnectionTimeout(5_000);
    return dataSource;
  }

  @Bean
  SchemaMigrator schemaMigrator(DataSource dataSource, ObjectProvider<ServiceSchema> schemas) {
    List<ServiceSchema> local = schemas.orderedStream().toList();
    SchemaMigrator migrator = new SchemaMigrator(dataSource, local);
    migrator.migrate();
    return migrator;
  }
}
