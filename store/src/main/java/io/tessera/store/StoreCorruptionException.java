package io.tessera.store;

/** Stored data does not match what refers to it (a missing block, a block whose content does not match its hash). */
public class StoreCorruptionException extends RuntimeException {
    public StoreCorruptionException(String message) {
        super(message);
    }
}
