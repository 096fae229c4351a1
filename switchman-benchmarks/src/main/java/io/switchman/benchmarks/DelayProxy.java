/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy that delays everything the server sends by a fixed time (a link with that
 * much latency on replies; pipelined replies overlap, as on a real link). Threads per connection:
 * plain blocking copies.
 */
final class DelayProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final long delayNanos;
  private volatile boolean closed;

  DelayProxy(int targetPort, long delayMs) throws IOException {
    this.targetPort = targetPort;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "delay-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  String connectString() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        client.setTcpNoDelay(true);
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        server.setTcpNoDelay(true);
        daemon(() -> copy(client, server), "delay-proxy-up");
        LinkedBlockingQueue<Object[]> q = new LinkedBlockingQueue<>();
        daemon(() -> readDelayed(server, client, q), "delay-proxy-down-read");
        daemon(() -> writeDelayed(client, q), "delay-proxy-down-write");
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void copy(Socket from, Socket to) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // closed
    }
    closeQuietly(to);
  }

  private void readDelayed(Socket from, Socket to, LinkedBlockingQueue<Object[]> q) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        q.add(new Object[] {System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)});
      }
    } catch (IOException e) {
      // closed
    }
    q.add(new Object[] {0L, new byte[0]});
  }

  private static void writeDelayed(Socket to, LinkedBlockingQueue<Object[]> q) {
    try (OutputStream out = to.getOutputStream()) {
      while (true) {
        Object[] item = q.take();
        byte[] bytes = (byte[]) item[1];
        if (bytes.length == 0) {
          break;
        }
        long wait = (long) item[0] - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        out.write(bytes);
      }
    } catch (IOException | InterruptedException e) {
      // closed
    }
    closeQuietly(to);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }
}
