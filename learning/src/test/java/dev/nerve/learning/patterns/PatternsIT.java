package dev.nerve.learning.patterns;

import static dev.nerve.learning.LearningTests.activity;
import static dev.nerve.learning.LearningTests.admin;
import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.fails;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.patterns;
import static dev.nerve.learning.LearningTests.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ActivityWindow;
import dev.nerve.api.learning.v1.DeletePatternRequest;
import dev.nerve.api.learning.v1.Event;
import dev.nerve.api.learning.v1.EventBatch;
import dev.nerve.api.learning.v1.GetMiningJobRequest;
import dev.nerve.api.learning.v1.GetPatternRequest;
import dev.nerve.api.learning.v1.IdentifyPatternsRequest;
import dev.nerve.api.learning.v1.IdentifyPatternsResponse;
import dev.nerve.api.learning.v1.MiningJob;
import dev.nerve.api.learning.v1.MiningJobStatus;
import dev.nerve.api.learning.v1.MiningParameters;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternElement;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.api.learning.v1.RetrievePatternsRequest;
import dev.nerve.api.learning.v1.RetrievePatternsResponse;
import dev.nerve.api.learning.v1.Sequence;
import dev.nerve.api.learning.v1.SequenceBatch;
import dev.nerve.api.learning.v1.StorePatternRequest;
import dev.nerve.api.learning.v1.SuggestWorkflowRequest;
import dev.nerve.api.learning.v1.SuggestWorkflowResponse;
import dev.nerve.api.learning.v1.Transaction;
import dev.nerve.api.learning.v1.TransactionBatch;
import dev.nerve.learning.LearningTestApplication;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Pattern identification over every input, storage, retrieval, background jobs and workflow drafts. */
@SpringBootTest(classes = LearningTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
  "nerve.targets=learning", "nerve.grpc.default-deadline=60s", "nerve.learning.jobs.poll-interval=200ms",
  "nerve.learning.jobs.heartbeat-interval=1s", "nerve.learning.patterns.sync-max-items=500", "nerve.learning.patterns.max-items=5000",
  "nerve.learning.models.max-predict-batch=100", "nerve.learning.models.max-training-rows=5000"
})
class PatternsIT {

  @Autowired ChannelFactory channels;

  static TransactionBatch han() {
    TransactionBatch.Builder batch = TransactionBatch.newBuilder();
    for (List<String> t : MiningGoldenTest.HAN) {
      batch.addTransactions(Transaction.newBuilder().addAllItems(t));
    }
    return batch.build();
  }

