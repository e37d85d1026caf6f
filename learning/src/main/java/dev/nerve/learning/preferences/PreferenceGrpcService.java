package dev.nerve.learning.preferences;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.GetPreferencesRequest;
import dev.nerve.api.learning.v1.LearnPreferencesRequest;
import dev.nerve.api.learning.v1.LearnPreferencesResponse;
import dev.nerve.api.learning.v1.Preference;
import dev.nerve.api.learning.v1.PreferenceServiceGrpc;
import dev.nerve.api.learning.v1.PreferenceSignal;
import dev.nerve.api.learning.v1.PreferenceSignalType;
import dev.nerve.api.learning.v1.PreferenceUpdateMode;
import dev.nerve.api.learning.v1.UpdatePreferenceRequest;
import dev.nerve.api.learning.v1.UserPreferences;
import dev.nerve.learning.activity.ActivityRepository;
import dev.nerve.learning.support.Callers;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** gRPC adapter for {@code learning.preferences}: validates, scopes to the caller, delegates. */
final class PreferenceGrpcService extends PreferenceServiceGrpc.PreferenceServiceImplBase {

  /** Largest preference value, as compact JSON. */
  static final int MAX_VALUE_BYTES = 4096;

  /** Most activity events one Learn reads. */
  static final int MAX_ACTIVITY = 10_000;

  private final PreferenceLearning learning;
  private final PreferenceStore store;
  private final ActivityRepository activity;
  private final int maxSignals;

  PreferenceGrpcService(PreferenceLearning learning, PreferenceStore store, ActivityRepository activity, int maxSignals) {
    this.learning = learning;
    this.store = store;
    this.activity = activity;
    this.maxSignals = maxSignals;
  }

  @Override
  public void learn(LearnPreferencesRequest request, StreamObserver<LearnPreferencesResponse> response) {
    Identity caller = Callers.current();
    if (request.getSignalsCount() > maxSignals) {
      throw NerveException.invalid("signals", "max", "must hold at most " + maxSignals + " signals");
    }
    Instant now = Times.now();
    List<PreferenceLearning.Signal> signals = new ArrayList<>();
    int used = request.getSignalsCount();
    for (int i = 0; i < request.getSignalsCount(); i++) {
      PreferenceSignal s = request.getSignals(i);
      String field = "signals[" + i + "]";
      String key = Inputs.id(field + ".key", s.getKey());
      value(field + ".value", s.getValue());
      Inputs.range(field + ".weight", s.getWeight(), 0, 1);
      Inputs.text(field + ".kind", s.getKind(), 200);
      if (s.getType() == PreferenceSignalType.UNRECOGNIZED) {
        throw NerveException.invalid(field + ".type", "enum", "must be a signal type");
      }
      if (s.getOfferedCount() > 100) {
        throw NerveException.invalid(field + ".offered", "max", "must hold at most 100 options");
      }
      for (int j = 0; j < s.getOfferedCount(); j++) {
        value(field + ".offered[" + j + "]", s.getOffered(j));
      }
      Instant at = s.hasObservedAt() ? Times.instant(s.getObservedAt()) : now;
      if (at.isAfter(now.plus(Duration.ofMinutes(5)))) {
        throw NerveException.invalid(field + ".observedAt", "range", "must not be in the future");
      }
      signals.addAll(PreferenceLearning.expand(s, key, at));
    }
    if (request.hasData()) {
      Value data = request.getData();
      if (!data.hasStructValue()) {
        throw NerveException.invalid("data", "type", "must be an object of preference keys");
      }
      if (data.getStructValue().getFieldsCount() > maxSignals) {
        throw NerveException.invalid("data", "max", "must hold at most " + maxSignals + " keys");
      }
      for (Map.Entry<String, Value> entry : data.getStructValue().getFieldsMap().entrySet()) {
        String key = Inputs.id("data." + entry.getKey(), entry.getKey());
        value("data." + key, entry.getValue());
        signals.add(new PreferenceLearning.Signal(key, entry.getValue(), 1, true, now));
        used++;
      }
    }
    if (request.hasActivity()) {
      Instant until = request.getActivity().hasUntil() ? Times.instant(request.getActivity().getUntil()) : now;
      Instant since = request.getActivity().hasSince() ? Times.instant(request.getActivity().getSince()) : until.minus(Duration.ofDays(30));
      List<PreferenceLearning.Signal> fromActivity =
          PreferenceLearning.fromActivity(activity.window(caller.tenantId(), caller.userId(), since, until, List.of(), MAX_ACTIVITY));
      signals.addAll(fromActivity);
      used += fromActivity.size();
    }
    // Oldest first, so each update decays forward; the result is the same in any order.
    signals.sort(Comparator.comparing(PreferenceLearning.Signal::at));
    List<Preference> changed = signals.isEmpty() ? List.of() : learning.learn(caller.tenantId(), caller.userId(), signals);
    respond(response, LearnPreferencesResponse.newBuilder().addAllChanged(changed).setSignalsUsed(used).build());
  }

