#!/bin/sh
# Evaluate, benchmark, export and parity-check one model. Run from native-models/train/images.
# Usage: sh finalize.sh sr ../runs/sr4 photo-sr4 "--heun --sigma-max 80 10"
#        sh finalize.sh inpaint ../runs/inpaint photo-inpaint "--heun"
set -e
task=$1 run=$2 id=$3 evalargs=$4
out=../../starter/$id
mkdir -p "$out"
if [ "$task" = sr ]; then
  nice -n 19 /usr/bin/python3 eval_sr.py --run-dir "$run" $evalargs --out "$run/eval.json" --samples "$out/samples.png" > "$run/eval.log" 2>&1
else
  nice -n 19 /usr/bin/python3 eval_inpaint.py --run-dir "$run" $evalargs --out "$run/eval.json" --samples "$out/samples.png" > "$run/eval.log" 2>&1
fi
/usr/bin/python3 export.py --task "$task" --run-dir "$run" --out-dir "$out" --no-training 2>&1 | grep -v -i warn | grep wrote
cd ../../..
node native-models/train/images/check_parity.mjs "native-models/starter/$id" > "native-models/train/${run#../}/parity.log"
if [ "$task" = sr ]; then
  { node native-models/train/images/bench_ort.mjs sr "native-models/starter/$id/model.onnx" 128 2
    node native-models/train/images/bench_ort.mjs sr "native-models/starter/$id/model.onnx" 64 2
    node native-models/train/images/bench_ort.mjs sr "native-models/starter/$id/model.onnx" 128 1; } > "native-models/train/${run#../}/latency.jsonl"
else
  { node native-models/train/images/bench_ort.mjs inpaint "native-models/starter/$id/model.onnx" 256 2
    node native-models/train/images/bench_ort.mjs inpaint "native-models/starter/$id/model.onnx" 128 2
    node native-models/train/images/bench_ort.mjs inpaint "native-models/starter/$id/model.onnx" 256 1; } > "native-models/train/${run#../}/latency.jsonl"
fi
cd native-models/train/images
/usr/bin/python3 -c "
import json,sys
rows=[json.loads(l) for l in open('$run/latency.jsonl')]
json.dump({'onnxruntime_node': rows[0]['ort'], 'machine': 'shared 2-core x86-64 VM, other jobs running', 'runs': [
  {'out_shape': r['outShape'], 'threads': r['threads'], 'median_ms': r['medianMs'], 'min_ms': r['minMs']} for r in rows]},
  open('$run/latency.json','w'), indent=2)"
/usr/bin/python3 export.py --task "$task" --run-dir "$run" --out-dir "$out" 2>&1 | grep -v -i warn | grep wrote
cat "$run/parity.log"; cat "$run/latency.jsonl"; tail -n 14 "$run/eval.log"
