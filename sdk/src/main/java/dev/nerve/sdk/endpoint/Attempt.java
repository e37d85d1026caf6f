package dev.nerve.sdk.endpoint;

import java.util.Map;

/**
 * The answer of one HTTP attempt, body read within the size cap.
 *
 * @param status HTTP status
 * @param headers lower-case header names, repeated values joined with ", "
 * @param contentType the Content-Type header, or empty
 * @param body the body bytes
 * @param nanos time from sending to the end of the body
 */
record Attempt(int status, Map<String, String> headers, String contentType, byte[] body, long nanos) {}
