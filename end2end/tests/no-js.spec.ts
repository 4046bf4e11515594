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
