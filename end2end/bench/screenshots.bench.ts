// Screenshots of every wizard step at 1280 px (not part of the test run), for looking at
// the design: `npx playwright test -c bench screenshots` from end2end/. PNGs go to
// SHOTS_DIR (default: the OS temp dir).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test, expect } from "@playwright/test";
import { ADMIN, signIn, uploadFile } from "../tests/helpers";

const CORPUS = path.resolve(__dirname, "../../../shared/corpus");
const DIR = process.env.SHOTS_DIR ?? path.join(os.tmpdir(), "lead-importer-shots");

test("screenshots of each step", async ({ page }) => {
  fs.mkdirSync(DIR, { recursive: true });
  const shot = (name: string) => page.screenshot({ path: path.join(DIR, `${name}.png`), fullPage: true });
  await signIn(page, ADMIN);
  await page.goto("/imports/new");
  await page.getByText("Reading options").click();
  await shot("1-upload");
  const file = fs.readFileSync(path.join(CORPUS, "datablist-excel-eu-resave/customers-100.csv"));
  const url = await uploadFile(page, "customers-100.csv", file, "datablist-eu");
  await shot("2-mapping");
  await page.goto(`${url}?step=upload`);
  await expect(page.getByRole("table", { name: "First rows of the file" })).toBeVisible();
  await shot("1b-file");
  await page.goto(`${url}?step=preview`);
  await shot("3-preview");
  await page.goto(`${url}?step=review`);
  const grid = page.getByRole("grid", { name: "Staged rows" });
  await expect(grid.getByRole("rowheader", { name: "2", exact: true })).toBeVisible();
  const firstInvalid = grid.getByRole("gridcell").and(page.locator("[aria-invalid=true]")).first();
  if (await firstInvalid.count()) await firstInvalid.click();
  await page.getByText("Bulk actions").click();
  await shot("4-review");
  await page.goto(`${url}?step=review&q=zzzz-nothing`);
  await expect(page.getByText("No rows match.")).toBeVisible();
  await shot("4b-review-empty");
  await page.goto(`${url}?step=summary`);
  await shot("5-summary");
  await page.getByRole("button", { name: "Import leads" }).click();
  await expect(page.getByLabel("Import result")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("nothing has been written")).toHaveCount(0);
  await shot("5b-summary-applied");
  await page.goto("/imports");
  await shot("6-history");
});
