package dev.nerve.platform.idempotency;

/**
 * Identifies one client request for {@link IdempotencyKeys}: the caller's {@code request_id},
 * scoped to the caller and the operation, so keys of different users or RPCs never collide.
 *
 * @param tenantId tenant of the caller
 * @param userId user (or API key) of the caller
 * @param operation the RPC, e.g. {@code nerve.memory.v1.LongTermMemoryService/Store}
 * @param requestId the key the client chose
 */
public record RequestKey(String tenantId, String userId, String operation, String requestId) {}
