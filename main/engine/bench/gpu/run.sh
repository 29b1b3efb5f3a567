#!/bin/bash
# One device call: unpack node, Vulkan and GL loaders and onnxruntime-node, then time the starter model on
# WebGPU and CPU (node) and with PyTorch CUDA/CPU on the same card, writing everything to $OUT.
set -u
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
cd "$here" && . ./gpu-env.sh > "$OUT/env.txt" 2>&1
for f in gl/*.deb; do dpkg -x "$f" /; done; ldconfig
mkdir -p node_modules && tar xJf ort.tar.xz -C node_modules
cd "$root"
STUDIO_STARTER_DIR="$root/native-models/starter" STUDIO_DATA_DIR=/tmp/sd timeout 240 node .gpu/bench.mjs > "$OUT/ort.txt" 2> "$OUT/ort.err"
cd native-models/train
ck=runs/emoji32-gpu/ckpt.pt
timeout 150 python3 bench_torch.py --threads 16 --device cuda --checkpoint $ck --precision fp32 --precision tf32 --precision fp16 \
  --batch 1 --batch 2 --batch 8 --batch 32 --iters 100 > "$OUT/torch-cuda.txt" 2> "$OUT/torch-cuda.err"
timeout 100 python3 bench_torch.py --threads 16 --checkpoint $ck --batch 1 --batch 2 --batch 8 --batch 32 --iters 20 \
  > "$OUT/torch-cpu.txt" 2> "$OUT/torch-cpu.err"
nvidia-smi --query-gpu=name,driver_version --format=csv > "$OUT/gpu.txt" 2>&1
lscpu | grep "Model name" >> "$OUT/gpu.txt"
cat "$OUT/gpu.txt" "$OUT/ort.txt" "$OUT/torch-cuda.txt" "$OUT/torch-cpu.txt"; tail -n 3 "$OUT/ort.err" "$OUT/torch-cuda.err"
