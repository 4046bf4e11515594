// Browser figures for docs/benchmarks.md ("Browser"): a generated 50,000-row CSV from
// choosing it to the first grid page, frame times while scrolling through it, and the time
// from pressing Enter on an edit to the cell showing the browser's verdict (plus the WASM
// check alone). Prints one JSON line. The file is generated into the OS temp dir, never
// committed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test, expect } from "@playwright/test";
import { ADMIN, signIn } from "../tests/helpers";

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);

function generate(file: string) {
  const out = fs.createWriteStream(file);
  out.write("First Name,Last Name,Email,Phone,Company,Country,Notes\n");
  const countries = ["DE", "FR", "GB", "Spain", "Italia", ""];
  for (let i = 0; i < ROWS; i++) {
    // Every 10th email is invalid, so the grid has errors to show.
    const email = i % 10 === 3 ? `broken${i}.example.com` : `lead${i}@example${i % 97}.com`;
    out.write(`First${i},Last${i},${email},+49 30 ${1000000 + i},Company ${i % 500},${countries[i % 6]},note ${i}\n`);
  }
  out.end();
  return new Promise<void>((resolve) => out.on("finish", () => resolve()));
}

test("browser figures for a 50,000-row file", async ({ page }) => {
  const file = path.join(os.tmpdir(), `bench-grid-${ROWS}.csv`);
  if (!fs.existsSync(file)) await generate(file);
  await signIn(page, ADMIN);
  await page.goto("/imports/new");

  const t0 = Date.now();
  await page.getByLabel("File", { exact: true }).setInputFiles(file);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page).toHaveURL(/step=mapping/, { timeout: 300_000 });
  const mappingMs = Date.now() - t0;
  const reviewUrl = page.url().replace(/\?.*$/, "") + "?step=review";
  const t1 = Date.now();
  await page.goto(reviewUrl);
  const grid = page.getByRole("grid", { name: "Staged rows" });
  await expect(grid.getByRole("rowheader", { name: "2", exact: true })).toBeVisible({ timeout: 60_000 });
  const reviewMs = Date.now() - t1;

  // Scroll through the grid for 4 s at 3,000 px per frame-second and record frame times.
  const frames: number[] = await grid.evaluate(
    (el) =>
      new Promise<number[]>((resolve) => {
        const deltas: number[] = [];
        let last = performance.now();
        const end = last + 4000;
        const step = (now: number) => {
          deltas.push(now - last);
          last = now;
          el.scrollTop += 50;
          if (now < end) requestAnimationFrame(step);
          else resolve(deltas.slice(1));
        };
        requestAnimationFrame(step);
      }),
  );
  frames.sort((a, b) => a - b);
  const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor(frames.length * p))];
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;

  // Back to the top; edit invalid emails and time Enter → the verdict in the DOM. The
  // first edit after loading and a second one are reported apart.
  await grid.evaluate((el) => (el.scrollTop = 0));
  const timeEdit = async (bad: string, row: number, good: string) => {
    const cell = grid.getByRole("gridcell", { name: new RegExp(bad.replace(/\./g, "\\.")) });
    await expect(cell).toHaveAttribute("aria-invalid", "true");
    await cell.dblclick();
    await page.getByRole("textbox", { name: new RegExp(`row ${row}$`) }).fill(good);
    await grid.evaluate((el, good) => {
      const w = window as unknown as { __enter?: number; __verdict?: number };
      w.__enter = undefined;
      w.__verdict = undefined;
      document.addEventListener("keydown", (e) => { if (e.key === "Enter") w.__enter = performance.now(); }, { capture: true, once: true });
      new MutationObserver((_, obs) => {
        const cell = Array.from(el.querySelectorAll('[role="gridcell"]')).find((c) => c.textContent?.includes(good));
        if (cell && cell.getAttribute("aria-invalid") !== "true") {
          w.__verdict = performance.now();
          obs.disconnect();
        }
      }).observe(el, { subtree: true, attributes: true, childList: true, characterData: true });
    }, good);
    await page.keyboard.press("Enter");
    await expect(grid.getByRole("gridcell", { name: new RegExp(good.replace(/\./g, "\\.")) })).not.toHaveAttribute("aria-invalid", "true");
    const ms = await page.evaluate(() => {
      const w = window as unknown as { __enter?: number; __verdict?: number };
      return (w.__verdict ?? NaN) - (w.__enter ?? NaN);
    });
    return { enter_to_verdict_ms: +ms.toFixed(2), wasm_check_ms: Number(await grid.getAttribute("data-check-ms")) };
  };
  const firstEdit = await timeEdit("broken3.example.com", 5, "fixed3@example.com");
  const secondEdit = await timeEdit("broken13.example.com", 15, "fixed13@example.com");

  console.log(
    JSON.stringify({
      rows: ROWS,
      upload_and_dry_run_to_mapping_ms: mappingMs,
      review_to_first_grid_page_ms: reviewMs,
      choose_to_first_grid_page_ms: mappingMs + reviewMs,
      scroll_frames: frames.length,
      frame_ms: { mean: +mean.toFixed(2), p50: +pct(0.5).toFixed(2), p95: +pct(0.95).toFixed(2), max: +frames[frames.length - 1].toFixed(2) },
      first_edit: firstEdit,
      second_edit: secondEdit,
    }),
  );
});
