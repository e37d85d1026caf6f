package dev.nerve.learning.preferences;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.Preference;
import dev.nerve.api.learning.v1.PreferenceSignal;
import dev.nerve.api.learning.v1.PreferenceSignalType;
import dev.nerve.api.learning.v1.PreferenceUpdateMode;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online preference learning: each signal updates the Beta counts of the values it is about
 * ({@link Evidence}), in one transaction per call, with the rows of each touched preference
 * locked so concurrent calls add up. Explicit overrides and pins are kept apart from the
 * evidence, so learning never displaces them.
 */
final class PreferenceLearning {

  /** A validated signal: key, value, weight for (+) or against (-), and when. */
  record Signal(String key, Value value, double weight, boolean positive, Instant at) {}

  /** What a weight of 1 becomes per signal type. */
  static final double SET_FACTOR = 5;
  static final double USED_FACTOR = 0.5;
  static final double UNCHOSEN_FACTOR = 0.5;

  private final PreferenceStore store;
  private final TransactionTemplate tx;

  PreferenceLearning(PreferenceStore store, TransactionTemplate tx) {
    this.store = store;
    this.tx = tx;
  }

  /** The signals one PreferenceSignal stands for. */
  static List<Signal> expand(PreferenceSignal s, String key, Instant at) {
    double weight = s.getWeight() == 0 ? 1 : s.getWeight();
    List<Signal> out = new ArrayList<>();
    PreferenceSignalType type = s.getType() == PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_UNSPECIFIED ? PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE : s.getType();
    switch (type) {
      case PREFERENCE_SIGNAL_TYPE_SET -> out.add(new Signal(key, s.getValue(), weight * SET_FACTOR, true, at));
      case PREFERENCE_SIGNAL_TYPE_DISLIKE -> out.add(new Signal(key, s.getValue(), weight, false, at));
      case PREFERENCE_SIGNAL_TYPE_USED -> out.add(new Signal(key, s.getValue(), weight * USED_FACTOR, true, at));
      case PREFERENCE_SIGNAL_TYPE_CHOSE -> {
        out.add(new Signal(key, s.getValue(), weight, true, at));
        String chosen = PreferenceStore.json(s.getValue());
        List<Value> others = s.getOfferedList().stream().filter(v -> !PreferenceStore.json(v).equals(chosen)).distinct().toList();
        for (Value other : others) {
          out.add(new Signal(key, other, weight * UNCHOSEN_FACTOR / others.size(), false, at));
        }
      }
      default -> out.add(new Signal(key, s.getValue(), weight, true, at));
    }
    return out;
  }

  /** USED signals for the successful operations among recorded activity events. */
  static List<Signal> fromActivity(List<ActivityEvent> events) {
    List<Signal> out = new ArrayList<>();
    for (ActivityEvent e : events) {
      if (!e.getOperation().isEmpty() && (e.getOutcome().isEmpty() || e.getOutcome().equals("OK"))) {
        out.add(
            new Signal(
                "feature.operation",
                Value.newBuilder().setStringValue(e.getOperation()).build(),
                USED_FACTOR,
                true,
                Times.instant(e.getOccurredAt())));
      }
    }
    return out;
  }

  /** Applies the signals; returns the touched preferences as stored now. */
  List<Preference> learn(String tenantId, String userId, List<Signal> signals) {
    return tx.execute(
        status -> {
          Map<String, List<Signal>> byKey = new LinkedHashMap<>();
          for (Signal s : signals) {
            byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
          }
          List<Preference> changed = new ArrayList<>();
          Instant now = Times.now();
          for (Map.Entry<String, List<Signal>> entry : byKey.entrySet()) {
            UUID id = store.idOf(tenantId, userId, entry.getKey());
            Map<String, PreferenceStore.ValueRow> rows = store.lock(tenantId, id);
            for (Signal s : entry.getValue()) {
              String json = PreferenceStore.json(s.value());
              PreferenceStore.ValueRow row =
                  rows.computeIfAbsent(json, j -> new PreferenceStore.ValueRow(j, Evidence.none(s.at()), 0, false, false, s.at()));
              row.evidence = row.evidence.add(s.weight(), s.positive(), s.at(), store.halfLife());
              row.count++;
              if (s.at().isAfter(row.updatedAt)) {
                row.updatedAt = s.at();
              }
            }
            store.save(tenantId, id, rows.values());
            store.read(tenantId, id, entry.getKey(), now).ifPresent(changed::add);
          }
          return changed;
        });
  }

  /** Overrides, pins, unpins or resets one preference; returns it as stored. */
  Preference update(String tenantId, String userId, UUID id, String key, PreferenceUpdateMode mode, Value value) {
    return tx.execute(
        status -> {
          Instant now = Times.now();
          Map<String, PreferenceStore.ValueRow> rows = store.lock(tenantId, id);
          String json = value == null ? null : PreferenceStore.json(value);
          switch (mode) {
            case PREFERENCE_UPDATE_MODE_RESET -> rows.values().forEach(r -> {
              r.pinned = false;
              r.explicit = false;
              r.updatedAt = now;
            });
            case PREFERENCE_UPDATE_MODE_UNPIN -> {
              PreferenceStore.ValueRow row = rows.get(json);
              if (row == null) {
                throw NerveException.invalid("value", "known", "is not a value of this preference");
              }
              row.pinned = false;
              row.updatedAt = now;
            }
            case PREFERENCE_UPDATE_MODE_PIN -> {
              PreferenceStore.ValueRow row = rows.computeIfAbsent(json, j -> new PreferenceStore.ValueRow(j, Evidence.none(now), 0, false, false, now));
              rows.values().forEach(r -> r.pinned = false);
              row.pinned = true;
              row.updatedAt = now;
            }
            default -> {
              rows.values().forEach(r -> r.explicit = false);
              PreferenceStore.ValueRow row = rows.computeIfAbsent(json, j -> new PreferenceStore.ValueRow(j, Evidence.none(now), 0, false, false, now));
              row.explicit = true;
              row.updatedAt = now;
            }
          }
          store.save(tenantId, id, rows.values());
          return store.read(tenantId, id, key, now).orElseThrow(() -> NerveException.notFound("preference", id.toString()));
        });
  }
}
