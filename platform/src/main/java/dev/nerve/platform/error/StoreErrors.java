package dev.nerve.platform.error;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Decides what a failure of PostgreSQL or Redis means for the caller, so every service answers
 * store outages the same honest way:
 *
 * <ul>
 *   <li>no connection, connection refused or lost before commit, server shutting down, too many
 *       connections, Redis disconnected: UNAVAILABLE (the transaction never committed, nothing was
 *       done, retry);
 *   <li>the connection was lost while committing, a Redis connection broke with the command sent,
 *       or Redis did not answer in time: DEADLINE_EXCEEDED (the write may or may not have happened;
 *       retry with the same request id).
 * </ul>
 *
 * Clients get a plain message; the exception (host, SQL state) goes to the log.
 */
public final class StoreErrors {

  private StoreErrors() {}

  /** The client-facing error for a store failure; empty when {@code e} is not one. */
  public static Optional<NerveException> classify(Throwable e) {
    if (e instanceof TransactionSystemException failed && failed.getApplicationException() != null) {
      // The rollback after a failure failed too (the connection was gone): nothing was committed,
      // so the original failure decides, and a lost connection is plainly UNAVAILABLE.
      Optional<NerveException> original = classify(failed.getApplicationException());
      if (original.isPresent() || !connectionLost(e)) {
        return original;
      }
      return Optional.of(NerveException.unavailable(ErrorCode.UNAVAILABLE.plainMessage(), e));
    }
    if (e instanceof TransactionSystemException && rollingBack(e) && sqlFailure(e)) {
      // A rollback the database could not take (the pool may already have closed the connection,
      // leaving an error without a SQL state): nothing was committed. A commit that lost its
      // connection is never rolled back (DeadlineTransactionManager), so it cannot end up here.
      return Optional.of(NerveException.unavailable(ErrorCode.UNAVAILABLE.plainMessage(), e));
    }
    if (e instanceof TransactionSystemException && connectionLost(e)) {
      return Optional.of(
          NerveException.deadlineExceeded(
              "the connection to the database was lost while committing; the outcome is unknown,"
                  + " retry with the same requestId",
              e));
    }
    if (e instanceof RedisCommandTimeoutException || (e instanceof RedisException && redisLostInFlight(e))) {
      return Optional.of(
          NerveException.deadlineExceeded("a store did not answer; the outcome is unknown", e));
    }
    if (e instanceof CannotCreateTransactionException
        || e instanceof DataAccessResourceFailureException
        || e instanceof TransientDataAccessResourceException
        || e instanceof QueryTimeoutException
        || e instanceof RedisConnectionException
        || (e instanceof RedisException && redisUnreachable(e))
        || connectionLost(e)) {
      return Optional.of(NerveException.unavailable(ErrorCode.UNAVAILABLE.plainMessage(), e));
    }
    if (e instanceof RejectedExecutionException) {
      return Optional.of(NerveException.overloaded(ErrorCode.OVERLOADED.plainMessage(), java.time.Duration.ofSeconds(1)));
    }
    if (isCircuitOpen(e)) {
      return Optional.of(NerveException.unavailable(ErrorCode.UNAVAILABLE.plainMessage(), e));
    }
    return Optional.empty();
  }

  /** Whether a transaction failure happened while rolling back (so nothing was committed). */
  private static boolean rollingBack(Throwable e) {
    return message(e).contains("roll back") || message(e).contains("rollback");
  }

  private static boolean sqlFailure(Throwable e) {
    return anyCause(e, t -> t instanceof SQLException);
  }

  /** Whether the cause chain holds a SQL failure of the connection or of the server's availability. */
  public static boolean connectionLost(Throwable e) {
    return anyCause(e, t -> t instanceof SQLTransientConnectionException
        || t instanceof SQLNonTransientConnectionException
        || t instanceof SQLRecoverableException
        || (t instanceof SQLException sql && unavailableState(sql.getSQLState())));
  }

  /**
   * SQL states meaning the server cannot serve now: class 08 (connection exception), 53
   * (insufficient resources, e.g. too many connections), 57P01-57P03 (shutting down, starting).
   */
  static boolean unavailableState(String state) {
    return state != null
        && (state.startsWith("08")
            || state.startsWith("53")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03"));
  }

  /** A command Redis never received: rejected while disconnected, or drained unsent on a disconnect. */
  private static boolean redisUnreachable(Throwable e) {
    return anyCause(e, t -> t instanceof RedisConnectionException
        || message(t).contains("not connected")
        || message(t).contains("Connection disconnected")
        || message(t).contains("Commands are rejected"));
  }

  /** A command that was sent when the connection broke: Redis may have run it. */
  private static boolean redisLostInFlight(Throwable e) {
    return anyCause(e, t -> t instanceof java.io.IOException
        || message(t).contains("Connection closed")
        || message(t).contains("Connection reset"));
  }

  /** Whether {@code e} or any of its causes matches. */
  private static boolean anyCause(Throwable e, java.util.function.Predicate<Throwable> matches) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (matches.test(t)) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? "" : t.getMessage();
  }

  private static boolean isCircuitOpen(Throwable e) {
    return e instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException;
  }
}
