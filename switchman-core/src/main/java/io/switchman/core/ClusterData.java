/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchman.core.internal.LeaseExpression;
import io.switchman.core.internal.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The data of the prefix znode, shared by every host: server groups, the resources that may be
 * leased and, as an extension that switchman 1.16 ignores, default capacities.
 *
 * <pre>{@code
 * {"groups": {"grp1": ["host1", "host2"], "grp2": "host1", "all": ["grp1", "grp2"]},
 *  "resources": ["FQDN_mem", "FQDN_cpu", "db_api"],
 *  "capacities": {"FQDN_cpu": "CPU", "db_api": 4}}
 * }</pre>
 *
 * <p>A group item that names a group is expanded recursively (cycles are cut); anything else is a
 * host name, matched exactly. Empty data means no groups and no resources. Immutable.
 *
 * @param groups group name to its items (host names or group names)
 * @param resources the leasable resources, before macro expansion
 * @param capacities resource name (before expansion) to its capacity expression
 */
public record ClusterData(
    Map<String, List<String>> groups, List<String> resources, Map<String, String> capacities) {

  /** No groups, no resources. */
  public static final ClusterData EMPTY = new ClusterData(Map.of(), List.of(), Map.of());

  /**
   * Reads one JSON value and nothing after it ({@code {...} xyz} is refused). In a holder, made on
   * first use: an empty prefix znode, and {@link #EMPTY}, need no object mapper (about 20 ms of CPU
   * to make, which a short-lived process such as the CLI pays on every run).
   */
  private static final class Json {
    static final ObjectMapper MAPPER =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  public ClusterData {
    LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
    groups.forEach((k, v) -> g.put(Names.checkGroupName(k), List.copyOf(v)));
    groups = Collections.unmodifiableMap(g);
    resources = List.copyOf(resources);
    capacities = Collections.unmodifiableMap(new LinkedHashMap<>(capacities));
  }

  /**
   * Parses the prefix znode's data.
   *
   * @param znode the znode's path, for the error message
   * @throws SwitchmanException of kind {@code INVALID_CLUSTER_DATA} naming the znode and the
   *     problem
   */
  public static ClusterData parse(String znode, byte @Nullable [] data) {
    if (data == null) {
      return EMPTY;
    }
    String text = decode(znode, data);
    if (text.isBlank()) {
      return EMPTY;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      String problem =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw invalid(znode, "it is not valid JSON: " + Names.printable(firstLine(problem)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return EMPTY;
    }
    if (!root.isObject()) {
      throw invalid(znode, "expected a JSON object, found " + kindOf(root));
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    JsonNode g = root.get("groups");
    if (g != null && !g.isNull()) {
      if (!g.isObject()) {
        throw invalid(znode, "\"groups\" must be an object, found " + kindOf(g));
      }
      for (Map.Entry<String, JsonNode> e : g.properties()) {
        if (e.getKey().isEmpty()) {
          throw invalid(znode, "a group name is empty");
        }
        groups.put(e.getKey(), strings(znode, "group \"" + e.getKey() + "\"", e.getValue(), true));
      }
    }
    List<String> resources = List.of();
    JsonNode r = root.get("resources");
    if (r != null && !r.isNull()) {
      resources = strings(znode, "\"resources\"", r, false);
    }
    Map<String, String> capacities = new LinkedHashMap<>();
    JsonNode c = root.get("capacities");
    if (c != null && !c.isNull()) {
      if (!c.isObject()) {
        throw invalid(znode, "\"capacities\" must be an object, found " + kindOf(c));
      }
      for (Map.Entry<String, JsonNode> e : c.properties()) {
        JsonNode v = e.getValue();
        if (v.isIntegralNumber() || v.isTextual()) {
          capacities.put(e.getKey(), v.asText());
        } else {
          throw invalid(
              znode,
              "capacity of \""
                  + e.getKey()
                  + "\" must be an integer or an expression string, found "
                  + kindOf(v));
        }
      }
    }
    return new ClusterData(groups, resources, capacities);
  }

  /**
   * The data as text: UTF-8, strictly (malformed and overlong sequences, surrogates encoded in
   * UTF-8 and truncated sequences are all refused alike, naming the byte offset).
   */
  private static String decode(String znode, byte[] data) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(data);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      int at = in.position();
      int length = e instanceof MalformedInputException m ? m.getInputLength() : 1;
      StringBuilder bytes = new StringBuilder();
      for (int i = at; i < Math.min(data.length, at + Math.max(1, length)); i++) {
        bytes.append(bytes.length() > 0 ? " " : "").append(String.format("%02x", data[i] & 0xff));
      }
      throw invalid(
          znode,
          "it is not valid UTF-8: invalid byte sequence "
              + bytes
              + " at byte "
              + at
              + " (of "
              + data.length
              + ")");
    }
  }

  private static List<String> strings(
      String znode, String what, JsonNode node, boolean singleAllowed) {
    if (singleAllowed && node.isTextual()) {
      return List.of(node.asText());
    }
    if (!node.isArray()) {
      throw invalid(
          znode,
          what
              + " must be "
              + (singleAllowed ? "a string or " : "")
              + "an array of strings, found "
              + kindOf(node));
    }
    String[] out = new String[node.size()];
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        throw invalid(znode, what + " item " + i + " must be a string, found " + kindOf(item));
      }
      out[i] = item.asText();
    }
    return List.of(out);
  }

  private static String kindOf(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number (" + n.asText() + ")";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static SwitchmanException invalid(String znode, String problem) {
    return new SwitchmanException(
        SwitchmanException.Kind.INVALID_CLUSTER_DATA,
        "Invalid cluster data in znode " + znode + ": " + problem);
  }

  /** The data as compact JSON, as stored in the prefix znode. */
  public byte[] toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode g = root.putObject("groups");
    groups.forEach(
        (name, items) -> {
          ArrayNode a = g.putArray(name);
          items.forEach(a::add);
        });
    ArrayNode r = root.putArray("resources");
    resources.forEach(r::add);
    if (!capacities.isEmpty()) {
      ObjectNode c = root.putObject("capacities");
      capacities.forEach(c::put);
    }
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks what {@link #parse} does not: group and resource names, and capacity expressions. Used
   * before writing data, so that a typo never reaches the cluster.
   *
   * @throws SwitchmanException naming the first problem
   */
  public ClusterData validate(HostFacts host) {
    Set<String> seen = new HashSet<>();
    for (String res : resources) {
      Names.checkResourceName(host.expand(res));
      if (!seen.add(res)) {
        throw SwitchmanException.invalid("Resource '" + res + "' is listed twice");
      }
    }
    capacities.forEach(
        (res, expr) -> {
          if (!resources.contains(res)) {
            throw SwitchmanException.invalid(
                "Capacity given for resource '"
                    + res
                    + "', which is not in the resources list "
                    + resources);
          }
          long cap = LeaseExpression.evaluate("capacity of resource " + res, expr, host);
          if (cap < 1) {
            throw SwitchmanException.invalid(
                "Invalid capacity of resource " + res + " '" + expr + "': must be at least 1");
          }
        });
    groups.forEach(
        (name, items) -> {
          for (String item : items) {
            if (item.isBlank()) {
              throw SwitchmanException.invalid("Group '" + name + "' has an empty item");
            }
          }
        });
    return this;
  }

  /**
   * Whether {@code host} belongs to {@code group}, expanding nested groups; cycles are cut.
   *
   * @throws SwitchmanException of kind {@code UNKNOWN_GROUP} if the group is not defined
   */
  public boolean isMember(String group, String host) {
    if (!groups.containsKey(group)) {
      throw new SwitchmanException(
          SwitchmanException.Kind.UNKNOWN_GROUP,
          "Unknown group '"
              + group
              + "': the prefix znode's data defines "
              + (groups.isEmpty() ? "no groups" : "the groups " + groups.keySet()));
    }
    Set<String> visited = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.push(group);
    while (!todo.isEmpty()) {
      String g = todo.pop();
      if (!visited.add(g)) {
        continue;
      }
      for (String item : groups.getOrDefault(g, List.of())) {
        if (groups.containsKey(item)) {
          todo.push(item);
        } else if (item.equals(host)) {
          return true;
        }
      }
    }
    return false;
  }
}
