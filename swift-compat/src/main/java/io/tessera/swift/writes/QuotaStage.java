package io.tessera.swift.writes;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.objects.ObjectLocation;
import io.tessera.swift.quota.Quotas;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Swift's container_quotas and account_quotas, for every writer. A write whose length is known is
 * refused before a byte is read; a body of unknown length (chunked, a form post's file) is counted as
 * it is read and refused the moment it passes the quota, so nothing is published over a quota.
 */
final class QuotaStage implements ObjectWriter {
    private final Quotas quotas;
    private final ObjectWriter next;

    QuotaStage(Quotas quotas, ObjectWriter next) {
        this.quotas = quotas;
        this.next = next;
    }

    @Override
    public ObjectVersion write(ObjectWrite w) {
        ObjectLocation to = w.target();
        long allowance = quotas.uploadAllowance(to.account(), to.container());
        long known = w.content().knownLength();
        if (w.content() instanceof WriteContent.Patch p) {
            return patch(w, p, known, allowance);
        }
        if (Math.max(known, 0) > allowance) {
            throw Quotas.exceeded();
        }
        if (known < 0 && allowance < Long.MAX_VALUE && w.content() instanceof WriteContent.Body body) {
            return next.write(w.withContent(new WriteContent.Body(new Allowance(body.in(), allowance), -1)));
        }
        return next.write(w);
    }

    /**
     * A partial update (Pithos) counts what it adds to the object it changes, as Pithos counts a size
     * delta; a chunked one is refused the moment what it reads would grow the object past the quota.
     */
    private ObjectVersion patch(ObjectWrite w, WriteContent.Patch p, long known, long allowance) {
        if (known >= 0) {
            long growth = known - p.base().length();
            if (growth > 0 && growth > allowance) { // an update that does not grow it is always allowed
                throw Quotas.exceeded();
            }
            return next.write(w);
        }
        if (allowance == Long.MAX_VALUE || !(p.data() instanceof io.tessera.store.content.ContentPatcher.Body body)) {
            return next.write(w);
        }
        long left = allowance + (p.base().length() - p.offset()); // bytes over the old ones are free
        return next.write(w.withContent(new WriteContent.Patch(p.base(), p.offset(),
                new io.tessera.store.content.ContentPatcher.Body(new Allowance(body.in(), left), -1),
                p.truncateTo(), p.maxLength())));
    }

    /** A body that fails with the quota's 413 once more than {@code allowed} bytes are read from it. */
    private static final class Allowance extends FilterInputStream {
        private long left;

        Allowance(InputStream in, long allowed) {
            super(in);
            this.left = allowed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw Quotas.exceeded();
            }
        }
    }
}
