package dev.nerve.gateway.error;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.json.JSONFilter;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report in the gateway's problem+json shape instead of its HTML page, for the
 * errors Tomcat answers itself before Spring sees the request (a malformed request target, an
 * unencodable path, headers that do not parse). Only status, code and a plain sentence: no server
 * version, no exception text.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(true);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    ErrorClass errorClass = ErrorClass.ofHttpStatus(status);
    HttpStatus known = HttpStatus.resolve(status);
    String title = known == null ? "Error" : known.getReasonPhrase();
    String detail =
        status >= 500 ? "internal error" : status == 404 ? "not found" : "the request is malformed";
    String json =
        "{\"type\":\"" + RestProblems.type(errorClass)
            + "\",\"title\":\"" + JSONFilter.escape(title)
            + "\",\"status\":" + status
            + ",\"detail\":\"" + detail
            + "\",\"code\":\"" + errorClass.name() + "\"}";
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      PrintWriter writer = response.getReporter();
      if (writer != null) {
        writer.write(json);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone or the response cannot take a body; the status was sent.
    }
  }
}