  @Override
  public void update(UpdatePreferenceRequest request, StreamObserver<Preference> response) {
    Identity caller = Callers.current();
    PreferenceUpdateMode mode =
        request.getMode() == PreferenceUpdateMode.PREFERENCE_UPDATE_MODE_UNSPECIFIED ? PreferenceUpdateMode.PREFERENCE_UPDATE_MODE_OVERRIDE : request.getMode();
    if (mode == PreferenceUpdateMode.UNRECOGNIZED) {
      throw NerveException.invalid("mode", "enum", "must be an update mode");
    }
    Value value = null;
    if (mode != PreferenceUpdateMode.PREFERENCE_UPDATE_MODE_RESET) {
      value = value("value", request.getValue());
    }
    UUID id;
    String key;
    if (!request.getPreferenceId().isEmpty()) {
      UUID parsed;
      try {
        parsed = UUID.fromString(request.getPreferenceId());
      } catch (IllegalArgumentException e) {
        throw NerveException.notFound("preference", request.getPreferenceId());
      }
      id = parsed;
      key = store.keyOf(caller.tenantId(), caller.userId(), id).orElseThrow(() -> NerveException.notFound("preference", request.getPreferenceId()));
    } else {
      key = Inputs.id("key", request.getKey());
      id = store.idOf(caller.tenantId(), caller.userId(), key);
    }
    respond(response, learning.update(caller.tenantId(), caller.userId(), id, key, mode, value));
  }

  @Override
  public void get(GetPreferencesRequest request, StreamObserver<UserPreferences> response) {
    Identity caller = Callers.current();
    String user = Callers.user(caller, "userId", request.getUserId(), "reading the preferences");
    double minConfidence = Inputs.range("minConfidence", request.getMinConfidence(), 0, 1);
    for (int i = 0; i < request.getKeyPrefixesCount(); i++) {
      Inputs.text("keyPrefixes[" + i + "]", request.getKeyPrefixes(i), Inputs.MAX_ID_CHARS);
    }
    List<Preference> preferences =
        store.read(caller.tenantId(), user, request.getKeyPrefixesList(), Times.now()).stream()
            .filter(p -> p.getConfidence() + 1e-12 >= minConfidence)
            .toList();
    UserPreferences.Builder result = UserPreferences.newBuilder().setUserId(user).addAllPreferences(preferences);
    preferences.stream()
        .map(p -> Times.instant(p.getUpdatedAt()))
        .max(Comparator.naturalOrder())
        .ifPresent(at -> result.setUpdatedAt(Times.proto(at)));
    respond(response, result.build());
  }

  private static Value value(String field, Value value) {
    if (value.getKindCase() == Value.KindCase.KIND_NOT_SET || value.hasNullValue()) {
      throw NerveException.invalid(field, "required", "must be set");
    }
    if (value.hasNumberValue() && !Double.isFinite(value.getNumberValue())) {
      throw NerveException.invalid(field, "finite", "must be a finite number");
    }
    if (Json.canonical(value).getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw NerveException.invalid(field, "maxBytes", "must be at most " + MAX_VALUE_BYTES + " bytes as JSON");
    }
    return value;
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
