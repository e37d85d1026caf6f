package dev.nerve.learning.models;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.FeatureSpec;
import dev.nerve.api.learning.v1.FeatureType;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns feature values into the numeric features a Tribuo model sees, by a version's schema:
 * NUMBER as is, BOOLEAN as 1 or 0, CATEGORY one-hot ({@code name=value} is 1; a value not seen in
 * training sets none). Inputs are checked against the schema first: a missing, unknown or wrongly
 * typed feature is INVALID_ARGUMENT naming it.
 */
final class FeatureEncoder {

  /** Encoded features: parallel names and values. */
  record Encoded(String[] names, double[] values) {}

  private final List<FeatureSpec> schema;

  FeatureEncoder(List<FeatureSpec> schema) {
    this.schema = List.copyOf(schema);
  }

  List<FeatureSpec> schema() {
    return schema;
  }

  /** Checks {@code input} against the schema; {@code field} prefixes the violations. */
  void validate(String field, Struct input) {
    List<FieldViolation> violations = new ArrayList<>();
    Map<String, Value> values = input.getFieldsMap();
    TreeSet<String> known = new TreeSet<>();
    for (FeatureSpec spec : schema) {
      known.add(spec.getName());
      Value value = values.get(spec.getName());
      String where = field + "." + spec.getName();
      if (value == null || value.hasNullValue()) {
        violations.add(new FieldViolation(where, "required", "the model expects " + TabularData.name(spec.getType()) + " feature '" + spec.getName() + "'"));
        continue;
      }
      FeatureType type = TabularData.typeOf(value);
      if (type != spec.getType()) {
        violations.add(
            new FieldViolation(
                where,
                "type",
                value.hasNumberValue() && type == null ? "must be a finite number" : "must be " + TabularData.name(spec.getType())));
      }
    }
    for (String name : new TreeSet<>(values.keySet())) {
      if (!known.contains(name)) {
        violations.add(new FieldViolation(field + "." + name, "unknown", "the model has no feature '" + name + "'"));
      }
    }
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }

  /** The encoded features of a valid input. */
  Encoded encode(Struct input) {
    List<String> names = new ArrayList<>(schema.size());
    List<Double> values = new ArrayList<>(schema.size());
    Map<String, Value> fields = input.getFieldsMap();
    for (FeatureSpec spec : schema) {
      Value value = fields.get(spec.getName());
      switch (spec.getType()) {
        case FEATURE_TYPE_NUMBER -> {
          names.add(spec.getName());
          values.add(value.getNumberValue());
        }
        case FEATURE_TYPE_BOOLEAN -> {
          names.add(spec.getName());
          values.add(value.getBoolValue() ? 1.0 : 0.0);
        }
        case FEATURE_TYPE_CATEGORY -> {
          if (spec.getCategoriesList().contains(value.getStringValue())) {
            names.add(spec.getName() + "=" + value.getStringValue());
            values.add(1.0);
          }
        }
        default -> throw new IllegalStateException("unsupported feature type " + spec.getType());
      }
    }
    return new Encoded(names.toArray(String[]::new), values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Every encoded feature name, in schema order (one per category value for CATEGORY). */
  List<String> dimensions() {
    List<String> names = new ArrayList<>();
    for (FeatureSpec spec : schema) {
      if (spec.getType() == FeatureType.FEATURE_TYPE_CATEGORY) {
        spec.getCategoriesList().forEach(c -> names.add(spec.getName() + "=" + c));
      } else {
        names.add(spec.getName());
      }
    }
    return names;
  }

  /** A dense vector over {@link #dimensions()}, for distances in clustering metrics. */
  double[] dense(Struct input) {
    List<String> dims = dimensions();
    double[] vector = new double[dims.size()];
    Encoded encoded = encode(input);
    for (int i = 0; i < encoded.names().length; i++) {
      vector[dims.indexOf(encoded.names()[i])] = encoded.values()[i];
    }
    return vector;
  }
}
