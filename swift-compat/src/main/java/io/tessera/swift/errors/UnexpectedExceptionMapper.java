package io.tessera.swift.errors;

import io.tessera.store.StoreCorruptionException;
import io.tessera.store.StoreUnavailableException;
import io.tessera.swift.context.RequestContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.server.ContainerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that is not a {@link SwiftException}: Jersey's own (405, 404 for an unmatched path...)
 * keep their status with a Swift-shaped body; an unavailable store is 503 with Retry-After; anything
 * else is logged with the transaction id and answered 500 with no detail. No stack trace reaches a
 * client.
 */
@Provider
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger log = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Inject
    private jakarta.inject.Provider<ContainerRequest> request;

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException wae) {
            SwiftError error = SwiftError.of(wae.getResponse().getStatus());
            if (error.isServerError()) {
                log.error("{} failed", transId(), e);
            }
            return SwiftExceptionMapper.build(error.exception());
        }
        if (e instanceof StoreUnavailableException) {
            log.warn("{} store unavailable: {}", transId(), e.getMessage());
            return SwiftExceptionMapper.build(SwiftError.SERVICE_UNAVAILABLE.exception().withHeader("Retry-After", "5"));
        }
        if (e instanceof StoreCorruptionException) {
            log.error("{} stored data is damaged: {}", transId(), e.getMessage());
        } else {
            log.error("{} unexpected failure", transId(), e);
        }
        return SwiftExceptionMapper.build(SwiftError.INTERNAL_ERROR.exception());
    }

    private String transId() {
        try {
            return RequestContext.ifAny(request.get()).map(RequestContext::transactionId).orElse("-");
        } catch (RuntimeException outsideRequest) {
            return "-";
        }
    }
}
