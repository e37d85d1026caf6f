package dev.nerve.installation.environment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.platform.storage.DatabaseEndpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class ProbesTest {

  @Test
  void unreachablePostgresFailsWithARemedy() {
    DatabaseEndpoint nowhere =
        new DatabaseEndpoint("jdbc:postgresql://127.0.0.1:1/nerve?connectTimeout=2", "u", "p", false);
    DriverManagerDataSource dataSource =
        new DriverManagerDataSource(nowhere.jdbcUrl(), nowhere.username(), nowhere.password());

    Finding finding = new PostgresProbe(JdbcClient.create(dataSource), nowhere).run();

    assertThat(finding.status()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(finding.detail()).contains("127.0.0.1:1");
    assertThat(finding.remedy()).contains("NERVE_DATABASE_URL");
  }

  @Test
  void redisVersionsBelow62AreUnsupported() {
    assertThat(RedisProbe.supported("6.2.11")).isTrue();
    assertThat(RedisProbe.supported("7.0.15")).isTrue();
    assertThat(RedisProbe.supported("6.0.9")).isFalse();
    assertThat(RedisProbe.supported("unknown")).isFalse();
    assertThat(RedisProbe.serverVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone"))
        .isEqualTo("7.0.15");
  }

  @Test
  void diskProbeReportsFreeSpaceOfTheDataDirectory(@TempDir Path dir) throws Exception {
    Finding finding = new DiskSpaceProbe(dir.resolve("data")).run();

    assertThat(finding.status()).isNotEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(finding.detail()).contains("free in").contains(dir.toString());
    assertThat(DiskSpaceProbe.human(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(DiskSpaceProbe.human(5L << 20)).isEqualTo("5 MiB");
  }

  @Test
  void thisJvmMeetsTheRuntimeRequirement() {
    assertThat(new JavaRuntimeProbe().run().status()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
  }

  @Test
  void crashingProbeIsReportedAsAFailureNotAnError() {
    Probe crashing =
        new Probe() {
          @Override
          public String id() {
            return "crash";
          }

          @Override
          public String title() {
            return "Crashing probe";
          }

          @Override
          public Finding run() {
            throw new IllegalStateException("boom");
          }
        };

    var checks = new EnvironmentChecker(() -> java.util.List.of(crashing)).run(java.util.List.of(), c -> {});

    assertThat(checks).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
      assertThat(c.getDetail()).contains("boom");
    });
  }

  @Test
  void clockSkewIsJudgedBySizeInEitherDirection() {
    assertThat(ClockSkewProbe.judge(java.time.Duration.ofMillis(200)).status()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
    assertThat(ClockSkewProbe.judge(java.time.Duration.ofMillis(-1500)).status()).isEqualTo(CheckStatus.CHECK_STATUS_WARN);
    assertThat(ClockSkewProbe.judge(java.time.Duration.ofMillis(-1500)).detail()).contains("1500 ms behind");
    Finding far = ClockSkewProbe.judge(java.time.Duration.ofSeconds(45));
    assertThat(far.status()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(far.detail()).contains("ahead of");
    assertThat(far.remedy()).contains("NTP");
  }

  @Test
  void signingKeysAreOkWhenPublishedAndAWarningBeforeTheFirstKey() {
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();

    Finding two = SigningKeysProbe.judge(json.readTree("{\"keys\":[{\"kid\":\"a\"},{\"kid\":\"b\"}]}"));
    Finding none = SigningKeysProbe.judge(json.readTree("{\"keys\":[]}"));

    assertThat(two.status()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
    assertThat(two.detail()).isEqualTo("the gateway publishes 2 signing keys (a, b)");
    assertThat(none.status()).isEqualTo(CheckStatus.CHECK_STATUS_WARN);
    assertThat(none.remedy()).contains("first token");
  }

  @Test
  void aGatewayElsewhereOrWithoutHttpSkipsTheSigningKeyCheck() throws Exception {
    assertThat(new SigningKeysProbe(false, () -> java.util.OptionalInt.of(8080)).run().status())
        .isEqualTo(CheckStatus.CHECK_STATUS_SKIPPED);
    Finding noHttp = new SigningKeysProbe(true, java.util.OptionalInt::empty).run();
    assertThat(noHttp.status()).isEqualTo(CheckStatus.CHECK_STATUS_SKIPPED);
    assertThat(noHttp.detail()).contains("serves no HTTP");
  }

  @Test
  void skippedChecksNeverWorsenTheOverallStatus() {
    java.util.function.Function<CheckStatus, dev.nerve.api.installation.v1.EnvironmentCheck> check =
        status -> dev.nerve.api.installation.v1.EnvironmentCheck.newBuilder().setStatus(status).build();

    assertThat(EnvironmentChecker.overall(java.util.List.of(check.apply(CheckStatus.CHECK_STATUS_OK), check.apply(CheckStatus.CHECK_STATUS_SKIPPED))))
        .isEqualTo(CheckStatus.CHECK_STATUS_OK);
    assertThat(EnvironmentChecker.overall(java.util.List.of(check.apply(CheckStatus.CHECK_STATUS_SKIPPED), check.apply(CheckStatus.CHECK_STATUS_WARN))))
        .isEqualTo(CheckStatus.CHECK_STATUS_WARN);
    assertThat(EnvironmentChecker.overall(java.util.List.of(check.apply(CheckStatus.CHECK_STATUS_FAIL), check.apply(CheckStatus.CHECK_STATUS_SKIPPED))))
        .isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
  }
}
