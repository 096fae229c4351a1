/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification.spring;

import io.switchman.verification.HistoryWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The faults the soak switches on inside the Spring Boot worker, through a control file that the
 * schedule writes ({@code verification.control}; one word: {@code none}, {@code swallow-interrupts}
 * or {@code slow-listener}). Polled every 20 ms by a daemon thread; every change is appended to the
 * worker's history as {@code mode value=...}.
 */
@Component
public class FaultControl implements DisposableBean {

  /** No fault: jobs stop when interrupted, listeners are quick. */
  public static final String NONE = "none";

  /** The lock job catches {@code InterruptedException} and goes on (and ignores the flag). */
  public static final String SWALLOW_INTERRUPTS = "swallow-interrupts";

  /** The loss listener sleeps 3 s in {@code stopping}. */
  public static final String SLOW_LISTENER = "slow-listener";

  private final Path file;
  private final HistoryWriter history;
  private final Thread poller;
  private volatile String mode = NONE;
  private volatile boolean closed;

  public FaultControl(
      @Value("${verification.control:}") String control,
      @Value("${verification.worker}") String worker,
      @Value("${verification.history}") String history)
      throws IOException {
    this.file =
        Path.of(control.isBlank() ? "/nonexistent/switchman-verification.control" : control);
    this.history = new HistoryWriter(Path.of(history), worker);
    this.poller = new Thread(this::poll, "verification-fault-control");
    this.poller.setDaemon(true);
    this.poller.start();
  }

  /** The mode now. */
  public String mode() {
    return mode;
  }

  public boolean swallowInterrupts() {
    return SWALLOW_INTERRUPTS.equals(mode);
  }

  public boolean slowListener() {
    return SLOW_LISTENER.equals(mode);
  }

  /** Appends a line to the worker's history (for the listener). */
  void note(String type, Object... attrs) {
    history.append(type, attrs);
  }

  private void poll() {
    while (!closed) {
      String now;
      try {
        now = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        now = NONE;
      } catch (IOException e) {
        now = mode;
      }
      if (now.isEmpty()) {
        now = NONE;
      }
      if (!now.equals(mode)) {
        mode = now;
        history.append("mode", "value", now);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void destroy() throws IOException {
    closed = true;
    poller.interrupt();
    history.close();
  }
}
