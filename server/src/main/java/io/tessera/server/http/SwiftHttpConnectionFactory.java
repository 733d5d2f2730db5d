package io.tessera.server.http;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.pithos.ReasonPhrase;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's HTTP/1.1 connections, with two differences from Swift's server (eventlet): an {@code Expect}
 * other than {@code 100-continue} is ignored, as eventlet ignores it (the request is answered as if it
 * had none), and a header line of {@link #MAX_HEADER_LINE} bytes or more is a 400.
 *
 * <p>Why here: Jetty acts on Expect while it parses the request head, before any handler runs. Jetty
 * 12.0.16 fails such a request there and then closes the connection with no reply at all (its issue
 * 13583; later versions answer 417). RFC 9110 (10.1.1) lets a server either refuse an unknown
 * expectation with 417 or ignore it; ignoring it is what Swift does. The field is kept, unrecognized,
 * so the request still shows it.
 *
 * <p>Also writes the reason phrase a reply names in {@link ReasonPhrase#HEADER} (see there).
 */
public final class SwiftHttpConnectionFactory extends HttpConnectionFactory {

    public SwiftHttpConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        ExpectTolerantConnection connection = new ExpectTolerantConnection(getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    /** Whether Swift's server would act on this Expect value (it compares the whole value, any case). */
    /**
     * Swift's server refuses a request header line of this many bytes or more, CRLF included, with a
     * 400 (eventlet's MAX_HEADER_LINE, Swift's max_header_size). Jetty bounds only the whole head; the
     * per-line bound is what lets the write pipeline's budget of stored reply headers assume that one
     * header is under 8 KiB. (Lengths in chars: a request head is ISO-8859-1 on the wire.)
     */
    static final int MAX_HEADER_LINE = 8192;

    static boolean isContinue(String expect) {
        return expect != null && expect.trim().toLowerCase(Locale.ROOT).equals("100-continue");
    }

    /**
     * The reply with the reason phrase its resource named in {@link ReasonPhrase#HEADER} (a Pithos 409
     * {@code CONFLICT}), which is never sent itself. The servlet API has no way to set a reason phrase.
     */
    static MetaData.Response withReasonPhrase(MetaData.Response response) {
        if (response == null) {
            return null; // not the first write of the reply: the status line is out already
        }
        HttpFields fields = response.getHttpFields();
        String phrase = fields == null ? null : fields.get(ReasonPhrase.HEADER);
        if (phrase == null) {
            return response;
        }
        HttpFields.Mutable kept = HttpFields.build(fields);
        kept.remove(ReasonPhrase.HEADER);
        return new MetaData.Response(response.getStatus(), ReasonPhrase.isSafe(phrase) ? phrase : response.getReason(),
                response.getHttpVersion(), kept.asImmutable(), response.getContentLength(),
                response.getTrailersSupplier());
    }

    private static final class ExpectTolerantConnection extends HttpConnection {
        ExpectTolerantConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, HttpVersion version) {
            return new Stream(method, uri, version);
        }

        private final class Stream extends HttpStreamOverHTTP1 {
            Stream(String method, String uri, HttpVersion version) {
                super(method, uri, version);
            }

            @Override
            public void parsedHeader(HttpField field) {
                if (field.getName().length() + field.getValue().length() + 4 >= MAX_HEADER_LINE) {
                    throw new BadMessageException(SwiftError.BAD_REQUEST.code(), "Header Line Too Long");
                }
                if (field.getHeader() == HttpHeader.EXPECT && !isContinue(field.getValue())) {
                    // A field with no known header is carried as it is, and Jetty acts on none.
                    field = new HttpField((HttpHeader) null, field.getName(), field.getValue());
                }
                super.parsedHeader(field);
            }

            @Override
            public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                             Callback callback) {
                super.send(request, withReasonPhrase(response), last, content, callback);
            }
        }
    }
}
