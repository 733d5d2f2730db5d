#!/usr/bin/python3
"""Fill a listing container of the reference Swift (SAIO) directly in its container database.

Usage: swift-fill-listing.py SWIFT_DATA ACCOUNT CONTAINER COUNT [BATCH]

Writes the rows d0000/o-00000000, d0000/o-00000001, ... (the names tessera-bench's listing workload expects) with
Swift's own ContainerBroker.merge_items, in batches, as the container server does when object
servers report PUTs: the same row an HTTP PUT of an empty object leaves (size 0, the MD5 of
nothing as ETag, application/octet-stream, the container's storage policy). The container must
exist (create it over HTTP first); the running container-updater then reports the new counts to
the account, as it does after ordinary PUTs. Only the listing is measured afterwards: this is a
shortcut past an hour of object PUTs (docs/benchmarks.md). Run with Debian's /usr/bin/python3.
"""
import glob
import os
import sys
import time

import swift.common.utils as utils


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    data, account, container, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
    # as scripts/peers/swift-saio.sh's launcher: Swift reads its policies from this SAIO's swift.conf
    utils.SWIFT_CONF_FILE = os.path.join(data, 'etc', 'swift.conf')
    from swift.container.backend import ContainerBroker

    broker = None
    for db in glob.glob(os.path.join(data, 'node', '*', 'containers', '*', '*', '*', '*.db')):
        b = ContainerBroker(db)
        info = b.get_info()
        if info['account'] == account and info['container'] == container:
            broker = b
            break
    if broker is None:
        sys.exit('no container database for %s/%s under %s: create the container first' % (account, container, data))
    policy = broker.get_info()['storage_policy_index']
    t0 = time.time()
    created_at = utils.Timestamp(t0).internal
    for start in range(0, count, batch):
        broker.merge_items([
            {'name': 'd%04d/o-%08d' % (i // 1000, i), 'created_at': created_at, 'size': 0,
             'content_type': 'application/octet-stream', 'etag': 'd41d8cd98f00b204e9800998ecf8427e',
             'deleted': 0, 'storage_policy_index': policy}
            for i in range(start, min(count, start + batch))])
    secs = time.time() - t0
    objects = broker.get_info()['object_count']
    print('# direct fill swift %s/%s: %d rows merged in %.1f s (%.0f rows/s, batches of %d) into %s; '
          'container counts %d objects' % (account, container, count, secs, count / secs, batch,
                                           broker.db_file, objects))
    sys.exit(0 if objects == count else 1)


if __name__ == '__main__':
    main()
