package dev.nerve.installation.dependency.archive;

/**
 * Bounds on one package archive, checked while reading it, never from the sizes it declares.
 *
 * @param maxArchiveBytes largest archive downloaded
 * @param maxExtractedBytes largest total of the unpacked files
 * @param maxFiles most entries (files and directories)
 */
public record ArchiveLimits(long maxArchiveBytes, long maxExtractedBytes, int maxFiles) {}
