// The first slice of the import wizard: upload a file, land on its review page, read the
// counts and filter the rows. Role and label locators only.
import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { ADMIN, signIn } from "./helpers";

/** A small CSV with one invalid email (row 3). */
function leadsCsv(tag: string): Buffer {
  const lines = [
    "First Name,Last Name,Email,Company",
    `Ada,Lovelace,ada.${tag}@example.com,Analytical Engines`,
    `Bob,Broken,not-an-email,Nowhere Ltd`,
    `Cleo,Clean,cleo.${tag}@example.org,Acme GmbH`,
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf-8");
}

test("a user uploads a CSV, reviews the counts and filters to the rows with errors", async ({ page }) => {
  const tag = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
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

  await page.getByLabel("File", { exact: true }).setInputFiles({ name: fileName, mimeType: "text/csv", buffer: leadsCsv(tag) });
  await page.getByLabel("Source").fill("e2e-fair");
  await page.getByRole("button", { name: "Upload and check" }).click();

  await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: new RegExp(`Review ${fileName}`) })).toBeVisible();
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("1");
  await expect(page.getByRole("group", { name: "Valid", exact: true })).toContainText("2");
  const mapping = page.getByRole("table", { name: "Column mapping" });
  await expect(mapping.getByRole("row", { name: /Email/ })).toContainText("email");

  const rows = page.getByRole("table", { name: "Staged rows" });
  await expect(rows.getByRole("row")).toHaveCount(4); // header + 3 rows

  await page.getByRole("link", { name: "Only errors" }).click();
  await expect(page).toHaveURL(/status=error/);
  await expect(rows.getByRole("row")).toHaveCount(2); // header + the one bad row
  const bad = rows.getByRole("cell", { name: "not-an-email" });
  await expect(bad).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Showing 1–1 of 1.")).toBeVisible();

  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
  await expect(page.getByRole("link", { name: fileName })).toBeVisible();
});

test("the review page reads without JavaScript", async ({ browser }) => {
  // Upload with JavaScript, then read the page in a context without it.
  const tag = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const withJs = await browser.newPage();
  await signIn(withJs, ADMIN);
  await withJs.goto("/imports/new");
  await withJs.getByLabel("File", { exact: true }).setInputFiles({ name: `nojs-${tag}.csv`, mimeType: "text/csv", buffer: leadsCsv(tag) });
  await withJs.getByRole("button", { name: "Upload and check" }).click();
  await expect(withJs).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
  const url = withJs.url();
  const cookies = await withJs.context().cookies();
  await withJs.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies(cookies);
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("1");
  await page.getByRole("link", { name: "Only errors" }).click();
  await expect(page.getByRole("table", { name: "Staged rows" }).getByRole("row")).toHaveCount(2);
  await context.close();
});
