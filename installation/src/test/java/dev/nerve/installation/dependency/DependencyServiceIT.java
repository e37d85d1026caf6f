package dev.nerve.installation.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.api.installation.v1.Dependency;
import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyProgress;
import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.DependencyServiceGrpc;
import dev.nerve.api.installation.v1.DependencyUpdate;
import dev.nerve.api.installation.v1.GetDependencyRequest;
import dev.nerve.api.installation.v1.InstallDependenciesRequest;
import dev.nerve.api.installation.v1.ListDependenciesRequest;
import dev.nerve.api.installation.v1.ListDependencyUpdatesRequest;
import dev.nerve.api.installation.v1.ListPackageSourcesRequest;
import dev.nerve.api.installation.v1.PackageSourceKind;
import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.api.installation.v1.PlannedChange;
import dev.nerve.api.installation.v1.PutPackageSourceRequest;
import dev.nerve.api.installation.v1.RemoveDependenciesRequest;
import dev.nerve.api.installation.v1.RemovePackageSourceRequest;
import dev.nerve.api.installation.v1.UpdateDependenciesRequest;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * DependencyService over gRPC with real PostgreSQL: package sources (a directory and a loopback
 * HTTP index through the outbound guard), install with transitive resolution, all or nothing
 * (a bad checksum, an unsafe archive, an extension that does not load), update with a dry run,
 * remove with dependents, the lock and available updates. The SDK system is a fake
 * ExtensionService on a real gRPC port, reached through the SDK route like a split deployment.
 */
@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=installation",
      "nerve.outbound.allow-cidrs=127.0.0.1/32",
      "nerve.installation.packages.max-files=50",
      "nerve.installation.packages.max-extracted-size=1MB",
      "nerve.database.max-pool-size=4"
    })
class DependencyServiceIT {

  static final FakeExtensionService SDK = new FakeExtensionService();
  static final Server SDK_SERVER;
  static final Path ROOT;
  static final HttpServer HTTP;

  static {
    try {
      SDK_SERVER = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(SDK).build().start();
      ROOT = Files.createTempDirectory("nerve-package-sources");
      HTTP = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      HTTP.createContext("/", exchange -> {
        Path file = ROOT.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(ROOT) || !Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
          return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      HTTP.start();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("nerve.services.sdk.address", () -> "127.0.0.1:" + SDK_SERVER.getPort());
    registry.add("nerve.installation.packages.directory-root", ROOT::toString);
  }

  @AfterAll
  static void stop() {
    SDK_SERVER.shutdownNow();
    HTTP.stop(0);
  }

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired javax.sql.DataSource dataSource;

  String tenant;
  String repo;
  TestPackages packages;

  @BeforeEach
  void tenantOfItsOwn() {
    SDK.reset();
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    repo = "repo-" + tenant;
    packages = new TestPackages(ROOT.resolve(repo));
  }

  private DependencyServiceGrpc.DependencyServiceBlockingStub stub(String... roles) {
    Identity identity = new Identity(tenant, "deps-it", Set.of(roles.length == 0 ? new String[] {"admin"} : roles));
    return DependencyServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channels.channel(Target.INSTALLATION),
        new ClientInterceptor() {
          @Override
          public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return IdentityContext.callAs(identity, () -> next.newCall(method, options));
          }
        }));
  }

