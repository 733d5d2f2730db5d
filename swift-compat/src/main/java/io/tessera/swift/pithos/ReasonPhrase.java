package io.tessera.swift.pithos;

/**
 * A reply that needs a reason phrase other than the standard one names it in {@link #HEADER}; the
 * server's HTTP/1.1 connection (server http/SwiftHttpConnectionFactory) writes it in the status line
 * and never sends the header. The servlet API cannot set a reason phrase any more; Pithos clients
 * compare it (the Synnefo web UI expects {@code 409 CONFLICT}, Django's upper-case phrase).
 */
public final class ReasonPhrase {
    public static final String HEADER = "X-Tessera-Reason-Phrase";

    private ReasonPhrase() {
    }

    /** Whether {@code phrase} may go in a status line as it is: a few upper- or lower-case words. */
    public static boolean isSafe(String phrase) {
        if (phrase == null || phrase.isEmpty() || phrase.length() > 40) {
            return false;
        }
        for (int i = 0; i < phrase.length(); i++) {
            char c = phrase.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ')) {
                return false;
            }
        }
        return true;
    }
}
