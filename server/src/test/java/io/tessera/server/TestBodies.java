package io.tessera.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Request bodies the Swift tests send: signed form posts and tar archives. */
final class TestBodies {
    private TestBodies() {
    }

    /** A multipart/form-data body: {@code fields}, then one file part per {name, content, type}. */
    static byte[] form(String boundary, Map<String, String> fields, Iterable<String[]> files) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        fields.forEach((k, v) -> head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        b.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        int i = 0;
        for (String[] f : files) {
            b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file" + (++i) + "\"; filename=\""
                    + f[0] + "\"\r\nContent-Type: " + f[2] + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(f[1].getBytes(StandardCharsets.ISO_8859_1));
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** The fields of a form post to {@code path} signed with {@code key} (HMAC-SHA512, as Swift's formpost). */
    static Map<String, String> signedForm(String path, String redirect, long maxSize, int maxCount, long expires,
                                          String key) throws Exception {
        String sig = hmac("sha512", key, path + "\n" + redirect + "\n" + maxSize + "\n" + maxCount + "\n" + expires);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("redirect", redirect);
        fields.put("max_file_size", Long.toString(maxSize));
        fields.put("max_file_count", Integer.toString(maxCount));
        fields.put("expires", Long.toString(expires));
        fields.put("signature", sig);
        return fields;
    }

    /** Hex HMAC of {@code message}; {@code digest} is sha1, sha256 or sha512. */
    static String hmac(String digest, String key, String message) throws Exception {
        String alg = "Hmac" + digest.toUpperCase(java.util.Locale.ROOT); // HmacSHA1, HmacSHA256, HmacSHA512
        Mac mac = Mac.getInstance(alg);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), alg));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** An uncompressed tar of regular files, name to UTF-8 content, in the map's order. */
    static byte[] tar(Map<String, String> files) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
