package dev.nerve.sdk.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.HttpMethod;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.support.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class RequestRendererTest {

  private static ObjectNode params(String json) {
    return (ObjectNode) Json.read(json);
  }

  @Test
  void bodyTemplatesKeepTypesAndOptionalQueryTemplatesDisappear() {
    Endpoint endpoint = Endpoint.newBuilder().setName("e").setBaseUrl("https://api.example.com/v1/").setPathTemplate("/items/{id}")
        .setMethod(HttpMethod.HTTP_METHOD_PUT)
        .putQueryTemplate("dry", "{dry}")
        .putHeaders("Content-Type", "application/merge-patch+json")
        .setBodyTemplate(Json.value(Json.read("{\"count\":\"{n}\",\"label\":\"item {id}\",\"tags\":[\"{tag}\"]}")))
        .build();

    RenderedRequest request = RequestRenderer.render(endpoint, params("{\"id\":\"a/b\",\"n\":3,\"tag\":{\"x\":1}}"));

    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.uri().toString()).isEqualTo("https://api.example.com/v1/items/a%2Fb");
    assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{\"count\":3,\"label\":\"item a/b\",\"tags\":[{\"x\":1}]}");
    assertThat(request.contentType()).isEqualTo("application/merge-patch+json");
    assertThat(request.headers()).isEmpty();
  }

  @Test
  void missingPathParametersAndLineBreaksInHeadersAreBadInput() {
    Endpoint endpoint = Endpoint.newBuilder().setName("e").setBaseUrl("https://x.example").setPathTemplate("/u/{user}")
        .putHeaders("X-Who", "{who}").build();

    assertThatThrownBy(() -> RequestRenderer.render(endpoint, params("{\"who\":\"a\"}")))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.violations().get(0).field()).isEqualTo("params.user"));
    assertThatThrownBy(() -> RequestRenderer.render(endpoint, params("{\"user\":\"u\",\"who\":\"a\\r\\nX-Evil: 1\"}")))
        .isInstanceOf(NerveException.class);
    assertThat(RequestRenderer.render(endpoint, params("{\"user\":\"..\"}")).uri().getRawPath()).isEqualTo("/u/%2E%2E");
    assertThat(EndpointCaller.body("application/octet-stream", new byte[] {(byte) 0xff, 0}).getStringValue()).isEqualTo("/wA=");
    assertThat(EndpointCaller.body("", new byte[0]).getKindCase()).isEqualTo(Value.KindCase.NULL_VALUE);
  }
}
