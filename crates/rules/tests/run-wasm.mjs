// Runs the rules crate compiled to wasm32 (wasm-harness) under node: reads the cases file,
// passes it to the module's `run` export and prints the result JSON. With --bench N it times
// N default-config rows instead.
import { readFileSync } from 'node:fs';

const [wasmPath, arg, n] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const ex = instance.exports;
if (arg === '--bench') {
  const rows = Number(n || 10000);
  ex.bench_rows(100); // warm up: metadata and caches
  const t0 = process.hrtime.bigint();
  ex.bench_rows(rows);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ rows, ms, us_per_row: (ms * 1000) / rows }));
} else {
  const input = readFileSync(arg);
  const ptr = ex.alloc(input.length);
  new Uint8Array(ex.memory.buffer, ptr, input.length).set(input);
  const packed = ex.run(ptr, input.length);
  const outPtr = Number(packed >> 32n);
  const outLen = Number(packed & 0xffffffffn);
  const out = new Uint8Array(ex.memory.buffer, outPtr, outLen);
  process.stdout.write(Buffer.from(out).toString('utf8'));
}
