package io.tessera.swift.reads;

import io.tessera.swift.SwiftServices;
import jakarta.ws.rs.core.Response;

/**
 * The one way an object GET or HEAD is answered on the full path: a chain of stages, each one
 * middleware's part of a read (as the write pipeline is of a write): versioning (which version; an
 * expired one is none), symlinks (where the bytes are), Pithos hashmaps (a map instead of bytes),
 * large objects (which bytes), then the body (conditions, ranges, the reply). A new middleware
 * that governs reads is one more stage here. (Plain reads no middleware changes take the lean path,
 * {@link io.tessera.swift.objects.PlainRead}, which declines every case a stage here would act on.)
 */
public final class ReadChain {
    private ReadChain() {
    }

    public static ObjectReader of(SwiftServices services, ObjectSources sources) {
        return new VersionStage(sources,
                new SymlinkStage(sources,
                        new HashmapStage(services.maps(),
                                new LargeObjectStage(sources,
                                        new BodyStage(io.tessera.swift.sharing.SharingReplies.of(services,
                                                sources.context()))))));
    }

    public static Response answer(ObjectReader chain, ObjectRead read) {
        return chain.read(read).reply();
    }
}
