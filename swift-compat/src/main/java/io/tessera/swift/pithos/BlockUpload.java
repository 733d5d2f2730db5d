package io.tessera.swift.pithos;

import io.tessera.swift.errors.SwiftError;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockHasher;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.BlockStore;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/<account>/<container>} with {@code Content-Type: application/octet-stream} and a
 * body: Pithos' block upload. The body is one or several blocks of the store's block size, the last
 * one possibly short; each is hashed as Pithos hashes it (trailing NULs stripped, so a short last block
 * hashes as its zero-padded whole) and stored through {@link BlockStore#putIfAbsent} (deduplicated).
 * 202, with the list of their hashes in order. It publishes nothing and counts against no quota: the
 * blocks are garbage for the collector until a map names them (store/GC.md: nothing younger than
 * the grace period, 24 h by default, is condemned, and storing a condemned block again revives it).
 *
 * <p>Memory: one block buffer per request, whatever the body's length; a body may be at most as long
 * as one object (Swift's max_file_size), so a client fills disk only as a PUT could.
 */
public final class BlockUpload {
    private final BlockStore blocks;
    private final BlockSize blockSize;
    private final long maxBodyBytes;
    private final Meter received;
    private final Meter present;

    public BlockUpload(BlockStore blocks, BlockSize blockSize, long maxBodyBytes, MetricRegistry metrics) {
        this.blocks = blocks;
        this.blockSize = blockSize;
        this.maxBodyBytes = maxBodyBytes;
        this.received = metrics.meter("pithos.blocks.received");
        this.present = metrics.meter("pithos.blocks.present");
    }

    /**
     * Whether a container POST is a block upload: as Pithos decides, its Content-Type is
     * {@code application/octet-stream} and its body is not empty (a length above 0, or chunked).
     */
    public static boolean applies(String rawContentType, String contentLength, String transferEncoding) {
        if (rawContentType == null) {
            return false;
        }
        int semi = rawContentType.indexOf(';');
        String base = (semi < 0 ? rawContentType : rawContentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (!base.equals("application/octet-stream")) {
            return false;
        }
        if (transferEncoding != null) {
            return true;
        }
        try {
            return contentLength != null && Long.parseLong(contentLength.trim()) > 0;
        } catch (NumberFormatException e) {
            return true; // a block upload with a bad length: upload() answers 400
        }
    }

    /** What Pithos clients hash with before a hashmap PUT: container HEAD and GET carry it. */
    public static Response.ResponseBuilder containerHeaders(Response.ResponseBuilder reply, BlockSize blockSize) {
        return reply.header("X-Container-Block-Size", blockSize.bytes())
                .header("X-Container-Block-Hash", HashmapBody.BLOCK_HASH);
    }

    @POST
    public Response upload(@Context HttpHeaders headers, @Context UriInfo uri, InputStream body) {
        long length = length(headers);
        List<String> hashes = new ArrayList<>();
        byte[] buf = new byte[(int) (length >= 0 ? Math.min(length, blockSize.bytes()) : blockSize.bytes())];
        long total = 0;
        try {
            while (true) {
                int n = body.readNBytes(buf, 0, buf.length);
                if (n == 0) {
                    break;
                }
                total += n;
                if (total > maxBodyBytes || (length >= 0 && total > length)) {
                    throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
                }
                hashes.add(store(buf, n).toHex());
                if (n < buf.length) {
                    break;
                }
            }
            if (body.read() >= 0) {
                throw length >= 0 ? SwiftError.BAD_REQUEST.exception("The body is longer than its Content-Length")
                        : SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
            }
        } catch (IOException e) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The client disconnected during request.");
        }
        if (length >= 0 && total != length) {
            throw SwiftError.CLIENT_DISCONNECT.exception("The body ended after " + total + " of " + length + " bytes");
        }
        PithosQuery.Format format = PithosQuery.format(uri.getQueryParameters(), headers.getHeaderString("Accept"), true);
        return io.tessera.swift.http.RawContentType.set(Response.status(202).entity(HashList.render(hashes, format)),
                format.contentType).build();
    }

    private BlockHash store(byte[] buf, int n) {
        received.mark();
        int stripped = BlockHasher.strippedLength(buf, 0, n);
        BlockHash hash = BlockHasher.hash(buf, 0, stripped);
        // The all-zero block is never stored: its stripped content is empty, and readers need no lookup.
        if (stripped == 0 || !blocks.putIfAbsent(hash, buf, 0, stripped)) {
            present.mark();
        }
        return hash;
    }

    private long length(HttpHeaders headers) {
        if (headers.getHeaderString("Transfer-Encoding") != null) {
            return -1;
        }
        long length;
        try {
            length = Long.parseLong(headers.getHeaderString("Content-Length").trim());
        } catch (RuntimeException e) {
            throw SwiftError.BAD_REQUEST.exception("Invalid Content-Length");
        }
        if (length < 0) {
            throw SwiftError.BAD_REQUEST.exception("Invalid Content-Length");
        }
        if (length > maxBodyBytes) {
            throw SwiftError.REQUEST_ENTITY_TOO_LARGE.exception("Your request is too large.");
        }
        return length;
    }
}
