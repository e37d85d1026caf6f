package dev.nerve.learning.preferences;

import static dev.nerve.learning.LearningTests.activity;
import static dev.nerve.learning.LearningTests.admin;
import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.fails;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.preferences;
import static dev.nerve.learning.LearningTests.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ActivityWindowRef;
import dev.nerve.api.learning.v1.GetPreferencesRequest;
import dev.nerve.api.learning.v1.LearnPreferencesRequest;
import dev.nerve.api.learning.v1.LearnPreferencesResponse;
import dev.nerve.api.learning.v1.Preference;
import dev.nerve.api.learning.v1.PreferenceSignal;
import dev.nerve.api.learning.v1.PreferenceSignalType;
import dev.nerve.api.learning.v1.PreferenceSource;
import dev.nerve.api.learning.v1.PreferenceUpdateMode;
import dev.nerve.api.learning.v1.PreferenceValue;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.api.learning.v1.UpdatePreferenceRequest;
import dev.nerve.api.learning.v1.UserPreferences;
import dev.nerve.learning.LearningTestApplication;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Preference learning through the service: signals, decay, explicit overrides, pins and who may read. */
@SpringBootTest(classes = LearningTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
  "nerve.targets=learning", "nerve.grpc.default-deadline=60s", "nerve.learning.jobs.poll-interval=200ms",
  "nerve.learning.jobs.heartbeat-interval=1s", "nerve.learning.patterns.sync-max-items=500", "nerve.learning.patterns.max-items=5000",
  "nerve.learning.models.max-predict-batch=100", "nerve.learning.models.max-training-rows=5000"
})
class PreferencesIT {

  @Autowired ChannelFactory channels;

