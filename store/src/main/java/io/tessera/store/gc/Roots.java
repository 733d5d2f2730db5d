package io.tessera.store.gc;

import io.tessera.store.ContainerInfo;
import io.tessera.store.ListQuery;
import io.tessera.store.ObjectVersion;
import io.tessera.store.Store;
import io.tessera.store.VolumeStore;
import java.util.List;
import java.util.Map;

/**
 * Walks everything that names a map or a block (the collector's roots; volumes/README.md, "What the
 * collector must treat as referenced"): every current object version of every container of every
 * account (hidden containers such as versioning's are containers like any other), every volume's
 * parent map and overlay, and every pending hash job. One page at a time: memory is one page plus one
 * volume's overlay.
 */
public final class Roots {
    static final int PAGE = 1000;

    public interface Visitor {
        default void account(String account) {
        }

        void object(ObjectVersion version);

        void volume(VolumeStore.VolumeRecord volume, Map<Long, VolumeStore.Entry> overlay);

        void hashJob(VolumeStore.HashJob job);

        /** After the last root of {@code account}. */
        default void accountDone(String account) {
        }
    }

    private Roots() {
    }

    public static void walk(Store store, Visitor visitor) {
        String afterAccount = null;
        while (true) {
            List<String> accounts = store.gc().accounts(afterAccount, PAGE);
            for (String account : accounts) {
                visitor.account(account);
                walkAccount(store, account, visitor);
                visitor.accountDone(account);
            }
            if (accounts.size() < PAGE) {
                break;
            }
            afterAccount = accounts.get(accounts.size() - 1);
        }
        for (VolumeStore.HashJob job : store.volumes().hashJobs(Integer.MAX_VALUE)) {
            visitor.hashJob(job);
        }
    }

    private static void walkAccount(Store store, String account, Visitor visitor) {
        String afterContainer = null;
        while (true) {
            List<ContainerInfo> containers = store.metadata().listContainers(account,
                    new ListQuery(null, afterContainer, null, false, PAGE));
            for (ContainerInfo c : containers) {
                walkContainer(store, account, c.name(), visitor);
            }
            if (containers.size() < PAGE) {
                break;
            }
            afterContainer = containers.get(containers.size() - 1).name();
        }
        String afterVolume = null;
        while (true) {
            List<VolumeStore.VolumeRecord> volumes = store.volumes().list(account, afterVolume, PAGE);
            for (VolumeStore.VolumeRecord v : volumes) {
                long blocks = (v.size() + v.blockSize() - 1) / v.blockSize();
                visitor.volume(v, store.volumes().entries(v.id(), blocks));
            }
            if (volumes.size() < PAGE) {
                break;
            }
            afterVolume = volumes.get(volumes.size() - 1).name();
        }
    }

    private static void walkContainer(Store store, String account, String container, Visitor visitor) {
        String after = null;
        while (true) {
            List<ObjectVersion> page = store.metadata().listObjects(account, container,
                    new ListQuery(null, after, null, false, PAGE));
            page.forEach(visitor::object);
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).name();
        }
    }
}
