/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A TCP fault proxy on loopback between one client process and every server of an ensemble: one
 * listening port per server, one {@link Mode} for all of them, switched at any time.
 *
 * <ul>
 *   <li>{@link #forward()}: bytes pass unchanged.
 *   <li>{@link #partition()}: every byte in either direction is dropped silently, and the sockets
 *       stay open; connections opened meanwhile are accepted and hear nothing. Neither side learns
 *       of a close by the other. This is a network partition as the endpoints see it: silence. When
 *       the partition heals, the connections that lived through it have lost bytes in the middle of
 *       their stream, so they are reset (as TCP would after retransmission gave up) and the client
 *       reconnects, on the same session if the server has not expired it meanwhile.
 *   <li>{@link #delay(Duration)}: every chunk is delivered that long after it was read, in order (a
 *       slow network).
 *   <li>{@link #refuse()}: every open connection is closed and new ones are closed at once (a
 *       server that went away, seen from this client only).
 *   <li>{@link #closeConnections()}: closes every open connection once; the mode stays.
 * </ul>
 *
 * <p>Thread-safe. Threads are daemons; {@link #close()} stops everything.
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does with traffic. */
  public enum Mode {
    FORWARD,
    PARTITION,
    DELAY,
    REFUSE
  }

  private final String name;
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final List<Integer> targets;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong forwardedBytes = new AtomicLong();
  private final AtomicLong droppedBytes = new AtomicLong();
  private volatile Mode mode = Mode.FORWARD;
  private volatile long delayNanos;
  private volatile boolean closed;

  private FaultProxy(String name, List<Integer> targets) {
    this.name = name;
    this.targets = List.copyOf(targets);
  }

  /** Starts a proxy named {@code name} with one listening port per target port. */
  public static FaultProxy start(String name, List<Integer> targetPorts) throws IOException {
    if (targetPorts.isEmpty()) {
      throw new IllegalArgumentException("A fault proxy needs at least one target port");
    }
    FaultProxy p = new FaultProxy(name, targetPorts);
    try {
      for (int target : targetPorts) {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        p.listeners.add(s);
        daemon("fault-proxy-" + name + "-accept-" + s.getLocalPort(), () -> p.accept(s, target))
            .start();
      }
    } catch (IOException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Starts a proxy in front of {@code targetPorts}. */
  public static FaultProxy start(String name, int... targetPorts) throws IOException {
    return start(name, Arrays.stream(targetPorts).boxed().toList());
  }

  /** The proxy's name (the client it serves). */
  public String name() {
    return name;
  }

  /** The listening ports, in the order of the targets. */
  public List<Integer> ports() {
    return listeners.stream().map(ServerSocket::getLocalPort).toList();
  }

  /** A ZooKeeper connect string naming every listening port. */
  public String connectString() {
    return ports().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The current mode. */
  public Mode mode() {
    return mode;
  }

  /** The delay applied in {@link Mode#DELAY}. */
  public Duration currentDelay() {
    return Duration.ofNanos(delayNanos);
  }

  /** Connections open now. */
  public int openConnections() {
    return links.size();
  }

  /** The target ports that open connections go to now (for a ZooKeeper client: its server). */
  public List<Integer> connectedTargets() {
    return links.stream().map(l -> l.target).distinct().sorted().toList();
  }

  /** Bytes delivered so far, both directions. */
  public long forwardedBytes() {
    return forwardedBytes.get();
  }

  /** Bytes dropped so far by a partition, both directions. */
  public long droppedBytes() {
    return droppedBytes.get();
  }

  /** Forwards again; connections that lived through a partition are reset. */
  public synchronized void forward() {
    Mode was = mode;
    delayNanos = 0;
    mode = Mode.FORWARD;
    if (was == Mode.PARTITION) {
      for (Link l : links) {
        if (l.tainted) {
          l.close();
        }
      }
    }
  }

  /** Drops every byte silently from now on, keeping sockets open. */
  public synchronized void partition() {
    for (Link l : links) {
      l.tainted = true;
    }
    mode = Mode.PARTITION;
  }

  /** Delivers every chunk {@code delay} after it was read. */
  public synchronized void delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("Invalid delay " + delay + ": must not be negative");
    }
    if (mode == Mode.PARTITION) {
      forward();
    }
    delayNanos = delay.toNanos();
    mode = Mode.DELAY;
  }

  /** Closes every connection and every new one at once. */
  public synchronized void refuse() {
    mode = Mode.REFUSE;
    closeConnections();
  }

  /** Closes every open connection once; clients see a reset and reconnect. */
  public void closeConnections() {
    for (Link l : links) {
      l.close();
    }
  }

  private void accept(ServerSocket server, int target) {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (mode == Mode.REFUSE) {
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        // a client that already closed: its bytes and its end are still to be delivered
      }
      Link link = new Link(client, upstream, target);
      link.tainted = mode == Mode.PARTITION;
      links.add(link);
      link.start();
    }
  }

  private record Chunk(long deliverAtNanos, byte[] bytes) {}

  /** The end of a stream, queued after its last bytes. */
  private static final byte[] END = new byte[0];

  /** One proxied connection: two directions, each a reader and a writer thread. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private final int target;
    private volatile boolean tainted;
    private volatile boolean done;

    Link(Socket client, Socket upstream, int target) {
      this.client = client;
      this.upstream = upstream;
      this.target = target;
    }

    void start() {
      direction(client, upstream, "up");
      direction(upstream, client, "down");
    }

    private void direction(Socket from, Socket to, String label) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      String prefix = "fault-proxy-" + name + "-" + from.getLocalPort() + "-" + label;
      daemon(prefix + "-read", () -> read(from, queue)).start();
      daemon(prefix + "-write", () -> write(to, queue)).start();
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buf = new byte[16384];
      // Not closed here: closing a socket's stream closes the socket, and the other direction
      // still writes to it; the link closes both sockets once the end was delivered.
      try {
        InputStream in = from.getInputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (mode == Mode.PARTITION) {
            droppedBytes.addAndGet(n);
            continue;
          }
          long at = mode == Mode.DELAY ? System.nanoTime() + delayNanos : 0;
          queue.add(new Chunk(at, Arrays.copyOf(buf, n)));
        }
      } catch (IOException e) {
        // closed
      }
      if (mode != Mode.PARTITION && !done) {
        // End of stream: delivered after the bytes read before it (a peer that writes and closes
        // at once, as a ZooKeeper server dropping a connection from a smaller id does, must not
        // lose its last message to the proxy)
        long at = mode == Mode.DELAY ? System.nanoTime() + delayNanos : 0;
        queue.add(new Chunk(at, END));
        return;
      }
      // End of stream: a partition hides it until it heals (then the link is reset anyway).
      while (mode == Mode.PARTITION && !done && !closed) {
        pause(20);
      }
      close();
    }

    private void write(Socket to, BlockingQueue<Chunk> queue) {
      try (OutputStream out = to.getOutputStream()) {
        while (!done) {
          Chunk c = queue.poll(100, TimeUnit.MILLISECONDS);
          if (c == null) {
            continue;
          }
          long wait = c.deliverAtNanos() - System.nanoTime();
          if (c.deliverAtNanos() != 0 && wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (mode == Mode.PARTITION) {
            droppedBytes.addAndGet(c.bytes().length);
            continue;
          }
          if (c.bytes() == END) {
            break; // the other side closed; everything it sent before is delivered
          }
          out.write(c.bytes());
          out.flush();
          forwardedBytes.addAndGet(c.bytes().length);
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
      close();
    }

    void close() {
      done = true;
      links.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + name + " " + mode + " " + ports() + " -> " + targets + "]";
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket s : listeners) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
    closeConnections();
  }
}
