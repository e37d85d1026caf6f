package dev.nerve.installation.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.installation.v1.ConfigChange;
import dev.nerve.api.installation.v1.ConfigDiff;
import dev.nerve.api.installation.v1.ConfigScope;
import dev.nerve.api.installation.v1.ConfigSource;
import dev.nerve.api.installation.v1.ConfigViolation;
import dev.nerve.api.installation.v1.ConfigurationServiceGrpc;
import dev.nerve.api.installation.v1.DiffConfigRequest;
import dev.nerve.api.installation.v1.EffectiveConfig;
import dev.nerve.api.installation.v1.EffectiveSetting;
import dev.nerve.api.installation.v1.GetConfigSchemaRequest;
import dev.nerve.api.installation.v1.GetConfigVersionRequest;
import dev.nerve.api.installation.v1.ListConfigVersionsRequest;
import dev.nerve.api.installation.v1.ListConfigVersionsResponse;
import dev.nerve.api.installation.v1.LoadConfigRequest;
import dev.nerve.api.installation.v1.RollbackConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigResponse;
import dev.nerve.api.installation.v1.ValidateConfigRequest;
import dev.nerve.api.installation.v1.ValidationResult;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.redis.RedisEndpoint;
import dev.nerve.platform.settings.LiveSettings;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.target.Target;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=installation", "nerve.gateway.rate-limit.login-per-user-per-minute=77"})
class ConfigurationServiceIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired RedisEndpoint redisEndpoint;
  @Autowired DatabaseEndpoint database;
  @Autowired LiveSettings live;

  private ConfigurationServiceGrpc.ConfigurationServiceBlockingStub as(Identity identity) {
    return ConfigurationServiceGrpc.newBlockingStub(
        ClientInterceptors.intercept(
            channels.channel(Target.INSTALLATION),
            new ClientInterceptor() {
              @Override
              public <Q, R> ClientCall<Q, R> interceptCall(
                  MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return IdentityContext.callAs(identity, () -> next.newCall(method, options));
              }
            }));
  }

  private static Identity admin(String tenant) {
    return new Identity(tenant, "admin-of-" + tenant, Set.of("admin"));
  }

  private static String newTenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Struct doc(String json) {
    Struct.Builder builder = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return builder.build();
  }

  private long storedVersions(String tenant) {
    return jdbc.sql("SELECT count(*) FROM installation.configuration_version WHERE tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  private static void failsWith(Runnable call, ErrorCode code, Consumer<NerveException> more) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              NerveException error = GrpcErrors.fromStatus(e);
              assertThat(error.code()).isEqualTo(code);
              more.accept(error);
            });
  }

  @Test
  void validateReportsEveryProblemWithItsPointerAndStoresNothing() {
    String tenant = newTenant();
    ValidationResult result =
        as(admin(tenant))
            .validate(
                ValidateConfigRequest.newBuilder()
                    .setScope(ConfigScope.CONFIG_SCOPE_TENANT)
                    .setDocument(
                        doc("{\"rateLimits\":{\"perMinute\":\"many\",\"burst\":5},\"memory\":{\"search\":{\"vectorWeight\":-1}}}"))
                    .build());

    assertThat(result.getValid()).isFalse();
    assertThat(result.getViolationsList())
        .extracting(ConfigViolation::getPointer, ConfigViolation::getRule)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("/rateLimits/perMinute", "type"),
            org.assertj.core.groups.Tuple.tuple("/rateLimits/burst", "additionalProperties"),
            org.assertj.core.groups.Tuple.tuple("/memory/search/vectorWeight", "minimum"));
    assertThat(storedVersions(tenant)).isZero();
  }

  @Test
  void semanticRulesNameTheEntryThatBreaksThem() {
    String tenant = newTenant();
    ValidationResult global =
        as(admin(tenant))
            .validate(
                ValidateConfigRequest.newBuilder()
                    .setScope(ConfigScope.CONFIG_SCOPE_GLOBAL)
                    .setDocument(
                        doc("{\"outbound\":{\"allowCidrs\":[\"10.0.0.0/8\",\"10.0.0.0/99\"],\"allowHosts\":[\"ok.example.com\",\"bad host\"]},"
                            + "\"retention\":{\"automationRuns\":\"P1M\"}}"))
                    .build());
    assertThat(global.getViolationsList())
        .extracting(ConfigViolation::getPointer, ConfigViolation::getRule)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/outbound/allowCidrs/1", "cidr"),
            org.assertj.core.groups.Tuple.tuple("/outbound/allowHosts/1", "host"),
            org.assertj.core.groups.Tuple.tuple("/retention/automationRuns", "duration"));

    ValidationResult tenantScope =
        as(admin(tenant))
            .validate(
                ValidateConfigRequest.newBuilder()
                    .setDocument(doc("{\"rateLimits\":{\"perMinute\":100,\"anonymousPerMinute\":5}}"))
                    .build());
    assertThat(tenantScope.getViolationsList())
        .extracting(ConfigViolation::getPointer, ConfigViolation::getRule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/rateLimits/anonymousPerMinute", "scope"));

    ValidationResult fine =
        as(admin(tenant))
            .validate(ValidateConfigRequest.newBuilder().setDocument(doc("{\"rateLimits\":{\"perMinute\":100}}")).build());
    assertThat(fine.getValid()).isTrue();
    assertThat(fine.getViolationsList()).isEmpty();
  }

  @Test
  void saveRefusesAnInvalidDocumentWithPointersAndStoresNothing() {
    String tenant = newTenant();
    failsWith(
        () ->
            as(admin(tenant))
                .save(SaveConfigRequest.newBuilder().setDocument(doc("{\"rateLimits\":{\"perMinute\":0}}")).build()),
        ErrorCode.INVALID_ARGUMENT,
        e -> assertThat(e.violations()).extracting("field", "rule")
            .containsExactly(org.assertj.core.groups.Tuple.tuple("/rateLimits/perMinute", "minimum")));
    assertThat(storedVersions(tenant)).isZero();
  }

  @Test
  void saveStoresVersionsWithDiffsAndRollbackRestoresAnEarlierOne() {
    String tenant = newTenant();
    var stub = as(admin(tenant));

    SaveConfigResponse first =
        stub.save(
            SaveConfigRequest.newBuilder()
                .setDocument(doc("{\"rateLimits\":{\"perMinute\":100}}"))
                .setExpectedVersion(0)
                .setNote("first")
                .build());
    assertThat(first.getUnchanged()).isFalse();
    assertThat(first.getVersion().getVersion()).isEqualTo(1);
    assertThat(first.getVersion().getSavedBy()).isEqualTo("admin-of-" + tenant);
    assertThat(first.getVersion().getChangesList())
        .extracting(ConfigChange::getPointer, c -> c.hasBefore(), c -> c.getAfter().getNumberValue())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/rateLimits/perMinute", false, 100.0));
    assertThat(first.getAppliedLiveList()).containsExactly("/rateLimits/perMinute");

    SaveConfigResponse second =
        stub.save(
            SaveConfigRequest.newBuilder()
                .setDocument(doc("{\"memory\":{\"search\":{\"vectorWeight\":2.5}}}"))
                .setExpectedVersion(1)
                .build());
    assertThat(second.getVersion().getVersion()).isEqualTo(2);
    assertThat(second.getVersion().getChangesList()).extracting(ConfigChange::getPointer)
        .containsExactly("/rateLimits/perMinute", "/memory/search/vectorWeight");

    // The same document again: nothing stored.
    SaveConfigResponse same =
        stub.save(SaveConfigRequest.newBuilder().setDocument(doc("{\"memory\":{\"search\":{\"vectorWeight\":2.5}}}")).build());
    assertThat(same.getUnchanged()).isTrue();
    assertThat(same.getVersion().getVersion()).isEqualTo(2);
    assertThat(storedVersions(tenant)).isEqualTo(2);

    // A stale expected version: refused, nothing stored.
    failsWith(
        () -> stub.save(SaveConfigRequest.newBuilder().setDocument(doc("{}")).setExpectedVersion(1).build()),
        ErrorCode.CONFLICT,
        e -> assertThat(e.getMessage()).contains("version 2"));
    assertThat(storedVersions(tenant)).isEqualTo(2);

    ConfigDiff diff =
        stub.diff(DiffConfigRequest.newBuilder().setFromVersion(1).setToVersion(2).build());
    assertThat(diff.getChangesList()).extracting(ConfigChange::getPointer)
        .containsExactly("/rateLimits/perMinute", "/memory/search/vectorWeight");

    SaveConfigResponse rolledBack = stub.rollback(RollbackConfigRequest.newBuilder().setVersion(1).setExpectedVersion(2).build());
    assertThat(rolledBack.getVersion().getVersion()).isEqualTo(3);
    assertThat(rolledBack.getVersion().getRolledBackTo()).isEqualTo(1);
    assertThat(rolledBack.getVersion().getDocument()).isEqualTo(doc("{\"rateLimits\":{\"perMinute\":100}}"));
    assertThat(stub.diff(DiffConfigRequest.newBuilder().setFromVersion(1).build()).getChangesList()).isEmpty();

    failsWith(
        () -> stub.rollback(RollbackConfigRequest.newBuilder().setVersion(9).build()),
        ErrorCode.NOT_FOUND,
        e -> {});
    failsWith(
        () -> stub.getVersion(GetConfigVersionRequest.newBuilder().setVersion(4).build()),
        ErrorCode.NOT_FOUND,
        e -> {});
    assertThat(stub.getVersion(GetConfigVersionRequest.newBuilder().setVersion(2).build()).getDocument())
        .isEqualTo(doc("{\"memory\":{\"search\":{\"vectorWeight\":2.5}}}"));

    // History, newest first, two per page.
    ListConfigVersionsResponse page1 =
        stub.listVersions(ListConfigVersionsRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(2)).build());
    assertThat(page1.getVersionsList()).extracting(v -> v.getVersion()).containsExactly(3L, 2L);
    assertThat(page1.getPageInfo().getHasNextPage()).isTrue();
    ListConfigVersionsResponse page2 =
        stub.listVersions(
            ListConfigVersionsRequest.newBuilder()
                .setPage(PageRequest.newBuilder().setPageSize(2).setCursor(page1.getPageInfo().getNextCursor()))
                .build());
    assertThat(page2.getVersionsList()).extracting(v -> v.getVersion()).containsExactly(1L);
    assertThat(page2.getPageInfo().getHasNextPage()).isFalse();
    failsWith(
        () -> stub.listVersions(
            ListConfigVersionsRequest.newBuilder().setPage(PageRequest.newBuilder().setCursor("not a cursor")).build()),
        ErrorCode.INVALID_ARGUMENT,
        e -> {});

    // Another tenant sees none of it.
    assertThat(as(admin(newTenant())).listVersions(ListConfigVersionsRequest.getDefaultInstance()).getVersionsList()).isEmpty();
  }

  @Test
  void loadNamesTheSourceOfEveryValueAndTenantsOverrideTheGlobalDocument() {
    String tenant = newTenant();
    var stub = as(admin(tenant));
    stub.save(SaveConfigRequest.newBuilder().setDocument(doc("{\"rateLimits\":{\"perMinute\":321}}")).build());

    EffectiveConfig config = stub.load(LoadConfigRequest.getDefaultInstance());
    Map<String, EffectiveSetting> byPointer =
        config.getSettingsList().stream().collect(Collectors.toMap(EffectiveSetting::getPointer, s -> s));

    assertThat(config.getTenantId()).isEqualTo(tenant);
    assertThat(config.getTenantVersion()).isEqualTo(1);
    assertThat(byPointer.get("/rateLimits/perMinute").getSource()).isEqualTo(ConfigSource.CONFIG_SOURCE_STORED_TENANT);
    assertThat(byPointer.get("/rateLimits/perMinute").getValue().getNumberValue()).isEqualTo(321);
    // Set by this test's properties: not a default, and not from the environment.
    assertThat(byPointer.get("/rateLimits/loginPerUserPerMinute").getSource()).isEqualTo(ConfigSource.CONFIG_SOURCE_FILE);
    assertThat(byPointer.get("/rateLimits/loginPerUserPerMinute").getValue().getNumberValue()).isEqualTo(77);
    assertThat(byPointer.get("/retention/automationRuns").getSource()).isEqualTo(ConfigSource.CONFIG_SOURCE_DEFAULT);
    assertThat(byPointer.get("/automation/engine/threads").getLive()).isFalse();
    assertThat(byPointer.get("/retention/automationRuns").getValue().getStringValue()).isEqualTo("P30D");
    assertThat(config.getDocument().getFieldsOrThrow("rateLimits").getStructValue().getFieldsOrThrow("perMinute").getNumberValue())
        .isEqualTo(321);
    assertThat(byPointer.values()).allSatisfy(s -> assertThat(s.getProperty()).startsWith("nerve."));
  }

  @Test
  void onlyAdministratorsOfTheAdminTenantChangeTheGlobalDocument() {
    String tenant = newTenant();
    failsWith(
        () -> as(admin(tenant)).save(
            SaveConfigRequest.newBuilder().setScope(ConfigScope.CONFIG_SCOPE_GLOBAL).setDocument(doc("{}")).build()),
        ErrorCode.PERMISSION_DENIED,
        e -> assertThat(e.getMessage()).contains("'default'"));
    failsWith(
        () -> as(new Identity("default", "viewer", Set.of("viewer"))).save(
            SaveConfigRequest.newBuilder().setScope(ConfigScope.CONFIG_SCOPE_GLOBAL).setDocument(doc("{}")).build()),
        ErrorCode.PERMISSION_DENIED,
        e -> {});
    // Viewers may read.
    assertThat(as(new Identity(tenant, "viewer", Set.of("viewer"))).getSchema(GetConfigSchemaRequest.getDefaultInstance())
            .getSchema().getFieldsOrThrow("title").getStringValue())
        .isEqualTo("Nerve configuration");
  }

  @Test
  void aSavedChangeReachesAnotherReplicaWithItsOwnRedisConnection() {
    RedisClient client = RedisClient.create(redisEndpoint.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect();
        LiveSettings replica = new LiveSettings(client, connection, LiveSettings.namespace(database.display()))) {
      var stub = as(admin("default"));
      long current =
          stub.listVersions(ListConfigVersionsRequest.newBuilder().setScope(ConfigScope.CONFIG_SCOPE_GLOBAL).build())
              .getVersionsList().stream().mapToLong(v -> v.getVersion()).max().orElse(0);
      long limit = 1000 + current;
      SaveConfigResponse saved =
          stub.save(
              SaveConfigRequest.newBuilder()
                  .setScope(ConfigScope.CONFIG_SCOPE_GLOBAL)
                  .setDocument(doc("{\"rateLimits\":{\"anonymousPerMinute\":" + limit + "},\"automation\":{\"engine\":{\"threads\":" + (4 + current % 4) + "}}}"))
                  .build());

      assertThat(saved.getAppliedLiveList()).contains("/rateLimits/anonymousPerMinute");
      assertThat(saved.getRestartRequiredList()).containsExactly("/automation/engine/threads");
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(replica.number("any-tenant", "/rateLimits/anonymousPerMinute", 60)).isEqualTo(limit));
      assertThat(live.number(null, "/rateLimits/anonymousPerMinute", 60)).isEqualTo(limit);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aReplicaStartingLaterReadsTheCurrentDocumentsAndIgnoresMalformedOnes() {
    String tenant = newTenant();
    as(admin(tenant)).save(SaveConfigRequest.newBuilder().setDocument(doc("{\"memory\":{\"search\":{\"keywordWeight\":3}}}")).build());
    String namespace = LiveSettings.namespace(database.display());
    RedisClient client = RedisClient.create(redisEndpoint.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().hset(LiveSettings.PREFIX + namespace + ":documents", LiveSettings.tenantScope("broken"), "{not json");
      try (LiveSettings replica = new LiveSettings(client, connection, namespace)) {
        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(replica.decimal(tenant, "/memory/search/keywordWeight", 1.0)).isEqualTo(3.0));
        assertThat(replica.decimal("broken", "/memory/search/keywordWeight", 1.0)).isEqualTo(1.0);
      }
    } finally {
      client.shutdown();
    }
  }
}
