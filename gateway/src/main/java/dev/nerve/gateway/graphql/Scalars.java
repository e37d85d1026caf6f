package dev.nerve.gateway.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.EnumValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.VariableReference;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Custom scalars of the Nerve schema, defined once for every system's types. */
public final class Scalars {

  private Scalars() {}

  /** RFC 3339 date-time, always serialized in UTC ({@code 2026-11-25T22:10:31Z}). */
  public static final GraphQLScalarType DATE_TIME =
      GraphQLScalarType.newScalar()
          .name("DateTime")
          .description("RFC 3339 date-time, serialized in UTC, e.g. 2026-11-25T22:10:31Z")
          .coercing(new DateTimeCoercing())
          .build();

  /** Any JSON value, for payloads the spec leaves free-form ({@code any}). */
  public static final GraphQLScalarType JSON =
      GraphQLScalarType.newScalar()
          .name("JSON")
          .description("Any JSON value: object, array, string, number, boolean or null")
          .coercing(new JsonCoercing())
          .build();

  /** ISO-8601 duration such as {@code PT5M}. */
  public static final GraphQLScalarType DURATION =
      text("Duration", "ISO-8601 duration, e.g. PT5M or PT0.5S", Scalars::duration);

  private static Object duration(String text) {
    return java.time.Duration.parse(text);
  }

  private static GraphQLScalarType text(
      String name, String description, java.util.function.Function<String, Object> parser) {
    return GraphQLScalarType.newScalar()
        .name(name)
        .description(description)
        .coercing(new TextCoercing(name, description, parser))
        .build();
  }

  /** A scalar written as a string and checked by a parser; the error names the scalar and the rule. */
  private static final class TextCoercing implements Coercing<Object, String> {

    private final String name;
    private final String description;
    private final java.util.function.Function<String, Object> parser;

    TextCoercing(String name, String description, java.util.function.Function<String, Object> parser) {
      this.name = name;
      this.description = description;
      this.parser = parser;
    }

    @Override
    public String serialize(Object value, GraphQLContext context, Locale locale) {
      return String.valueOf(value);
    }

    @Override
    public Object parseValue(Object input, GraphQLContext context, Locale locale) {
      if (input instanceof String text) {
        return parse(text, CoercingParseValueException::new);
      }
      throw new CoercingParseValueException(name + " must be a string: " + description);
    }

    @Override
    public Object parseLiteral(
        Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
      if (input instanceof StringValue text) {
        return parse(text.getValue(), CoercingParseLiteralException::new);
      }
      throw new CoercingParseLiteralException(name + " must be a string: " + description);
    }

    private <E extends RuntimeException> Object parse(
        String text, java.util.function.Function<String, E> error) {
      try {
        return parser.apply(text);
      } catch (RuntimeException e) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        throw error.apply("invalid " + name + " '" + shown + "': " + description);
      }
    }
  }

  private static final class JsonCoercing implements Coercing<Object, Object> {

    @Override
    public Object serialize(Object value, GraphQLContext context, Locale locale) {
      return value;
    }

    @Override
    public Object parseValue(Object input, GraphQLContext context, Locale locale) {
      return input;
    }

    @Override
    public Object parseLiteral(
        Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
      return literal(input, variables);
    }

    private static Object literal(Value<?> value, CoercedVariables variables) {
      if (value instanceof StringValue v) {
        return v.getValue();
      }
      if (value instanceof IntValue v) {
        return v.getValue();
      }
      if (value instanceof FloatValue v) {
        return v.getValue();
      }
      if (value instanceof BooleanValue v) {
        return v.isValue();
      }
      if (value instanceof NullValue) {
        return null;
      }
      if (value instanceof EnumValue v) {
        return v.getName();
      }
      if (value instanceof VariableReference v) {
        return variables.get(v.getName());
      }
      if (value instanceof ArrayValue v) {
        List<Object> list = new ArrayList<>();
        v.getValues().forEach(item -> list.add(literal(item, variables)));
        return list;
      }
      if (value instanceof ObjectValue v) {
        Map<String, Object> map = new LinkedHashMap<>();
        v.getObjectFields().forEach(f -> map.put(f.getName(), literal(f.getValue(), variables)));
        return map;
      }
      throw new CoercingParseLiteralException("not a JSON value: " + value);
    }
  }

  private static final class DateTimeCoercing implements Coercing<Instant, String> {

    @Override
    public String serialize(Object value, GraphQLContext context, Locale locale) {
      if (value instanceof Instant instant) {
        return instant.toString();
      }
      if (value instanceof String text) {
        return text;
      }
      if (value instanceof OffsetDateTime odt) {
        return odt.toInstant().toString();
      }
      throw new CoercingSerializeException("not a date-time: " + value.getClass().getSimpleName());
    }

    @Override
    public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
      if (input instanceof String text) {
        return parse(text, CoercingParseValueException::new);
      }
      throw new CoercingParseValueException("DateTime must be a string such as 2026-11-25T22:10:31Z");
    }

    @Override
    public Instant parseLiteral(
        Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
      if (input instanceof StringValue text) {
        return parse(text.getValue(), CoercingParseLiteralException::new);
      }
      throw new CoercingParseLiteralException("DateTime must be a string such as 2026-11-25T22:10:31Z");
    }

    private static <E extends RuntimeException> Instant parse(
        String text, java.util.function.Function<String, E> error) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw error.apply("invalid DateTime '" + text + "': use RFC 3339, e.g. 2026-11-25T22:10:31Z");
      }
    }
  }
}
