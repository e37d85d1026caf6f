package dev.nerve.installation.configuration;

import com.google.protobuf.util.Timestamps;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.installation.v1.ConfigChange;
import dev.nerve.api.installation.v1.ConfigDiff;
import dev.nerve.api.installation.v1.ConfigSchema;
import dev.nerve.api.installation.v1.ConfigScope;
import dev.nerve.api.installation.v1.ConfigSource;
import dev.nerve.api.installation.v1.ConfigVersion;
import dev.nerve.api.installation.v1.ConfigViolation;
import dev.nerve.api.installation.v1.ConfigurationServiceGrpc;
import dev.nerve.api.installation.v1.DiffConfigRequest;
import dev.nerve.api.installation.v1.EffectiveConfig;
import dev.nerve.api.installation.v1.EffectiveSetting;
import dev.nerve.api.installation.v1.GetConfigSchemaRequest;
import dev.nerve.api.installation.v1.GetConfigVersionRequest;
import dev.nerve.api.installation.v1.ListConfigVersionsRequest;
import dev.nerve.api.installation.v1.ListConfigVersionsResponse;
import dev.nerve.api.installation.v1.LoadConfigRequest;
import dev.nerve.api.installation.v1.RollbackConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigRequest;
import dev.nerve.api.installation.v1.SaveConfigResponse;
import dev.nerve.api.installation.v1.ValidateConfigRequest;
import dev.nerve.api.installation.v1.ValidationResult;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** gRPC adapter for {@code installation.configuration}: translates, checks scope rights, delegates. */
final class ConfigurationGrpcService extends ConfigurationServiceGrpc.ConfigurationServiceImplBase {

  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;

  private final ConfigurationDocuments documents;
  private final PropertyLayers layers;
  private final String adminTenant;

  /** @param adminTenant the tenant whose administrators may save the global document */
  ConfigurationGrpcService(ConfigurationDocuments documents, PropertyLayers layers, String adminTenant) {
    this.documents = documents;
    this.layers = layers;
    this.adminTenant = adminTenant;
  }

  @Override
  public void load(LoadConfigRequest request, StreamObserver<EffectiveConfig> response) {
    Identity caller = IdentityContext.require();
    Scope tenant = Scope.tenant(caller.tenantId());
    StoredVersion global = documents.current(Scope.GLOBAL).orElse(null);
    StoredVersion own = documents.current(tenant).orElse(null);
    ObjectNode effective = SettingsCatalog.JSON.createObjectNode();
    EffectiveConfig.Builder out =
        EffectiveConfig.newBuilder()
            .setTenantId(caller.tenantId())
            .setGlobalVersion(global == null ? 0 : global.version())
            .setTenantVersion(own == null ? 0 : own.version());
    for (Setting setting : documents.catalog().settings()) {
      PropertyLayers.Layered value = layers.resolve(setting);
      JsonNode stored = global == null ? null : at(global.document(), setting.pointer());
      if (stored != null) {
        value = new PropertyLayers.Layered(stored, ConfigSource.CONFIG_SOURCE_STORED_GLOBAL);
      }
      JsonNode tenantValue = own == null || !setting.tenantSettable() ? null : at(own.document(), setting.pointer());
      if (tenantValue != null) {
        value = new PropertyLayers.Layered(tenantValue, ConfigSource.CONFIG_SOURCE_STORED_TENANT);
      }
      put(effective, setting.pointer(), value.value());
      out.addSettings(
          EffectiveSetting.newBuilder()
              .setPointer(setting.pointer())
              .setValue(Structs.value(value.value()))
              .setSource(value.source())
              .setLive(setting.live())
              .setProperty(setting.property())
              .setTenantSettable(setting.tenantSettable()));
    }
    response.onNext(out.setDocument(Structs.struct(effective)).build());
    response.onCompleted();
  }

  @Override
  public void validate(ValidateConfigRequest request, StreamObserver<ValidationResult> response) {
    Scope scope = scope(request.getScope(), false);
    List<Violation> violations = documents.validate(scope, Structs.json(request.getDocument()));
    ValidationResult.Builder result = ValidationResult.newBuilder().setValid(violations.isEmpty());
    violations.forEach(
        v -> result.addViolations(ConfigViolation.newBuilder().setPointer(v.pointer()).setRule(v.rule()).setMessage(v.message())));
    response.onNext(result.build());
    response.onCompleted();
  }

  @Override
  public void save(SaveConfigRequest request, StreamObserver<SaveConfigResponse> response) {
    Scope scope = scope(request.getScope(), true);
    ConfigurationDocuments.Saved saved =
        documents.save(
            scope,
            Structs.json(request.getDocument()),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null,
            author(),
            request.getNote(),
            0);
    response.onNext(saved(saved));
    response.onCompleted();
  }

  @Override
  public void rollback(RollbackConfigRequest request, StreamObserver<SaveConfigResponse> response) {
    Scope scope = scope(request.getScope(), true);
    if (request.getVersion() < 1) {
      throw NerveException.invalid("version", "minimum", "must be a stored version, 1 or more");
    }
    response.onNext(
        saved(
            documents.rollback(
                scope,
                request.getVersion(),
                request.hasExpectedVersion() ? request.getExpectedVersion() : null,
                author())));
    response.onCompleted();
  }

