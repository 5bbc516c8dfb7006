package io.fleetconf.server.http;

import io.fleetconf.core.Excerpt;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The framing rules Netty's codec leaves to us, between the codec and the aggregator: a request
 * with both Content-Length and Transfer-Encoding (whatever its value) is refused with 400, and a
 * Transfer-Encoding other than {@code chunked} alone with 501 (RFC 9112 section 6.1), each then
 * closing the connection, since the server and a proxy before it may disagree on where the body
 * ends. (With {@code chunked} the codec itself refuses the pair: RFC 9112 mode, see NettyServer.)
 * A refused request goes on as a failed request, so that it is answered in its turn.
 */
final class Framing extends ChannelInboundHandlerAdapter {
  /** Why a request was refused before any handler saw it: the status, code and message to answer. */
  static final class Refused extends DecoderException {
    final HttpResponseStatus status;
    final String code;

    Refused(HttpResponseStatus status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  static final String BOTH_LENGTHS = "a request must not have both Content-Length and Transfer-Encoding";

  /** Set once a request is refused: the rest of the connection's input is dropped until it closes. */
  private boolean refused;

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    if (refused) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
      Refused refusal = codings.isEmpty() ? null
          : request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
              ? new Refused(HttpResponseStatus.BAD_REQUEST, "bad_request", BOTH_LENGTHS)
              : codings.size() != 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")
                  ? new Refused(HttpResponseStatus.NOT_IMPLEMENTED, "not_implemented", "Transfer-Encoding '"
                      + Excerpt.of(String.join(", ", codings)) + "' is not supported; send chunked or Content-Length")
                  : null;
      if (refusal != null) {
        refused = true;
        ReferenceCountUtil.release(message);
        context.fireChannelRead(failed(request, refusal));
        return;
      }
    }
    context.fireChannelRead(message);
  }

  /** {@code request}'s head, as a complete request that failed for {@code cause}. */
  static DefaultFullHttpRequest failed(HttpRequest request, DecoderException cause) {
    DefaultFullHttpRequest failed = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), Unpooled.EMPTY_BUFFER, request.headers().copy(),
        io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    failed.setDecoderResult(DecoderResult.failure(cause));
    return failed;
  }

  /**
   * An answer the Netty layer gives itself, in the router's {@code {"error", "message"}} shape,
   * closing the connection.
   */
  static FullHttpResponse errorResponse(HttpResponseStatus status, String code, String message) {
    String body = new io.fleetconf.api.ErrorBody(code, message).toJson().toString();
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /**
   * Netty's aggregator, except that a body over the limit, or an expectation it cannot meet, is
   * answered in fleetconf's error shape and in its turn (Netty writes a bare 413 or 417 at once).
   */
  static final class Aggregator extends HttpObjectAggregator {
    private final int maxBody;

    Aggregator(int maxBody) {
      super(maxBody, true);
      this.maxBody = maxBody;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
      Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
      if (answer instanceof FullHttpResponse response && response.status().code() >= 400) {
        ReferenceCountUtil.release(answer);
        if (response.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
          return null; // then the aggregator finds the length too large: handleOversizedMessage
        }
        return errorResponse(HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed",
            "the only expectation understood is 100-continue");
      }
      return answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext context, HttpMessage oversized) {
      if (oversized instanceof HttpRequest request) {
        context.fireChannelRead(failed(request, new Refused(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
            "the request body is larger than the " + maxBody + "-byte limit")));
      } else {
        context.close();
      }
    }
  }
}
