/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Routes SLF4J (the core, Curator, ZooKeeper) into switchman's log format. The core's messages
 * follow the configured level; the libraries' warnings and errors only show at level {@code debug}
 * (switchman's own lines say what failed), so that a cron job's mail stays readable.
 */
public final class CliLoggerProvider implements SLF4JServiceProvider {

  private final ILoggerFactory factory = CliLogger::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /** Called by the {@link java.util.ServiceLoader}. */
  public CliLoggerProvider() {}

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** One logger; the threshold depends on whether the logger is switchman's own. */
  static final class CliLogger extends LegacyAbstractLogger {

    private final boolean own;

    CliLogger(String name) {
      this.name = name;
      this.own = name.startsWith("io.switchman.");
    }

    private boolean enabled(CliLog.Level l) {
      if (own) {
        return CliLog.enabled(l);
      }
      return CliLog.level() == CliLog.Level.DEBUG
          && l.compareTo(CliLog.Level.WARN) >= 0
          && CliLog.enabled(l);
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(CliLog.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(CliLog.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(CliLog.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(CliLog.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return CliLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level,
        @Nullable Marker marker,
        String pattern,
        Object @Nullable [] args,
        @Nullable Throwable t) {
      String msg = MessageFormatter.basicArrayFormat(pattern, args);
      if (t != null) {
        msg = msg + ": " + t;
      }
      if (!own) {
        msg = shortName(name) + ": " + msg;
      }
      CliLog.log(toCli(level), msg);
    }

    private static CliLog.Level toCli(Level level) {
      return switch (level) {
        case ERROR -> CliLog.Level.ERROR;
        case WARN -> CliLog.Level.WARN;
        case INFO -> CliLog.Level.INFO;
        default -> CliLog.Level.DEBUG;
      };
    }

    private static String shortName(String name) {
      int dot = name.lastIndexOf('.');
      return dot < 0 ? name : name.substring(dot + 1);
    }
  }
}
