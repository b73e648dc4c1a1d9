// conv.ts — the sliding-window primitives behind convolution and pooling. Each is linear (or
// piecewise linear) in its input, so its backward is its adjoint, and each adjoint is itself a
// recorded op whose backward is the forward again (higher-order gradients work):
//   im2col (unfold)          <-> col2im (fold: scatter-add)
//   maxPool2d (gather argmax) -> maxPoolScatter (scatter-add to argmax) <-> gather
//   avgPool2d (window mean)  <-> avgPool2dAdjoint (spread evenly)
// Convolution itself is composed in layers/conv.ts as im2col + matmul.
// Shapes: N batch, C channels, H x W input, kh x kw window, oh x ow output, L = oh*ow.
// Reference: Chellapilla et al., "High Performance Convolutional Neural Networks for Document
// Processing" (2006) for im2col; PyTorch's max_pool2d_with_indices / avg_pool2d.

import type { AvgPoolMode, Window2d } from '../../backend/backend.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { gather } from './indexing.js';

export type { AvgPoolMode, Window2d };

function expectShape(op: string, t: Tensor, shape: number[]): void {
  if (!sameShape(t.shape, shape)) throw new Error(`${op}: expected a tensor of shape ${fmt(shape)}, got ${fmt(t.shape)}`);
}

const inShape = (g: Window2d): number[] => [g.n, g.c, g.h, g.w];
const outShape = (g: Window2d): number[] => [g.n, g.c, g.oh, g.ow];
const colShape = (g: Window2d): number[] => [g.n, g.c * g.kh * g.kw, g.oh * g.ow];

// y = im2col(x): y[n, (c*kh + i)*kw + j, oy*ow + ox] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw]
// dx = col2im(dy)   (every input element receives the sum of the columns that copied it)
export function im2col(x: Tensor, g: Window2d): Tensor {
  expectShape('im2col', x, inShape(g));
  const y = Tensor._fromStorage(x._backend, x._backend.im2col(x._view, g, x.dtype), colShape(g), x.dtype); // (N, C*kh*kw, L)
  return record('im2col', [x], y, (dy) => [col2im(dy, g)]);
}

// y = col2im(cols): the adjoint of im2col      dcols = im2col(dy)
export function col2im(cols: Tensor, g: Window2d): Tensor {
  expectShape('col2im', cols, colShape(g));
  const y = Tensor._fromStorage(cols._backend, cols._backend.col2im(cols._view, g, cols.dtype), inShape(g), cols.dtype); // (N, C, H, W)
  return record('col2im', [cols], y, (dy) => [im2col(dy, g)]);
}

/**
 * Max over each window: values (N, C, oh, ow) and int32 indices, each the flat position
 * y*W + x of its window's maximum within the (H, W) plane (PyTorch's return_indices layout).
 */
export function maxPool2dWithIndices(x: Tensor, g: Window2d): { values: Tensor; indices: Tensor } {
  expectShape('maxPool2d', x, inShape(g));
  const r = x._backend.maxPool2d(x._view, g, x.dtype);
  const indices = Tensor._fromStorage(x._backend, r.indices, outShape(g), 'int32');
  const y = Tensor._fromStorage(x._backend, r.values, outShape(g), x.dtype);
  // y = x[argmax]      dx = dy scattered (added) to the argmax positions
  const values = record('maxPool2d', [x], y, (dy) => [maxPoolScatter(dy, indices, g)]);
  return { values, indices };
}

// y = zeros (N,C,H,W) with dy added at indices      ddy = ddx gathered at indices
function maxPoolScatter(dy: Tensor, indices: Tensor, g: Window2d): Tensor {
  expectShape('maxPool2dBackward', dy, outShape(g));
  const s = dy._backend.maxPool2dBackward(dy._view, indices._view, g, dy.dtype);
  const y = Tensor._fromStorage(dy._backend, s, inShape(g), dy.dtype);
  return record('maxPool2dBackward', [dy], y, (ddx) => {
    const planes = ddx.reshape([g.n * g.c, g.h * g.w]); // (N*C, H*W)
    const at = indices.reshape([g.n * g.c, g.oh * g.ow]); // (N*C, L)
    return [gather(planes, 1, at).reshape(outShape(g))]; // (N, C, oh, ow)
  });
}

// y = avgPool2d(x) = A x (window sums over divisors)      dx = A^T dy = avgPool2dAdjoint(dy)
export function avgPool2d(x: Tensor, g: Window2d, mode: AvgPoolMode): Tensor {
  expectShape('avgPool2d', x, inShape(g));
  const y = Tensor._fromStorage(x._backend, x._backend.avgPool2d(x._view, g, mode, x.dtype), outShape(g), x.dtype);
  return record('avgPool2d', [x], y, (dy) => [avgPool2dAdjoint(dy, g, mode)]);
}

// y = A^T dy (each dy spread over its window, same divisor)      ddy = A ddx = avgPool2d(ddx)
function avgPool2dAdjoint(dy: Tensor, g: Window2d, mode: AvgPoolMode): Tensor {
  expectShape('avgPool2dBackward', dy, outShape(g));
  const s = dy._backend.avgPool2dBackward(dy._view, g, mode, dy.dtype);
  const y = Tensor._fromStorage(dy._backend, s, inShape(g), dy.dtype);
  return record('avgPool2dBackward', [dy], y, (ddx) => [avgPool2d(ddx, g, mode)]);
}
