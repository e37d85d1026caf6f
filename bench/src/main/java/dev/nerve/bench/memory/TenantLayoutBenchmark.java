package dev.nerve.bench.memory;

import dev.nerve.bench.Latencies;
import dev.nerve.memory.search.IndexedMemory;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What many small tenants cost in the two index layouts that give each tenant its own keyword
 * statistics: one shared index with per-tenant terms (what the service does) against one Lucene
 * index per tenant. Reports open file descriptors, heap after a full GC, bytes on disk, build
 * time and keyword search latency for one tenant (docs/benchmarks.md, "Per-tenant statistics").
 *
 * <p>Options: {@code --tenants=1000 --per-tenant=50 --layout=shared|per-tenant}. Run each layout in
 * its own JVM so heap and descriptor counts are not mixed.
 */
public final class TenantLayoutBenchmark {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private TenantLayoutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tenants = 1000;
    int perTenant = 50;
    String layout = "shared";
    for (String arg : args) {
      if (arg.startsWith("--tenants=")) {
        tenants = Integer.parseInt(arg.substring(10));
      } else if (arg.startsWith("--per-tenant=")) {
        perTenant = Integer.parseInt(arg.substring(13));
      } else if (arg.startsWith("--layout=")) {
        layout = arg.substring(9);
      }
    }
    SyntheticCorpus corpus = new SyntheticCorpus(42, 20_000, 1_000);
    Path root = Files.createTempDirectory("nerve-tenant-layout");
    long heapBefore = heapAfterGc();
    long start = System.nanoTime();
    List<SearchIndex> indexes = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(1);
    if (layout.equals("shared")) {
      SearchIndex index = new SearchIndex(root.resolve("shared"));
      indexes.add(index);
      List<IndexedMemory> batch = new ArrayList<>();
      for (int t = 0; t < tenants; t++) {
        for (int i = 0; i < perTenant; i++) {
          batch.add(memory(corpus, "tenant-" + t, t * perTenant + i, random));
        }
        if (batch.size() >= 5_000) {
          index.apply(batch, List.of(), 0);
          batch.clear();
        }
      }
      index.apply(batch, List.of(), 0);
      index.commit();
    } else {
      for (int t = 0; t < tenants; t++) {
        SearchIndex index = new SearchIndex(root.resolve("t" + t));
        List<IndexedMemory> batch = new ArrayList<>();
        for (int i = 0; i < perTenant; i++) {
          batch.add(memory(corpus, "tenant-" + t, t * perTenant + i, random));
        }
        index.apply(batch, List.of(), 0);
        index.commit();
        indexes.add(index);
      }
    }
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    long fds = openFiles(root);
    long maps = mappings(root);
    long heap = heapAfterGc() - heapBefore;

    Latencies latencies = new Latencies(2_000);
    for (int q = 0; q < 3_000; q++) {
      int t = q % tenants;
      SearchIndex index = indexes.size() == 1 ? indexes.get(0) : indexes.get(t);
      SearchFilter filter = new SearchFilter("tenant-" + t, "user", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, NOW);
      long t0 = System.nanoTime();
      index.keyword(filter, corpus.queryText(q), 200);
      if (q >= 1_000) {
        latencies.add(System.nanoTime() - t0);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "layout %s, %d tenants x %d memories: build %.1f s, open index files %d, memory mappings %d, heap +%.1f MiB, keyword search p50 %.3f ms p99 %.3f ms%n",
        layout, tenants, perTenant, buildSeconds, fds, maps, heap / 1048576.0,
        latencies.percentileMs(50), latencies.percentileMs(99));
    for (SearchIndex index : indexes) {
      index.close();
    }
    System.out.printf(Locale.ROOT, "disk %.1f MiB%n", size(root) / 1048576.0);
  }

  private static IndexedMemory memory(SyntheticCorpus corpus, String tenant, int i, SplittableRandom random) {
    Instant at = NOW.minusSeconds(random.nextInt(90 * 86_400));
    return new IndexedMemory(
        String.format(Locale.ROOT, "m%08d", i), tenant, "user", "", "", corpus.text(i), List.of(), Map.of(), 0.5, at, at, null,
        "synthetic-384", corpus.vector(i));
  }

  /** Memory-mapped regions of this process backed by files under {@code root} (Lucene maps its files). */
  private static long mappings(Path root) throws IOException {
    String prefix = root.toRealPath().toString();
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.filter(line -> line.contains(prefix)).count();
    }
  }

  /** Open file descriptors of this process that point into {@code root}. */
  private static long openFiles(Path root) throws IOException {
    String prefix = root.toRealPath().toString();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
            try {
              return Files.readSymbolicLink(fd).toString().startsWith(prefix);
            } catch (IOException | UnsupportedOperationException e) {
              return false;
            }
          })
          .count();
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long size(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
