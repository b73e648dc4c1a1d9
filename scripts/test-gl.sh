#!/usr/bin/env bash
# test-gl.sh — `npm run test:gl`: the gpujs backend on gpu.js's headlessgl mode (WebGL 1 in Node
# through headless-gl, the `gl` package, on Mesa under a virtual X display). Idempotent:
#   1. installs with apt-get the Debian packages headless-gl builds and runs with (once);
#   2. builds gl@8.1.6 from source (its prebuilt binaries cannot be downloaded here) into a
#      cache outside the project, ~/.cache/tensorloom/gl-<version>-abi<node ABI>, and links it
#      as node_modules/gl — npm and package-lock.json are not touched; a `gl` that already
#      works in node_modules is kept;
#   3. runs the per-backend suites (test/backend/gpujs, test/gl, test/ops, test/layers,
#      test/autograd, test/optim) with
#      TENSORLOOM_GPUJS_MODES=headlessgl under xvfb-run, then
#      the end-to-end smoke test (elementwise ops and a small MLP vs cpu, test/browser/smoke.js).
#
#   npm run test:gl                       # the per-backend suites on headlessgl
#   npm run test:gl -- test/ops           # other vitest paths/filters instead
#   TENSORLOOM_GPUJS_MODES=headlessgl,webasm npm run test:gl
#
# The first run builds ANGLE and takes ~5 min of CPU (15 min wall on 2 busy cores); later runs
# only run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

GL_VERSION=8.1.6
PACKAGES=(build-essential python3 pkg-config libxi-dev libgl-dev mesa-common-dev libglew-dev xvfb xauth)

log() { echo "test:gl: $*"; }

# ---- 1. Debian packages -----------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---- 2. headless-gl, built from source ---------------------------------------------------------
gl_works() { xvfb-run -a node -e "process.exit(require('gl')(1, 1) ? 0 : 1)" >/dev/null 2>&1; }

if ! gl_works; then
  abi=$(node -p 'process.versions.modules')
  cache="${TENSORLOOM_GL_DIR:-$HOME/.cache/tensorloom/gl-$GL_VERSION-abi$abi}"
  if [ ! -f "$cache/build/Release/webgl.node" ]; then
    log "building gl@$GL_VERSION from source into $cache (a few minutes)"
    work="$cache.partial"
    rm -rf "$work" && mkdir -p "$work"
    (cd "$work" && npm pack "gl@$GL_VERSION" --silent >/dev/null && tar xzf "gl-$GL_VERSION.tgz" --strip-components=1 && rm "gl-$GL_VERSION.tgz")
    # its runtime dependencies (bindings, nan, node-gyp, ...), without running its install
    # script: that one tries the prebuilt download first
    (cd "$work" && npm install --omit=dev --ignore-scripts --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null)
    # Node's own headers when they are installed next to it (Debian's nodejs, the official
    # tarballs), since node-gyp would otherwise download them
    nodedir="${npm_config_nodedir:-$(node -p "require('path').resolve(process.execPath, '../..')")}"
    gyp_args=(rebuild "--jobs=$(nproc)")
    [ -f "$nodedir/include/node/node_version.h" ] && gyp_args+=("--nodedir=$nodedir")
    (cd "$work" && node node_modules/node-gyp/bin/node-gyp.js "${gyp_args[@]}" >"$work/build.log" 2>&1) || {
      tail -30 "$work/build.log"; log "building gl failed (log: $work/build.log)"; exit 1;
    }
    rm -rf "$cache" && mv "$work" "$cache"
  fi
  rm -rf node_modules/gl
  ln -s "$cache" node_modules/gl
  gl_works || { log "node_modules/gl -> $cache is built but cannot create a WebGL context under xvfb-run"; exit 1; }
  log "node_modules/gl -> $cache"
fi

# ---- 3. the tests --------------------------------------------------------------------------------
export TENSORLOOM_GPUJS_MODES="${TENSORLOOM_GPUJS_MODES:-headlessgl}"
log "vitest with TENSORLOOM_GPUJS_MODES=$TENSORLOOM_GPUJS_MODES"
[ $# -gt 0 ] || set -- test/backend/gpujs test/gl test/ops test/layers test/autograd test/optim
status=0
xvfb-run -a npx vitest run "$@" || status=1
log "smoke test on headlessgl"
xvfb-run -a node --import tsx test/browser/smoke-node.mjs headlessgl || status=1
exit $status
