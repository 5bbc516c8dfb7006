package io.fleetconf.server.http;

/** A refusal that only makes sense at the HTTP edge: authentication, method, size, media type. */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final java.util.Map<String, String> headers;

  public ApiException(int status, String code, String message) {
    this(status, code, message, java.util.Map.of());
  }

  public ApiException(int status, String code, String message, java.util.Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = java.util.Map.copyOf(headers);
  }

  /** Headers the refusal carries, e.g. {@code Retry-After} on a 429. */
  public java.util.Map<String, String> headers() {
    return headers;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
