// Server-rendered pages that only show data work with JavaScript disabled.
import { test, expect } from "@playwright/test";
import { ADMIN } from "./helpers";

test.use({ javaScriptEnabled: false });

test("without JavaScript a user signs in with the plain form and reads the users page", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers|\/login\?next=\/admin\/users/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: "member@acme.example", exact: true })).toBeVisible();
});

test("without JavaScript the upload form lands on the wizard, and a refused file comes back with why", async ({ page }) => {
  // The sign-in form sends the user back to the upload page it came from.
  await page.goto("/imports/new");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "New import" })).toBeVisible();
  const csv = `first_name,last_name,email\nNora,NoScript,nora-${Date.now()}@example.com\n`;
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "no-js.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}\?step=mapping$/);
  await expect(page.getByRole("heading", { name: "Mapping", exact: true })).toBeVisible();

  await page.goto("/imports/new");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page).toHaveURL(/\/imports\/new\?error=/);
  await expect(page.getByRole("alert").filter({ hasText: /empty/i })).toBeVisible();
});
