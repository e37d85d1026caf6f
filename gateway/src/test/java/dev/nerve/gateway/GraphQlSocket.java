package dev.nerve.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A graphql-transport-ws client for subscription tests: one WebSocket to a running gateway's
 * {@code /graphql}, the server's messages in arrival order, and the close code it ended with.
 */
public final class GraphQlSocket implements AutoCloseable {

  private final WebSocket socket;
  private final LinkedBlockingQueue<String> messages;
  private final CompletableFuture<Integer> closed;

  private GraphQlSocket(WebSocket socket, LinkedBlockingQueue<String> messages, CompletableFuture<Integer> closed) {
    this.socket = socket;
    this.messages = messages;
    this.closed = closed;
  }

  /** Connects and sends {@code connection_init} with {@code initPayload}; the answer is left to the caller. */
  public static GraphQlSocket connect(int port, Map<String, ?> initPayload) throws Exception {
    LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("graphql-transport-ws")
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(
                URI.create("ws://localhost:" + port + "/graphql"),
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      messages.add(partial.toString());
                      partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closed.complete(status);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    GraphQlSocket connection = new GraphQlSocket(socket, messages, closed);
    connection.send(Map.of("type", "connection_init", "payload", initPayload));
    return connection;
  }

  /** Connects with a bearer token and waits for {@code connection_ack}. */
  public static GraphQlSocket open(int port, String token) throws Exception {
    GraphQlSocket connection = connect(port, Map.of("Authorization", "Bearer " + token));
    String ack = connection.next(10);
    if (ack == null || !ack.contains("connection_ack")) {
      connection.close();
      throw new IllegalStateException("the gateway did not acknowledge the connection: " + ack);
    }
    return connection;
  }

  /** Sends one protocol message, serialized as JSON (a String is sent as it is). */
  public void send(Object message) {
    String text = message instanceof String s ? s : GatewayClient.JSON.writeValueAsString(message);
    socket.sendText(text, true).join();
  }

  /** Starts subscription {@code id}. */
  public void subscribe(String id, String query, Map<String, ?> variables) {
    send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query, "variables", variables)));
  }

  /** The next message, or {@code null} when none came within {@code seconds}. */
  public String next(long seconds) throws InterruptedException {
    return messages.poll(seconds, TimeUnit.SECONDS);
  }

  /**
   * Messages until one completes or fails a subscription, or until none came for {@code seconds};
   * the completing message is included.
   */
  public List<String> untilDone(long seconds) throws InterruptedException {
    List<String> out = new ArrayList<>();
    String message;
    while ((message = next(seconds)) != null) {
      out.add(message);
      if (message.contains("\"complete\"") || message.contains("\"error\"")) {
        break;
      }
    }
    return out;
  }

  /** Messages received and not yet taken. */
  public List<String> pending() {
    return List.copyOf(messages);
  }

  /** The close code the server ended the connection with (waits up to 15 s). */
  public int closeCode() throws Exception {
    return closed.get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }
}
