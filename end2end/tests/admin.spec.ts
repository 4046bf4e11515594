// The admin screens: users (add, change a role, deactivate: the member is signed out and
// cannot sign in again, activate), API tokens (create, shown once, works, revoked: refused
// at once), the audit log that records all of it; and an alias proposed from the grid by a
// member, approved by an admin, after which the same file passes. Each test makes its own
// user, token or spelling, so parallel tests never meet.
import { test, expect, type Browser } from "@playwright/test";
import { ADMIN, MEMBER, signIn, uniqueTag, uploadFile, openGrid, expectAccessible } from "./helpers";

async function signedIn(browser: Browser, who: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, who);
  return { context, page };
}

test("an admin adds a member, makes them admin and back, deactivates and activates them", async ({ page, browser }) => {
  const tag = uniqueTag();
  const email = `eve-${tag}@acme.example`;
  const password = `eve-password-${tag}`;
  await signIn(page, ADMIN);
  await page.goto("/admin/users");
  await expectAccessible(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(`Eve ${tag}`);
  await page.getByLabel("Initial password").fill(password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText("User added.");
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText("Active");

  // Eve signs in elsewhere; her session ends the moment she is deactivated.
  const eve = await signedIn(browser, { email, password });
  await page.getByLabel(`Role of ${email}`).selectOption("admin");
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("admin");
  await page.getByLabel(`Role of ${email}`).selectOption("member");
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("member");
  await page.getByRole("button", { name: `Deactivate ${email}` }).click();
  await expect(row).toContainText("Deactivated");
  expect((await eve.page.request.get("/api/me")).status()).toBe(401);
  await eve.page.goto("/login");
  await eve.page.getByLabel("Email").fill(email);
  await eve.page.getByLabel("Password").fill(password);
  await eve.page.getByRole("button", { name: "Sign in" }).click();
  await expect(eve.page.getByRole("alert")).toContainText("not correct");
  await page.getByRole("button", { name: `Activate ${email}` }).click();
  await expect(row).toContainText("Active");
  await expectAccessible(page);

  // The audit log shows what happened, filtered to user changes.
  await page.goto("/admin/audit");
  await page.getByLabel("Action starts with").selectOption("user.");
  await page.getByRole("button", { name: "Filter" }).click();
  const entries = page.getByRole("table", { name: "Audit log entries" });
  await expect(entries.getByRole("row").filter({ hasText: "user.update" }).first()).toContainText("active");
  await expect(entries.getByRole("row").filter({ hasText: "user.add" }).filter({ hasText: email })).toHaveCount(1);
  await expectAccessible(page);

  // Removing needs a confirmation.
  await page.goto("/admin/users");
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  await page.getByRole("button", { name: "Yes, remove" }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toHaveCount(0);
  await eve.context.close();
});

test("an admin creates a token, sees it once, uses it and revokes it", async ({ page, playwright }) => {
  const tag = uniqueTag();
  const name = `sync ${tag}`;
  await signIn(page, ADMIN);
  await page.goto("/admin/tokens");
  await expectAccessible(page);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = await page.getByLabel("Token", { exact: true }).inputValue();
  expect(secret).toMatch(/^li_/);
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(ADMIN.email);
  await expect(row).toContainText("never");

  const api = await playwright.request.newContext({ baseURL: process.env.BASE_URL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  expect((await api.get("/api/me")).status()).toBe(200);
  await page.reload();
  await expect(page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: name })).not.toContainText("never");
  // The secret is not on the page any more.
  await expect(page.getByLabel("Token", { exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  const refused = await api.get("/api/me");
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("auth.invalid_token");
  await api.dispose();
});

test("a member proposes an alias from the grid, an admin approves it, and the file passes", async ({ page, browser }) => {
  const tag = uniqueTag();
  const label = `Rückruf ${tag}`;
  const csv = `First Name,Last Name,Email,Status\nAda,Lovelace,ada-${tag}@example.com,${label}\nBob,Baker,bob-${tag}@example.com,${label}\n`;
  await signIn(page, MEMBER);
  const url = await uploadFile(page, `proposal-${tag}.csv`, Buffer.from(csv));
  const grid = await openGrid(page, `${url}?step=review`);
  const cell = grid.getByRole("gridcell", { name: new RegExp(label) }).first();
  await expect(cell).toHaveAttribute("aria-invalid", "true");
  await cell.dblclick();
  const editor = page.getByRole("textbox", { name: /row 2/ });
  await editor.fill("contacted");
  await editor.press("Enter");
  await expect(page.getByText("All changes saved.")).toBeVisible();
  await grid.getByRole("gridcell", { name: /contacted/ }).first().click();
  await page.getByRole("button", { name: "Propose as an alias" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Proposed." })).toBeVisible();

  const admin = await signedIn(browser, ADMIN);
  await admin.page.goto("/admin/rules");
  const proposals = admin.page.getByRole("table", { name: "Pending alias proposals" });
  const row = proposals.getByRole("row").filter({ hasText: label });
  await expect(row).toContainText("contacted");
  await expect(row).toContainText("1 row(s) in 1 import(s)");
  await expect(row).toContainText(MEMBER.email);
  await expectAccessible(admin.page);
  await row.getByRole("button", { name: /Approve and publish/ }).click();
  await expect(admin.page.getByRole("status").filter({ hasText: /published as version \d+/ })).toBeVisible();
  await expect(proposals.getByRole("row").filter({ hasText: label })).toHaveCount(0);
  await admin.context.close();

  // The same file from the same partner passes now.
  await uploadFile(page, `proposal-again-${tag}.csv`, Buffer.from(csv));
  const history = await (await page.request.get("/api/imports?limit=100")).json();
  const again = history.imports.find((i: { file: { name: string } }) => i.file.name === `proposal-again-${tag}.csv`);
  expect(again.stats.error_rows).toBe(0);
});

test("a member renames a preset, picks it on the upload step, and deletes it", async ({ page }) => {
  const tag = uniqueTag();
  await signIn(page, MEMBER);
  const created = await page.request.post("/api/mapping-presets", {
    data: { name: `Partner ${tag}`, source: `partner-${tag}`, mapping: { Kontakt: "first_name", Mail: "email", Feld7: "company" }, headers: ["Kontakt", "Mail", "Feld7"] },
  });
  expect(created.status()).toBe(201);
  await page.goto("/admin/presets");
  await expect(page.getByRole("heading", { name: `Partner ${tag}`, level: 2 })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel(`Name of Partner ${tag}`).fill(`Partner ${tag} v2`);
  await page.getByRole("button", { name: `Save changes to Partner ${tag}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // The picker offers it; a file from another source with these columns uses it.
  await page.goto("/imports/new");
  await expect(page.locator("form.upload-form")).toHaveAttribute("data-ready", "true");
  const picker = page.getByLabel("Mapping preset");
  await expect(picker.locator("option", { hasText: `Partner ${tag} v2` })).toHaveCount(1);
  await picker.selectOption({ label: `Partner ${tag} v2 — partner-${tag} (yours)` });
  await page.getByLabel("File", { exact: true }).setInputFiles({
    name: `picked-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(`Kontakt,Mail,Feld7\nAda,ada-${tag}@example.com,Acme\n`),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page).toHaveURL(/step=mapping$/, { timeout: 30_000 });
  await expect(page.getByText(`Partner ${tag} v2`).first()).toBeVisible();
  await expect(page.getByLabel("Field for column Feld7")).toHaveValue("company");

  await page.goto("/admin/presets");
  await page.getByRole("button", { name: `Delete Partner ${tag} v2` }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByRole("heading", { name: `Partner ${tag} v2` })).toHaveCount(0);
});
