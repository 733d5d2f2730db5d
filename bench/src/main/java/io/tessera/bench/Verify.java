package io.tessera.bench;

import io.tessera.bench.http.Response;

/** Checks on answers; a failed check throws, and the phase counts an error instead of an operation. */
public final class Verify {
    private Verify() {
    }

    public static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    public static void status(Response r, String what, int... expected) throws Failed {
        for (int s : expected) {
            if (r.status() == s) {
                return;
            }
        }
        throw new Failed(what + ": HTTP " + r.status());
    }

    public static void equal(Object expected, Object actual, String what) throws Failed {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new Failed(what + ": expected " + expected + ", got " + actual);
        }
    }
}
