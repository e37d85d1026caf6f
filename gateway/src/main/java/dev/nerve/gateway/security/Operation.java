package dev.nerve.gateway.security;

import dev.nerve.platform.security.Permission;

/**
 * What a public operation requires and costs, as both surfaces check it before it runs.
 *
 * @param name how logs and the audit log name it: a GraphQL coordinate ({@code Mutation.memoryLongTermStore})
 *     or a REST route ({@code POST /api/v1/memory/long-term})
 * @param permission the permission the caller needs
 * @param cost tokens taken from the caller's rate-limit bucket
 * @param audit whether calls are written to the audit log
 */
public record Operation(String name, Permission permission, int cost, boolean audit) {}
