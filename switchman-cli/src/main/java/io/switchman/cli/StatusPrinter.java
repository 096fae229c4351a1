/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchman.core.ClusterStatus;
import io.switchman.core.ClusterStatus.LeaseInfo;
import io.switchman.core.ClusterStatus.LockInfo;
import io.switchman.core.ClusterStatus.QueueEntry;
import io.switchman.core.Pause;
import io.switchman.core.internal.Names;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Prints {@code switchman --status}: as text for people, or as JSON with {@code --json}. */
final class StatusPrinter {

  /**
   * Everything outside ASCII is escaped ({@code \\uXXXX}) in {@code --json}, as control characters
   * are: holder data written by anyone never reaches a terminal raw, and the JSON stays valid.
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private StatusPrinter() {}

  static void print(ClusterStatus s, boolean json, PrintStream out) {
    if (json) {
      try {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(s)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.print(text(s));
    }
    out.flush();
  }

  static String text(ClusterStatus s) {
    StringBuilder sb = new StringBuilder();
    sb.append("prefix ").append(s.prefix()).append('\n');
    sb.append("locks:");
    if (s.locks().isEmpty()) {
      sb.append(" none");
    }
    sb.append('\n');
    for (LockInfo l : s.locks()) {
      Pause p = l.pause();
      if (p != null) {
        sb.append("  ")
            .append(p(l.name()))
            .append("  PAUSED by ")
            .append(p(p.who()))
            .append("  since ")
            .append(p.since())
            .append("  reason ")
            .append(p.reason().isEmpty() ? "(none given)" : p(p.reason()))
            .append('\n');
        continue;
      }
      sb.append("  ")
          .append(p(l.name()))
          .append("  holder ")
          .append(p(l.holder()))
          .append("  fencing token ")
          .append(l.fencingToken())
          .append("  since ")
          .append(l.since())
          .append("  session 0x")
          .append(Long.toHexString(l.sessionId()))
          .append('\n');
    }
    queues(sb, "waiting for locks", s.waiters());
    queues(sb, "queues", s.queues());
    sb.append("leases:");
    if (s.leases().values().stream().allMatch(List::isEmpty)) {
      sb.append(" none");
    }
    sb.append('\n');
    s.leases()
        .forEach(
            (resource, leases) -> {
              long used = leases.stream().mapToLong(LeaseInfo::amount).sum();
              if (leases.isEmpty()) {
                return;
              }
              sb.append("  ")
                  .append(p(resource))
                  .append(": ")
                  .append(used)
                  .append(" of ")
                  .append(leases.get(0).capacity())
                  .append(" units held\n");
              for (LeaseInfo l : leases) {
                sb.append("    ")
                    .append(l.amount())
                    .append(" units  holder ")
                    .append(p(l.holder()))
                    .append("  fencing token ")
                    .append(l.fencingToken())
                    .append("  since ")
                    .append(l.since())
                    .append("  node ")
                    .append(p(l.node()))
                    .append('\n');
              }
            });
    sb.append("cluster data: ")
        .append(s.clusterData() == null ? "(znode " + s.prefix() + " missing)" : p(s.clusterData()))
        .append('\n');
    return sb.toString();
  }

  /**
   * Node data and names as one printable line: holder data is whatever a client wrote (NUL bytes,
   * escape sequences, newlines), so control characters, Unicode format characters (such as bidi
   * overrides) and line separators are escaped as {@code \\uXXXX}, never sent raw to a terminal.
   */
  static String p(String value) {
    String s = Names.printable(value);
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int type = Character.getType(c);
      boolean escape =
          type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR
              || type == Character.SURROGATE && !validSurrogate(s, i);
      if (escape && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (escape) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static void queues(StringBuilder sb, String title, Map<String, List<QueueEntry>> queues) {
    if (queues.values().stream().allMatch(List::isEmpty)) {
      return;
    }
    sb.append(title).append(":\n");
    queues.forEach(
        (name, entries) -> {
          if (entries.isEmpty()) {
            return;
          }
          sb.append("  ").append(p(name)).append(":\n");
          for (QueueEntry e : entries) {
            sb.append("    ")
                .append(p(e.name()))
                .append("  holder ")
                .append(p(e.holder()))
                .append("  since ")
                .append(e.since())
                .append("  node ")
                .append(p(e.node()))
                .append('\n');
          }
        });
  }

  static JsonNode toJson(ClusterStatus s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("prefix", s.prefix());
    ArrayNode locks = root.putArray("locks");
    for (LockInfo l : s.locks()) {
      locks
          .addObject()
          .put("name", l.name())
          .put("holder", l.holder())
          .put("fencingToken", l.fencingToken())
          .put("since", l.since().toString())
          .put("sessionId", "0x" + Long.toHexString(l.sessionId()));
      Pause p = l.pause();
      ObjectNode lock = (ObjectNode) locks.get(locks.size() - 1);
      lock.put("paused", p != null);
      if (p == null) {
        lock.putNull("pause");
      } else {
        ObjectNode pn = lock.putObject("pause");
        pn.put("host", p.host()).put("since", p.since().toString()).put("reason", p.reason());
        if (p.operator() == null) {
          pn.putNull("operator");
        } else {
          pn.put("operator", p.operator());
        }
        pn.put("who", p.who());
      }
    }
    queuesJson(root.putObject("waiters"), s.waiters());
    queuesJson(root.putObject("queues"), s.queues());
    ObjectNode leases = root.putObject("leases");
    s.leases()
        .forEach(
            (resource, list) -> {
              ArrayNode a = leases.putArray(resource);
              for (LeaseInfo l : list) {
                a.addObject()
                    .put("node", l.node())
                    .put("amount", l.amount())
                    .put("capacity", l.capacity())
                    .put("holder", l.holder())
                    .put("fencingToken", l.fencingToken())
                    .put("since", l.since().toString());
              }
            });
    if (s.clusterData() == null) {
      root.putNull("clusterData");
    } else {
      try {
        root.set("clusterData", JSON.readTree(s.clusterData()));
      } catch (JsonProcessingException e) {
        root.put("clusterData", s.clusterData());
      }
    }
    return root;
  }

  private static void queuesJson(ObjectNode node, Map<String, List<QueueEntry>> queues) {
    queues.forEach(
        (name, entries) -> {
          ArrayNode a = node.putArray(name);
          for (QueueEntry e : entries) {
            a.addObject()
                .put("node", e.node())
                .put("name", e.name())
                .put("sequence", e.sequence())
                .put("holder", e.holder())
                .put("since", e.since().toString());
          }
        });
  }
}
