// chart.ts — the loss curve: every step's loss as a faint line and its exponential moving
// average (weight 0.95) as a solid one, on a linear axis from 0 to the largest loss seen, with
// the step count and the latest smoothed value printed in the corner.

/** Exponential moving average of `xs` with weight `beta` on the past (xs.length values). */
export function smooth(xs: readonly number[], beta = 0.95): number[] {
  const out: number[] = [];
  let m = xs[0] ?? 0;
  for (const x of xs) out.push((m = beta * m + (1 - beta) * x));
  return out;
}

export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  const pad = 6;
  ctx.clearRect(0, 0, W, H);
  ctx.strokeStyle = '#ddd';
  ctx.strokeRect(0.5, 0.5, W - 1, H - 1);
  if (losses.length < 2) return;
  const finite = losses.filter(Number.isFinite);
  const top = Math.max(...finite, 1e-6);
  const x = (i: number) => pad + (i / (losses.length - 1)) * (W - 2 * pad);
  const y = (v: number) => H - pad - (Math.min(v, top) / top) * (H - 2 * pad);
  // at most ~2 points per pixel, so long runs stay cheap to draw
  const stride = Math.max(1, Math.floor(losses.length / (2 * W)));
  const line = (vs: readonly number[], style: string, width: number) => {
    ctx.beginPath();
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    for (let i = 0; i < vs.length; i += stride) (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x(i), y(vs[i]));
    ctx.stroke();
  };
  const ema = smooth(losses);
  line(losses, 'rgba(230, 120, 30, 0.3)', 1);
  line(ema, 'rgb(200, 90, 10)', 2);
  ctx.fillStyle = '#333';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(`step ${losses.length}   loss ${ema[ema.length - 1].toFixed(4)}`, W - 8, 16);
}
