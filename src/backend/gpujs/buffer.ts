// buffer.ts — the storage behind a gpujs tensor. It holds the data on the host (a typed array
// of the tensor's dtype), on the device (what gpu.js kernels take and return: a Texture on the
// GL modes, a Float32Array on webasm and cpu), or both. Kernel outputs stay on the device and
// are read back only when the host asks (toArray/dataSync/item), then cached; host data is
// uploaded once, the first time a kernel reads it. checkDtype is the backend's float64 refusal.

import type { Texture } from 'gpu.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';

export type DeviceValue = Float32Array | Texture;

/** gpu.js computes in float32: float64 is refused with an error naming the op, never rounded. */
export function checkDtype(op: string, dtype: DType): void {
  if (dtype === 'float64') {
    throw new Error(`gpujs.${op}: float64 is not supported (gpu.js computes in float32); use float32, or the cpu backend for float64`);
  }
}

/** Largest element count (and index) float32 kernel arithmetic addresses exactly. */
export const MAX_ELEMENTS = 2 ** 24;

// GL textures are freed when the buffer that owns them is garbage-collected (or replaced).
const textures = new FinalizationRegistry<Texture>((t) => t.delete());

const isTexture = (v: DeviceValue): v is Texture => !ArrayBuffer.isView(v);

export class GpuBuffer {
  private host: TypedArray | null;
  private device: DeviceValue | null = null;

  constructor(readonly dtype: DType, readonly size: number, host: TypedArray | null, device: DeviceValue | null = null) {
    if (size > MAX_ELEMENTS) {
      throw new Error(`gpujs: a tensor of ${size} elements exceeds the backend's limit of 2^24 (float32 kernel indices stop being exact)`);
    }
    this.host = host;
    if (device) this.setDevice(device);
  }

  /** The data as a host typed array of the buffer's dtype (read back once, then cached). */
  hostData(): TypedArray {
    if (!this.host) {
      const raw = this.device && isTexture(this.device) ? (this.device.toArray() as Float32Array) : (this.device as Float32Array);
      const out = allocTyped(this.dtype, this.size);
      out.set(raw.length === this.size ? raw : raw.subarray(0, this.size)); // kernels already rounded int32/bool results
      this.host = out;
    }
    return this.host;
  }

  /** True while the host copy is current (no device work needed to read it). */
  get onHost(): boolean { return this.host !== null; }

  /** The value a kernel takes as an argument: the device copy, uploading the host data first. */
  kernelArg(): DeviceValue {
    if (!this.device) {
      const h = this.host!;
      if (this.dtype === 'int32') {
        for (let i = 0; i < h.length; i++) {
          if (Math.abs(h[i]) > MAX_ELEMENTS) {
            throw new Error(`gpujs: int32 value ${h[i]} at index ${i} is beyond ±2^24, which float32 kernels cannot hold exactly`);
          }
        }
      }
      this.device = h instanceof Float32Array ? h : Float32Array.from(h);
    }
    return this.device;
  }

  /** Replaces the contents with a kernel's output (in-place ops); the host copy goes stale. */
  setDevice(v: DeviceValue): void {
    if (this.device && isTexture(this.device) && this.device !== v) {
      textures.unregister(this);
      this.device.delete();
    }
    this.device = v;
    this.host = null;
    if (isTexture(v)) textures.register(this, v, this);
  }

  /** Replaces the contents with host data (in-place ops done on the host). */
  setHost(h: TypedArray): void {
    if (this.device && isTexture(this.device)) {
      textures.unregister(this);
      this.device.delete();
    }
    this.device = null;
    this.host = h;
  }
}