  @Test
  void identifiesItemsetsAndRulesOverTransactions() {
    Identity alice = user(freshTenant(), "alice");
    IdentifyPatternsResponse found =
        as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder()
            .setTransactions(han())
            .setParams(MiningParameters.newBuilder().setMinSupportCount(3).setMinConfidence(1.0).setMaxPatterns(1000))
            .build()));
    List<Pattern> itemsets = found.getPatternsList().stream().filter(p -> p.getKind() == PatternKind.PATTERN_KIND_CO_OCCURRENCE).toList();
    // The paper's 18 itemsets minus the 6 single items.
    assertThat(itemsets).hasSize(12);
    Pattern fcam = itemsets.stream().filter(p -> p.getElementsCount() == 4).findFirst().orElseThrow();
    assertThat(fcam.getElementsList()).extracting(PatternElement::getEventType).containsExactly("a", "c", "f", "m");
    assertThat(fcam.getSupport()).isEqualTo(0.6);
    assertThat(fcam.getOccurrences()).isEqualTo(3);
    Pattern pToC = found.getPatternsList().stream()
        .filter(p -> p.getKind() == PatternKind.PATTERN_KIND_ASSOCIATION_RULE && p.getAntecedentSize() == 1
            && p.getElements(0).getEventType().equals("p") && p.getElementsCount() == 2)
        .findFirst().orElseThrow();
    assertThat(pToC.getElements(1).getEventType()).isEqualTo("c");
    assertThat(pToC.getConfidence()).isEqualTo(1.0);
    assertThat(pToC.getLift()).isCloseTo(1.25, within(1e-12));
    assertThat(pToC.getId()).isEmpty();
    // Same input, same answer, same order.
    assertThat(as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(han())
        .setParams(MiningParameters.newBuilder().setMinSupportCount(3).setMinConfidence(1.0).setMaxPatterns(1000)).build())))
        .isEqualTo(found);
    // A relative minimum support of 0.6 over 5 transactions is the same 3.
    assertThat(as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(han())
        .setParams(MiningParameters.newBuilder().setMinSupport(0.6).setMinConfidence(1.0).setMaxPatterns(1000)).build())))
        .isEqualTo(found);
  }

  @Test
  void identifiesSequencesWithAGapLimit() {
    Identity alice = user(freshTenant(), "alice");
    SequenceBatch.Builder batch = SequenceBatch.newBuilder();
    MiningGoldenTest.SEQUENCES.forEach(s -> batch.addSequences(Sequence.newBuilder().addAllItems(s)));
    IdentifyPatternsResponse found =
        as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setSequences(batch)
            .setParams(MiningParameters.newBuilder().setMinSupportCount(2).setMaxGap(1).setMinConfidence(0.01)
                .addKinds(PatternKind.PATTERN_KIND_SEQUENCE))
            .build()));
    assertThat(found.getPatternsList()).extracting(p -> p.getElementsList().stream().map(PatternElement::getEventType).toList())
        .containsExactly(List.of("b", "c"), List.of("a", "b"), List.of("a", "b", "c"));
    Pattern bc = found.getPatterns(0);
    assertThat(bc.getSupport()).isEqualTo(0.75);
    assertThat(bc.getConfidence()).isEqualTo(1.0); // b is in 3 sequences, followed by c in all 3
  }

  @Test
  void identifiesTimeHabitsAndSessionsFromEvents() {
    Identity alice = user(freshTenant(), "alice");
    EventBatch.Builder events = EventBatch.newBuilder();
    ZonedDateTime monday = ZonedDateTime.of(2026, 3, 2, 0, 0, 0, 0, ZoneOffset.UTC);
    for (int day = 0; day < 14; day++) {
      ZonedDateTime morning = monday.plusDays(day).withHour(8).withMinute(day % 3);
      events.addEvents(ev("news.read", morning));
      events.addEvents(ev("calendar.opened", morning.plusMinutes(2)));
      events.addEvents(ev("mail.sent", morning.plusMinutes(5)));
    }
    IdentifyPatternsResponse found =
        as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setEvents(events)
            .setParams(MiningParameters.newBuilder().setMinSupport(0.5).setMaxPatterns(100)).build()));
    Pattern habit = found.getPatternsList().stream()
        .filter(p -> p.getKind() == PatternKind.PATTERN_KIND_TIME_OF_DAY && p.getElements(0).getEventType().equals("news.read"))
        .findFirst().orElseThrow();
    assertThat(habit.getScore()).isEqualTo(1.0);
    assertThat(habit.getMetadata().getFieldsOrThrow("hour").getNumberValue()).isEqualTo(8);
    assertThat(habit.getDescription()).startsWith("news.read around 08:");
    // Each morning is one session: news, then calendar, then mail, every day.
    Pattern sequence = found.getPatternsList().stream()
        .filter(p -> p.getKind() == PatternKind.PATTERN_KIND_SEQUENCE && p.getElementsCount() == 3)
        .findFirst().orElseThrow();
    assertThat(sequence.getElementsList()).extracting(PatternElement::getEventType).containsExactly("news.read", "calendar.opened", "mail.sent");
    assertThat(sequence.getSupport()).isEqualTo(1.0);
  }

  @Test
  void identifiesFromRawRecordsAndRefusesBadOnes() {
    Identity alice = user(freshTenant(), "alice");
    ListValue.Builder records = ListValue.newBuilder();
    for (int i = 0; i < 4; i++) {
      records.addValues(record("open", "2026-03-0" + (i + 1) + "T09:00:00Z"));
      records.addValues(record("save", "2026-03-0" + (i + 1) + "T09:01:00Z"));
    }
    IdentifyPatternsResponse found = as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder()
        .setRaw(Value.newBuilder().setListValue(records)).setParams(MiningParameters.newBuilder().addKinds(PatternKind.PATTERN_KIND_SEQUENCE)).build()));
    assertThat(found.getPatternsList()).singleElement().satisfies(p -> assertThat(p.getDescription()).isEqualTo("open, then save (in 100% of sessions)"));
    ListValue bad = ListValue.newBuilder().addValues(record("open", "yesterday")).build();
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setRaw(Value.newBuilder().setListValue(bad)).build())),
        ErrorCode.INVALID_ARGUMENT, "raw[0].occurred_at");
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(han())
        .setParams(MiningParameters.newBuilder().setMinSupport(1.5)).build())), ErrorCode.INVALID_ARGUMENT, "params.minSupport");
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(han())
        .setParams(MiningParameters.newBuilder().setTimeZone("Mars/Olympus")).build())), ErrorCode.INVALID_ARGUMENT, "params.timeZone");
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.getDefaultInstance())), ErrorCode.INVALID_ARGUMENT, "data");
  }

  @Test
  void minesRecordedActivityOfAUserOrTheTenant() {
    String tenant = freshTenant();
    Identity alice = user(tenant, "alice");
    Instant start = Instant.parse("2026-03-02T10:00:00Z");
    RecordActivitiesRequest.Builder batch = RecordActivitiesRequest.newBuilder();
    for (int session = 0; session < 5; session++) {
      Instant at = start.plus(Duration.ofHours(3L * session));
      batch.addEvents(activityEvent("Mutation.memoryLongTermStore", at));
      batch.addEvents(activityEvent("Mutation.automationWorkflowsExecute", at.plusSeconds(30)));
    }
    as(alice, () -> activity(channels).recordActivities(batch.build()));
    ActivityWindow window = ActivityWindow.newBuilder().setSince(Times.proto(start)).setUntil(Times.proto(start.plus(Duration.ofDays(1)))).build();
    IdentifyPatternsResponse found = as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setActivity(window)
        .setParams(MiningParameters.newBuilder().addKinds(PatternKind.PATTERN_KIND_SEQUENCE)).setStore(true).build()));
    Pattern sequence = found.getPatternsList().get(0);
    assertThat(sequence.getElementsList()).extracting(PatternElement::getEventType)
        .containsExactly("Mutation.memoryLongTermStore", "Mutation.automationWorkflowsExecute");
    assertThat(sequence.getSupport()).isEqualTo(1.0);
    assertThat(sequence.getId()).isNotEmpty();
    // Storing the same finding again replaces it instead of adding one.
    IdentifyPatternsResponse again = as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setActivity(window)
        .setParams(MiningParameters.newBuilder().addKinds(PatternKind.PATTERN_KIND_SEQUENCE)).setStore(true).build()));
    assertThat(again.getPatterns(0).getId()).isEqualTo(sequence.getId());
    // The workflow draft runs the two operations in order.
    SuggestWorkflowResponse draft = as(alice, () -> patterns(channels).suggestWorkflow(
        SuggestWorkflowRequest.newBuilder().setPatternId(sequence.getId()).setName("Store then run").build()));
    assertThat(draft.getDraft().getName()).isEqualTo("Store then run");
    assertThat(draft.getDraft().getStepsList()).extracting(s -> s.getId() + ":" + s.getActionId() + ":" + s.getDependsOnList())
        .containsExactly("step_1:Mutation.memoryLongTermStore:[]", "step_2:Mutation.automationWorkflowsExecute:[step_1]");
    assertThat(draft.getDraft().getTrigger().hasManual()).isTrue();
    // Whole-tenant mining needs the admin role; another user's window too.
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder()
        .setActivity(window.toBuilder().setWholeTenant(true)).build())), ErrorCode.PERMISSION_DENIED, null);
    fails(() -> as(user(tenant, "bob"), () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder()
        .setActivity(window.toBuilder().setUserId("alice")).build())), ErrorCode.PERMISSION_DENIED, null);
    assertThat(as(admin(tenant, "root"), () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder()
        .setActivity(window.toBuilder().setWholeTenant(true)).setParams(MiningParameters.newBuilder().addKinds(PatternKind.PATTERN_KIND_SEQUENCE)).build()))
        .getPatternsList()).hasSize(1);
  }

  @Test
  void suggestingAWorkflowNeedsAStrongSequence() {
    Identity alice = user(freshTenant(), "alice");
    Pattern weak = as(alice, () -> patterns(channels).store(StorePatternRequest.newBuilder().setPattern(Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_SEQUENCE).setSupport(0.05).setDescription("rare")
        .addElements(PatternElement.newBuilder().setEventType("a")).addElements(PatternElement.newBuilder().setEventType("b"))).build()));
    fails(() -> as(alice, () -> patterns(channels).suggestWorkflow(SuggestWorkflowRequest.newBuilder().setPatternId(weak.getId()).build())),
        ErrorCode.FAILED_PRECONDITION, null);
    Pattern itemset = as(alice, () -> patterns(channels).store(StorePatternRequest.newBuilder().setPattern(Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_CO_OCCURRENCE).setSupport(0.9).addElements(PatternElement.newBuilder().setEventType("a"))).build()));
    fails(() -> as(alice, () -> patterns(channels).suggestWorkflow(SuggestWorkflowRequest.newBuilder().setPatternId(itemset.getId()).build())),
        ErrorCode.FAILED_PRECONDITION, null);
  }

  @Test
  void storesRetrievesAndDeletesPatternsPerUser() {
    String tenant = freshTenant();
    Identity alice = user(tenant, "alice");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int n = i;
      ids.add(as(alice, () -> patterns(channels).store(StorePatternRequest.newBuilder().setPattern(Pattern.newBuilder()
          .setKind(n % 2 == 0 ? PatternKind.PATTERN_KIND_SEQUENCE : PatternKind.PATTERN_KIND_CO_OCCURRENCE)
          .setDescription(n < 3 ? "Opens the calendar, then mails the team " + n : "Other habit " + n)
          .setScore(n / 20.0).setConfidence(0.5)
          .addElements(PatternElement.newBuilder().setEventType(n < 3 ? "Calendar.Opened" : "x" + n))
          .addElements(PatternElement.newBuilder().setEventType("mail.sent"))
          // A distinct last element per pattern: patterns of one shape would replace each other.
          .addElements(PatternElement.newBuilder().setEventType("step" + n))).build())).getId());
    }
    RetrievePatternsResponse byText = as(alice, () -> patterns(channels).retrieve(RetrievePatternsRequest.newBuilder().setQuery("calendar TEAM").build()));
    assertThat(byText.getPatternsList()).hasSize(3);
    assertThat(byText.getPatternsList()).extracting(Pattern::getScore).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(as(alice, () -> patterns(channels).retrieve(RetrievePatternsRequest.newBuilder().addItems("calendar.opened").addItems("mail.sent").build()))
        .getPatternsList()).hasSize(3);
    assertThat(as(alice, () -> patterns(channels).retrieve(RetrievePatternsRequest.newBuilder()
        .addKinds(PatternKind.PATTERN_KIND_SEQUENCE).setMinScore(0.3).build())).getPatternsList())
        .extracting(Pattern::getScore).containsExactly(0.5, 0.4, 0.3);
    // Paging visits every pattern once, best first.
    Set<String> seen = new HashSet<>();
    String cursor = "";
    do {
      String c = cursor;
      RetrievePatternsResponse page = as(alice, () -> patterns(channels).retrieve(RetrievePatternsRequest.newBuilder()
          .setPage(PageRequest.newBuilder().setPageSize(5).setCursor(c)).build()));
      page.getPatternsList().forEach(p -> assertThat(seen.add(p.getId())).isTrue());
      cursor = page.getPageInfo().getNextCursor();
    } while (!cursor.isEmpty());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    // Another user or tenant sees none of them.
    fails(() -> as(user(tenant, "bob"), () -> patterns(channels).get(GetPatternRequest.newBuilder().setId(ids.get(0)).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(user(freshTenant(), "alice"), () -> patterns(channels).get(GetPatternRequest.newBuilder().setId(ids.get(0)).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(user(freshTenant(), "alice"), () -> patterns(channels).delete(DeletePatternRequest.newBuilder().setId(ids.get(0)).build())), ErrorCode.NOT_FOUND, null);
    as(alice, () -> patterns(channels).delete(DeletePatternRequest.newBuilder().setId(ids.get(0)).build()));
    fails(() -> as(alice, () -> patterns(channels).get(GetPatternRequest.newBuilder().setId(ids.get(0)).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(alice, () -> patterns(channels).store(StorePatternRequest.newBuilder().setPattern(Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_SEQUENCE).setScore(2).addElements(PatternElement.newBuilder().setEventType("a"))).build())),
        ErrorCode.INVALID_ARGUMENT, "pattern.score");
  }

  @Test
  void largeInputsRunAsABackgroundJobAndHugeOnesAreRefused() {
    Identity alice = user(freshTenant(), "alice");
    TransactionBatch.Builder large = TransactionBatch.newBuilder();
    for (int i = 0; i < 300; i++) {
      large.addTransactions(Transaction.newBuilder().addItems("a").addItems(i % 2 == 0 ? "b" : "c"));
    }
    IdentifyPatternsResponse accepted = as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(large)
        .setParams(MiningParameters.newBuilder().setMinSupport(0.4).addKinds(PatternKind.PATTERN_KIND_CO_OCCURRENCE)).build()));
    assertThat(accepted.getPatternsList()).isEmpty();
    assertThat(accepted.getJob().getStatus()).isEqualTo(MiningJobStatus.MINING_JOB_STATUS_QUEUED);
    MiningJob done = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> as(alice, () -> patterns(channels).getMiningJob(GetMiningJobRequest.newBuilder().setId(accepted.getJob().getId()).build())),
            job -> job.getStatus() == MiningJobStatus.MINING_JOB_STATUS_SUCCEEDED);
    assertThat(done.getPatternsList()).extracting(Pattern::getDescription)
        .containsExactly("a, b happen together in 50% of sessions", "a, c happen together in 50% of sessions");
    fails(() -> as(user(freshTenant(), "alice"), () -> patterns(channels).getMiningJob(GetMiningJobRequest.newBuilder().setId(accepted.getJob().getId()).build())),
        ErrorCode.NOT_FOUND, null);
    TransactionBatch.Builder huge = TransactionBatch.newBuilder();
    for (int i = 0; i < 2501; i++) {
      huge.addTransactions(Transaction.newBuilder().addItems("a").addItems("b"));
    }
    fails(() -> as(alice, () -> patterns(channels).identify(IdentifyPatternsRequest.newBuilder().setTransactions(huge).build())),
        ErrorCode.INVALID_ARGUMENT, "data");
  }

  private static Event ev(String type, ZonedDateTime at) {
    return Event.newBuilder().setType(type).setOccurredAt(Times.proto(at.toInstant())).build();
  }

  private static Value record(String type, String at) {
    return Value.newBuilder().setStructValue(Struct.newBuilder()
        .putFields("type", Value.newBuilder().setStringValue(type).build())
        .putFields("occurred_at", Value.newBuilder().setStringValue(at).build())).build();
  }

  private static ActivityEvent activityEvent(String operation, Instant at) {
    return ActivityEvent.newBuilder().setId(UUID.randomUUID().toString()).setType("operation").setOperation(operation).setOutcome("OK")
        .setOccurredAt(Times.proto(at)).build();
  }
}
