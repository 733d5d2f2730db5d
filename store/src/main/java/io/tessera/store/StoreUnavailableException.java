package io.tessera.store;

/**
 * The backend cannot serve right now (a cluster without quorum, a timeout, a full disk). The request
 * may succeed later; HTTP maps this to 503 with Retry-After.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
