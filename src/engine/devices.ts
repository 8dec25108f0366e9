/** The devices a model can be asked to run on; apart from session.ts so the extension can list them without loading onnxruntime. */
export const GPU_PROVIDERS = ['cuda', 'dml', 'coreml', 'webgpu'] as const;
export type GpuProvider = (typeof GPU_PROVIDERS)[number];
export type Provider = GpuProvider | 'cpu';
export type DeviceRequest = 'auto' | 'gpu' | Provider;
export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'gpu', 'cpu', ...GPU_PROVIDERS];
