package io.tessera.server.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Builds the Jetty 12 server that carries the Jersey application. */
public final class JettyServerFactory {
    private JettyServerFactory() {
    }

    /** @param front handlers in front of the servlet layer (the plain-read path), given the servlet context to wrap */
    public static Server create(String host, int port, int idleTimeoutSeconds, boolean accessLog, Servlet app,
                                java.util.function.UnaryOperator<Handler> front) {
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("http");
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(16 * 1024);
        // A reply echoes what was stored: an object's content headers and metadata (held to 4 x
        // max_header_size = 32 KiB by the write pipeline's HeaderBudgetStage), a container's two ACLs
        // and metadata (each ACL one request header line, under 8 KiB), plus what the server adds
        // (CORS echoes the request's Origin, up to 8 KiB). Jetty's default 8 KiB would turn such a HEAD
        // or GET into a 500; 64 KiB leaves a margin over all of it.
        http.setResponseHeaderSize(64 * 1024);
        // Object names may contain anything Swift allows: '//', '%2F', '..', ';'. Jetty's default
        // compliance rejects such "ambiguous" paths; our resources parse the raw path themselves.
        http.setUriCompliance(UriCompliance.UNSAFE);

        ServerConnector connector = new ServerConnector(server, 1, -1, new SwiftHttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutSeconds * 1000L);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addFilter(ClientAddressFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(RawContentTypeFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder("swift", app), "/*");
        server.setHandler(new SwiftPathGuard(new SwiftConnectionQuirks(front.apply(context))));
        server.setErrorHandler(new SwiftErrorHandler());
        if (accessLog) {
            server.setRequestLog(new CustomRequestLog(new Slf4jRequestLogWriter(), CustomRequestLog.EXTENDED_NCSA_FORMAT));
        }
        server.setStopAtShutdown(false);
        return server;
    }
}
