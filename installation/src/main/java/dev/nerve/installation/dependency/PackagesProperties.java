package dev.nerve.installation.dependency;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Extension packages (prefix {@code nerve.installation.packages}); every property is in the
 * README's configuration table.
 *
 * @param directoryRoot directory sources' locations are relative to; {@code <data-dir>/package-sources}
 *     when unset
 * @param workDir where archives are unpacked while installing; {@code <data-dir>/package-work} when unset
 * @param maxArchiveSize largest package archive (HTTP sources are also capped by {@code
 *     nerve.outbound.max-response-bytes})
 * @param maxExtractedSize largest total of an archive's unpacked files
 * @param maxFiles most entries in one archive
 * @param maxResolutionSteps versions the resolver tries before giving up
 */
@ConfigurationProperties("nerve.installation.packages")
public record PackagesProperties(
    Path directoryRoot,
    Path workDir,
    @DefaultValue("32MB") DataSize maxArchiveSize,
    @DefaultValue("128MB") DataSize maxExtractedSize,
    @DefaultValue("2000") int maxFiles,
    @DefaultValue("20000") int maxResolutionSteps) {}
