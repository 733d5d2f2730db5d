package io.tessera.server.transfer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tessera.hashmap.BlockHash;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The few Pithos requests the transfer commands make, over plain HTTP/1.1 with a Swift token
 * ({@code /auth/v1.0}): container HEAD for the block size, hashmap PUT (201, or 409 with the missing
 * hashes), block POST to the container, hashmap GET, Range GET of one block, object HEAD for its
 * {@code X-Object-Hash}, listing and DELETE. Every failure becomes a {@link TransferException} with one
 * line for the user: the status and the server's own message, never a stack trace.
 */
final class PithosClient {
    private static final JsonFactory JSON = new JsonFactory();
    /** Longest error body quoted to the user. */
    private static final int MESSAGE_CHARS = 300;

    private final String url;
    private final String user;
    private final String key;
    private final String account;
    private String token;
    private String storageUrl;

    PithosClient(String url, String user, String key, String account) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.user = user;
        this.key = key;
        this.account = account;
    }

    void login() throws TransferException {
        if (user == null || key == null) {
            throw new TransferException(TransferException.USAGE, "set --user and --key (or TESSERA_USER and TESSERA_KEY)");
        }
        try (Reply r = call("GET", url + "/auth/v1.0", null, 0, "X-Auth-User", user, "X-Auth-Key", key)) {
            if (r.status == 401 || r.status == 403) {
                throw new TransferException(TransferException.SERVER, "authentication failed: wrong user or key (" + r.status + ")");
            }
            String t = r.header("X-Auth-Token");
            String storage = r.header("X-Storage-Url");
            if (r.status != 200 || t == null || storage == null) {
                throw new TransferException(TransferException.SERVER, "authentication failed: " + describe(r.status, r.text()));
            }
            token = t;
            storageUrl = account == null ? storage : storage.substring(0, storage.lastIndexOf('/') + 1) + enc(account);
        }
    }

    /** The container's block size (its HEAD's X-Container-Block-Size); only sha256 blocks are understood. */
    int blockSize(String container) throws TransferException {
        try (Reply r = storage("HEAD", path(container, null), null, 0)) {
            if (r.status == 404) {
                throw new TransferException(TransferException.SERVER, "no container '" + container + "' (404)");
            }
            expect(r, 204, "container " + container);
            String hash = String.valueOf(r.header("X-Container-Block-Hash"));
            String size = String.valueOf(r.header("X-Container-Block-Size"));
            if (!hash.equalsIgnoreCase("sha256") || !size.matches("[0-9]{1,10}") || Long.parseLong(size) <= 0
                    || Long.parseLong(size) > 1L << 30) {
                throw new TransferException(TransferException.SERVER, "the server does not speak the Pithos hashmap API "
                        + "(container block hash '" + hash + "', block size '" + size + "')");
            }
            return Integer.parseInt(size);
        }
    }

    /**
     * PUT by hashmap: an empty list when the object was made (201), else the hashes the server lacks (409).
     */
    List<BlockHash> putHashmap(String container, String object, long bytes, int blockSize, List<BlockHash> hashes,
                               String contentType) throws TransferException {
        StringBuilder body = new StringBuilder(80 + 67 * hashes.size());
        body.append("{\"block_hash\": \"sha256\", \"block_size\": ").append(blockSize).append(", \"bytes\": ").append(bytes)
                .append(", \"hashes\": [");
        for (int i = 0; i < hashes.size(); i++) {
            body.append(i == 0 ? "\"" : ", \"").append(hashes.get(i).toHex()).append('"');
        }
        body.append("]}");
        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
        try (Reply r = storage("PUT", path(container, object) + "?hashmap=True&format=json", b, b.length,
                "Content-Type", contentType)) {
            if (r.status == 201) {
                return List.of();
            }
            if (r.status == 409) {
                return hashList(r.bytes(HASH_LIST_BYTES), "the server's list of missing blocks");
            }
            throw refused(r.status, r.text(), "PUT " + container + "/" + object);
        }
    }

    /** Longest list of hashes read back: far more than the largest object's (1281 at 5 GiB). */
    private static final int HASH_LIST_BYTES = 16 << 20;

    /** Uploads one block; returns the hash the server computed of it. */
    BlockHash postBlock(String container, byte[] buf, int len) throws TransferException {
        try (Reply r = storage("POST", path(container, null) + "?update&format=json", buf, len,
                "Content-Type", "application/octet-stream")) {
            if (r.status != 202) {
                throw refused(r.status, r.text(), "block upload to " + container);
            }
            List<BlockHash> got = hashList(r.bytes(HASH_LIST_BYTES), "the block upload's reply");
            if (got.size() != 1) {
                throw new TransferException(TransferException.SERVER, "the block upload's reply names " + got.size() + " blocks, not 1");
            }
            return got.get(0);
        }
    }

    record RemoteMap(long bytes, int blockSize, List<BlockHash> hashes) {
    }

    /** The object's hashmap, or null when there is no such object. */
    RemoteMap hashmap(String container, String object) throws TransferException {
        try (Reply r = storage("GET", path(container, object) + "?hashmap&format=json", null, 0)) {
            if (r.status == 404) {
                return null;
            }
            if (r.status != 200) {
                throw refused(r.status, r.text(), "hashmap of " + container + "/" + object);
            }
            return parseMap(r.body());
        } catch (IOException e) {
            throw new TransferException(TransferException.SERVER, "the hashmap of " + container + "/" + object
                    + " could not be read: " + e.getMessage());
        }
    }

    private static RemoteMap parseMap(InputStream in) throws IOException, TransferException {
        long bytes = -1;
        long blockSize = -1;
        List<BlockHash> hashes = null;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw badMap();
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "bytes" -> bytes = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "block_size" -> blockSize = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "block_hash" -> {
                        if (!"sha256".equals(p.getValueAsString())) {
                            throw new TransferException(TransferException.SERVER, "the object's blocks are not sha256-hashed");
                        }
                    }
                    case "hashes" -> {
                        if (v != JsonToken.START_ARRAY) {
                            throw badMap();
                        }
                        hashes = new ArrayList<>();
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            hashes.add(hash(p.getText()));
                        }
                        if (p.currentToken() != JsonToken.END_ARRAY) {
                            throw badMap();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badMap();
        }
        if (bytes < 0 || blockSize <= 0 || blockSize > 1L << 30 || hashes == null
                || hashes.size() != LocalBlocks.count(bytes, (int) blockSize)) {
            throw badMap();
        }
        return new RemoteMap(bytes, (int) blockSize, hashes);
    }

    private static TransferException badMap() {
        return new TransferException(TransferException.SERVER, "the server's hashmap is not one (bytes, block_size, hashes)");
    }

    record Head(long length, String objectHash) {
    }

    /** The object's length and X-Object-Hash (its Merkle root), or null when there is no such object. */
    Head head(String container, String object) throws TransferException {
        try (Reply r = storage("HEAD", path(container, object), null, 0)) {
            if (r.status == 404) {
                return null;
            }
            expect(r, 200, container + "/" + object);
            long length;
            try {
                length = Long.parseLong(String.valueOf(r.header("Content-Length")));
            } catch (NumberFormatException e) {
                length = -1;
            }
            return new Head(length, r.header("X-Object-Hash"));
        }
    }

    /** Reads {@code [off, off+len)} of the object into {@code buf} (one Range GET). */
    void read(String container, String object, long off, byte[] buf, int len) throws TransferException {
        try (Reply r = storage("GET", path(container, object), null, 0, "Range", "bytes=" + off + "-" + (off + len - 1))) {
            if (r.status != 206) {
                throw refused(r.status, r.text(), "GET " + container + "/" + object + " bytes " + off + "-" + (off + len - 1));
            }
            InputStream in = r.body();
            int n = in.readNBytes(buf, 0, len);
            if (n != len || in.read() >= 0) {
                throw new TransferException(TransferException.SERVER, "the server sent " + (n == len ? "more" : n + "")
                        + " bytes for a range of " + len + " (the object changed? run again)");
            }
        } catch (IOException e) {
            throw new TransferException(TransferException.SERVER, "the download from " + url + " broke off: " + e.getMessage());
        }
    }

    void delete(String container, String object) throws TransferException {
        try (Reply r = storage("DELETE", path(container, object), null, 0)) {
            if (r.status != 204 && r.status != 404) {
                throw refused(r.status, r.text(), "DELETE " + container + "/" + object);
            }
        }
    }

    record Entry(String name, long bytes, String contentType) {
    }

    /** What is done with each page of a listing (it may call the server itself). */
    interface PageHandler {
        void page(List<Entry> entries) throws TransferException;
    }

    /**
     * Every object of the container under {@code prefix}, a page (at most 1,000 names) at a time: the
     * listing is never held whole. The next page is asked for after the marker of the last, so the
     * handler may delete what it was given.
     */
    void list(String container, String prefix, PageHandler handler) throws TransferException {
        String marker = "";
        while (true) {
            String q = "?format=json&limit=1000&prefix=" + enc(prefix) + "&marker=" + enc(marker);
            List<Entry> page = new ArrayList<>();
            try (Reply r = storage("GET", path(container, null) + q, null, 0)) {
                if (r.status == 204) {
                    return;
                }
                if (r.status != 200) {
                    throw refused(r.status, r.text(), "listing of " + container);
                }
                try (JsonParser p = JSON.createParser(r.body())) {
                    if (p.nextToken() != JsonToken.START_ARRAY) {
                        throw new TransferException(TransferException.SERVER, "the listing of " + container + " is not a JSON array");
                    }
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String name = null;
                        String type = null;
                        long bytes = -1;
                        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "name" -> name = p.getValueAsString();
                                case "content_type" -> type = p.getValueAsString();
                                case "bytes" -> bytes = p.getValueAsLong(-1);
                                default -> p.skipChildren();
                            }
                        }
                        if (name != null) {
                            page.add(new Entry(name, bytes, type));
                        }
                    }
                }
            } catch (IOException e) {
                throw new TransferException(TransferException.SERVER, "the listing of " + container + " broke off: " + e.getMessage());
            }
            handler.page(page);
            if (page.size() < 1000) {
                return;
            }
            marker = page.get(page.size() - 1).name();
        }
    }

    // ---- plumbing: HttpURLConnection (keep-alive pooled by the JDK; starts in a few ms, where
    // java.net.http.HttpClient costs this short-lived process ~0.4 s of CPU before its first request) ----

    /** One reply; closing it drains and closes its body so that the connection is kept for the next request. */
    private static final class Reply implements AutoCloseable {
        final int status;
        final HttpURLConnection conn;

        Reply(int status, HttpURLConnection conn) {
            this.status = status;
            this.conn = conn;
        }

        String header(String name) {
            return conn.getHeaderField(name);
        }

        InputStream body() throws IOException {
            InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            return in == null ? InputStream.nullInputStream() : in;
        }

        byte[] bytes(int max) throws TransferException {
            try {
                byte[] b = body().readNBytes(max + 1);
                if (b.length > max) {
                    throw new TransferException(TransferException.SERVER, "the server's reply is longer than " + max + " bytes");
                }
                return b;
            } catch (IOException e) {
                throw new TransferException(TransferException.SERVER, "the reply broke off: " + e.getMessage());
            }
        }

        /** The start of the body, for an error message. */
        String text() {
            try {
                return new String(body().readNBytes(4096), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                InputStream in = body();
                in.skip(Long.MAX_VALUE);
                in.close();
            } catch (IOException e) {
                conn.disconnect();
            }
        }
    }

    private Reply storage(String method, String path, byte[] body, int len, String... headers) throws TransferException {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "X-Auth-Token";
        all[headers.length + 1] = token;
        return call(method, storageUrl + path, body, len, all);
    }

    private Reply call(String method, String target, byte[] body, int len, String... headers) throws TransferException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) URI.create(target).toURL().openConnection();
        } catch (IllegalArgumentException | IOException | ClassCastException e) {
            throw new TransferException(TransferException.USAGE, "not a usable URL: " + target);
        }
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(300_000);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("Accept", "*/*");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                c.setRequestProperty(headers[i], headers[i + 1]);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(len);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body, 0, len);
                } catch (IOException e) {
                    // The server may answer (a 413, a 401) and close before taking the whole body.
                    int status = statusOrThrow(c, e);
                    return new Reply(status, c);
                }
            } else if (method.equals("PUT") || method.equals("POST")) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(0);
                c.getOutputStream().close();
            }
            return new Reply(c.getResponseCode(), c);
        } catch (ConnectException e) {
            throw new TransferException(TransferException.SERVER, "cannot reach " + url + ": connection refused (is the server running?)");
        } catch (SocketTimeoutException e) {
            throw new TransferException(TransferException.SERVER, "no answer from " + url + " in time");
        } catch (IOException e) {
            throw new TransferException(TransferException.SERVER, "cannot reach " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static int statusOrThrow(HttpURLConnection c, IOException cause) throws IOException {
        try {
            return c.getResponseCode();
        } catch (IOException e) {
            throw cause;
        }
    }

    private static String path(String container, String object) {
        StringBuilder b = new StringBuilder("/").append(enc(container));
        if (object != null) {
            b.append('/');
            String[] parts = object.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                b.append(i == 0 ? "" : "/").append(enc(parts[i]));
            }
        }
        return b.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void expect(Reply r, int status, String what) throws TransferException {
        if (r.status != status && !(status == 204 && r.status == 200)) {
            throw refused(r.status, r.text(), what);
        }
    }

    static TransferException refused(int status, String body, String what) {
        String why = switch (status) {
            case 401, 403 -> "not allowed (" + status + ")";
            case 404 -> "not found (404)";
            case 413 -> "refused: too large or over quota (413)";
            case 507 -> "refused: the server is out of space (507)";
            default -> status >= 500 ? "server error" : "refused";
        };
        String msg = firstLine(body);
        return new TransferException(TransferException.SERVER, what + ": " + why
                + (status == 401 || status == 403 || status == 404 || status == 413 || status == 507 ? "" : " " + status)
                + (msg.isEmpty() ? "" : ": " + msg));
    }

    private static String describe(int status, String body) {
        String msg = firstLine(body);
        return status + (msg.isEmpty() ? "" : " " + msg);
    }

    private static String firstLine(String body) {
        if (body == null) {
            return "";
        }
        String s = body.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl).strip();
        }
        if (s.startsWith("<")) {
            s = s.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        }
        return s.length() > MESSAGE_CHARS ? s.substring(0, MESSAGE_CHARS) + "..." : s;
    }

    private static List<BlockHash> hashList(byte[] body, String what) throws TransferException {
        List<BlockHash> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new TransferException(TransferException.SERVER, what + " is not a JSON list");
            }
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                out.add(hash(p.getText()));
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                throw new TransferException(TransferException.SERVER, what + " is not a list of hashes");
            }
        } catch (IOException e) {
            throw new TransferException(TransferException.SERVER, what + " is not JSON");
        }
        return out;
    }

    private static BlockHash hash(String hex) throws TransferException {
        try {
            return BlockHash.fromHex(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.SERVER, "the server named a block '" + firstLine(hex) + "', not a sha256 hash");
        }
    }
}
