package io.tessera.volumes.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.store.ObjectVersion;
import io.tessera.store.StoreUnavailableException;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.VolumeRecord;
import io.tessera.volumes.Attachments;
import io.tessera.volumes.VolumeException;
import io.tessera.volumes.VolumeService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume management API: JSON over HTTP, under the Swift API's auth tokens ({@code X-Auth-Token});
 * a token may manage the volumes of the account it owns.
 *
 * <pre>
 *   POST   /volumes/v1/{account}                   {"name", "size_bytes"} | {"name", "source": "c/o", "size_bytes"?}  201
 *   GET    /volumes/v1/{account}                   {"volumes": [...]}
 *   GET    /volumes/v1/{account}/{name}            info, with allocated/shared bytes and nbd_uri
 *   POST   /volumes/v1/{account}/{name}/snapshot   {"container", "object"}   201
 *   POST   /volumes/v1/{account}/{name}/resize     {"size_bytes"} (grow only)
 *   DELETE /volumes/v1/{account}/{name}            204
 *   POST   /volumes/v1/{account}/{name}/attach     {"client", "migration_target"?: true}   200
 *   POST   /volumes/v1/{account}/{name}/detach     {"client"}                             204
 *   POST   /volumes/v1/{account}/attach            {"object": "container/object", "client"} 200 (read-only export)
 *   POST   /volumes/v1/{account}/detach            {"object": "container/object", "client"} 204
 * </pre>
 *
 * The NBD server serves an export only to the client it is attached to ({@link Attachments}): a TLS
 * client certificate's CN, or {@code "local"} for the Unix socket (and loopback TCP). During a live
 * migration the destination is attached with {@code "migration_target": true}: it alone may open the
 * volume with {@code ;handover}; detaching the source then leaves the destination attached.
 */
