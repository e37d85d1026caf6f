package dev.nerve.installation.setup;

import dev.nerve.api.gateway.v1.EnsureFirstAdminRequest;
import dev.nerve.api.gateway.v1.EnsureFirstAdminResponse;
import dev.nerve.api.gateway.v1.EnsureSigningKeyResponse;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.installation.v1.SetupResult;
import dev.nerve.api.installation.v1.SetupStep;
import dev.nerve.installation.environment.KeyCanary;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.storage.SchemaMigrator.SchemaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code installation.environment.setup}: the first-run steps (migrations, master key, signing
 * key, tenant, administrator, configuration, extensions), each done only when not done yet, so a second run
 * changes nothing and says so per step. Every run first plans all steps without writing, so bad
 * input or a refusal stops it before anything is written; a dry run returns that plan.
 */
public final class FirstRunSetup {

  private static final Logger log = LoggerFactory.getLogger(FirstRunSetup.class);

  private final SchemaMigrator migrator;
  private final KeyCanary canary;
  private final GatewayIdentity gateway;
  private final TenantConfiguration configuration;
  private final DefaultExtensions extensions;
  private final String adminTenant;

  FirstRunSetup(
      SchemaMigrator migrator,
      KeyCanary canary,
      GatewayIdentity gateway,
      TenantConfiguration configuration,
      DefaultExtensions extensions,
      String adminTenant) {
    this.migrator = migrator;
    this.canary = canary;
    this.gateway = gateway;
    this.configuration = configuration;
    this.extensions = extensions;
    this.adminTenant = adminTenant;
  }

  /** Runs (or, with {@code dry_run}, plans) setup as the current caller. */
  public SetupResult run(SetupConfig config) {
    Identity caller = IdentityContext.require();
    if (!adminTenant.equals(caller.tenantId())) {
      throw new NerveException(
          ErrorCode.PERMISSION_DENIED, "only administrators of tenant '" + adminTenant + "' may run setup");
    }
    SetupRequest request = SetupRequest.of(config);
    Run plan = new Run(request, caller, true);
    plan.all();
    if (config.getDryRun()) {
      return plan.result();
    }
    if (plan.failed) {
      return plan.stopped();
    }
    Run run = new Run(request, caller, false);
    run.all();
    SetupResult result = run.result();
    log.info(
        "environment setup of tenant '{}' by {}: {}",
        request.tenantId(),
        caller.userId(),
        result.getAlreadySetUp() ? "already set up, nothing changed" : changedIds(result));
    return result;
  }

  private static String changedIds(SetupResult result) {
    return result.getStepsList().stream()
        .filter(SetupStep::getChanged)
        .map(SetupStep::getId)
        .collect(Collectors.joining(", ", "changed ", ""));
  }

  /** One pass over the steps, planning ({@code dry}) or doing them; stops at the first failure. */
  private final class Run {

    private final SetupRequest request;
    private final Identity caller;
    private final boolean dry;
    private final List<SetupStep> steps = new ArrayList<>();
    private boolean failed;
    private boolean passwordUsed;

    Run(SetupRequest request, Identity caller, boolean dry) {
      this.request = request;
      this.caller = caller;
      this.dry = dry;
    }

    void all() {
      List<Runnable> order = List.of(this::migrations, this::masterKey, this::signingKey, this::identity, this::configuration, this::extensions);
      for (Runnable step : order) {
        if (failed) {
          return;
        }
        step.run();
      }
    }

    private void migrations() {
      step("migrations", () -> {
        List<SchemaStatus> before = migrator.status();
        int pending = before.stream().mapToInt(SchemaStatus::pending).sum();
        if (pending == 0) {
          unchanged("migrations", "schemas up to date (" + versions(before) + ")");
          return;
        }
        if (!dry) {
          migrator.migrate();
        }
        changed("migrations", "applied: ", pending + " pending migration" + (pending == 1 ? "" : "s")
            + (dry ? " (" + versions(before) + ")" : " (now " + versions(migrator.status()) + ")"));
      });
    }

    private void masterKey() {
      step("master-key", () -> {
        KeyCanary.State state = canary.state();
        if (state == KeyCanary.State.WRONG_KEY) {
          throw new StepFailure(
              "the master key from " + canary.source() + " is not the key that sealed this database's secrets; start"
                  + " every process with the same NERVE_MASTER_KEY",
              null);
        }
        if (state == KeyCanary.State.OPENS) {
          unchanged("master-key", "the master key from " + canary.source() + " opens this database's key canary");
          return;
        }
        if (!dry) {
          canary.seal();
        }
        changed("master-key", "created: ", "sealed the key canary with the master key from " + canary.source()
            + ", binding the key to this database");
      });
    }

    private void signingKey() {
      step("signing-key", () -> {
        EnsureSigningKeyResponse key = gateway.ensureSigningKey(dry);
        if (!key.getCreated()) {
          unchanged("signing-key", "token signing key " + key.getKeyId() + " is active");
        } else {
          changed("signing-key", "created: ", "token signing key" + (dry ? "" : " " + key.getKeyId()));
        }
      });
    }

