package io.tessera.swift.http;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * The client's IP address (for IP-bound temporary URLs). JAX-RS does not expose it, so the HTTP layer
 * (the server's servlet filter) keeps it in a request attribute, which Jersey shows as a property.
 */
public final class ClientAddress {
    public static final String PROPERTY = "tessera.clientAddress";

    private ClientAddress() {
    }

    /** The peer's address as a literal, or null when the HTTP layer did not record it. */
    public static String of(ContainerRequestContext request) {
        Object address = request.getProperty(PROPERTY);
        return address == null ? null : address.toString();
    }
}
