package io.tessera.store;

/**
 * A volume write made under a lease generation that is no longer the volume's current one: another
 * holder took the lease (a handover, or a take after this holder's lease expired). The write was
 * refused or, if it was in flight, may have landed but can never overwrite the new holder's writes.
 */
public class FencedException extends RuntimeException {
    public FencedException(String message) {
        super(message);
    }
}