    private void identity() {
      step("tenant", () -> {
        EnsureFirstAdminResponse ensured =
            gateway.ensureFirstAdmin(
                EnsureFirstAdminRequest.newBuilder()
                    .setTenantId(request.tenantId())
                    .setTenantName(request.tenantName())
                    .setUsername(request.username())
                    .setPassword(request.password())
                    .setDryRun(dry)
                    .build());
        String tenant = "tenant '" + request.tenantId() + "'";
        if (ensured.getTenantCreated()) {
          changed("tenant", "created: ", tenant + " (\"" + request.tenantName() + "\")");
        } else {
          unchanged("tenant", tenant + " exists");
        }
        String admin = "administrator '" + request.username() + "' of " + tenant;
        if (ensured.getAdminCreated()) {
          passwordUsed = request.generated();
          changed("admin", "created: ", admin + (request.generated() ? " with a generated password, shown once" : ""));
        } else {
          unchanged("admin", admin + " exists; its password was left as it is");
        }
      });
    }

    private void configuration() {
      step("configuration", () -> {
        OptionalLong version = configuration.version(request.tenantId(), caller.userId());
        String tenant = "tenant '" + request.tenantId() + "'";
        if (version.isPresent()) {
          unchanged("configuration", tenant + " has configuration version " + version.getAsLong());
          return;
        }
        int settings = request.document().getFieldsCount();
        String what = "configuration version 1 of " + tenant + " ("
            + (settings == 0 ? "every setting at its default" : "the given settings, the rest at their defaults") + ")";
        if (dry) {
          configuration.validate(request.tenantId(), caller.userId(), request.document());
          changed("configuration", "created: ", what);
          return;
        }
        OptionalLong saved = configuration.saveFirst(request.tenantId(), caller.userId(), request.document());
        if (saved.isEmpty()) {
          unchanged("configuration", tenant + " had its configuration saved meanwhile");
        } else {
          changed("configuration", "created: ", "configuration version " + saved.getAsLong() + what.substring(what.indexOf(" of ")));
        }
      });
    }

    private void extensions() {
      step("extensions", () -> {
        DefaultExtensions.Outcome outcome =
            IdentityContext.callAs(new Identity(request.tenantId(), caller.userId(), Set.of("admin")),
                () -> extensions.ensure(request.tenantId(), dry));
        if (outcome.changed()) {
          changed("extensions", "installed: ", outcome.detail());
        } else {
          unchanged("extensions", outcome.detail());
        }
      });
    }

    /** Runs a step; a {@link StepFailure} becomes a FAIL step, refusals of the input propagate. */
    private void step(String id, Runnable work) {
      try {
        work.run();
      } catch (StepFailure e) {
        failed = true;
        steps.add(SetupStep.newBuilder().setId(id).setStatus(CheckStatus.CHECK_STATUS_FAIL).setDetail("failed: " + e.getMessage()).build());
      } catch (NerveException e) {
        if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED || e.code() == ErrorCode.INTERNAL) {
          failed = true;
          steps.add(SetupStep.newBuilder().setId(id).setStatus(CheckStatus.CHECK_STATUS_FAIL).setDetail("failed: " + e.getMessage()).build());
        } else {
          throw e;
        }
      }
    }

    private void unchanged(String id, String detail) {
      steps.add(SetupStep.newBuilder().setId(id).setStatus(CheckStatus.CHECK_STATUS_OK).setDetail("unchanged: " + detail).build());
    }

    private void changed(String id, String verb, String detail) {
      String prefix = dry ? "would " + switch (verb) {
        case "applied: " -> "apply: ";
        case "installed: " -> "install: ";
        default -> "create: ";
      } : verb;
      steps.add(
          SetupStep.newBuilder().setId(id).setStatus(CheckStatus.CHECK_STATUS_OK).setChanged(true).setDetail(prefix + detail).build());
    }

    SetupResult result() {
      SetupResult.Builder result =
          SetupResult.newBuilder()
              .addAllSteps(steps)
              .setTenantId(request.tenantId())
              .setDryRun(dry)
              .setAlreadySetUp(!failed && steps.stream().noneMatch(SetupStep::getChanged));
      if (!dry && passwordUsed) {
        result.setGeneratedPassword(request.password());
      }
      return result.build();
    }

    /** The plan of a run that cannot go ahead: nothing was done. */
    SetupResult stopped() {
      List<SetupStep> reported = new ArrayList<>();
      for (SetupStep step : steps) {
        reported.add(
            step.getStatus() == CheckStatus.CHECK_STATUS_FAIL
                ? step
                : step.toBuilder().setChanged(false).setDetail("not run: setup stopped before changing anything (plan: " + step.getDetail() + ")").build());
      }
      return SetupResult.newBuilder().addAllSteps(reported).setTenantId(request.tenantId()).build();
    }
  }

  private static String versions(List<SchemaStatus> schemas) {
    return schemas.isEmpty()
        ? "no schemas in this process"
        : schemas.stream().map(s -> s.schema() + " v" + s.version()).collect(Collectors.joining(", "));
  }
}
