package dev.nerve.memory.longterm;

import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.testing.TestServers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A replica's index is derived state: a crash after the PostgreSQL commit but before the index
 * commit loses nothing, and a brand-new replica builds its index from the change feed.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=memory",
      // The first call of the JVM may wait for the embedding model to load on a busy machine.
      "nerve.grpc.default-deadline=60s"
    })
class IndexCatchUpIT {

  @Autowired ChannelFactory channels;
  @Autowired MemoryRepository repository;

  private static SearchFilter everything(Identity who) {
    return new SearchFilter(
        who.tenantId(), who.userId(), "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, Instant.now());
  }

  @Test
  void changesCommittedButNotIndexedBeforeACrashAreRecoveredFromTheChangeFeed() {
    LongTermFixture lt = new LongTermFixture(channels);
    Identity alice = user(freshTenant(), "alice");
    lt.store(alice, "Before the crash: the backup runs nightly at 02:00");
    Path directory = TestServers.tempDirectory("replica-index");

    // A replica that is fully caught up and has committed its index.
    SearchIndex index = new SearchIndex(directory);
    new IndexSync(index, repository).catchUp();
    index.commit();
    long committed = index.committedSeq();

    // A write commits to PostgreSQL; the replica applies it but dies before committing its index.
    String afterCrash = lt.store(alice, "After the crash: the restore drill is on Monday").getMemory().getId();
    new IndexSync(index, repository).catchUp();
    assertThat(index.keyword(everything(alice), "restore drill", 10)).extracting(SearchIndex.Hit::id).containsExactly(afterCrash);
    index.abandon();

    SearchIndex restarted = new SearchIndex(directory);
    try {
      assertThat(restarted.committedSeq()).isEqualTo(committed);
      assertThat(restarted.keyword(everything(alice), "restore drill", 10)).isEmpty();

      int applied = new IndexSync(restarted, repository).catchUp();

      assertThat(applied).isPositive();
      assertThat(restarted.keyword(everything(alice), "restore drill", 10)).extracting(SearchIndex.Hit::id).containsExactly(afterCrash);
      assertThat(restarted.keyword(everything(alice), "backup nightly", 10)).hasSize(1);
    } finally {
      restarted.close();
    }
  }

  @Test
  void aNewReplicaBuildsItsIndexFromTheChangeFeed() {
    LongTermFixture lt = new LongTermFixture(channels);
    Identity bob = user(freshTenant(), "bob");
    String kept = lt.store(bob, "Bob keeps his passport in the blue folder").getMemory().getId();
    String deleted = lt.store(bob, "Bob's old passport number was lost in 2019").getMemory().getId();
    dev.nerve.memory.MemoryTests.as(
        bob,
        () -> lt.stub().delete(dev.nerve.api.memory.v1.DeleteMemoryRequest.newBuilder().setId(deleted).build()));

    try (SearchIndex fresh = new SearchIndex(TestServers.tempDirectory("new-replica"))) {
      new IndexSync(fresh, repository).catchUp();

      assertThat(fresh.keyword(everything(bob), "passport", 10)).extracting(SearchIndex.Hit::id).containsExactly(kept);
      assertThat(fresh.appliedSeq()).isPositive();
    }
  }

  @Test
  void aReplicaBehindThePrunedFeedRebuildsFromThePostgresTables() {
    LongTermFixture lt = new LongTermFixture(channels);
    Identity carol = user(freshTenant(), "carol");
    String old = lt.store(carol, "Carol's storage unit is number 4711").getMemory().getId();
    lt.store(carol, "Carol renewed the storage contract");
    assertThat(repository.pruneChanges(Instant.now().plusSeconds(1))).isPositive();
    assertThat(repository.firstSeq()).isEqualTo(repository.lastSeq());

    try (SearchIndex fresh = new SearchIndex(TestServers.tempDirectory("late-replica"))) {
      new IndexSync(fresh, repository).catchUp();

      assertThat(fresh.keyword(everything(carol), "storage unit 4711", 10)).extracting(SearchIndex.Hit::id).contains(old);
      assertThat(fresh.appliedSeq()).isEqualTo(repository.lastSeq());
    }
  }
}
