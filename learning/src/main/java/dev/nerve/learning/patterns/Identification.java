package dev.nerve.learning.patterns;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ActivityWindow;
import dev.nerve.api.learning.v1.IdentifyPatternsRequest;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.learning.LearningProperties;
import dev.nerve.learning.activity.ActivityRepository;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One pattern identification, synchronous or in a job: builds the mining input from the request
 * (reading the activity window when it names one), mines, and stores the patterns when asked.
 */
final class Identification {

  /** Where the events of an activity window come from, resolved against the caller. */
  record Window(String tenantId, String userId, Instant since, Instant until, List<String> types) {}

  private final ActivityRepository activity;
  private final PatternRepository patterns;
  private final LearningProperties.Patterns limits;

  Identification(ActivityRepository activity, PatternRepository patterns, LearningProperties.Patterns limits) {
    this.activity = activity;
    this.patterns = patterns;
    this.limits = limits;
  }

  LearningProperties.Patterns limits() {
    return limits;
  }

  /** The window of an ACTIVITY request; {@code userId} null for the whole tenant. */
  static Window window(String tenantId, String userId, ActivityWindow w) {
    Instant until = w.hasUntil() ? Times.instant(w.getUntil()) : Times.now();
    Instant since = w.hasSince() ? Times.instant(w.getSince()) : until.minus(Duration.ofDays(30));
    if (!since.isBefore(until)) {
      throw NerveException.invalid("activity.since", "range", "must be before until");
    }
    return new Window(tenantId, userId, since, until, w.getTypesList());
  }

  /** Events of the window, at most {@code limit}. */
  List<ActivityEvent> events(Window window, int limit) {
    return activity.window(window.tenantId(), window.userId(), window.since(), window.until(), window.types(), limit);
  }

  /** Mines {@code request} for {@code userId}; {@code events} are the window's when it names one. */
  List<Pattern> run(String tenantId, String userId, IdentifyPatternsRequest request, List<ActivityEvent> events, Window window) {
    MiningSettings settings = MiningSettings.of(request.getParams(), limits.maxPatterns());
    MiningInput input =
        switch (request.getDataCase()) {
          case TRANSACTIONS -> MiningInput.ofTransactions(request.getTransactions().getTransactionsList());
          case SEQUENCES -> MiningInput.ofSequences(request.getSequences().getSequencesList());
          case EVENTS -> MiningInput.ofEvents(request.getEvents().getEventsList(), settings.sessionGap());
          case RAW -> MiningInput.ofRaw(request.getRaw(), settings.sessionGap());
          case ACTIVITY -> MiningInput.ofActivity(events, settings.sessionGap(), window.since(), window.until());
          case DATA_NOT_SET -> throw NerveException.invalid("data", "required", "must give transactions, sequences, events, raw or activity");
        };
    List<Pattern> found = PatternMiner.mine(input, settings);
    if (!request.getStore()) {
      return found;
    }
    List<Pattern> stored = new ArrayList<>();
    for (Pattern p : found) {
      stored.add(patterns.store(tenantId, userId, p));
    }
    return stored;
  }
}
