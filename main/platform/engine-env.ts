// What the engine host process may see of the environment: what onnxruntime, the GPU drivers, Node and
// the studio's own paths need — never tokens (HF_TOKEN), proxies or NODE_OPTIONS.

const exact = new Set([
  'PATH',
  'Path',
  'HOME',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'TMP',
  'TEMP',
  'TMPDIR',
  'LANG',
  'SystemRoot',
  'SYSTEMROOT',
  'windir',
  'WINDIR',
  'ProgramFiles',
  'PROGRAMFILES',
  'LD_LIBRARY_PATH',
  'DYLD_LIBRARY_PATH',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'NUMBER_OF_PROCESSORS'
])
const prefixes = [
  'STUDIO_',
  'XDG_',
  'LC_',
  'CUDA_',
  'CUDNN_',
  'NVIDIA_',
  'ORT_',
  'VK_',
  'MESA_',
  '__GL',
  'ROCM_',
  'HIP_'
]
/** Anything that looks like a secret is dropped even under an allowed prefix. */
const secret = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL|AUTH/i

/** The subset of `env` the engine host gets. */
export function engineEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || secret.test(key)) continue
    if (exact.has(key) || prefixes.some((p) => key.startsWith(p))) out[key] = value
  }
  return out
}
