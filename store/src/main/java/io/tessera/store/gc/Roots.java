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
 * collector must treat as referenced"), each kind from the store that holds it, never through a table
 * that only some writers fill (store/GC.md, "What is referenced"):
 * <ul>
 *   <li>every current object version of every container of every account (hidden containers such as
 *       versioning's are containers like any other): accounts from the account rows, which every
 *       container create writes first, on both backends;</li>
 *   <li>every volume record, from a scan of all volume records ({@link VolumeStore#forEachVolume}), with
 *       its parent map and overlay: creating a volume writes no account row, so a volume's account may
 *       have none;</li>
 *   <li>every pending hash job ({@link VolumeStore#hashJobs(String, int)}, paged to the end).</li>
 * </ul>
 * One page at a time: memory is one page plus one volume's overlay.
 */
public final class Roots {
    static final int PAGE = 1000;

    public interface Visitor {
        /** Before the objects of {@code account}. */
        default void account(String account) {
        }

        /** Before the objects of one container (hidden ones included). */
        default void container(String account, String container) {
        }

        void object(ObjectVersion version);

        /** After the last object of that container. */
        default void containerDone(String account, String container) {
        }

        /** After the last object of {@code account}. */
        default void accountDone(String account) {
        }

        void volume(VolumeStore.VolumeRecord volume, Map<Long, VolumeStore.Entry> overlay);

        void hashJob(VolumeStore.HashJob job);
    }

    private Roots() {
    }

    /** One visitor that hands every call to each of {@code visitors}, in order: one walk serves them all. */
    public static Visitor all(Visitor... visitors) {
        List<Visitor> each = List.of(visitors);
        return new Visitor() {
            @Override
            public void account(String account) {
                each.forEach(v -> v.account(account));
            }

            @Override
            public void container(String account, String container) {
                each.forEach(v -> v.container(account, container));
            }

            @Override
            public void object(ObjectVersion version) {
                each.forEach(v -> v.object(version));
            }

            @Override
            public void containerDone(String account, String container) {
                each.forEach(v -> v.containerDone(account, container));
            }

            @Override
            public void accountDone(String account) {
                each.forEach(v -> v.accountDone(account));
            }

            @Override
            public void volume(VolumeStore.VolumeRecord volume, Map<Long, VolumeStore.Entry> overlay) {
                each.forEach(v -> v.volume(volume, overlay));
            }

            @Override
            public void hashJob(VolumeStore.HashJob job) {
                each.forEach(v -> v.hashJob(job));
            }
        };
    }

    public static void walk(Store store, Visitor visitor) {
        walk(store, PAGE, visitor);
    }

    /** Walks every root, reading {@code page} rows per query. */
    public static void walk(Store store, int page, Visitor visitor) {
        String afterAccount = null;
        while (true) {
            List<String> accounts = store.gc().accounts(afterAccount, page);
            for (String account : accounts) {
                visitor.account(account);
                walkContainers(store, account, page, visitor);
                visitor.accountDone(account);
            }
            if (accounts.size() < page) {
                break;
            }
            afterAccount = accounts.get(accounts.size() - 1);
        }
        store.volumes().forEachVolume(page, v -> {
            long blocks = (v.size() + v.blockSize() - 1) / v.blockSize();
            visitor.volume(v, store.volumes().entries(v.id(), blocks));
        });
        String afterJob = null;
        while (true) {
            List<VolumeStore.HashJob> jobs = store.volumes().hashJobs(afterJob, page);
            jobs.forEach(visitor::hashJob);
            if (jobs.size() < page) {
                break;
            }
            afterJob = jobs.get(jobs.size() - 1).id();
        }
    }

    private static void walkContainers(Store store, String account, int page, Visitor visitor) {
        String afterContainer = null;
        while (true) {
            List<ContainerInfo> containers = store.metadata().listContainers(account,
                    new ListQuery(null, afterContainer, null, false, page));
            for (ContainerInfo c : containers) {
                visitor.container(account, c.name());
                walkContainer(store, account, c.name(), page, visitor);
                visitor.containerDone(account, c.name());
            }
            if (containers.size() < page) {
                break;
            }
            afterContainer = containers.get(containers.size() - 1).name();
        }
    }

    private static void walkContainer(Store store, String account, String container, int pageSize, Visitor visitor) {
        String after = null;
        while (true) {
            List<ObjectVersion> page = store.metadata().listObjects(account, container,
                    new ListQuery(null, after, null, false, pageSize));
            page.forEach(visitor::object);
            if (page.size() < pageSize) {
                break;
            }
            after = page.get(page.size() - 1).name();
        }
    }
}
