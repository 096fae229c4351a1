/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A TCP proxy on loopback between ZooKeeper clients and one server that reads the ZooKeeper wire
 * protocol as it forwards it, and counts: client requests by operation type (each frame is a 4-byte
 * length, then {@code xid int, type int}; the first frame of a connection is the connect request
 * and has no header), and server frames with {@code xid -1} (watch notifications). One selector
 * thread, so a thousand sessions cost no thousand threads. {@link #partition()} drops every byte in
 * both directions while keeping the sockets open: a network partition as the client sees it.
 */
final class CountingProxy implements AutoCloseable {

  /** ZooKeeper's {@code OpCode}s that this report names. */
  static final Map<Integer, String> OP_NAMES =
      Map.ofEntries(
          Map.entry(0, "notification"),
          Map.entry(1, "create"),
          Map.entry(2, "delete"),
          Map.entry(3, "exists"),
          Map.entry(4, "getData"),
          Map.entry(5, "setData"),
          Map.entry(6, "getACL"),
          Map.entry(7, "setACL"),
          Map.entry(8, "getChildren"),
          Map.entry(9, "sync"),
          Map.entry(11, "ping"),
          Map.entry(12, "getChildren2"),
          Map.entry(13, "check"),
          Map.entry(14, "multi"),
          Map.entry(15, "create2"),
          Map.entry(17, "checkWatches"),
          Map.entry(18, "removeWatches"),
          Map.entry(19, "createContainer"),
          Map.entry(21, "createTTL"),
          Map.entry(22, "multiRead"),
          Map.entry(101, "setWatches"),
          Map.entry(105, "setWatches2"),
          Map.entry(106, "addWatch"),
          Map.entry(-11, "closeSession"));

  private static final int OFFSET = 16;
  private static final int SLOTS = 128;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final InetSocketAddress target;
  private final Thread loop;
  private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
  private final java.util.concurrent.atomic.AtomicLong notifications =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong connections =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean partitioned;
  private volatile boolean timing;
  private final Map<String, Samples> roundTrips = new TreeMap<>();
  private volatile boolean closed;

  CountingProxy(int targetPort) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    this.loop = new Thread(this::run, "counting-proxy-" + port());
    loop.setDaemon(true);
    loop.start();
  }

  int port() {
    return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
  }

  String connectString() {
    return "127.0.0.1:" + port();
  }

  void partition() {
    partitioned = true;
  }

  void heal() {
    partitioned = false;
  }

  long connectionsAccepted() {
    return connections.get();
  }

  /**
   * Starts or stops measuring each request's round trip as the proxy sees it: from forwarding the
   * request to the server to reading its reply (the server's work, fsync included, plus the
   * loopback hop), by request type. Starting clears what was measured before.
   */
  void timeRoundTrips(boolean on) {
    synchronized (roundTrips) {
      if (on) {
        roundTrips.clear();
      }
      timing = on;
    }
  }

  /** Round trips measured so far, by request name. */
  Map<String, Samples> roundTrips() {
    synchronized (roundTrips) {
      Map<String, Samples> copy = new TreeMap<>();
      roundTrips.forEach(
          (k, v) -> {
            Samples c = new Samples(v.size());
            c.addAll(v);
            copy.put(k, c);
          });
      return copy;
    }
  }

  private void recordRoundTrip(int type, long nanos) {
    synchronized (roundTrips) {
      if (timing) {
        roundTrips
            .computeIfAbsent(OP_NAMES.getOrDefault(type, "op" + type), k -> new Samples(1024))
            .add(nanos);
      }
    }
  }

  /** A snapshot of the counters. */
  Counts counts() {
    long[] r = new long[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      r[i] = requests.get(i);
    }
    return new Counts(r, notifications.get());
  }

  /** Request counts by operation type and the notifications the server pushed. */
  static final class Counts {
    private final long[] requests;
    private final long notifications;

    Counts(long[] requests, long notifications) {
      this.requests = requests;
      this.notifications = notifications;
    }

    Counts minus(Counts before) {
      long[] r = new long[SLOTS];
      for (int i = 0; i < SLOTS; i++) {
        r[i] = requests[i] - before.requests[i];
      }
      return new Counts(r, notifications - before.notifications);
    }

    long of(int opCode) {
      return requests[opCode + OFFSET];
    }

    long notifications() {
      return notifications;
    }

    /** Requests that change state: one transaction each ({@code multi} counts once). */
    long writes() {
      return of(1) + of(2) + of(5) + of(7) + of(13) + of(14) + of(15) + of(19) + of(21);
    }

    /** Requests that only read (including setting watches). */
    long reads() {
      return of(3) + of(4) + of(6) + of(8) + of(12) + of(22) + of(106) + of(17);
    }

    /** Every request but pings. */
    long operations() {
      long sum = 0;
      for (int i = 0; i < SLOTS; i++) {
        if (i != 11 + OFFSET) {
          sum += requests[i];
        }
      }
      return sum;
    }

    /** Operation name to count, without pings, for counts that are not zero. */
    Map<String, Long> byName() {
      Map<String, Long> out = new TreeMap<>();
      for (int i = 0; i < SLOTS; i++) {
        int op = i - OFFSET;
        if (requests[i] != 0 && op != 11) {
          out.put(OP_NAMES.getOrDefault(op, "op" + op), requests[i]);
        }
      }
      return out;
    }
  }

  /**
   * Reads frame boundaries from one direction of one connection. Frames may be split or joined
   * arbitrarily by TCP; only the first 8 payload bytes of each frame are looked at.
   */
  private final class FrameReader {
    private final boolean fromClient;
    private boolean first = true;
    private final byte[] len = new byte[4];
    private int lenHave;
    private final byte[] head = new byte[8];
    private int headHave;
    private int headNeed;
    private long remaining = -1; // payload bytes left in the current frame; -1: reading length

    /** Requests of this connection awaiting their reply: xid to {type, time forwarded}. */
    private final java.util.HashMap<Integer, long[]> pending;

    FrameReader(boolean fromClient, java.util.HashMap<Integer, long[]> pending) {
      this.fromClient = fromClient;
      this.pending = pending;
    }

    void feed(ByteBuffer data) {
      ByteBuffer b = data.duplicate();
      while (b.hasRemaining()) {
        if (remaining < 0) {
          len[lenHave++] = b.get();
          if (lenHave == 4) {
            lenHave = 0;
            remaining =
                ((len[0] & 0xffL) << 24)
                    | ((len[1] & 0xffL) << 16)
                    | ((len[2] & 0xffL) << 8)
                    | (len[3] & 0xffL);
            headHave = 0;
            headNeed = (int) Math.min(fromClient ? 8 : 4, remaining);
            if (remaining == 0) {
              frame();
              remaining = -1;
            }
          }
        } else {
          if (headHave < headNeed) {
            head[headHave++] = b.get();
            remaining--;
            if (headHave == headNeed) {
              frame();
            }
          } else {
            int skip = (int) Math.min(remaining, b.remaining());
            b.position(b.position() + skip);
            remaining -= skip;
          }
          if (remaining == 0) {
            remaining = -1;
          }
        }
      }
    }

    private void frame() {
      if (first) {
        first = false; // the connect request or response: no header
        return;
      }
      if (headHave < headNeed || headNeed < 4) {
        return;
      }
      int xid = readInt(0);
      if (fromClient) {
        if (headNeed == 8) {
          int type = readInt(4);
          int slot = type + OFFSET;
          if (slot >= 0 && slot < SLOTS) {
            requests.incrementAndGet(slot);
          }
          if (timing && type != 11) {
            pending.put(xid, new long[] {type, System.nanoTime()});
          }
        }
      } else if (xid == -1) {
        notifications.incrementAndGet();
      } else if (!pending.isEmpty()) {
        long[] sent = pending.remove(xid);
        if (sent != null) {
          recordRoundTrip((int) sent[0], System.nanoTime() - sent[1]);
        }
      }
    }

    private int readInt(int at) {
      return ((head[at] & 0xff) << 24)
          | ((head[at + 1] & 0xff) << 16)
          | ((head[at + 2] & 0xff) << 8)
          | (head[at + 3] & 0xff);
    }
  }

  /** One direction of a proxied connection. */
  private final class Pipe {
    final SocketChannel from;
    final SocketChannel to;
    final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    final FrameReader reader;
    @org.jspecify.annotations.Nullable Pipe reverse;

    Pipe(
        SocketChannel from,
        SocketChannel to,
        boolean fromClient,
        java.util.HashMap<Integer, long[]> pending) {
      this.from = from;
      this.to = to;
      this.reader = new FrameReader(fromClient, pending);
    }
  }

  /** What is registered for one channel: the pipe reading from it and the pipe writing to it. */
  private record Ends(Pipe reading, Pipe writing) {}

  private void run() {
    try {
      while (!closed) {
        selector.select();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isAcceptable()) {
              accept();
              continue;
            }
            Ends ends = (Ends) key.attachment();
            if (key.isValid() && key.isWritable()) {
              flush(ends.writing());
            }
            if (key.isValid() && key.isReadable()) {
              read(ends.reading());
            }
          } catch (IOException | RuntimeException e) {
            Object a = key.attachment();
            if (a instanceof Ends ends) {
              closePair(ends.reading());
            }
          }
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // closing
    }
  }

  private void accept() throws IOException {
    SocketChannel client = server.accept();
    if (client == null) {
      return;
    }
    SocketChannel upstream = SocketChannel.open();
    try {
      upstream.connect(target);
    } catch (IOException e) {
      client.close();
      upstream.close();
      return;
    }
    connections.incrementAndGet();
    for (SocketChannel c : new SocketChannel[] {client, upstream}) {
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      c.configureBlocking(false);
    }
    java.util.HashMap<Integer, long[]> pending = new java.util.HashMap<>();
    Pipe up = new Pipe(client, upstream, true, pending);
    Pipe down = new Pipe(upstream, client, false, pending);
    up.reverse = down;
    down.reverse = up;
    client.register(selector, SelectionKey.OP_READ, new Ends(up, down));
    upstream.register(selector, SelectionKey.OP_READ, new Ends(down, up));
  }

  private void read(Pipe p) throws IOException {
    int n = p.from.read(p.buffer);
    if (n < 0) {
      closePair(p);
      return;
    }
    if (partitioned) {
      p.buffer.clear();
      return;
    }
    ByteBuffer fresh = p.buffer.duplicate();
    fresh.flip();
    fresh.position(fresh.limit() - n);
    p.reader.feed(fresh);
    flush(p);
  }

  /** Writes what {@code p} buffered; reads from its source stop while its target is full. */
  private void flush(Pipe p) throws IOException {
    p.buffer.flip();
    if (!partitioned) {
      p.to.write(p.buffer);
    } else {
      p.buffer.position(p.buffer.limit());
    }
    boolean drained = !p.buffer.hasRemaining();
    p.buffer.compact();
    SelectionKey toKey = p.to.keyFor(selector);
    SelectionKey fromKey = p.from.keyFor(selector);
    if (toKey == null || fromKey == null || !toKey.isValid() || !fromKey.isValid()) {
      return;
    }
    if (drained) {
      toKey.interestOps(toKey.interestOps() & ~SelectionKey.OP_WRITE);
      fromKey.interestOps(fromKey.interestOps() | SelectionKey.OP_READ);
    } else {
      toKey.interestOps(toKey.interestOps() | SelectionKey.OP_WRITE);
      fromKey.interestOps(fromKey.interestOps() & ~SelectionKey.OP_READ);
    }
  }

  private void closePair(Pipe p) {
    for (SocketChannel c : new SocketChannel[] {p.from, p.to}) {
      try {
        c.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
      server.close();
    } catch (IOException | ClosedSelectorException e) {
      // ignore
    }
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
