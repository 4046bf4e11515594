// Applying from the Summary step: the result, a downloaded error report that is safe to
// open, the history entry, and a revert — as a person does it in the browser.
import * as fs from "node:fs";
import { test, expect } from "@playwright/test";
import { ADMIN, expectAccessible, signIn, uniqueTag, uploadFile } from "./helpers";

function csv(tag: string): Buffer {
  const lines = [
    "First Name,Last Name,Email,Company",
    `Ada,Lovelace,ada.${tag}@example.com,Analytical Engines`,
    `Grace,Hopper,grace.${tag}@example.com,Navy`,
    `=1+1,Formula,=cmd,Evil Corp`,
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf-8");
}

test("an import is applied, its error report downloaded, and then reverted", async ({ page }) => {
  test.setTimeout(120_000);
  const tag = uniqueTag();
  await signIn(page, ADMIN);
  const name = `apply-${tag}.csv`;
  const url = await uploadFile(page, name, csv(tag));

  await page.goto(`${url}?step=summary&mode=valid_only&policy=upsert`);
  await expect(page.getByRole("heading", { name: "Summary", exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Import leads" }).click();

  const result = page.getByLabel("Import result");
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result.getByRole("definition").first()).toHaveText("2"); // created
  await expect(result.getByRole("definition").nth(3)).toHaveText("1"); // left out for errors
  // The step around the panel follows: the decision is history now.
  await expect(page.getByText("nothing has been written")).toHaveCount(0);
  await expect(page.getByText("applied", { exact: true })).toBeVisible();
  await expectAccessible(page);

  // The issue list: the row with errors, its hint, and the formula cell neutralised.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Issue list (CSV)", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`apply-${tag}-errors.csv`);
  const report = fs.readFileSync(await download.path(), "utf-8");
  expect(report.charCodeAt(0)).toBe(0xfeff);
  expect(report).toContain("cell.email_invalid");
  expect(report).toContain("'=cmd");
  expect(report).not.toMatch(/(^|,)=cmd/m);

  // The failed rows: the row with errors with all its columns under the original headers,
  // its problems, neutralised, and nothing of the rows that were imported.
  const [rowsDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Failed rows (CSV)", exact: true }).click(),
  ]);
  expect(rowsDownload.suggestedFilename()).toBe(`apply-${tag}-failed-rows.csv`);
  const rows = fs.readFileSync(await rowsDownload.path(), "utf-8");
  expect(rows.charCodeAt(0)).toBe(0xfeff);
  // (The Problems cell holds one line per issue, so records are found by their text.)
  expect(rows.slice(1).split(/\r?\n/)[0]).toBe(
    "Row id,Row,Row status,Problems,First Name,Last Name,Email,Company",
  );
  expect(rows).toMatch(/^\d+,4,error,/m);
  expect(rows).toContain("email: ");
  expect(rows).toContain(",'=1+1,Formula,'=cmd,Evil Corp");
  expect(rows.match(/Evil Corp/g)).toHaveLength(1);
  expect(rows).not.toMatch(/(^|,)=(cmd|1\+1)/m);
  expect(rows).not.toContain(`ada.${tag}@example.com`);
  expect(rows).not.toContain(`grace.${tag}@example.com`);

  // History shows the import as applied, with its decision and result.
  await page.goto("/imports");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("applied");
  await expect(row).toContainText("valid only / upsert");
  await expect(row).toContainText("2 created");

  // Revert from the import's page.
  await page.goto(`${url}?step=summary`);
  await page.getByRole("button", { name: "Revert this import" }).click();
  await expect(page.getByLabel("Revert result")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel("Revert result").getByRole("definition").first()).toHaveText("2");
  await page.goto("/imports");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("reverted");
});