  private void directorySource() {
    stub().putSource(PutPackageSourceRequest.newBuilder().setName("local").setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_DIRECTORY)
        .setLocation(repo).build());
  }

  private static DependencyRequirement want(String name, String range) {
    return DependencyRequirement.newBuilder().setName(name).setVersionRange(range).build();
  }

  private DependencyPlan install(DependencyRequirement... wanted) {
    return stub().install(InstallDependenciesRequest.newBuilder().addAllDependencies(List.of(wanted)).build());
  }

  private List<String> lock() {
    return stub().list(ListDependenciesRequest.getDefaultInstance()).getDependenciesList().stream()
        .map(d -> d.getName() + " " + d.getVersion())
        .toList();
  }

  private static List<String> actions(DependencyPlan plan) {
    return plan.getChangesList().stream()
        .map(c -> c.getName() + " " + c.getAction().name().replace("PLAN_ACTION_", "") + " " + c.getFromVersion() + "->" + c.getToVersion())
        .toList();
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    return Status.Code.OK;
  }

  @Test
  void sourcesAreAdministeredPerTenantAndCheckedWhenPut() {
    directorySource();
    String index = "http://127.0.0.1:" + HTTP.getAddress().getPort() + "/" + repo + "/index.json";
    stub().putSource(PutPackageSourceRequest.newBuilder().setName("remote").setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP)
        .setLocation(index).setPriority(-1).build());
    assertThat(stub().listSources(ListPackageSourcesRequest.getDefaultInstance()).getSourcesList())
        .extracting(s -> s.getName() + " " + s.getKind() + " " + s.getLocation())
        .containsExactly("remote PACKAGE_SOURCE_KIND_HTTP " + index, "local PACKAGE_SOURCE_KIND_DIRECTORY " + repo);
    String other = tenant;
    tenant = "t-other-" + UUID.randomUUID().toString().substring(0, 6);
    assertThat(stub().listSources(ListPackageSourcesRequest.getDefaultInstance()).getSourcesList()).isEmpty();
    tenant = other;

    for (String bad : List.of("../elsewhere", "/etc", "a/../../b", "C:\\x")) {
      assertThatThrownBy(() -> stub().putSource(PutPackageSourceRequest.newBuilder().setName("bad")
              .setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_DIRECTORY).setLocation(bad).build()))
          .as(bad).hasMessageContaining("INVALID_ARGUMENT");
    }
    assertThatThrownBy(() -> stub().putSource(PutPackageSourceRequest.newBuilder().setName("meta")
            .setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP).setLocation("http://169.254.169.254/index.json").build()))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("refused by the outbound guard");
    assertThatThrownBy(() -> stub().putSource(PutPackageSourceRequest.newBuilder().setName("ftp")
            .setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP).setLocation("ftp://127.0.0.1/index.json").build()))
        .hasMessageContaining("http or https");
    assertThat(stub().listSources(ListPackageSourcesRequest.getDefaultInstance()).getSourcesCount()).isEqualTo(2);

    assertThat(stub().removeSource(RemovePackageSourceRequest.newBuilder().setName("remote").build()).getName()).isEqualTo("remote");
    assertThat(code(() -> stub().removeSource(RemovePackageSourceRequest.newBuilder().setName("remote").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> stub("operator").listSources(ListPackageSourcesRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> install(want("x", "*")))).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void installResolvesADiamondLoadsDependenciesFirstAndRecordsTheLock() {
    packages.add("base", "1.0.0").add("base", "1.1.0").add("base", "1.3.0")
        .add("left", "1.0.0", "base >=1.1.0").add("right", "1.0.0", "base <1.3.0")
        .add("app", "1.0.0", "left ^1.0", "right ^1.0");
    directorySource();

    DependencyPlan dry = stub().install(InstallDependenciesRequest.newBuilder().addDependencies(want("app", "^1")).setDryRun(true).build());
    assertThat(dry.getDryRun()).isTrue();
    assertThat(actions(dry)).containsExactly("base INSTALL ->1.1.0", "left INSTALL ->1.0.0", "right INSTALL ->1.0.0", "app INSTALL ->1.0.0");
    assertThat(lock()).isEmpty();
    assertThat(SDK.calls).isEmpty();

    DependencyPlan plan = install(want("app", "^1"));
    assertThat(actions(plan)).isEqualTo(actions(dry));
    assertThat(plan.getChanges(0).getRequiredByList()).containsExactly("left 1.0.0 (>=1.1.0)", "right 1.0.0 (<1.3.0)");
    assertThat(SDK.calls).containsExactly("load base 1.1.0", "load left 1.0.0", "load right 1.0.0", "load app 1.0.0");
    assertThat(lock()).containsExactly("app 1.0.0", "base 1.1.0", "left 1.0.0", "right 1.0.0");
    Dependency app = stub().get(GetDependencyRequest.newBuilder().setName("app").build());
    assertThat(app.getRequested()).isTrue();
    assertThat(app.getRequestedRange()).isEqualTo("^1");
    assertThat(app.getSource()).isEqualTo("local");
    assertThat(app.getChecksumSha256()).isEqualTo(TestPackages.sha256(readArchive("app-1.0.0.zip")));
    assertThat(app.getRequiresList()).extracting(DependencyRequirement::getName).containsExactly("left", "right");
    Dependency base = stub().get(GetDependencyRequest.newBuilder().setName("base").build());
    assertThat(base.getRequested()).isFalse();
    assertThat(code(() -> stub().get(GetDependencyRequest.newBuilder().setName("ghost").build()))).isEqualTo(Status.Code.NOT_FOUND);

    SDK.calls.clear();
    assertThat(actions(install(want("app", "^1")))).allMatch(a -> a.contains(" KEEP "));
    assertThat(SDK.calls).isEmpty();

    var page = stub().list(ListDependenciesRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(3)).build());
    assertThat(page.getDependenciesCount()).isEqualTo(3);
    assertThat(page.getPageInfo().getHasNextPage()).isTrue();
    var rest = stub().list(ListDependenciesRequest.newBuilder()
        .setPage(PageRequest.newBuilder().setCursor(page.getPageInfo().getNextCursor())).build());
    assertThat(rest.getDependenciesList()).extracting(Dependency::getName).containsExactly("right");
  }

  private byte[] readArchive(String file) {
    try {
      return Files.readAllBytes(ROOT.resolve(repo).resolve(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theThirdOfThreePackagesFailingItsChecksumChangesNothing() {
    packages.add("keep", "1.0.0").add("one", "1.0.0").add("two", "1.0.0").addRaw("three", "1.0.0", null, "ab".repeat(32));
    directorySource();
    install(want("keep", "*"));
    List<String> before = lock();
    Map<String, String> loadedBefore = Map.copyOf(SDK.loaded);
    SDK.calls.clear();

    assertThatThrownBy(() -> install(want("one", "*"), want("two", "*"), want("three", "*")))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("checksum of three 1.0.0")
        .hasMessageContaining("its index says " + "ab".repeat(32));
    assertThat(lock()).isEqualTo(before);
    assertThat(SDK.loaded).isEqualTo(loadedBefore);
    assertThat(SDK.calls).isEmpty();
  }

  @Test
  void unsafeArchivesAreRefusedAndNothingIsWritten() {
    byte[] slip = TestPackages.zip(Map.of("extension.json", TestPackages.manifest("slip", "1.0.0", Map.of()), "../../escaped.txt", new byte[] {1}));
    byte[] bomb = TestPackages.zip(Map.of("extension.json", TestPackages.manifest("bomb", "1.0.0", Map.of()), "zeros", new byte[2 << 20]));
    Map<String, byte[]> many = new java.util.LinkedHashMap<>();
    many.put("extension.json", TestPackages.manifest("many", "1.0.0", Map.of()));
    for (int i = 0; i < 60; i++) {
      many.put("f" + i, new byte[] {1});
    }
    byte[] liar = TestPackages.zip(Map.of("extension.json", TestPackages.manifest("other", "9.9.9", Map.of())));
    packages.addRaw("slip", "1.0.0", slip, "").addRaw("bomb", "1.0.0", bomb, "").addRaw("many", "1.0.0", TestPackages.zip(many), "")
        .addRaw("liar", "1.0.0", liar, "");
    directorySource();
    assertThatThrownBy(() -> install(want("slip", "*"))).hasMessageContaining("would leave the package directory");
    assertThatThrownBy(() -> install(want("bomb", "*"))).hasMessageContaining("unpacks to more than 1048576 bytes");
    assertThatThrownBy(() -> install(want("many", "*"))).hasMessageContaining("more than 50 entries");
    assertThatThrownBy(() -> install(want("liar", "*"))).hasMessageContaining("describes other 9.9.9");
    assertThat(lock()).isEmpty();
    assertThat(SDK.calls).isEmpty();
    try (var files = Files.walk(ROOT.getParent(), 2)) {
      assertThat(files.anyMatch(p -> p.getFileName().toString().equals("escaped.txt"))).isFalse();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anExtensionThatDoesNotLoadUndoesTheLoadsBeforeIt() {
    packages.add("lib", "1.0.0").add("lib", "2.0.0").add("tool", "1.0.0", "lib ^1").add("tool", "2.0.0", "lib ^2")
        .add("fresh", "1.0.0");
    directorySource();
    install(want("tool", "^1"));
    assertThat(SDK.loaded).containsEntry("lib", "1.0.0").containsEntry("tool", "1.0.0");
    SDK.failing.add("tool");
    SDK.calls.clear();

    assertThatThrownBy(() -> stub().update(UpdateDependenciesRequest.newBuilder().addDependencies(want("tool", "^2")).build()))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("could not start tool 2.0.0");
    assertThat(SDK.calls).containsExactly("load lib 2.0.0", "load tool 2.0.0", "load lib 1.0.0");
    assertThat(SDK.loaded).containsEntry("lib", "1.0.0").containsEntry("tool", "1.0.0");
    assertThat(lock()).containsExactly("lib 1.0.0", "tool 1.0.0");

    SDK.failing.clear();
    SDK.failing.add("fresh");
    assertThatThrownBy(() -> install(want("fresh", "*"))).hasMessageContaining("could not start fresh 1.0.0");
    assertThat(lock()).containsExactly("lib 1.0.0", "tool 1.0.0");
  }

  @Test
  void conflictsAndMissingPackagesAreExplained() {
    packages.add("c", "1.0.0").add("c", "2.0.0").add("a", "1.0.0", "c ^1.0").add("b", "1.0.0", "c ^2.0").add("d", "1.0.0", "ghost ^1");
    directorySource();
    assertThatThrownBy(() -> install(want("a", "*"), want("b", "*")))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("a 1.0.0 requires ^1.0")
        .hasMessageContaining("b 1.0.0 requires ^2.0");
    assertThatThrownBy(() -> install(want("d", "*"))).hasMessageContaining("no package source offers 'ghost' (d 1.0.0 requires ^1)");
    assertThatThrownBy(() -> install(want("c", "^3"))).hasMessageContaining("no version of 'c' satisfies request requires ^3; available: 1.0.0, 2.0.0");
    assertThatThrownBy(() -> install(want("Bad Name", ">>1"))).hasMessageContaining("INVALID_ARGUMENT");
    assertThat(lock()).isEmpty();
  }

  @Test
  void updateHasADryRunAndAvailableUpdatesAreListed() {
    packages.add("lib", "1.0.0").add("tool", "1.0.0", "lib ^1");
    directorySource();
    install(want("tool", "^1"));
    packages.add("lib", "1.4.0").add("lib", "2.0.0").add("tool", "1.1.0", "lib ^1");

    List<DependencyUpdate> updates = stub().listUpdates(ListDependencyUpdatesRequest.getDefaultInstance()).getUpdatesList();
    assertThat(updates).extracting(u -> u.getName() + " " + u.getInstalledVersion() + " allowed=" + u.getNewestAllowed() + " newest=" + u.getNewestAvailable())
        .containsExactly("lib 1.0.0 allowed=1.4.0 newest=2.0.0", "tool 1.0.0 allowed=1.1.0 newest=1.1.0");

    DependencyPlan dry = stub().update(UpdateDependenciesRequest.newBuilder().setDryRun(true).build());
    assertThat(actions(dry)).containsExactly("lib UPGRADE 1.0.0->1.4.0", "tool UPGRADE 1.0.0->1.1.0");
    assertThat(lock()).containsExactly("lib 1.0.0", "tool 1.0.0");
    SDK.calls.clear();
    stub().update(UpdateDependenciesRequest.getDefaultInstance());
    assertThat(SDK.calls).containsExactly("load lib 1.4.0", "load tool 1.1.0");
    assertThat(lock()).containsExactly("lib 1.4.0", "tool 1.1.0");
    assertThat(stub().listUpdates(ListDependencyUpdatesRequest.getDefaultInstance()).getUpdatesList())
        .extracting(u -> u.getName() + " allowed=" + u.getNewestAllowed()).containsExactly("lib allowed=");
    assertThat(code(() -> stub().update(UpdateDependenciesRequest.newBuilder().addDependencies(want("nope", "")).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void removeRefusesWithDependentsUnlessCascaded() {
    packages.add("lib", "1.0.0").add("tool", "1.0.0", "lib ^1").add("suite", "1.0.0", "tool ^1");
    directorySource();
    install(want("suite", "*"));
    SDK.calls.clear();
    assertThatThrownBy(() -> stub().remove(RemoveDependenciesRequest.newBuilder().addNames("lib").build()))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("tool 1.0.0 requires lib ^1");
    assertThat(SDK.calls).isEmpty();
    DependencyPlan dry = stub().remove(RemoveDependenciesRequest.newBuilder().addNames("lib").setCascade(true).setDryRun(true).build());
    assertThat(dry.getChangesList()).extracting(PlannedChange::getName).containsExactly("suite", "tool", "lib");
    assertThat(lock()).hasSize(3);
    stub().remove(RemoveDependenciesRequest.newBuilder().addNames("lib").setCascade(true).build());
    assertThat(SDK.calls).containsExactly("unload suite", "unload tool", "unload lib");
    assertThat(lock()).isEmpty();
    assertThat(code(() -> stub().remove(RemoveDependenciesRequest.newBuilder().addNames("lib").build()))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void httpSourceInstallsThroughTheGuardAndStreamsProgress() {
    packages.add("lib", "1.0.0").add("tool", "1.0.0", "lib ^1");
    stub().putSource(PutPackageSourceRequest.newBuilder().setName("remote").setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP)
        .setLocation("http://127.0.0.1:" + HTTP.getAddress().getPort() + "/" + repo + "/index.json").build());
    Iterator<DependencyProgress> events = stub().watchInstall(InstallDependenciesRequest.newBuilder().addDependencies(want("tool", "*")).build());
    List<String> seen = new ArrayList<>();
    events.forEachRemaining(e -> seen.add(e.getPhase().name().replace("DEPENDENCY_PROGRESS_PHASE_", "") + (e.getName().isEmpty() ? "" : " " + e.getName())));
    assertThat(seen).containsExactly("RESOLVED", "DOWNLOADING lib", "VERIFIED lib", "DOWNLOADING tool", "VERIFIED tool",
        "LOADED lib", "LOADED tool", "COMPLETED");
    assertThat(lock()).containsExactly("lib 1.0.0", "tool 1.0.0");
    assertThat(stub().get(GetDependencyRequest.newBuilder().setName("tool").build()).getSource()).isEqualTo("remote");

    packages.addRaw("broken", "1.0.0", null, "cd".repeat(32));
    Iterator<DependencyProgress> failing = stub().watchInstall(InstallDependenciesRequest.newBuilder().addDependencies(want("broken", "*")).build());
    List<DependencyProgressPhase> phases = new ArrayList<>();
    assertThatThrownBy(() -> failing.forEachRemaining(e -> phases.add(e.getPhase()))).hasMessageContaining("checksum of broken 1.0.0");
    assertThat(phases).endsWith(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_FAILED);
  }

  @Test
  void aSecondChangeWhileOneRunsIsRefusedNotQueued() throws Exception {
    packages.add("solo", "1.0.0");
    directorySource();
    try (java.sql.Connection held = dataSource.getConnection();
        java.sql.PreparedStatement lock = held.prepareStatement("SELECT pg_advisory_lock(" + PackageInstaller.LOCK_KEY + ")")) {
      lock.setString(1, tenant);
      lock.execute();
      assertThatThrownBy(() -> install(want("solo", "*")))
          .hasMessageContaining("ABORTED")
          .hasMessageContaining("another package change of this tenant is running");
      try (java.sql.PreparedStatement unlock = held.prepareStatement("SELECT pg_advisory_unlock(" + PackageInstaller.LOCK_KEY + ")")) {
        unlock.setString(1, tenant);
        unlock.execute();
      }
    }
    assertThat(lock()).isEmpty();
    install(want("solo", "*"));
    assertThat(lock()).containsExactly("solo 1.0.0");
  }

  @Test
  void aFailedUnloadDuringRemoveLoadsTheOthersAgain() {
    packages.add("lib", "1.0.0").add("tool", "1.0.0", "lib ^1").add("suite", "1.0.0", "tool ^1");
    directorySource();
    install(want("suite", "*"));
    SDK.stuck.add("lib");
    SDK.calls.clear();
    assertThatThrownBy(() -> stub().remove(RemoveDependenciesRequest.newBuilder().addNames("lib").setCascade(true).build()))
        .hasMessageContaining("refused to unload lib");
    assertThat(SDK.calls).containsExactly("unload suite", "unload tool", "unload lib", "load tool 1.0.0", "load suite 1.0.0");
    assertThat(SDK.loaded).containsOnlyKeys("lib", "tool", "suite");
    assertThat(lock()).containsExactly("lib 1.0.0", "suite 1.0.0", "tool 1.0.0");
  }

  @Test
  void archivesOfHttpSourcesGoThroughTheGuardToo() {
    packages.addEntry("{\"name\":\"meta\",\"versions\":[{\"version\":\"1.0.0\",\"sha256\":\"" + "ef".repeat(32)
        + "\",\"archive\":\"http://169.254.169.254/latest/meta.zip\"}]}");
    stub().putSource(PutPackageSourceRequest.newBuilder().setName("remote").setKind(PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP)
        .setLocation("http://127.0.0.1:" + HTTP.getAddress().getPort() + "/" + repo + "/index.json").build());
    assertThatThrownBy(() -> install(want("meta", "*")))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("the outbound guard refuses http://169.254.169.254/latest/meta.zip");
    assertThat(lock()).isEmpty();
    assertThat(SDK.calls).isEmpty();
  }
}
