/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.console;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the console at {@code switchman.console.path}: the page, its script and style (shipped in
 * the jar, no CDN), and the event stream {@code <path>/events}.
 */
@Controller
@RequestMapping("${switchman.console.path:/switchman}")
public class SwitchmanConsoleController {

  private static final String RESOURCES = "/io/switchman/spring/boot/console/";

  private final SwitchmanConsole console;
  private final String path;
  private final String page = resource("console.html");
  private final String script = resource("console.js");
  private final String style = resource("console.css");

  /**
   * @param console the live view
   * @param path the console's path ({@code switchman.console.path})
   */
  public SwitchmanConsoleController(SwitchmanConsole console, String path) {
    this.console = console;
    this.path = path;
  }

  /** The page. */
  @GetMapping(produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  public ResponseEntity<String> page(HttpServletRequest request) {
    String context = request.getContextPath();
    String write = console.writePath();
    String[] csrf = csrf(request);
    String html =
        page.replace("{{base}}", attr(context + path))
            .replace("{{write}}", attr(write == null ? "" : context + write))
            .replace("{{csrfHeader}}", attr(csrf[0]))
            .replace("{{csrfToken}}", attr(csrf[1]));
    return ResponseEntity.ok()
        .cacheControl(CacheControl.noStore())
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .body(html);
  }

  /** The script. */
  @GetMapping("/console.js")
  @ResponseBody
  public ResponseEntity<String> script() {
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "javascript", StandardCharsets.UTF_8))
        .body(script);
  }

  /** The style. */
  @GetMapping("/console.css")
  @ResponseBody
  public ResponseEntity<String> style() {
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "css", StandardCharsets.UTF_8))
        .body(style);
  }

  /** The live view: an event {@code status} at once and on every change. */
  @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  public SseEmitter events() {
    return console.subscribe();
  }

  /**
   * Spring Security's CSRF token of the request (header name and value), when it set one, so that
   * the page's posts to the endpoint pass its CSRF protection; empty strings otherwise.
   */
  private static String[] csrf(HttpServletRequest request) {
    Object token = request.getAttribute("_csrf");
    if (token != null) {
      try {
        Method header = token.getClass().getMethod("getHeaderName");
        Method value = token.getClass().getMethod("getToken");
        return new String[] {
          String.valueOf(header.invoke(token)), String.valueOf(value.invoke(token))
        };
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not a CsrfToken: no token
      }
    }
    return new String[] {"", ""};
  }

  private static String attr(@Nullable String value) {
    return value == null ? "" : HtmlUtils.htmlEscape(value, "UTF-8");
  }

  private static String resource(String name) {
    try (InputStream in = SwitchmanConsoleController.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing console resource " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
