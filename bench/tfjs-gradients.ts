// tfjs-gradients.ts — registers tfjs-core's gradient functions (needed by tf.grads and
// variableGrads) and its chained ops (x.split(), used inside some gradients). tfjs-core's Node
// build leaves both out (the @tensorflow/tfjs union package imports them from dist/), and those
// ES module files cannot be imported by Node directly (extensionless imports). So we bundle them
// with esbuild (a dependency of tsx) into one CommonJS file and require it; the copy shares
// tfjs's engine, gradient registry and Tensor class, which tfjs keeps on globalThis.

import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let done = false;

export function registerTfjsGradients(): void {
  if (done) return;
  const require = createRequire(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'tensorloom-bench-'));
  const outfile = join(dir, 'register_all_gradients.cjs');
  try {
    buildSync({
      stdin: {
        contents: [
          "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';",
          "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';",
        ].join('\n'),
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile,
      logLevel: 'error',
    });
    require(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  done = true;
}
