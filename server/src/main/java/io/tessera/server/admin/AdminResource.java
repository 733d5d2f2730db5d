package io.tessera.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.swift.errors.SwiftError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * {@code /admin/v1}: the maintenance jobs for {@code bin/tessera} ({@link AdminEndpoint} says who may
 * call it). {@code POST /admin/v1/jobs/{kind}} starts gc, scrub, fsck or stats and answers 202 with the
 * job's status as JSON; {@code GET /admin/v1/jobs/{id}} answers its status (progress while it runs,
 * summary and exit status when done).
 */
@Path("/admin/v1")
public final class AdminResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminJobs jobs;
    private final String token;

    public AdminResource(AdminJobs jobs, String token) {
        this.jobs = jobs;
        this.token = token;
    }

    @POST
    @Path("jobs/{kind}")
    public Response start(@PathParam("kind") String kind, @HeaderParam(AdminEndpoint.TOKEN_HEADER) String given,
                          @Context HttpServletRequest request) throws Exception {
        Response refused = check(given, request);
        if (refused != null) {
            return refused;
        }
        if (!AdminJobs.KINDS.contains(kind)) {
            return text(SwiftError.NOT_FOUND, "no such job: " + kind + " (one of " + AdminJobs.KINDS + ")");
        }
        String id = jobs.start(kind);
        return Response.accepted(JSON.writeValueAsString(jobs.status(id).orElseThrow())).type("application/json").build();
    }

    @GET
    @Path("jobs/{id}")
    public Response status(@PathParam("id") String id, @HeaderParam(AdminEndpoint.TOKEN_HEADER) String given,
                           @Context HttpServletRequest request) throws Exception {
        Response refused = check(given, request);
        if (refused != null) {
            return refused;
        }
        return jobs.status(id)
                .map(s -> {
                    try {
                        return Response.ok(JSON.writeValueAsString(s)).type("application/json").build();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .orElseGet(() -> text(SwiftError.NOT_FOUND, "no such job: " + id));
    }

    /** Loopback (or this host's own address) and the token, compared in constant time. */
    private Response check(String given, HttpServletRequest request) throws Exception {
        InetAddress remote = InetAddress.getByName(request.getRemoteAddr());
        if (!remote.isLoopbackAddress() && !request.getRemoteAddr().equals(request.getLocalAddr())) {
            return text(SwiftError.FORBIDDEN, "the admin API answers this machine only");
        }
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return text(SwiftError.FORBIDDEN, "a valid " + AdminEndpoint.TOKEN_HEADER + " is required (see <data dir>/"
                    + AdminEndpoint.FILE + ")");
        }
        return null;
    }

    private static Response text(SwiftError error, String message) {
        return Response.status(error.code()).entity(message + "\n").type("text/plain; charset=utf-8").build();
    }
}
