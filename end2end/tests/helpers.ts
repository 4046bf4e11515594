// Shared steps for the end-to-end tests: the seeded accounts and signing in.
import { expect, type Page } from "@playwright/test";

export const ADMIN = { email: "admin@acme.example", password: "e2e-admin-password" };
export const MEMBER = { email: "member@acme.example", password: "e2e-member-password" };

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}