@Path("/volumes/v1")
public final class VolumeResource {
    private static final Logger log = LoggerFactory.getLogger(VolumeResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    /** Whether the holder of {@code token} may manage volumes of {@code account}. */
    public interface AccessCheck {
        boolean mayManage(String token, String account);
    }

    private final VolumeService volumes;
    private final Attachments attachments;
    private final AccessCheck access;
    private final Function<String, String> nbdUri;

    /** @param nbdUri the URI a client opens an export by (e.g. {@code nbd+unix:///{export}?socket=...}), given its name */
    public VolumeResource(VolumeService volumes, AccessCheck access, Function<String, String> nbdUri) {
        this.volumes = volumes;
        this.attachments = volumes.attachments();
        this.access = access;
        this.nbdUri = nbdUri;
    }

    @POST
    @Path("{account}")
    public Response create(@PathParam("account") String account, @HeaderParam("X-Auth-Token") String token, String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            String name = text(in, "name", true);
            String source = text(in, "source", false);
            Long size = in.hasNonNull("size_bytes") ? longValue(in, "size_bytes") : null;
            VolumeRecord r = volumes.create(account, name, size, source);
            return Response.status(201).entity(json(info(r, true)));
        });
    }

    @GET
    @Path("{account}")
    public Response list(@PathParam("account") String account, @HeaderParam("X-Auth-Token") String token) {
        return run(account, token, () -> {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode list = out.putArray("volumes");
            for (VolumeRecord r : volumes.list(account)) {
                list.add(basic(r));
            }
            return Response.ok(json(out));
        });
    }

    @GET
    @Path("{account}/{name}")
    public Response info(@PathParam("account") String account, @PathParam("name") String name,
                         @HeaderParam("X-Auth-Token") String token) {
        return run(account, token, () -> Response.ok(json(info(volumes.get(account, name), true))));
    }

    @POST
    @Path("{account}/{name}/snapshot")
    public Response snapshot(@PathParam("account") String account, @PathParam("name") String name,
                             @HeaderParam("X-Auth-Token") String token, String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            String container = text(in, "container", true);
            String object = text(in, "object", true);
            long start = System.nanoTime();
            ObjectVersion v = volumes.snapshot(account, name, container, object);
            ObjectNode out = JSON.createObjectNode();
            out.put("volume", name);
            out.put("container", v.container());
            out.put("object", v.name());
            out.put("size_bytes", v.length());
            out.put("timestamp", v.timestamp().toSwift());
            out.put("took_ms", (System.nanoTime() - start) / 1_000_000.0);
            return Response.status(201).entity(json(out));
        });
    }

    @POST
    @Path("{account}/{name}/resize")
    public Response resize(@PathParam("account") String account, @PathParam("name") String name,
                           @HeaderParam("X-Auth-Token") String token, String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            if (!in.hasNonNull("size_bytes")) {
                throw VolumeException.badRequest("size_bytes is required");
            }
            VolumeRecord r = volumes.resize(account, name, longValue(in, "size_bytes"));
            return Response.ok(json(info(r, false)));
        });
    }

    @DELETE
    @Path("{account}/{name}")
    public Response delete(@PathParam("account") String account, @PathParam("name") String name,
                           @HeaderParam("X-Auth-Token") String token) {
        return run(account, token, () -> {
            volumes.delete(account, name); // and its attachment
            return Response.noContent();
        });
    }

    @POST
    @Path("{account}/{name}/attach")
    public Response attach(@PathParam("account") String account, @PathParam("name") String name,
                           @HeaderParam("X-Auth-Token") String token, String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            boolean migration = in.hasNonNull("migration_target") && in.get("migration_target").asBoolean();
            String export = account + "/" + name;
            return Response.ok(json(attachment(export, attachments.attach(export, text(in, "client", true), migration))));
        });
    }

    @POST
    @Path("{account}/{name}/detach")
    public Response detach(@PathParam("account") String account, @PathParam("name") String name,
                           @HeaderParam("X-Auth-Token") String token, String body) {
        return run(account, token, () -> {
            attachments.detach(account + "/" + name, text(parse(body), "client", true));
            return Response.noContent();
        });
    }

    @POST
    @Path("{account}/attach")
    public Response attachObject(@PathParam("account") String account, @HeaderParam("X-Auth-Token") String token,
                                 String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            String object = text(in, "object", true);
            String[] parts = object.split("/", 2);
            if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw VolumeException.badRequest("object must be container/object");
            }
            String export = account + "/" + object;
            return Response.ok(json(attachment(export, attachments.attach(export, text(in, "client", true), false))));
        });
    }

    @POST
    @Path("{account}/detach")
    public Response detachObject(@PathParam("account") String account, @HeaderParam("X-Auth-Token") String token,
                                 String body) {
        return run(account, token, () -> {
            JsonNode in = parse(body);
            attachments.detach(account + "/" + text(in, "object", true), text(in, "client", true));
            return Response.noContent();
        });
    }

    private ObjectNode attachment(String export, VolumeStore.Attachment a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("export", export);
        o.put("client", a.client());
        o.put("migration_target", a.migrationTarget());
        o.put("nbd_uri", nbdUri.apply(export));
        return o;
    }

    // ---------------------------------------------------------------- helpers

    private interface Action {
        Response.ResponseBuilder run();
    }

    private Response run(String account, String token, Action action) {
        try {
            if (token == null || token.isEmpty()) {
                return error(401, "an X-Auth-Token is required");
            }
            if (!access.mayManage(token, account)) {
                return error(403, "this token may not manage the volumes of " + account);
            }
            return action.run().type("application/json").build();
        } catch (VolumeException e) {
            return error(e.status(), e.getMessage());
        } catch (StoreUnavailableException e) {
            log.warn("volume API: store unavailable: {}", e.getMessage());
            return error(503, "the store is unavailable; retry later");
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    private static Response error(int status, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("error", message);
        return Response.status(status).type("application/json").entity(json(out)).build();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw VolumeException.badRequest("a JSON body is required");
        }
        if (body.length() > MAX_BODY) {
            throw VolumeException.badRequest("the body is too large");
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw VolumeException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw VolumeException.badRequest("the body is not valid JSON");
        }
    }

    private static String text(JsonNode in, String field, boolean required) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw VolumeException.badRequest(field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw VolumeException.badRequest(field + " must be a string");
        }
        return v.asText();
    }

    private static long longValue(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw VolumeException.badRequest(field + " must be an integer");
        }
        return v.asLong();
    }

    private ObjectNode basic(VolumeRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", r.name());
        o.put("id", r.id());
        o.put("size_bytes", r.size());
        o.put("block_size", r.blockSize());
        o.put("parent", r.parentSource());
        o.put("epoch", r.epoch());
        o.put("created", r.created().toSwift());
        o.put("nbd_uri", nbdUri(r));
        return o;
    }

    private ObjectNode info(VolumeRecord r, boolean usage) {
        ObjectNode o = basic(r);
        if (usage) {
            VolumeService.Info info = volumes.info(r.account(), r.name());
            o.put("allocated_bytes", info.usage().allocatedBytes());
            o.put("owned_bytes", info.usage().ownedBytes());
            o.put("shared_with_parent_bytes", info.usage().sharedWithParentBytes());
            long now = System.currentTimeMillis();
            attachments.of(r.account() + "/" + r.name()).ifPresent(a -> {
                o.put("attached_to", a.client());
                o.put("migration_target", a.migrationTarget());
            });
            info.lease().filter(l -> !l.isFree(now)).ifPresent(l -> {
                o.put("attached_on", l.holder());
                o.put("lease_generation", l.generation());
            });
        }
        return o;
    }

    private String nbdUri(VolumeRecord r) {
        return nbdUri.apply(r.account() + "/" + r.name());
    }

    private static String json(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
