package dev.nerve.gateway.validation;

import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Applies {@link JsonSchema} to REST request bodies: right after a body is read, a body parameter
 * carrying the annotation is checked as a whole, and a record body has each annotated component
 * checked under its own name (e.g. {@code metadata.tags[3]}). Any violation answers 400
 * BAD_USER_INPUT listing all violations, and the controller (so the service) is never called.
 */
@RestControllerAdvice
public class JsonSchemaBodyAdvice extends RequestBodyAdviceAdapter {

  private final PayloadSchemas schemas;
  private final Map<Class<?>, List<RecordComponent>> checked = new ConcurrentHashMap<>();

  public JsonSchemaBodyAdvice(PayloadSchemas schemas) {
    this.schemas = schemas;
  }

  @Override
  public boolean supports(
      MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
    return parameter.hasParameterAnnotation(JsonSchema.class)
        || !checkedComponents(ResolvableType.forType(targetType).resolve(Object.class)).isEmpty();
  }

  @Override
  public Object afterBodyRead(
      Object body,
      HttpInputMessage message,
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    List<FieldViolation> violations = new ArrayList<>();
    JsonSchema whole = parameter.getParameterAnnotation(JsonSchema.class);
    if (whole != null) {
      String name = parameter.getParameterName();
      violations.addAll(schemas.violations(whole.value(), name == null ? "body" : name, body));
    }
    for (RecordComponent component : checkedComponents(body.getClass())) {
      Object value = ReflectionUtils.invokeMethod(component.getAccessor(), body);
      violations.addAll(
          schemas.violations(component.getAnnotation(JsonSchema.class).value(), component.getName(), value));
    }
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    return body;
  }

  /** The record components of a body type that carry {@link JsonSchema}; empty for other types. */
  private List<RecordComponent> checkedComponents(Class<?> type) {
    return checked.computeIfAbsent(type, JsonSchemaBodyAdvice::annotatedComponents);
  }

  static List<RecordComponent> annotatedComponents(Class<?> type) {
    if (!type.isRecord()) {
      return List.of();
    }
    List<RecordComponent> components =
        Arrays.stream(type.getRecordComponents()).filter(c -> c.isAnnotationPresent(JsonSchema.class)).toList();
    components.forEach(c -> ReflectionUtils.makeAccessible(c.getAccessor()));
    return components;
  }
}
