package io.tessera.swift.writes;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import java.util.Map;

/**
 * The pipeline's first stage after the header budget: the {@link PathFeatures} of the row being
 * replaced go on with the new one (one metadata get per write).
 */
final class PathFeaturesStage implements ObjectWriter {
    private final MetadataStore meta;
    private final ObjectWriter next;

    PathFeaturesStage(MetadataStore meta, ObjectWriter next) {
        this.meta = meta;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        Map<String, String> replaced = meta.getObject(w.target().account(), w.target().container(), w.target().object())
                .map(ObjectVersion::metadata).orElse(Map.of());
        Map<String, String> carried = PathFeatures.carry(replaced, w.metadata());
        if (carried == w.metadata()) {
            return next.write(w);
        }
        return next.write(new ObjectWrite(w.target(), w.contentType(), carried, w.expectedEtag(), w.ifNoneMatchStar(),
                w.content(), w.link()));
    }
}
