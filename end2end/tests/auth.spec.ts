// Signing in and out, wrong passwords, and the admin-only page.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { ADMIN, MEMBER, signIn } from "./helpers";

test("an admin signs in, sees the app shell and signs out", async ({ page }) => {
  await signIn(page, ADMIN);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("link", { name: "Start a new import" })).toBeVisible();
  await expect(page.getByText("Acme GmbH").first()).toBeVisible();
  await expect(page.getByText(ADMIN.email).first()).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Lead Importer" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=/);
});

test("a wrong password shows a clear message and signs nobody in", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The email or password is not correct.");
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
});

test("a member cannot open the admin page", async ({ page }) => {
  await signIn(page, MEMBER);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
});

test("an admin adds a user who then appears in the list", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  const email = `new-${Date.now()}@acme.example`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("New Colleague");
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByLabel("Initial password").fill("a-long-password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toHaveText("User added.");
  await expect(page.getByRole("cell", { name: email, exact: true })).toBeVisible();
});

test("the login and home pages have no serious accessibility violations", async ({ page }) => {
  await page.goto("/login");
  const login = await new AxeBuilder({ page }).analyze();
  expect(login.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await signIn(page, ADMIN);
  const home = await new AxeBuilder({ page }).analyze();
  expect(home.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
});
