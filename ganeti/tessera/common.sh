# Shared by the Tessera ExtStorage scripts (sourced, not run). Ganeti passes VOL_NAME, VOL_SIZE (MiB),
# VOL_NEW_SIZE, EXTP_* (provider parameters), VOL_SNAPSHOT_NAME, VOL_OPEN_EXCLUSIVE, ...
# (ganeti-extstorage-interface(7)). Configuration for bin/tessera volume comes from the environment or
# from /etc/ganeti/tessera.env (TESSERA_URL, TESSERA_USER, TESSERA_KEY, TESSERA_ACCOUNT, TESSERA_BIN,
# TESSERA_NBD_CLIENT).
set -euo pipefail

if [[ -r /etc/ganeti/tessera.env ]]; then
  # shellcheck disable=SC1091
  . /etc/ganeti/tessera.env
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TESSERA_BIN="${TESSERA_BIN:-$here/../../bin/tessera}"
STATE_DIR="${TESSERA_GANETI_STATE:-/run/tessera-ganeti}"
# This hypervisor's NBD client name in attachments: local (the Unix socket) or its TLS certificate's CN.
NBD_CLIENT="${TESSERA_NBD_CLIENT:-local}"

: "${VOL_NAME:?VOL_NAME is not set (run by Ganeti)}"

tv() {
  "$TESSERA_BIN" volume "$@"
}

log() {
  echo "tessera-extstorage: $*" >&2
}

# True if this host can attach NBD exports as block devices (kernel nbd + nbd-client).
kernel_nbd() {
  command -v nbd-client >/dev/null 2>&1 && { [[ -e /dev/nbd0 ]] || [[ -d /sys/module/nbd ]]; }
}
