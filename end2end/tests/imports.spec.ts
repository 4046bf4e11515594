// The upload step and the history: upload a file, land on its Mapping step, read the counts
// in the Preview and the history list. Role and label locators only.
import { test, expect } from "@playwright/test";
import { ADMIN, expectAccessible, signIn, uniqueTag, uploadFile } from "./helpers";

/** A small CSV with one invalid email (row 3). */
export function leadsCsv(tag: string): Buffer {
  const lines = [
    "First Name,Last Name,Email,Company",
    `Ada,Lovelace,ada.${tag}@example.com,Analytical Engines`,
    `Bob,Broken,not-an-email,Nowhere Ltd`,
    `Cleo,Clean,cleo.${tag}@example.org,Acme GmbH`,
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf-8");
}

test("a user uploads a CSV, reads the counts in the preview and finds it in the history", async ({ page }) => {
  const tag = uniqueTag();
  const fileName = `leads-${tag}.csv`;
  await signIn(page, ADMIN);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
  await expect(page.getByRole("heading", { name: "Imports", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "New import" }).click();
  await expect(page.getByRole("heading", { name: "New import" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Import steps" }).getByRole("listitem").first()).toHaveAttribute(
    "aria-current",
    "step",
  );
  await expectAccessible(page);

  const url = await uploadFile(page, fileName, leadsCsv(tag), "e2e-fair");
  await expect(page.getByRole("heading", { name: new RegExp(`Import ${fileName}`) })).toBeVisible();
  const steps = page.getByRole("navigation", { name: "Import steps" });
  await expect(steps.getByRole("listitem").nth(1)).toHaveAttribute("aria-current", "step");
  await expect(page.getByLabel("Field for column Email")).toHaveValue("email");

  await page.getByRole("link", { name: "Next: Preview" }).click();
  await expect(page).toHaveURL(/step=preview/);
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("1");
  await expect(page.getByRole("group", { name: "Valid", exact: true })).toContainText("2");
  await expect(page.getByRole("link", { name: "cell.email_invalid" })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
  await expect(page.getByRole("link", { name: fileName })).toBeVisible();
  await page.getByRole("link", { name: fileName }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByRole("grid", { name: "Staged rows" })).toBeVisible();
});

test("the review rows read without JavaScript", async ({ browser }) => {
  // Upload with JavaScript, then read the pages in a context without it.
  const tag = uniqueTag();
  const withJs = await browser.newPage();
  await signIn(withJs, ADMIN);
  const url = await uploadFile(withJs, `nojs-${tag}.csv`, leadsCsv(tag));
  const cookies = await withJs.context().cookies();
  await withJs.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(`${url}?step=preview`);
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("1");
  await page.goto(`${url}?step=review`);
  const rows = page.getByRole("table", { name: "Staged rows" });
  await expect(rows.getByRole("row")).toHaveCount(4); // header + 3 rows
  await page.getByRole("link", { name: "Only errors" }).click();
  await expect(rows.getByRole("row")).toHaveCount(2);
  await expect(rows.getByRole("cell", { name: "not-an-email" })).toHaveAttribute("aria-invalid", "true");
  await page.goto(`${url}?step=mapping`);
  await expect(page.getByRole("table", { name: "Column mapping" })).toBeVisible();
  await context.close();
});
