package dev.nerve.bench.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection (TCP_NODELAY, blocking, no extra threads) that sends a request
 * and reads the whole response, Content-Length or chunked. It is what a benchmark needs to time the
 * server: a client library's own thread hand-offs would otherwise count as gateway overhead. When
 * the server ends the connection ({@code Connection: close}, e.g. Tomcat after 100 requests) the
 * next request opens a new one, as any HTTP client does.
 */
public final class KeepAliveClient implements AutoCloseable {

  /** A response: status code and body text. */
  public record Response(int status, String body) {}

  private final String hostName;
  private final int port;
  private final String host;
  private Socket socket;
  private BufferedOutputStream out;
  private BufferedInputStream in;
  private boolean closeAfterResponse;

  public KeepAliveClient(String host, int port) {
    this.hostName = host;
    this.port = port;
    this.host = host + ":" + port;
    open();
  }

  private void open() {
    try {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(hostName, port), 5_000);
      socket.setSoTimeout(30_000);
      out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one request and reads its response. */
  public Response send(String method, String path, Map<String, String> headers, byte[] body) {
    if (closeAfterResponse) {
      close();
      open();
      closeAfterResponse = false;
    }
    try {
      StringBuilder head = new StringBuilder(256);
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response read() throws IOException {
    String status = line();
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        closeAfterResponse = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
          size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        copy(in, body, size);
        line();
      }
      // Trailers end with an empty line.
      for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
        // ignored
      }
    } else if (length > 0) {
      copy(in, body, length);
    }
    return new Response(code, body.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static void copy(InputStream from, ByteArrayOutputStream to, long count) throws IOException {
    byte[] buffer = new byte[8192];
    long left = count;
    while (left > 0) {
      int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("response body cut short");
      }
      to.write(buffer, 0, n);
      left -= n;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
