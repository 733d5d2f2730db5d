package io.tessera.swift.staticweb;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.UrlQuote;
import io.tessera.swift.listing.ListingPager;
import java.util.List;
import java.util.Locale;

/**
 * The HTML pages static web serves for a pseudo-directory: the listing (subdirectories first, then
 * objects, with sizes and dates; an optional style sheet) and the "listing disabled" page, in the
 * document structure Swift's staticweb produces, so style sheets written for Swift apply.
 */
final class ListingPage {
    private ListingPage() {
    }

    static String listing(String label, String prefix, String css, List<ListingPager.Entry<ObjectVersion>> rows) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">\n")
                .append("<html>\n <head>\n  <title>Listing of ").append(escape(label)).append("</title>\n");
        if (!css.isEmpty()) {
            b.append("  <link rel=\"stylesheet\" type=\"text/css\" href=\"").append(cssPath(css, prefix)).append("\" />\n");
        } else {
            b.append("  <style type=\"text/css\">\n")
                    .append("   h1 {font-size: 1em; font-weight: bold;}\n")
                    .append("   th {text-align: left; padding: 0px 1em 0px 1em;}\n")
                    .append("   td {padding: 0px 1em 0px 1em;}\n")
                    .append("   a {text-decoration: none;}\n")
                    .append("  </style>\n");
        }
        b.append(" </head>\n <body>\n  <h1 id=\"title\">Listing of ").append(escape(label)).append("</h1>\n")
                .append("  <table id=\"listing\">\n   <tr id=\"heading\">\n")
                .append("    <th class=\"colname\">Name</th>\n    <th class=\"colsize\">Size</th>\n")
                .append("    <th class=\"coldate\">Date</th>\n   </tr>\n");
        if (!prefix.isEmpty()) {
            b.append("   <tr id=\"parent\" class=\"item\">\n")
                    .append("    <td class=\"colname\"><a href=\"../\">../</a></td>\n")
                    .append("    <td class=\"colsize\">&nbsp;</td>\n    <td class=\"coldate\">&nbsp;</td>\n   </tr>\n");
        }
        for (ListingPager.Entry<ObjectVersion> row : rows) {
            if (row.subdir() != null) {
                String subdir = row.subdir().substring(prefix.length());
                b.append("   <tr class=\"item subdir\">\n    <td class=\"colname\"><a href=\"")
                        .append(UrlQuote.quote(subdir)).append("\">").append(escape(subdir)).append("</a></td>\n")
                        .append("    <td class=\"colsize\">&nbsp;</td>\n    <td class=\"coldate\">&nbsp;</td>\n   </tr>\n");
            }
        }
        for (ListingPager.Entry<ObjectVersion> row : rows) {
            if (row.item() != null) {
                ObjectVersion v = row.item();
                String name = v.name().substring(prefix.length());
                StringBuilder types = new StringBuilder();
                for (String t : v.contentType().split("/")) {
                    types.append(types.length() == 0 ? "" : " ").append("type-").append(escape(t.toLowerCase(Locale.ROOT)));
                }
                String date = HttpDates.listing(v.timestamp());
                date = date.substring(0, date.indexOf('.') < 0 ? date.length() : date.indexOf('.')).replace('T', ' ');
                b.append("   <tr class=\"item ").append(types).append("\">\n    <td class=\"colname\"><a href=\"")
                        .append(UrlQuote.quote(name)).append("\">").append(escape(name)).append("</a></td>\n")
                        .append("    <td class=\"colsize\">").append(humanReadable(v.length())).append("</td>\n")
                        .append("    <td class=\"coldate\">").append(escape(date)).append("</td>\n   </tr>\n");
            }
        }
        return b.append("  </table>\n </body>\n</html>\n").toString();
    }

    static String disabled(String label, String prefix, String css, String index) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">\n")
                .append("<html>\n<head>\n<title>Listing of ").append(escape(label)).append("</title>\n");
        if (!css.isEmpty()) {
            b.append("  <link rel=\"stylesheet\" type=\"text/css\" href=\"").append(cssPath(css, prefix)).append("\" />\n");
        } else {
            b.append("  <style type=\"text/css\">\n   h1 {font-size: 1em; font-weight: bold;}\n   p {font-size: 2}\n  </style>\n");
        }
        b.append("</head>\n<body>  <h1>Web Listing Disabled</h1>   <p>The owner of this web site has disabled web listing.")
                .append("   <p>If you are the owner of this web site, you can enable   web listing by setting X-Container-Meta-Web-Listings.</p>");
        if (!index.isEmpty()) {
            b.append("<h1>Index File Not Found</h1> <p>The owner of this web site has set  <b>X-Container-Meta-Web-Index: ")
                    .append(escape(index)).append("</b>.  However, this file is not found.</p>");
        }
        return b.append(" </body>\n</html>\n").toString();
    }

    /** The style sheet relative to the listed directory; absolute paths and URLs stay as they are. */
    static String cssPath(String css, String prefix) {
        if (css.startsWith("/") || css.startsWith("http://") || css.startsWith("https://")) {
            return UrlQuote.quote(css, ":/");
        }
        return "../".repeat((int) prefix.chars().filter(c -> c == '/').count()) + UrlQuote.quote(css);
    }

    /** Swift's human_readable: 1023, 1Ki, 5Mi... (rounding at each step). */
    static String humanReadable(long bytes) {
        double value = bytes;
        String suffixes = "KMGTPEZY";
        int index = -1;
        while (value >= 1024 && index + 1 < suffixes.length()) {
            index++;
            value = Math.rint(value / 1024);
        }
        return index < 0 ? Long.toString(bytes) : Math.round(value) + "" + suffixes.charAt(index) + "i";
    }

    /** Python's html.escape with quotes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#x27;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
