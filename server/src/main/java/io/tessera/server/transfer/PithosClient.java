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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

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
    private final HttpClient http;
    private String token;
    private String storageUrl;

    PithosClient(String url, String user, String key, String account) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.user = user;
        this.key = key;
        this.account = account;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    void login() throws TransferException {
        if (user == null || key == null) {
            throw new TransferException(TransferException.USAGE, "set --user and --key (or TESSERA_USER and TESSERA_KEY)");
        }
        URI auth;
        try {
            auth = URI.create(url + "/auth/v1.0");
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.USAGE, "not a URL: " + url);
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(auth).header("X-Auth-User", user).header("X-Auth-Key", key)
                .GET(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new TransferException(TransferException.SERVER, "authentication failed: wrong user or key (" + r.statusCode() + ")");
        }
        if (r.statusCode() != 200 || r.headers().firstValue("X-Auth-Token").isEmpty()
                || r.headers().firstValue("X-Storage-Url").isEmpty()) {
            throw new TransferException(TransferException.SERVER, "authentication failed: " + describe(r.statusCode(), r.body()));
        }
        token = r.headers().firstValue("X-Auth-Token").get();
        String storage = r.headers().firstValue("X-Storage-Url").get();
        storageUrl = account == null ? storage : storage.substring(0, storage.lastIndexOf('/') + 1) + enc(account);
    }

    /** The container's block size (its HEAD's X-Container-Block-Size); only sha256 blocks are understood. */
    int blockSize(String container) throws TransferException {
        HttpResponse<String> r = send(request(path(container, null)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            throw new TransferException(TransferException.SERVER, "no container '" + container + "' (404)");
        }
        expect(r, 204, "container " + container);
        String hash = r.headers().firstValue("X-Container-Block-Hash").orElse("");
        String size = r.headers().firstValue("X-Container-Block-Size").orElse("");
        if (!hash.equalsIgnoreCase("sha256") || !size.matches("[0-9]{1,10}") || Long.parseLong(size) <= 0
                || Long.parseLong(size) > 1L << 30) {
            throw new TransferException(TransferException.SERVER, "the server does not speak the Pithos hashmap API "
                    + "(container block hash '" + hash + "', block size '" + size + "')");
        }
        return Integer.parseInt(size);
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
        HttpResponse<byte[]> r = send(request(path(container, object) + "?hashmap=True&format=json")
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 201) {
            return List.of();
        }
        if (r.statusCode() == 409) {
            return hashList(r.body(), "the server's list of missing blocks");
        }
        throw refused(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), "PUT " + container + "/" + object);
    }

    /** Uploads one block; returns the hash the server computed of it. */
    BlockHash postBlock(String container, byte[] buf, int len) throws TransferException {
        HttpResponse<byte[]> r = send(request(path(container, null) + "?update&format=json")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(buf, 0, len)), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 202) {
            throw refused(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), "block upload to " + container);
        }
        List<BlockHash> got = hashList(r.body(), "the block upload's reply");
        if (got.size() != 1) {
            throw new TransferException(TransferException.SERVER, "the block upload's reply names " + got.size() + " blocks, not 1");
        }
        return got.get(0);
    }

    record RemoteMap(long bytes, int blockSize, List<BlockHash> hashes) {
    }

    /** The object's hashmap, or null when there is no such object. */
    RemoteMap hashmap(String container, String object) throws TransferException {
        HttpResponse<InputStream> r = send(request(path(container, object) + "?hashmap&format=json").GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw refused(r.statusCode(), new String(in.readNBytes(4096), StandardCharsets.UTF_8),
                        "hashmap of " + container + "/" + object);
            }
            return parseMap(in);
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
        HttpResponse<String> r = send(request(path(container, object)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        expect(r, 200, container + "/" + object);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new Head(length, r.headers().firstValue("X-Object-Hash").orElse(null));
    }

    /** Reads {@code [off, off+len)} of the object into {@code buf} (one Range GET). */
    void read(String container, String object, long off, byte[] buf, int len) throws TransferException {
        HttpResponse<InputStream> r = send(request(path(container, object)).header("Range", "bytes=" + off + "-" + (off + len - 1))
                .GET(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 206) {
                throw refused(r.statusCode(), new String(in.readNBytes(4096), StandardCharsets.UTF_8),
                        "GET " + container + "/" + object + " bytes " + off + "-" + (off + len - 1));
            }
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
        HttpResponse<String> r = send(request(path(container, object)).DELETE(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204 && r.statusCode() != 404) {
            throw refused(r.statusCode(), r.body(), "DELETE " + container + "/" + object);
        }
    }

    record Entry(String name, long bytes, String contentType) {
    }

    /**
     * Every object of the container under {@code prefix}, a page (at most 1,000 names) at a time: the
     * listing is never held whole.
     */
    void list(String container, String prefix, Consumer<Entry> each) throws TransferException {
        String marker = "";
        while (true) {
            String q = "?format=json&limit=1000&prefix=" + enc(prefix) + "&marker=" + enc(marker);
            HttpResponse<InputStream> r = send(request(path(container, null) + q).GET(), HttpResponse.BodyHandlers.ofInputStream());
            String last = null;
            int count = 0;
            try (InputStream in = r.body()) {
                if (r.statusCode() == 204) {
                    return;
                }
                if (r.statusCode() != 200) {
                    throw refused(r.statusCode(), new String(in.readNBytes(4096), StandardCharsets.UTF_8), "listing of " + container);
                }
                try (JsonParser p = JSON.createParser(in)) {
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
                            each.accept(new Entry(name, bytes, type));
                            last = name;
                            count++;
                        }
                    }
                }
            } catch (IOException e) {
                throw new TransferException(TransferException.SERVER, "the listing of " + container + " broke off: " + e.getMessage());
            }
            if (count < 1000 || last == null) {
                return;
            }
            marker = last;
        }
    }

    // ---- plumbing ----

    private HttpRequest.Builder request(String path) throws TransferException {
        try {
            return HttpRequest.newBuilder(URI.create(storageUrl + path)).timeout(Duration.ofMinutes(5))
                    .header("X-Auth-Token", token);
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.USAGE, "cannot make a URL of " + path);
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

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws TransferException {
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException e) {
            throw new TransferException(TransferException.SERVER, "cannot reach " + url + ": connection refused (is the server running?)");
        } catch (HttpTimeoutException e) {
            throw new TransferException(TransferException.SERVER, "no answer from " + url + " in time");
        } catch (IOException e) {
            throw new TransferException(TransferException.SERVER, "cannot reach " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferException(TransferException.SERVER, "interrupted");
        } catch (IllegalArgumentException e) {
            throw new TransferException(TransferException.USAGE, "not a usable URL: " + url);
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) throws TransferException {
        if (r.statusCode() != status && !(status == 204 && r.statusCode() == 200)) {
            throw refused(r.statusCode(), r.body(), what);
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
