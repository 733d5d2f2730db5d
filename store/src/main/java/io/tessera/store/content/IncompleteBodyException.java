package io.tessera.store.content;

import java.io.IOException;

/** The request body did not have the length its sender announced; nothing was published. */
public class IncompleteBodyException extends IOException {
    public IncompleteBodyException(String message) {
        super(message);
    }
}
