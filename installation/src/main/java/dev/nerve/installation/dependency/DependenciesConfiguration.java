package dev.nerve.installation.dependency;

import dev.nerve.installation.dependency.archive.ArchiveExtractor;
import dev.nerve.installation.dependency.archive.ArchiveLimits;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.target.Target;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires extension packages: sources, lock, installer, DependencyService and setup's {@link TenantPackages}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PackagesProperties.class)
public class DependenciesConfiguration {

  /** The Nerve version package ranges are checked against, as the SDK system checks manifests. */
  static Version nerveVersion(BuildProperties build) {
    String version = build == null ? "0.1.0" : build.getVersion();
    int suffix = version.indexOf('-');
    return Version.parse(suffix > 0 ? version.substring(0, suffix) : version);
  }

  @Bean
  TenantPackages tenantPackages(
      JdbcClient jdbc,
      TransactionTemplate tx,
      ChannelFactory channels,
      GuardedHttpClient http,
      NerveProperties nerve,
      PackagesProperties properties,
      ObjectProvider<BuildProperties> build) {
    SourceStore sources = new SourceStore(jdbc);
    LockStore lock = new LockStore(jdbc);
    SourceCatalogs catalogs = new SourceCatalogs(sources,
        properties.directoryRoot() != null ? properties.directoryRoot() : nerve.dataDir().resolve("package-sources"), http);
    ArchiveExtractor extractor = new ArchiveExtractor(new ArchiveLimits(
        properties.maxArchiveSize().toBytes(), properties.maxExtractedSize().toBytes(), properties.maxFiles()));
    Path workDir = properties.workDir() != null ? properties.workDir() : nerve.dataDir().resolve("package-work");
    PackagePreparer preparer = new PackagePreparer(extractor, properties.maxArchiveSize().toBytes());
    PlanApplier applier = new PlanApplier(lock, new ExtensionLoader(channels), preparer, workDir);
    PackageInstaller installer = new PackageInstaller(lock, catalogs, preparer, applier, workDir,
        nerveVersion(build.getIfAvailable()), properties.maxResolutionSteps(), tx, jdbc);
    return new TenantPackages(installer, sources, catalogs, lock, tx);
  }

  @Bean
  TargetService dependencyService(TenantPackages packages) {
    return new TargetService(Target.INSTALLATION, packages.grpcService());
  }
}
