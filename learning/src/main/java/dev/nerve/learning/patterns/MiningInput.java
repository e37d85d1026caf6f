package dev.nerve.learning.patterns;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.Event;
import dev.nerve.api.learning.v1.IdentifyPatternsRequest;
import dev.nerve.api.learning.v1.Sequence;
import dev.nerve.api.learning.v1.Transaction;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a mining request gives the miners: transactions (the distinct items of each session),
 * sequences (each session's items in time order) and timed occurrences, with the observed window.
 * Sessions are the events' session ids, or, without one, runs of a user's events no more than the
 * session gap apart.
 *
 * @param transactions item sets, one per transaction or session
 * @param sequences item sequences, one per sequence or session; empty for plain transactions
 * @param occurrences timed items; empty without times
 * @param from start of the observed window
 * @param until end of the observed window (exclusive)
 * @param size items over the whole input, for the input limits
 */
record MiningInput(
    List<List<String>> transactions,
    List<List<String>> sequences,
    List<TimeHabits.Occurrence> occurrences,
    Instant from,
    Instant until,
    long size) {

  /** One timed item of one user's session. */
  record Timed(String user, String session, String item, Instant at) {}

  static MiningInput ofTransactions(List<Transaction> transactions) {
    List<List<String>> sets = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < transactions.size(); i++) {
      List<String> items = items("transactions.transactions[" + i + "].items", transactions.get(i).getItemsList());
      sets.add(items);
      size += items.size();
    }
    return new MiningInput(sets, List.of(), List.of(), null, null, size);
  }

  static MiningInput ofSequences(List<Sequence> sequences) {
    List<List<String>> lists = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < sequences.size(); i++) {
      List<String> items = items("sequences.sequences[" + i + "].items", sequences.get(i).getItemsList());
      lists.add(items);
      size += items.size();
    }
    return new MiningInput(lists.stream().map(l -> (List<String>) new ArrayList<>(new java.util.LinkedHashSet<>(l))).toList(), lists, List.of(), null, null, size);
  }

  static MiningInput ofEvents(List<Event> events, Duration sessionGap) {
    List<Timed> timed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      String field = "events.events[" + i + "]";
      String type = Inputs.id(field + ".type", e.getType());
      if (!e.hasOccurredAt()) {
        throw NerveException.invalid(field + ".occurredAt", "required", "must be set");
      }
      timed.add(new Timed("", Inputs.text(field + ".sessionId", e.getSessionId(), Inputs.MAX_ID_CHARS), type, Times.instant(e.getOccurredAt())));
    }
    return sessions(timed, sessionGap, null, null);
  }

  /** Free-form records: a JSON array of objects with "type" and "occurred_at" (RFC 3339). */
  static MiningInput ofRaw(Value raw, Duration sessionGap) {
    if (!raw.hasListValue()) {
      throw NerveException.invalid("raw", "type", "must be an array of event records");
    }
    List<Timed> timed = new ArrayList<>();
    List<Value> records = raw.getListValue().getValuesList();
    for (int i = 0; i < records.size(); i++) {
      String field = "raw[" + i + "]";
      if (!records.get(i).hasStructValue()) {
        throw NerveException.invalid(field, "type", "must be an object");
      }
      Struct record = records.get(i).getStructValue();
      String type = string(record, "type", field + ".type", true);
      String at = string(record, "occurred_at", field + ".occurred_at", true);
      String session = string(record, "session_id", field + ".session_id", false);
      try {
        timed.add(new Timed("", session, type, Instant.parse(at)));
      } catch (DateTimeParseException e) {
        throw NerveException.invalid(field + ".occurred_at", "format", "must be an RFC 3339 time such as 2026-03-02T08:05:00Z");
      }
    }
    return sessions(timed, sessionGap, null, null);
  }

  /** Recorded activity: the operation when the event names one, its type otherwise. */
  static MiningInput ofActivity(List<ActivityEvent> events, Duration sessionGap, Instant from, Instant until) {
    List<Timed> timed = new ArrayList<>();
    for (ActivityEvent e : events) {
      String item = e.getOperation().isEmpty() ? e.getType() : e.getOperation();
      timed.add(new Timed(e.getUserId(), e.getSessionId(), item, Times.instant(e.getOccurredAt())));
    }
    return sessions(timed, sessionGap, from, until);
  }

  private static MiningInput sessions(List<Timed> timed, Duration gap, Instant from, Instant until) {
    List<Timed> ordered = new ArrayList<>(timed);
    ordered.sort(Comparator.comparing(Timed::user).thenComparing(Timed::at).thenComparing(Timed::item));
    Map<String, List<Timed>> sessions = new LinkedHashMap<>();
    Map<String, Instant> lastSeen = new LinkedHashMap<>();
    Map<String, Integer> counter = new LinkedHashMap<>();
    for (Timed t : ordered) {
      String key;
      if (!t.session().isEmpty()) {
        key = t.user() + "\u0000s\u0000" + t.session();
      } else {
        Instant last = lastSeen.get(t.user());
        if (last == null || Duration.between(last, t.at()).compareTo(gap) > 0) {
          counter.merge(t.user(), 1, Integer::sum);
        }
        lastSeen.put(t.user(), t.at());
        key = t.user() + "\u0000g\u0000" + counter.get(t.user());
      }
      sessions.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
    }
    List<List<String>> sequences = new ArrayList<>();
    List<List<String>> transactions = new ArrayList<>();
    for (List<Timed> session : sessions.values()) {
      session.sort(Comparator.comparing(Timed::at).thenComparing(Timed::item));
      List<String> items = session.stream().map(Timed::item).toList();
      sequences.add(items);
      transactions.add(new ArrayList<>(new java.util.LinkedHashSet<>(items)));
    }
    List<TimeHabits.Occurrence> occurrences = timed.stream().map(t -> new TimeHabits.Occurrence(t.item(), t.at())).toList();
    Instant first = timed.stream().map(Timed::at).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
    Instant last = timed.stream().map(Timed::at).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
    return new MiningInput(
        transactions, sequences, occurrences, from == null ? first : from, until == null ? last.plusNanos(1000) : until, timed.size());
  }

  private static List<String> items(String field, List<String> items) {
    for (int i = 0; i < items.size(); i++) {
      Inputs.id(field + "[" + i + "]", items.get(i));
    }
    return items;
  }

  private static String string(Struct record, String key, String field, boolean required) {
    Value value = record.getFieldsMap().get(key);
    if (value == null || value.hasNullValue()) {
      if (required) {
        throw NerveException.invalid(field, "required", "must be set");
      }
      return "";
    }
    if (!value.hasStringValue()) {
      throw NerveException.invalid(field, "type", "must be a string");
    }
    return required ? Inputs.id(field, value.getStringValue()) : Inputs.text(field, value.getStringValue(), Inputs.MAX_ID_CHARS);
  }

  /** The number of items a request carries before any database read, for the limits. */
  static long declaredSize(IdentifyPatternsRequest request) {
    return switch (request.getDataCase()) {
      case TRANSACTIONS -> request.getTransactions().getTransactionsList().stream().mapToLong(Transaction::getItemsCount).sum();
      case SEQUENCES -> request.getSequences().getSequencesList().stream().mapToLong(Sequence::getItemsCount).sum();
      case EVENTS -> request.getEvents().getEventsCount();
      case RAW -> request.getRaw().hasListValue() ? request.getRaw().getListValue().getValuesCount() : 0;
      case ACTIVITY, DATA_NOT_SET -> 0;
    };
  }
}
