package dev.nerve.sdk.integration;

import dev.nerve.api.sdk.v1.TestOutcome;
import dev.nerve.api.sdk.v1.TestResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import dev.nerve.platform.outbound.OutboundGuard;
import java.net.InetSocketAddress;
import java.util.List;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The SMTP check: connect (directly, or TLS from the start), read the greeting, EHLO, STARTTLS
 * when asked, AUTH PLAIN with the credentials when there are any, then QUIT; no mail is sent. A
 * 535 answer is a refused credential. The host is resolved and checked by the outbound guard, and
 * the socket connects only to an address the guard returned.
 */
final class SmtpProbe {

  private final OutboundGuard guard;

  SmtpProbe(OutboundGuard guard) {
    this.guard = guard;
  }

  TestResult.Builder check(Credentials c, Duration timeout) throws IOException {
    String host = c.setting("host", "");
    String security = c.setting("security", "starttls");
    var portValue = c.settings().getFieldsMap().get("port");
    int port = portValue != null && portValue.hasNumberValue()
        ? (int) portValue.getNumberValue()
        : switch (security) {
          case "tls" -> 465;
          case "none" -> 25;
          default -> 587;
        };
    List<InetSocketAddress> addresses = guard.resolve(host, port);
    int millis = (int) Math.max(1, timeout.toMillis());
    Socket socket = new Socket();
    try {
      socket.connect(addresses.get(0), millis);
      socket.setSoTimeout(millis);
      if (security.equals("tls")) {
        socket = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
      }
      Session session = new Session(socket);
      int greeting = session.read();
      if (greeting != 220) {
        return ConnectivityTester.outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, "no SMTP greeting (" + greeting + ")");
      }
      session.command("EHLO nerve");
      if (security.equals("starttls")) {
        if (session.command("STARTTLS") != 220) {
          return ConnectivityTester.outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, "the server does not offer STARTTLS");
        }
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, host, port, true);
        tls.startHandshake();
        socket = tls;
        session = new Session(socket);
        session.command("EHLO nerve");
      }
      String user = c.secret("username");
      if (!user.isEmpty()) {
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + c.secret("password")).getBytes(StandardCharsets.UTF_8));
        int auth = session.command("AUTH PLAIN " + plain);
        if (auth == 535 || auth == 534 || auth == 530) {
          session.quit();
          return ConnectivityTester.outcome(TestOutcome.TEST_OUTCOME_BAD_CREDENTIALS, auth + ": the server refused the login");
        }
        if (auth != 235) {
          session.quit();
          return ConnectivityTester.outcome(TestOutcome.TEST_OUTCOME_PROTOCOL_ERROR, auth + ": unexpected answer to AUTH");
        }
      }
      session.quit();
      return ConnectivityTester.outcome(TestOutcome.TEST_OUTCOME_OK, user.isEmpty() ? "Handshake completed" : "Logged in as " + user);
    } finally {
      socket.close();
    }
  }

  /** Line-based SMTP exchange; multi-line replies are read to their last line. */
  private static final class Session {
    private final BufferedReader in;
    private final OutputStream out;

    Session(Socket socket) throws IOException {
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    int read() throws IOException {
      String line;
      int lines = 0;
      do {
        line = in.readLine();
        if (line == null || line.length() < 3 || ++lines > 100) {
          throw new IOException("the SMTP server closed the connection");
        }
      } while (line.length() > 3 && line.charAt(3) == '-');
      try {
        return Integer.parseInt(line.substring(0, 3));
      } catch (NumberFormatException e) {
        throw new IOException("not an SMTP reply");
      }
    }

    int command(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read();
    }

    void quit() {
      try {
        command("QUIT");
      } catch (IOException ignored) {
        // the check is done
      }
    }
  }
}
