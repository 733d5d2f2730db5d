package io.tessera.server.http;

import io.tessera.swift.http.ClientAddress;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * Records the client's IP address where the Swift API can read it ({@link ClientAddress}): JAX-RS has
 * no notion of the peer, and IP-bound temporary URLs need it.
 */
public final class ClientAddressFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        req.setAttribute(ClientAddress.PROPERTY, req.getRemoteAddr());
        chain.doFilter(req, res);
    }
}
