package io.tessera.swift.http;

/**
 * Text for the XML documents the API writes (listings, bulk reports), always well-formed XML 1.0.
 *
 * <p>Names may hold characters XML 1.0 cannot carry at all, not even as a character reference: the C0
 * controls other than tab, line feed and carriage return, and U+FFFE and U+FFFF. Swift accepts such
 * names and writes them raw into its XML, which no parser accepts (a bug of Swift 2.30's listings).
 * We write U+FFFD (the replacement character) for each instead: the document parses, and the name is
 * still recognizable; JSON listings carry it exactly.
 */
public final class XmlText {
    static final char REPLACEMENT = '\uFFFD';

    private XmlText() {
    }

    /** Element content, escaped as Python's saxutils.escape: {@code & < >}. */
    public static String escape(String s) {
        return escape(s, false);
    }

    /** Content or attribute value, with the quotes escaped too. */
    public static String escapeWithQuotes(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean quotes) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append(quotes ? "&quot;" : "\"");
                case '\'' -> b.append(quotes ? "&apos;" : "'");
                default -> b.append(isXmlChar(c) ? c : REPLACEMENT);
            }
        }
        return b.toString();
    }

    /**
     * XML 1.0's Char production, for one UTF-16 unit: a surrogate counts as allowed (a pair is a
     * character above U+FFFF; names never hold a lone one, SwiftPath refuses it as invalid UTF-8).
     */
    static boolean isXmlChar(char c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xFFFD);
    }
}
