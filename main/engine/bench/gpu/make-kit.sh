#!/bin/bash
# Builds the git-ignored .gpu/ kit for one GPU benchmark call on a lent GPU machine (no node there):
# node and the Vulkan loader from ../shared/device, Debian's GL loader packages the NVIDIA Vulkan driver
# needs, onnxruntime-node's linux-x64 files (xz-compressed to stay under the 64 MiB carry limit), the
# bundled benchmark and run.sh. Then, through the device tool:
#   run  command: bash .gpu/run.sh   carry: [".gpu", "native-models/train/runs/emoji32-gpu"]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../../.." && pwd)
kit="$root/.gpu"
mkdir -p "$kit/gl"
cp "$root"/../shared/device/{gpu-env.sh,node-v20.20.2-linux-x64.xz,libvulkan1_*.deb} "$kit/"
(cd "$kit/gl" && apt-get download libglvnd0 libgl1 libglx0 libegl1 libopengl0 libgles2)
stage=$(mktemp -d)
cp -r "$root/node_modules/onnxruntime-common" "$stage/"
mkdir -p "$stage/onnxruntime-node/bin/napi-v6/linux"
cp -r "$root/node_modules/onnxruntime-node/"{dist,lib,package.json} "$stage/onnxruntime-node/" 2>/dev/null || true
cp -r "$root/node_modules/onnxruntime-node/bin/napi-v6/linux/x64" "$stage/onnxruntime-node/bin/napi-v6/linux/"
tar cJf "$kit/ort.tar.xz" -C "$stage" onnxruntime-node onnxruntime-common
rm -rf "$stage"
"$root/node_modules/esbuild/bin/esbuild" "$root/main/engine/bench/gpu-bench.ts" --bundle --platform=node \
  --format=esm --target=node20 --external:onnxruntime-node --log-level=warning --outfile="$kit/bench.mjs" \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
cp "$root/main/engine/bench/gpu/run.sh" "$kit/run.sh"
grep -qx '/.gpu/' "$root/.git/info/exclude" 2>/dev/null || echo '/.gpu/' >> "$root/.git/info/exclude"
du -sh "$kit"
