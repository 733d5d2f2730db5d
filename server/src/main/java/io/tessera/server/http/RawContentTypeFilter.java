package io.tessera.server.http;

import io.tessera.swift.http.RawContentType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Swift stores whatever {@code Content-Type} a client sends ("weird", {@code a/b; q="x"}...), but
 * Jersey's servlet layer parses it as a media type before any JAX-RS filter runs and answers a bare
 * 400 when it is not one. No resource lets Jersey read a body by media type (bodies are streams), so
 * this filter keeps the client's text in a request attribute ({@link RawContentType}) and shows Jersey
 * a neutral type. Replies work the same way backwards: a resource names the object's type in
 * {@link RawContentType#RESPONSE_HEADER}, and this filter writes it as the Content-Type, ignoring the
 * one Jersey negotiated.
 */
public final class RawContentTypeFilter implements Filter {
    private static final String NEUTRAL = "application/octet-stream";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        ServletResponse response = new RawTypeResponse((HttpServletResponse) res);
        String raw = http.getHeader("Content-Type");
        if (raw == null) {
            chain.doFilter(req, response);
            return;
        }
        http.setAttribute(RawContentType.PROPERTY, raw);
        chain.doFilter(new HttpServletRequestWrapper(http) {
            @Override
            public String getContentType() {
                return NEUTRAL;
            }

            @Override
            public String getHeader(String name) {
                return isContentType(name) ? NEUTRAL : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return isContentType(name) ? Collections.enumeration(java.util.List.of(NEUTRAL)) : super.getHeaders(name);
            }
        }, response);
    }

    /** Turns {@link RawContentType#RESPONSE_HEADER} into the Content-Type, which then no longer changes. */
    private static final class RawTypeResponse extends HttpServletResponseWrapper {
        private boolean rawTypeSet;

        RawTypeResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            if (RawContentType.RESPONSE_HEADER.equalsIgnoreCase(name)) {
                rawTypeSet = true;
                // Through the servlet API Jetty would re-render the value ("text/html;charset=utf-8");
                // Swift clients compare it as text, so it goes straight into the wire headers.
                Response wire = Response.getOriginalResponse(ServletContextResponse.getServletContextResponse(getResponse()));
                wire.getHeaders().put(HttpHeader.CONTENT_TYPE, value);
            } else if (!(rawTypeSet && isContentType(name))) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (RawContentType.RESPONSE_HEADER.equalsIgnoreCase(name) || (rawTypeSet && isContentType(name))) {
                setHeader(name, value);
            } else {
                super.addHeader(name, value);
            }
        }

        @Override
        public void setContentType(String type) {
            if (!rawTypeSet) {
                super.setContentType(type);
            }
        }
    }

    private static boolean isContentType(String name) {
        return "content-type".equalsIgnoreCase(name);
    }
}
