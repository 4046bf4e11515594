// Shared steps for the end-to-end tests: the seeded accounts, signing in, uploading a file
// through the wizard and the accessibility check every step must pass.
import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const ADMIN = { email: "admin@acme.example", password: "e2e-admin-password" };
export const MEMBER = { email: "member@acme.example", password: "e2e-member-password" };

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** A unique tag for file names and values, so parallel tests never meet. */
export function uniqueTag(): string {
  return `${Date.now()}${Math.floor(Math.random() * 100000)}`;
}

/** Uploads a file on /imports/new and waits for the Mapping step; returns the import's URL. */
export async function uploadFile(page: Page, name: string, buffer: Buffer, source?: string): Promise<string> {
  await page.goto("/imports/new");
  // Until the app has hydrated, a submit would be the plain HTML post of the form.
  await expect(page.locator("form.upload-form")).toHaveAttribute("data-ready", "true");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name, mimeType: "text/csv", buffer });
  if (source) await page.getByLabel("Source").fill(source);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}\?step=mapping$/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Mapping", exact: true })).toBeVisible();
  return page.url().replace(/\?.*$/, "");
}

/** Waits until the app has hydrated the review step: the rows are the editable grid. */
export async function openGrid(page: Page, url: string) {
  await page.goto(url);
  const grid = page.getByRole("grid", { name: "Staged rows" });
  await expect(grid).toBeVisible();
  await expect(grid).not.toHaveAttribute("aria-busy", "true");
  return grid;
}

/** No serious or critical axe-core violations on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`)).toEqual([]);
}