  static Value s(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  static PreferenceSignal signal(String key, String value, PreferenceSignalType type, Instant at) {
    return PreferenceSignal.newBuilder().setKey(key).setValue(s(value)).setType(type).setObservedAt(Times.proto(at)).build();
  }

  private Preference theme(Identity who) {
    return as(who, () -> preferences(channels).get(GetPreferencesRequest.newBuilder().addKeyPrefixes("ui.").build())).getPreferences(0);
  }

  @Test
  void repeatedLikesMakeAStrongPreferenceThatOneClickDoesNotFlip() {
    Identity alice = user(freshTenant(), "alice");
    Instant now = Instant.now();
    LearnPreferencesRequest.Builder likes = LearnPreferencesRequest.newBuilder();
    for (int i = 0; i < 8; i++) {
      likes.addSignals(signal("ui.theme", "dark", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE, now.minusSeconds(60L * i)));
    }
    LearnPreferencesResponse learned = as(alice, () -> preferences(channels).learn(likes.build()));
    assertThat(learned.getSignalsUsed()).isEqualTo(8);
    assertThat(learned.getChanged(0).getValue()).isEqualTo(s("dark"));
    double strong = learned.getChanged(0).getScore();
    as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(signal("ui.theme", "light", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_CHOSE, now)
            .toBuilder().addOffered(s("light")).addOffered(s("dark")).build()).build()));
    Preference after = theme(alice);
    assertThat(after.getValue()).isEqualTo(s("dark"));
    assertThat(after.getSource()).isEqualTo(PreferenceSource.PREFERENCE_SOURCE_LEARNED);
    assertThat(after.getValuesList()).extracting(v -> v.getValue().getStringValue()).containsExactly("dark", "light");
    // Choosing light was half a weight of evidence against dark.
    PreferenceValue dark = after.getValues(0);
    assertThat(dark.getNegativeEvidence()).isCloseTo(0.5, within(1e-6));
    assertThat(dark.getScore()).isLessThan(strong).isGreaterThan(after.getValues(1).getScore());
    assertThat(dark.getEvidenceCount()).isEqualTo(9);
    assertThat(dark.getConfidence()).isGreaterThan(after.getValues(1).getConfidence());
  }

  @Test
  void recentSignalsOutweighOldOnes() {
    Identity alice = user(freshTenant(), "alice");
    Instant now = Instant.now();
    LearnPreferencesRequest.Builder request = LearnPreferencesRequest.newBuilder();
    // Three likes of "07:00" half a year ago (six half-lives: each now counts 1/64), two of "07:30" today.
    for (int i = 0; i < 3; i++) {
      request.addSignals(signal("briefing.time", "07:00", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE, now.minus(Duration.ofDays(180))));
    }
    for (int i = 0; i < 2; i++) {
      request.addSignals(signal("briefing.time", "07:30", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE, now.minusSeconds(10)));
    }
    as(alice, () -> preferences(channels).learn(request.build()));
    Preference time = as(alice, () -> preferences(channels).get(GetPreferencesRequest.getDefaultInstance())).getPreferences(0);
    assertThat(time.getValue()).isEqualTo(s("07:30"));
    assertThat(time.getValues(1).getPositiveEvidence()).isCloseTo(3.0 / 64, within(1e-3));
  }

  @Test
  void dislikesAndUsageCount() {
    Identity alice = user(freshTenant(), "alice");
    Instant now = Instant.now();
    as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(signal("editor.font", "mono", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_DISLIKE, now))
        .addSignals(signal("editor.font", "sans", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_USED, now))
        .setData(Value.newBuilder().setStructValue(Struct.newBuilder().putFields("ui.language", s("de")))).build()));
    UserPreferences all = as(alice, () -> preferences(channels).get(GetPreferencesRequest.getDefaultInstance()));
    assertThat(all.getPreferencesList()).extracting(Preference::getKey).containsExactly("editor.font", "ui.language");
    Preference font = all.getPreferences(0);
    assertThat(font.getValue()).isEqualTo(s("sans"));
    assertThat(font.getValues(0).getPositiveEvidence()).isCloseTo(0.5, within(1e-6));
    assertThat(font.getValues(1).getScore()).isCloseTo(1.0 / 3, within(1e-6));
    // min confidence filters out weak preferences.
    assertThat(as(alice, () -> preferences(channels).get(GetPreferencesRequest.newBuilder().setMinConfidence(0.9).build())).getPreferencesList())
        .isEmpty();
  }

  @Test
  void explicitOverridesAndPinsRankFirstAndLearningNeverDisplacesThem() {
    Identity alice = user(freshTenant(), "alice");
    Instant now = Instant.now();
    LearnPreferencesRequest.Builder likes = LearnPreferencesRequest.newBuilder();
    for (int i = 0; i < 5; i++) {
      likes.addSignals(signal("ui.theme", "dark", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE, now));
    }
    as(alice, () -> preferences(channels).learn(likes.build()));
    Preference overridden = as(alice, () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder().setKey("ui.theme").setValue(s("light")).build()));
    assertThat(overridden.getValue()).isEqualTo(s("light"));
    assertThat(overridden.getSource()).isEqualTo(PreferenceSource.PREFERENCE_SOURCE_EXPLICIT);
    assertThat(overridden.getConfidence()).isEqualTo(1.0);
    as(alice, () -> preferences(channels).learn(likes.build()));
    assertThat(theme(alice).getValue()).isEqualTo(s("light"));
    // A pin outranks the explicit value; by id this time.
    Preference pinned = as(alice, () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder()
        .setPreferenceId(overridden.getId()).setValue(s("solarized")).setMode(PreferenceUpdateMode.PREFERENCE_UPDATE_MODE_PIN).build()));
    assertThat(pinned.getValuesList()).extracting(v -> v.getValue().getStringValue()).containsExactly("solarized", "light", "dark");
    assertThat(pinned.getPinned()).isTrue();
    Preference reset = as(alice, () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder()
        .setPreferenceId(overridden.getId()).setMode(PreferenceUpdateMode.PREFERENCE_UPDATE_MODE_RESET).build()));
    assertThat(reset.getValue()).isEqualTo(s("dark"));
    fails(() -> as(alice, () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder()
        .setPreferenceId(UUID.randomUUID().toString()).setValue(s("x")).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(user(freshTenant(), "alice"), () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder()
        .setPreferenceId(overridden.getId()).setValue(s("x")).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(alice, () -> preferences(channels).update(UpdatePreferenceRequest.newBuilder().setKey("ui.theme").build())),
        ErrorCode.INVALID_ARGUMENT, "value");
  }

  @Test
  void onlyTheUserOrAnAdminReadsThem() {
    String tenant = freshTenant();
    Identity alice = user(tenant, "alice");
    as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(signal("ui.theme", "dark", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_SET, Instant.now())).build()));
    fails(() -> as(user(tenant, "bob"), () -> preferences(channels).get(GetPreferencesRequest.newBuilder().setUserId("alice").build())),
        ErrorCode.PERMISSION_DENIED, null);
    UserPreferences read = as(admin(tenant, "root"), () -> preferences(channels).get(GetPreferencesRequest.newBuilder().setUserId("alice").build()));
    assertThat(read.getUserId()).isEqualTo("alice");
    assertThat(read.getPreferences(0).getValues(0).getPositiveEvidence()).isCloseTo(5.0, within(1e-6));
    assertThat(as(admin(freshTenant(), "root"), () -> preferences(channels).get(GetPreferencesRequest.newBuilder().setUserId("alice").build()))
        .getPreferencesList()).isEmpty();
  }

  @Test
  void learnsFeatureUsageFromRecordedActivity() {
    Identity alice = user(freshTenant(), "alice");
    Instant now = Instant.now();
    RecordActivitiesRequest.Builder events = RecordActivitiesRequest.newBuilder();
    for (int i = 0; i < 4; i++) {
      events.addEvents(ActivityEvent.newBuilder().setId(UUID.randomUUID().toString()).setType("operation")
          .setOperation("Mutation.memoryLongTermStore").setOutcome("OK").setOccurredAt(Times.proto(now.minusSeconds(i))));
    }
    events.addEvents(ActivityEvent.newBuilder().setId(UUID.randomUUID().toString()).setType("operation")
        .setOperation("Mutation.learningModelsTrain").setOutcome("FORBIDDEN").setOccurredAt(Times.proto(now)));
    as(alice, () -> activity(channels).recordActivities(events.build()));
    LearnPreferencesResponse learned = as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .setActivity(ActivityWindowRef.newBuilder().setSince(Times.proto(now.minusSeconds(3600)))).build()));
    assertThat(learned.getSignalsUsed()).isEqualTo(4);
    Preference usage = learned.getChanged(0);
    assertThat(usage.getKey()).isEqualTo("feature.operation");
    assertThat(usage.getValuesList()).extracting(v -> v.getValue().getStringValue()).containsExactly("Mutation.memoryLongTermStore");
  }

  @Test
  void badSignalsNameTheirFields() {
    Identity alice = user(freshTenant(), "alice");
    fails(() -> as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(PreferenceSignal.newBuilder().setKey("k").setValue(s("v")).setWeight(2)).build())), ErrorCode.INVALID_ARGUMENT, "signals[0].weight");
    fails(() -> as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(PreferenceSignal.newBuilder().setKey("").setValue(s("v"))).build())), ErrorCode.INVALID_ARGUMENT, "signals[0].key");
    fails(() -> as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(PreferenceSignal.newBuilder().setKey("k").setValue(Value.newBuilder().setNumberValue(Double.NaN))).build())),
        ErrorCode.INVALID_ARGUMENT, "signals[0].value");
    fails(() -> as(alice, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
        .addSignals(signal("k", "v", PreferenceSignalType.PREFERENCE_SIGNAL_TYPE_LIKE, Instant.now().plus(Duration.ofDays(1)))).build())),
        ErrorCode.INVALID_ARGUMENT, "signals[0].observedAt");
  }
}
