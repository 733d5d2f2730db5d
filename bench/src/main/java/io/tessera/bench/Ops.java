package io.tessera.bench;

import io.tessera.bench.http.Body;
import io.tessera.bench.http.Conn;
import io.tessera.bench.http.Response;
import io.tessera.bench.http.Sink;
import java.io.IOException;
import java.util.Map;

/** The Swift requests the workloads make, each with the check of its answer. */
public final class Ops {
    private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");

    private Ops() {
    }

    public static String path(String container, String object) {
        return "/" + container + "/" + object; // the workloads' names are URL-safe ASCII
    }

    public static void createContainer(Conn c, String container) throws IOException, Verify.Failed {
        Verify.status(c.exchange("PUT", "/" + container, null, Body.of(new byte[0]), Sink.DISCARD),
                "PUT container " + container, 201, 202);
    }

    /** Deletes a container; a leftover object (409) or an absent container (404) is not an error here. */
    public static void deleteContainer(Conn c, String container) throws IOException {
        c.exchange("DELETE", "/" + container, null, null, Sink.DISCARD);
    }

    /** PUT; the server's ETag must be the MD5 of what we sent. */
    public static void put(Conn c, String path, Body body, String md5) throws IOException, Verify.Failed {
        Response r = c.exchange("PUT", path, OCTETS, body, Sink.DISCARD);
        Verify.status(r, "PUT " + path, 201);
        Verify.equal(md5, r.etag(), "ETag of PUT " + path);
    }

    /** GET; the body must have the expected length and MD5. */
    public static void get(Conn c, String path, long size, String md5, Sink.Md5 sink) throws IOException, Verify.Failed {
        Response r = c.exchange("GET", path, null, null, sink.reset());
        Verify.status(r, "GET " + path, 200);
        Verify.equal(size, sink.count(), "bytes of GET " + path);
        Verify.equal(md5, sink.hex(), "MD5 of GET " + path);
    }

    /** HEAD; length must match, and the ETag too when the server is a Swift (nginx's ETag is not an MD5). */
    public static void head(Conn c, String path, long size, String md5OrNull) throws IOException, Verify.Failed {
        Response r = c.exchange("HEAD", path, null, null, Sink.DISCARD);
        Verify.status(r, "HEAD " + path, 200);
        Verify.equal(size, r.contentLength(), "Content-Length of HEAD " + path);
        if (md5OrNull != null) {
            Verify.equal(md5OrNull, r.etag(), "ETag of HEAD " + path);
        }
    }

    public static void delete(Conn c, String path) throws IOException, Verify.Failed {
        Verify.status(c.exchange("DELETE", path, null, null, Sink.DISCARD), "DELETE " + path, 204, 200);
    }
}