  @Override
  public void listVersions(ListConfigVersionsRequest request, StreamObserver<ListConfigVersionsResponse> response) {
    Scope scope = scope(request.getScope(), false);
    int size = request.getPage().getPageSize();
    if (size < 0 || size > MAX_PAGE) {
      throw NerveException.invalid("page.pageSize", "range", "must be between 1 and " + MAX_PAGE);
    }
    size = size == 0 ? DEFAULT_PAGE : size;
    long before = cursor(request.getPage().getCursor());
    List<StoredVersion> page = documents.history(scope, before, size + 1);
    boolean more = page.size() > size;
    ListConfigVersionsResponse.Builder out = ListConfigVersionsResponse.newBuilder();
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    for (StoredVersion version : page.subList(0, Math.min(size, page.size()))) {
      out.addVersions(version(version));
      info.addItemCursors(cursor(version.version()));
    }
    if (more) {
      info.setNextCursor(info.getItemCursors(info.getItemCursorsCount() - 1));
    }
    response.onNext(out.setPageInfo(info).build());
    response.onCompleted();
  }

  @Override
  public void getVersion(GetConfigVersionRequest request, StreamObserver<ConfigVersion> response) {
    Scope scope = scope(request.getScope(), false);
    response.onNext(version(documents.get(scope, request.getVersion())));
    response.onCompleted();
  }

  @Override
  public void diff(DiffConfigRequest request, StreamObserver<ConfigDiff> response) {
    Scope scope = scope(request.getScope(), false);
    if (request.getFromVersion() < 0 || request.getToVersion() < 0) {
      throw NerveException.invalid("fromVersion", "minimum", "versions are 0 or more");
    }
    long to = request.getToVersion() == 0 ? documents.current(scope).map(StoredVersion::version).orElse(0L) : request.getToVersion();
    ConfigDiff.Builder out =
        ConfigDiff.newBuilder().setScope(scope.proto()).setFromVersion(request.getFromVersion()).setToVersion(to);
    documents.diff(scope, request.getFromVersion(), to).forEach(c -> out.addChanges(change(c)));
    response.onNext(out.build());
    response.onCompleted();
  }

  @Override
  public void getSchema(GetConfigSchemaRequest request, StreamObserver<ConfigSchema> response) {
    response.onNext(ConfigSchema.newBuilder().setSchema(Structs.struct(documents.catalog().document())).build());
    response.onCompleted();
  }

  /** The scope named; the global one may be changed only by administrators of the admin tenant. */
  private Scope scope(ConfigScope scope, boolean change) {
    Identity caller = IdentityContext.require();
    if (scope == ConfigScope.CONFIG_SCOPE_GLOBAL) {
      if (change && !adminTenant.equals(caller.tenantId())) {
        throw new NerveException(
            ErrorCode.PERMISSION_DENIED,
            "only administrators of tenant '" + adminTenant + "' may change the global configuration");
      }
      return Scope.GLOBAL;
    }
    if (scope == ConfigScope.UNRECOGNIZED) {
      throw NerveException.invalid("scope", "enum", "unknown scope");
    }
    return Scope.tenant(caller.tenantId());
  }

  private static String author() {
    Identity caller = IdentityContext.require();
    return caller.userId() == null ? "" : caller.userId();
  }

  private SaveConfigResponse saved(ConfigurationDocuments.Saved saved) {
    return SaveConfigResponse.newBuilder()
        .setVersion(version(saved.version()))
        .setUnchanged(saved.unchanged())
        .addAllAppliedLive(saved.appliedLive())
        .addAllRestartRequired(saved.restartRequired())
        .build();
  }

  private ConfigVersion version(StoredVersion v) {
    ConfigVersion.Builder out =
        ConfigVersion.newBuilder()
            .setScope(v.scope().proto())
            .setVersion(v.version())
            .setDocument(Structs.struct(v.document()))
            .setSavedAt(Timestamps.fromMillis(v.savedAt().toEpochMilli()))
            .setSavedBy(v.savedBy())
            .setNote(v.note())
            .setRolledBackTo(v.rolledBackTo());
    v.changes().forEach(c -> out.addChanges(change(c)));
    return out.build();
  }

  private ConfigChange change(Change c) {
    ConfigChange.Builder out =
        ConfigChange.newBuilder()
            .setPointer(c.pointer())
            .setRestartRequired(!documents.catalog().setting(c.pointer()).map(Setting::live).orElse(false));
    if (c.before() != null) {
      out.setBefore(Structs.value(c.before()));
    }
    if (c.after() != null) {
      out.setAfter(Structs.value(c.after()));
    }
    return out.build();
  }

  private static String cursor(long version) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("v" + version).getBytes(StandardCharsets.UTF_8));
  }

  private static long cursor(String cursor) {
    if (cursor.isEmpty()) {
      return 0;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("v")) {
        long version = Long.parseLong(text.substring(1));
        if (version > 0) {
          return version;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw NerveException.invalid("page.cursor", "cursor", "is not a cursor of this list");
  }

  private static JsonNode at(JsonNode document, String pointer) {
    JsonNode node = document.at(pointer);
    return node.isMissingNode() || node.isNull() ? null : node;
  }

  private static void put(ObjectNode root, String pointer, JsonNode value) {
    String[] steps = pointer.substring(1).split("/");
    ObjectNode node = root;
    for (int i = 0; i < steps.length - 1; i++) {
      JsonNode next = node.get(steps[i]);
      node = next instanceof ObjectNode object ? object : node.putObject(steps[i]);
    }
    node.set(steps[steps.length - 1], value);
  }
}
