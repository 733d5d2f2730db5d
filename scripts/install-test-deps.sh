#!/usr/bin/env bash
# Installs the real clients the test suite drives, from Debian's packages, if they are missing:
#   python3-swiftclient  the `swift` CLI (end-to-end tests of the Swift API)
#   curl                 used by scripts and by hand
#   qemu-utils           qemu-img and qemu-io: QEMU's own NBD client (volumes' end-to-end tests)
#   libnbd-bin           nbdinfo and nbdcopy (volumes' end-to-end tests)
#   chromium             headless Chromium, driven by the web page's browser tests (Selenium)
#   chromium-driver      its chromedriver (the tests give both paths: nothing is downloaded at test time)
#   nodejs               `node --test`, the web page's JavaScript unit tests (only if node is missing)
# Runs `apt-get update` at most once, and only when something is missing. Needs root (or sudo).
set -euo pipefail

need=()
[[ -x /usr/bin/swift ]] || need+=(python3-swiftclient)
command -v curl >/dev/null 2>&1 || need+=(curl)
[[ -x /usr/bin/qemu-img && -x /usr/bin/qemu-io ]] || need+=(qemu-utils)
[[ -x /usr/bin/nbdinfo && -x /usr/bin/nbdcopy ]] || need+=(libnbd-bin)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -x /usr/bin/chromedriver ]] || need+=(chromium-driver)
command -v node >/dev/null 2>&1 || need+=(nodejs)

if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root or sudo to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
