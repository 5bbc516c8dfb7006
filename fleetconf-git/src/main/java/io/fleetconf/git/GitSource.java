package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A repository fleetconf follows: a name, the URL to fetch, the branch and the sub-path that holds
 * the layout. Written {@code NAME=URL[#branch][:path]}, e.g.
 * {@code fleet=https://git.example/ops/fleet.git#main:config}.
 */
public record GitSource(String name, String url, String branch, String path) {
  public static final String DEFAULT_BRANCH = "main";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  // user:password@ or token@ right after a URL's scheme, anywhere in a text: what a log must never show.
  private static final Pattern CREDENTIALS = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@");

  public GitSource {
    if (!NAME.matcher(name).matches()) {
      throw invalid("source name '" + name + "' must be 1-63 lower-case letters, digits, '_' or '-'");
    }
    if (url.isBlank()) {
      throw invalid("source '" + name + "' has no URL");
    }
    if (!BRANCH.matcher(branch).matches() || branch.contains("..") || branch.startsWith("/") || branch.endsWith("/")) {
      throw invalid("source '" + name + "': '" + branch + "' is not a branch name");
    }
    if (!path.isEmpty() && (!PATH.matcher(path).matches() || ("/" + path + "/").contains("/../")
        || ("/" + path + "/").contains("/./"))) {
      throw invalid("source '" + name + "': sub-path '" + path + "' must be a relative path without '.' or '..'");
    }
  }

  /**
   * Parses {@code NAME=URL[#branch][:path]}. The {@code :path} is the part after the last colon that
   * follows the {@code #branch}; without a branch, give one to use a path ({@code #main:config}),
   * since a URL holds colons of its own.
   */
  public static GitSource parse(String spec) {
    int equals = spec.indexOf('=');
    if (equals <= 0) {
      throw invalid("git source '" + redact(spec) + "' must be NAME=URL[#branch][:path]");
    }
    String name = spec.substring(0, equals);
    String rest = spec.substring(equals + 1);
    int hash = rest.lastIndexOf('#');
    if (hash < 0) {
      return new GitSource(name, rest, DEFAULT_BRANCH, "");
    }
    String url = rest.substring(0, hash);
    String ref = rest.substring(hash + 1);
    int colon = ref.indexOf(':');
    return colon < 0 ? new GitSource(name, url, ref.isEmpty() ? DEFAULT_BRANCH : ref, "")
        : new GitSource(name, url, colon == 0 ? DEFAULT_BRANCH : ref.substring(0, colon), ref.substring(colon + 1));
  }

  /** The URL as logs and the API may show it: any user or password before the host replaced by {@code ***}. */
  public String displayUrl() {
    return redact(url);
  }

  /** {@code text} with the user and password of every URL in it replaced by {@code ***}. */
  static String redact(String text) {
    return CREDENTIALS.matcher(text).replaceAll("$1***@");
  }

  @Override
  public String toString() {
    return name + "=" + displayUrl() + "#" + branch + (path.isEmpty() ? "" : ":" + path);
  }

  private static InvalidInputException invalid(String message) {
    return new InvalidInputException("invalid_git_source", message);
  }
}
