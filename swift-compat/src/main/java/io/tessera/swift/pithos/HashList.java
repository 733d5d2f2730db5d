package io.tessera.swift.pithos;

import io.tessera.swift.http.XmlText;
import java.util.List;

/**
 * A list of hashes as Pithos writes it (its {@code simple_list_response}): a JSON list, an XML
 * {@code <items><item>...</item></items>}, or one a line.
 */
final class HashList {
    private HashList() {
    }

    static String render(List<String> hashes, PithosQuery.Format format) {
        StringBuilder b = new StringBuilder(16 + 70 * hashes.size());
        switch (format) {
            case JSON -> {
                b.append('[');
                for (int i = 0; i < hashes.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append('"').append(hashes.get(i)).append('"');
                }
                b.append(']');
            }
            case XML -> {
                b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<items>\n");
                for (String h : hashes) {
                    b.append("  <item>").append(XmlText.escape(h)).append("</item>\n");
                }
                b.append("</items>\n");
            }
            case TEXT -> hashes.forEach(h -> b.append(h).append('\n'));
        }
        return b.toString();
    }
}
