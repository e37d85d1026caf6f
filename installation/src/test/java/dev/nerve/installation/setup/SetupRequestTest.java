package dev.nerve.installation.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetupRequestTest {

  private static SetupConfig.Builder valid() {
    return SetupConfig.newBuilder().setTenantName("Acme Corp").setAdminUsername("alice").setAdminPassword("twelve chars!");
  }

  @Test
  void theTenantIdIsTheSlugOfItsName() {
    assertThat(SetupRequest.slug("Acme Corp")).isEqualTo("acme-corp");
    assertThat(SetupRequest.slug("  --Ünïcode & Co. 2026!")).isEqualTo("n-code-co-2026");
    assertThat(SetupRequest.slug("x".repeat(70))).hasSize(63);
    assertThat(SetupRequest.of(valid().build()).tenantId()).isEqualTo("acme-corp");
  }

  @Test
  void aMissingPasswordIsGeneratedAndAGivenOneKept() {
    SetupRequest generated = SetupRequest.of(valid().clearAdminPassword().build());
    assertThat(generated.generated()).isTrue();
    assertThat(generated.password()).hasSize(24).isNotEqualTo(SetupRequest.of(valid().clearAdminPassword().build()).password());
    SetupRequest given = SetupRequest.of(valid().build());
    assertThat(given.generated()).isFalse();
    assertThat(given.password()).isEqualTo("twelve chars!");
    assertThat(given.toString()).doesNotContain("twelve");
  }

  @Test
  void settingsBecomeOneDocumentWithJsonValues() {
    SetupRequest request =
        SetupRequest.of(valid().putAllSettings(Map.of(
            "/rateLimits/perMinute", "600", "/memory/search/vectorWeight", "0.5", "/outbound/name", "plain word", "/outbound/quoted", "\"600\"", "/outbound/list", "[1, 2]")).build());
    Struct document = request.document();
    assertThat(document.getFieldsOrThrow("rateLimits").getStructValue().getFieldsOrThrow("perMinute").getNumberValue()).isEqualTo(600);
    assertThat(document.getFieldsOrThrow("memory").getStructValue().getFieldsOrThrow("search").getStructValue()
        .getFieldsOrThrow("vectorWeight")).isEqualTo(Value.newBuilder().setNumberValue(0.5).build());
    assertThat(document.getFieldsOrThrow("outbound").getStructValue().getFieldsOrThrow("name").getStringValue()).isEqualTo("plain word");
    assertThat(document.getFieldsOrThrow("outbound").getStructValue().getFieldsOrThrow("quoted").getStringValue()).isEqualTo("600");
    assertThat(document.getFieldsOrThrow("outbound").getStructValue().getFieldsOrThrow("list").getListValue().getValuesCount()).isEqualTo(2);
  }

  @Test
  void everyBadFieldIsNamedAtOnce() {
    assertThatThrownBy(() -> SetupRequest.of(SetupConfig.newBuilder()
            .setTenantName("!!!").setAdminUsername("a b").setAdminPassword("short")
            .putSettings("rateLimits", "1").putSettings("/a", "1").putSettings("/a/b", "2").build()))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.violations())
            .extracting(FieldViolation::field)
            .containsExactlyInAnyOrder("tenantName", "adminUsername", "adminPassword", "settings[rateLimits]", "settings[/a/b]"));
    assertThatThrownBy(() -> SetupRequest.of(SetupConfig.getDefaultInstance()))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.violations())
            .extracting(FieldViolation::rule).containsExactly("required", "required"));
  }

  @Test
  void theTenantVerifySmokesInIsReserved() {
    assertThatThrownBy(() -> SetupRequest.of(valid().setTenantName("Nerve Verify").build()))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.violations())
            .extracting(FieldViolation::field, FieldViolation::rule).containsExactly(org.assertj.core.groups.Tuple.tuple("tenantName", "reserved")));
  }
}
