package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.PackageSource;
import dev.nerve.api.installation.v1.PackageSourceKind;
import dev.nerve.installation.dependency.source.DirectoryReader;
import dev.nerve.installation.dependency.source.HttpIndexReader;
import dev.nerve.installation.dependency.source.SourceReader;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import java.nio.file.Path;
import java.util.List;

/** Opens a tenant's configured sources and reads them into a {@link Catalog}. */
final class SourceCatalogs {

  private final SourceStore sources;
  private final Path directoryRoot;
  private final GuardedHttpClient http;

  SourceCatalogs(SourceStore sources, Path directoryRoot, GuardedHttpClient http) {
    this.sources = sources;
    this.directoryRoot = directoryRoot;
    this.http = http;
  }

  Catalog of(String tenant) {
    return new Catalog(sources.all(tenant).stream().map(this::reader).toList());
  }

  /** A reader for a source; INVALID_ARGUMENT (field {@code location}) when its location is not allowed. */
  SourceReader reader(PackageSource source) {
    if (source.getKind() == PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP) {
      HttpIndexReader reader = new HttpIndexReader(source.getName(), source.getLocation(), http);
      try {
        http.guard().check(HttpIndexReader.url(source.getLocation()));
      } catch (OutboundRefusedException e) {
        throw NerveException.invalid("location", "outbound", "is refused by the outbound guard: " + e.getMessage());
      }
      return reader;
    }
    return new DirectoryReader(source.getName(), directoryRoot, source.getLocation());
  }

  List<PackageSource> all(String tenant) {
    return sources.all(tenant);
  }
}
