package dev.nerve.sdk.endpoint;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request built from an endpoint and call parameters, before authentication.
 *
 * @param method HTTP method
 * @param uri full URI with the query string
 * @param headers header name to value, in order (without Content-Type)
 * @param body body, or null for none
 * @param contentType media type of the body, or null
 */
record RenderedRequest(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body, String contentType) {}
